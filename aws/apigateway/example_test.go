package apigateway_test

import (
	"fmt"
	"strings"
	"time"

	"github.com/stelvio-go/stelvio"
	"github.com/stelvio-go/stelvio/aws/apigateway"
	"github.com/stelvio-go/stelvio/aws/function"
	"github.com/stelvio-go/stelvio/aws/route53"
	"github.com/stelvio-go/stelvio/internal/app"
	"github.com/stelvio-go/stelvio/internal/route"
)

// resolve runs an app's run function on the quickstart project, as `stelvio plan` and `stelvio dev`
// do, and returns the route table it becomes.
func resolve(a *stelvio.App, env string, run func(ctx *stelvio.Context) error) *route.Table {
	table, err := app.ProgramOf(a, run).Load(env, "../../examples/quickstart")
	if err != nil {
		fmt.Println(err)
		return &route.Table{}
	}
	return table
}

// printRoutes prints each route with the Lambda function that serves it and the handler it calls.
func printRoutes(t *route.Table) {
	for _, api := range t.Apis {
		for _, r := range api.Routes {
			fmt.Printf("%-8s %-16s -> %s calls %s\n", strings.Join(r.Methods, ","), r.Path, r.Function.Name, r.Target)
		}
	}
}

// An API with single-file Python handlers: the routes to functions/users.py share one Lambda, which
// gets generated routing code; functions/orders.py is a Lambda of its own.
func Example() {
	table := resolve(stelvio.New("quickstart"), "dev", func(ctx *stelvio.Context) error {
		api := apigateway.New(ctx, "my-api")
		api.Route("GET", "/users", "functions/users.index")
		api.Route("GET", "/users/{id}", "functions/users.get")
		api.Route("POST", "/users", "functions/users.create")
		api.Route("GET", "/orders", "functions/orders.index")
		return nil
	})
	printRoutes(table)
	for _, f := range table.Functions {
		fmt.Printf("%s: %d routes, routing code %t\n", f.Name, len(f.Routes), f.NeedsRouter())
	}
	// Output:
	// GET      /users           -> functions-users calls users.index
	// GET      /users/{id}      -> functions-users calls users.get
	// POST     /users           -> functions-users calls users.create
	// GET      /orders          -> functions-orders calls orders.index
	// functions-users: 3 routes, routing code true
	// functions-orders: 1 routes, routing code false
}

// The method is one verb in any case, several joined by commas, or any method ("ANY" or "*");
// "/users/" is the same path as "/users".
func ExampleApi_Route_methods() {
	table := resolve(stelvio.New("quickstart"), "dev", func(ctx *stelvio.Context) error {
		api := apigateway.New(ctx, "my-api")
		api.Route("get", "/users/", "functions/users.index")
		api.Route("POST,put", "/users/{id}", "functions/users.get")
		api.Route("*", "/hello", "functions/hello.Any")
		api.Route("ANY", "/files/{proxy+}", "functions/orders.index")
		return nil
	})
	for _, r := range table.Apis[0].Routes {
		fmt.Println(r)
	}
	// Output:
	// GET /users
	// POST,PUT /users/{id}
	// ANY /hello
	// ANY /files/{proxy+}
}

// A folder-based function packages the whole folder: the handler names the folder before "::", or the
// folder is given with function.Folder and the handler is the file and function inside it. Both routes
// here are served by the one functions-inventory Lambda.
func ExampleApi_Route_folder() {
	table := resolve(stelvio.New("quickstart"), "dev", func(ctx *stelvio.Context) error {
		api := apigateway.New(ctx, "my-api")
		api.Route("GET", "/inventory", "functions/inventory::handler.index")
		api.Route("GET", "/inventory/{sku}", "handler.get", function.Folder("functions/inventory"))
		return nil
	})
	printRoutes(table)
	f := table.Functions[0]
	fmt.Println(len(table.Functions), "function, packaging", f.Dir, "whole:", f.FolderBased)
	// Output:
	// GET      /inventory       -> functions-inventory calls handler.index
	// GET      /inventory/{sku} -> functions-inventory calls handler.get
	// 1 function, packaging functions/inventory whole: true
}

