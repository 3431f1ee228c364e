package apigateway_test

import (
	"fmt"
	"strings"

	"github.com/stelvio-go/stelvio"
	"github.com/stelvio-go/stelvio/aws/apigateway"
	"github.com/stelvio-go/stelvio/aws/function"
	"github.com/stelvio-go/stelvio/aws/route53"
)

// An API with single-file Python handlers: the routes to functions/users.py share one Lambda, which
// gets generated routing code; functions/orders.py is a Lambda of its own.
func Example() {
	app := stelvio.New("quickstart")
	table, err := app.Program(func(ctx *stelvio.Context) error {
		api := apigateway.New(ctx, "my-api")
		api.Route("GET", "/users", "functions/users.index")
		api.Route("GET", "/users/{id}", "functions/users.get")
		api.Route("POST", "/users", "functions/users.create")
		api.Route("GET", "/orders", "functions/orders.index")
		return nil
	}).Load("dev", "../../examples/quickstart")
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, r := range table.Apis[0].Routes {
		fmt.Printf("%-4s %-12s -> %s calls %s\n", strings.Join(r.Methods, ","), r.Path, r.Function.Name, r.Target)
	}
	for _, f := range table.Functions {
		fmt.Printf("%s: %d routes, routing code %t\n", f.Name, len(f.Routes), f.NeedsRouter())
	}
	// Output:
	// GET  /users       -> functions-users calls users.index
	// GET  /users/{id}  -> functions-users calls users.get
	// POST /users       -> functions-users calls users.create
	// GET  /orders      -> functions-orders calls orders.index
	// functions-users: 3 routes, routing code true
	// functions-orders: 1 routes, routing code false
}

// The method is one verb in any case, a list, or any method ("ANY" or "*"); "/users/" is the same
// path as "/users".
func ExampleApi_Route_methods() {
	table, err := stelvio.New("quickstart").Program(func(ctx *stelvio.Context) error {
		api := apigateway.New(ctx, "my-api")
		api.Route("get", "/users/", "functions/users.index")
		api.Route([]string{"POST", "put"}, "/users/{id}", "functions/users.get")
		api.Route("*", "/hello", "functions/hello.Any")
		api.Route("GET", "/files/{proxy+}", "functions/orders.index")
		return nil
	}).Load("dev", "../../examples/quickstart")
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, r := range table.Apis[0].Routes {
		fmt.Println(r)
	}
	// Output:
	// GET /users
	// POST,PUT /users/{id}
	// ANY /hello
	// GET /files/{proxy+}
}

// A function is configured with options on the route, with a function.Config, with a map like the
// guide's configuration dict (the folder key is "src"), or as a function.New value.
func ExampleApi_Route_configuration() {
	table, err := stelvio.New("quickstart").Program(func(ctx *stelvio.Context) error {
		api := apigateway.New(ctx, "my-api")
		api.Route("GET", "/users", "functions/users.index", function.Memory(256), function.Timeout(30))
		api.Route("GET", "/orders", function.Config{Handler: "functions/orders.index", Memory: 512})
		api.Route("GET", "/inventory", map[string]any{"src": "functions/inventory", "handler": "handler.index", "timeout": 10})
		api.Route("GET", "/inventory/{sku}", function.Folder("functions/inventory"), function.Handler("handler.get"))
		return nil
	}).Load("dev", "../../examples/quickstart")
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, f := range table.Functions {
		fmt.Printf("%s: %d MB, %d s, %d routes\n", f.Name, f.Memory, f.Timeout, len(f.Routes))
	}
	// Output:
	// functions-users: 256 MB, 30 s, 1 routes
	// functions-orders: 512 MB, 60 s, 1 routes
	// functions-inventory: 128 MB, 10 s, 2 routes
}

// An edge-optimized API on stage "prod", served on a custom domain whose records Route 53 creates.
func ExampleNew() {
	app := stelvio.New("quickstart", route53.Use("Z0123456789"))
	table, err := app.Program(func(ctx *stelvio.Context) error {
		domain := "api.example.com"
		if ctx.Env() != "prod" {
			domain = ctx.Env() + ".api.example.com"
		}
		api := apigateway.New(ctx, "my-api", apigateway.Edge, apigateway.StageName("prod"), apigateway.DomainName(domain))
		api.Route("GET", "/users", "functions/users.index")
		return nil
	}).Load("staging", "../../examples/quickstart")
	if err != nil {
		fmt.Println(err)
		return
	}
	api := table.Apis[0]
	fmt.Println(api.Name, api.EndpointType, api.StageName, api.DomainName)
	// Output:
	// my-api EDGE prod staging.api.example.com
}
