// Command quickstart is the app of the README: a users and orders API with Python and Go handlers.
//
//	go run ./examples/quickstart dev     # serve it on http://127.0.0.1:3000
//	go run ./examples/quickstart plan    # list the AWS resources it becomes
package main

import (
	"os"
	"time"

	"github.com/stelvio-go/stelvio"
	"github.com/stelvio-go/stelvio/aws/apigateway"
	"github.com/stelvio-go/stelvio/aws/function"
)

func main() {
	os.Exit(App().Main(Run))
}

// App is the quickstart app.
func App() *stelvio.App { return stelvio.New("quickstart") }

// Run declares the quickstart's API.
func Run(ctx *stelvio.Context) error {
	api := apigateway.New(ctx, "my-api")

	// Single-file Python functions: the three users routes share one Lambda (functions/users.py)
	// with generated routing code; orders is a Lambda of its own.
	api.Route("GET", "/users", "functions/users.index")
	api.Route("GET", "/users/{id}", "functions/users.get")
	api.Route("POST", "/users", "functions/users.create")
	api.Route("GET", "/orders", "functions/orders.index")

	// A folder-based function: the whole functions/inventory folder is packaged.
	api.Route("GET", "/inventory", "functions/inventory::handler.index", function.Timeout(10*time.Second))
	api.Route("GET", "/inventory/{sku}", "functions/inventory::handler.get")

	// A Function made once, with its own configuration.
	reports := function.New(ctx, "reports", "functions/reports.handler", function.Memory(512))
	api.RouteFunction("GET", "/reports", reports)

	// A Go handler: the package functions/hello, built into a bootstrap binary.
	api.Route("GET,POST", "/hello/{name}", "functions/hello.Hello")
	api.Route("ANY", "/hello", "functions/hello.Any")
	return nil
}
