package function_test

import (
	"fmt"
	"time"

	"github.com/stelvio-go/stelvio"
	"github.com/stelvio-go/stelvio/aws/apigateway"
	"github.com/stelvio-go/stelvio/aws/function"
	"github.com/stelvio-go/stelvio/internal/app"
	"github.com/stelvio-go/stelvio/internal/route"
)

// resolve runs a run function on the quickstart project, as `stelvio plan` and `stelvio dev` do, and
// returns the route table it becomes.
func resolve(run func(ctx *stelvio.Context) error) *route.Table {
	table, err := app.ProgramOf(stelvio.New("quickstart"), run).Load("dev", "../../examples/quickstart")
	if err != nil {
		fmt.Println(err)
		return &route.Table{}
	}
	return table
}

// A function made on its own is one Lambda with its own configuration; pass it to as many routes as
// serve it. stelvio generates no routing code for it: its handler receives every request.
func ExampleNew() {
	table := resolve(func(ctx *stelvio.Context) error {
		reports := function.New(ctx, "reports", "functions/reports.handler",
			function.Memory(512),
			function.Timeout(2*time.Minute),
			function.Env("REPORTS_BUCKET", "reports-"+ctx.Env()),
		)
		api := apigateway.New(ctx, "my-api")
		api.RouteFunction("GET", "/reports", reports)
		api.RouteFunction("GET", "/reports/{id}", reports)
		fmt.Println(reports.Name(), reports.Handler())
		return nil
	})
	f := table.FunctionByName("reports")
	fmt.Println(f.Name, f.RuntimeID, f.Memory, f.Timeout, f.Environment["REPORTS_BUCKET"])
	fmt.Println("handler:", f.Entry, "routes:", len(f.Routes), "routing code:", f.NeedsRouter())
	// Output:
	// reports functions/reports.handler
	// reports python3.12 512 120 reports-dev
	// handler: reports.handler routes: 2 routing code: false
}

// A folder-based function packages the whole folder; the handler is the file and function inside it.
// Folder and the "folder::file.function" handler declare the same function.
func ExampleFolder() {
	table := resolve(func(ctx *stelvio.Context) error {
		api := apigateway.New(ctx, "my-api")
		api.Route("GET", "/inventory", "handler.index", function.Folder("functions/inventory"), function.ARM64)
		api.Route("GET", "/inventory/{sku}", "functions/inventory::handler.get")
		return nil
	})
	for _, f := range table.Functions {
		fmt.Println(f.Name, f.Dir, f.Architecture, f.Targets())
	}
	// Output:
	// functions-inventory functions/inventory arm64 [handler.get handler.index]
}

// A Config holds a whole configuration in one value and is an Option itself: share it between
// functions, and change it with options given after it.
func ExampleConfig() {
	small := function.Config{Memory: 256, Timeout: 10 * time.Second, Architecture: function.ARM64}
	table := resolve(func(ctx *stelvio.Context) error {
		function.New(ctx, "orders", "functions/orders.index", small)
		function.New(ctx, "reports", "functions/reports.handler", small, function.Memory(1024))
		return nil
	})
	for _, f := range table.Functions {
		fmt.Println(f.Name, f.Memory, f.Timeout, f.Architecture)
	}
	// Output:
	// orders 256 10 arm64
	// reports 1024 10 arm64
}

// A Go handler names the package directory and an exported function; it runs on provided.al2023. The
// runtime is detected from the files; GoAL2023 and Python312 set it when both a .py file and a Go
// package of the name exist.
func ExampleGoAL2023() {
	table := resolve(func(ctx *stelvio.Context) error {
		hello := function.New(ctx, "hello", "functions/hello.Hello", function.GoAL2023, function.ARM64)
		apigateway.New(ctx, "my-api").RouteFunction("GET", "/hello/{name}", hello)
		return nil
	})
	f := table.Functions[0]
	fmt.Println(f.Name, f.Runtime, f.RuntimeID, f.Architecture, f.Dir, f.Entry)
	// Output:
	// hello go provided.al2023 arm64 functions/hello Hello
}

// Environment variables: one at a time with Env, several with Environment, and values known only at
// deploy time (a bucket made with the extend package) with EnvOutput. Under dev and in offline plans
// an output has its dev value.
func ExampleEnvOutput() {
	table := resolve(func(ctx *stelvio.Context) error {
		bucket := ctx.Output("uploads-bucket", "local-uploads")
		function.New(ctx, "reports", "functions/reports.handler",
			function.Env("LEVEL", "info"),
			function.Environment(map[string]string{"REGION_NAME": "eu", "TZ": "UTC"}),
			function.EnvOutput("BUCKET", bucket),
		)
		return nil
	})
	f := table.Functions[0]
	fmt.Println(f.Environment)
	o := f.Outputs["BUCKET"]
	fmt.Println("BUCKET:", o.Name, "dev value", o.Dev)
	// Output:
	// map[LEVEL:info REGION_NAME:eu TZ:UTC]
	// BUCKET: uploads-bucket dev value local-uploads
}

// Permissions adds IAM statements to the function's role.
func ExamplePermissions() {
	table := resolve(func(ctx *stelvio.Context) error {
		function.New(ctx, "reports", "functions/reports.handler", function.Permissions(
			function.Statement{Actions: []string{"s3:GetObject", "s3:PutObject"}, Resources: []string{"arn:aws:s3:::reports/*"}},
			function.Statement{Actions: []string{"ses:SendEmail"}, Resources: []string{"*"}},
		))
		return nil
	})
	for _, st := range table.Functions[0].Permissions {
		fmt.Println(st.Actions, "on", st.Resources)
	}
	// Output:
	// [s3:GetObject s3:PutObject] on [arn:aws:s3:::reports/*]
	// [ses:SendEmail] on [*]
}

// Memory and Timeout given explicitly are checked as given: 0 is refused, not taken as the default,
// and a timeout is a whole number of seconds.
func ExampleMemory() {
	_, err := app.ProgramOf(stelvio.New("quickstart"), func(ctx *stelvio.Context) error {
		function.New(ctx, "reports", "functions/reports.handler", function.Memory(0), function.Timeout(1500*time.Millisecond))
		return nil
	}).Load("dev", "../../examples/quickstart")
	fmt.Println(err)
	// Output:
	// 2 problems in the app:
	//   example_test.go:140: function "reports": memory 0 MB is out of range; Lambda allows 128 to 10240 MB
	//   example_test.go:140: function "reports": timeout 1.5s is not a whole number of seconds; Lambda counts timeouts in seconds, e.g. function.Timeout(30 * time.Second)
}
