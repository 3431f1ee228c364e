package function_test

import (
	"fmt"

	"github.com/stelvio-go/stelvio"
	"github.com/stelvio-go/stelvio/aws/apigateway"
	"github.com/stelvio-go/stelvio/aws/function"
)

// A function made on its own is one Lambda with its own configuration; pass it to as many routes as
// serve it. stelvio generates no routing code for it: its handler receives every request.
func ExampleNew() {
	table, err := stelvio.New("quickstart").Program(func(ctx *stelvio.Context) error {
		reports := function.New(ctx, "reports",
			function.Handler("functions/reports.handler"),
			function.Memory(512),
			function.Timeout(120),
			function.Environment(map[string]string{"REPORTS_BUCKET": "reports-" + ctx.Env()}),
		)
		api := apigateway.New(ctx, "my-api")
		api.Route("GET", "/reports", reports)
		api.Route("GET", "/reports/{id}", reports)
		return nil
	}).Load("dev", "../../examples/quickstart")
	if err != nil {
		fmt.Println(err)
		return
	}
	f := table.FunctionByName("reports")
	fmt.Println(f.Name, f.RuntimeID, f.Memory, f.Timeout, f.Environment["REPORTS_BUCKET"])
	fmt.Println("handler:", f.Entry, "routes:", len(f.Routes), "routing code:", f.NeedsRouter())
	// Output:
	// reports python3.12 512 120 reports-dev
	// handler: reports.handler routes: 2 routing code: false
}

// A folder-based function packages the whole folder; the handler is the file and function inside it.
// These two forms declare the same function.
func ExampleFolder() {
	table, err := stelvio.New("quickstart").Program(func(ctx *stelvio.Context) error {
		api := apigateway.New(ctx, "my-api")
		api.Route("GET", "/inventory", function.Folder("functions/inventory"), function.Handler("handler.index"), function.Architecture("arm64"))
		api.Route("GET", "/inventory/{sku}", "functions/inventory::handler.get")
		return nil
	}).Load("dev", "../../examples/quickstart")
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, f := range table.Functions {
		fmt.Println(f.Name, f.Dir, f.Architecture, f.Targets())
	}
	// Output:
	// functions-inventory functions/inventory arm64 [handler.get handler.index]
}

// A Go handler names the package directory and an exported function; it runs on provided.al2023.
func ExampleHandler() {
	table, err := stelvio.New("quickstart").Program(func(ctx *stelvio.Context) error {
		hello := function.New(ctx, "hello", function.Handler("functions/hello.Hello"), function.Architecture("arm64"))
		apigateway.New(ctx, "my-api").Route("GET", "/hello/{name}", hello)
		return nil
	}).Load("dev", "../../examples/quickstart")
	if err != nil {
		fmt.Println(err)
		return
	}
	f := table.Functions[0]
	fmt.Println(f.Name, f.Runtime, f.RuntimeID, f.Dir, f.Entry)
	// Output:
	// hello go provided.al2023 functions/hello Hello
}