// Options after the handler configure the Lambda that serves the route. Routes whose handlers are in
// the same file share that Lambda, so its configuration is given on one of them.
func ExampleApi_Route_options() {
	table := resolve(stelvio.New("quickstart"), "dev", func(ctx *stelvio.Context) error {
		api := apigateway.New(ctx, "my-api")
		api.Route("GET", "/users", "functions/users.index")
		api.Route("POST", "/users", "functions/users.create",
			function.Memory(256),
			function.Timeout(10*time.Second),
			function.ARM64,
			function.Env("TABLE", "users-"+ctx.Env()),
		)
		return nil
	})
	f := table.Functions[0]
	fmt.Println(f.Name, f.Memory, "MB", f.Timeout, "s", f.Architecture, f.Environment["TABLE"], len(f.Routes), "routes")
	// Output:
	// functions-users 256 MB 10 s arm64 users-dev 2 routes
}

// A function.Config is an option too, for configuration kept in one value; options after it change it.
func ExampleApi_Route_config() {
	base := function.Config{Memory: 512, Timeout: 30 * time.Second, Environment: map[string]string{"LEVEL": "info"}}
	table := resolve(stelvio.New("quickstart"), "dev", func(ctx *stelvio.Context) error {
		api := apigateway.New(ctx, "my-api")
		api.Route("GET", "/orders", "functions/orders.index", base)
		api.Route("GET", "/reports", "functions/reports.handler", base, function.Env("LEVEL", "debug"))
		return nil
	})
	for _, f := range table.Functions {
		fmt.Println(f.Name, f.Memory, "MB", f.Timeout, "s", f.Environment["LEVEL"])
	}
	// Output:
	// functions-orders 512 MB 30 s info
	// functions-reports 512 MB 30 s debug
}

// A Go handler names the package directory and an exported function; the package is built into a
// bootstrap binary for provided.al2023.
func ExampleApi_Route_go() {
	table := resolve(stelvio.New("quickstart"), "dev", func(ctx *stelvio.Context) error {
		api := apigateway.New(ctx, "my-api")
		api.Route("GET,POST", "/hello/{name}", "functions/hello.Hello")
		api.Route("ANY", "/hello", "functions/hello.Any")
		return nil
	})
	printRoutes(table)
	f := table.Functions[0]
	fmt.Println(f.Name, f.RuntimeID, f.Dir)
	// Output:
	// GET,POST /hello/{name}    -> functions-hello calls Hello
	// ANY      /hello           -> functions-hello calls Any
	// functions-hello provided.al2023 functions/hello
}

// A function made with function.New is one Lambda with its own configuration, for as many routes as
// it serves; its handler receives all of their requests (no routing code is generated).
func ExampleApi_RouteFunction() {
	table := resolve(stelvio.New("quickstart"), "dev", func(ctx *stelvio.Context) error {
		reports := function.New(ctx, "reports", "functions/reports.handler", function.Memory(512))
		api := apigateway.New(ctx, "my-api")
		api.RouteFunction("GET", "/reports", reports)
		api.RouteFunction("GET,DELETE", "/reports/{id}", reports)
		return nil
	})
	printRoutes(table)
	f := table.Functions[0]
	fmt.Println(f.Name, f.Memory, "MB, routing code:", f.NeedsRouter())
	// Output:
	// GET      /reports         -> reports calls reports.handler
	// DELETE,GET /reports/{id}    -> reports calls reports.handler
	// reports 512 MB, routing code: false
}

// An edge-optimized API on stage "prod", served on a custom domain whose records Route 53 creates.
func ExampleNew() {
	a := stelvio.New("quickstart", route53.Use("Z0123456789"))
	table := resolve(a, "staging", func(ctx *stelvio.Context) error {
		domain := "api.example.com"
		if ctx.Env() != "prod" {
			domain = ctx.Env() + ".api.example.com"
		}
		api := apigateway.New(ctx, "my-api", apigateway.Edge, apigateway.StageName("prod"), apigateway.DomainName(domain))
		api.Route("GET", "/users", "functions/users.index")
		return nil
	})
	api := table.Apis[0]
	fmt.Println(api.Name, api.EndpointType, api.StageName, api.DomainName)
	// Output:
	// my-api EDGE prod staging.api.example.com
}

// Bodies of the binary media types reach handlers base64-encoded; a type given twice counts once.
func ExampleBinaryMediaTypes() {
	table := resolve(stelvio.New("quickstart"), "dev", func(ctx *stelvio.Context) error {
		api := apigateway.New(ctx, "my-api", apigateway.BinaryMediaTypes("image/png", "application/pdf", "image/png"))
		api.Route("POST", "/orders", "functions/orders.index")
		return nil
	})
	fmt.Println(table.Apis[0].BinaryMediaTypes)
	// Output:
	// [image/png application/pdf]
}
