// Command custom-domain is a todo API served on its own domain in every environment: prod on
// api.example.com, any other environment on {env}.api.example.com, so that environments never compete
// for one name. The records are created in a Route53 hosted zone.
//
//	go run ./examples/custom-domain plan          # the dev environment: dev.api.example.com
//	go run ./examples/custom-domain plan prod     # api.example.com
//	go run ./examples/custom-domain deploy prod
package main

import (
	"os"

	"github.com/stelvio-go/stelvio"
	"github.com/stelvio-go/stelvio/aws/apigateway"
	"github.com/stelvio-go/stelvio/aws/route53"
)

// Domain is the production domain of the API; the other environments get a subdomain of it.
const Domain = "api.example.com"

// ZoneID is the Route53 hosted zone that serves example.com.
const ZoneID = "Z0123456789ABCDEFGHIJ"

func main() {
	os.Exit(App().Main(Run))
}

// App is the app, with the DNS provider that creates the certificate's validation record and the API's
// record.
func App() *stelvio.App {
	// With Cloudflare serving example.com instead (its API token in CLOUDFLARE_API_TOKEN), import
	// github.com/stelvio-go/stelvio/cloudflare and write:
	//
	//	return stelvio.New("todo", cloudflare.Use("023e105f4ecef8ad9ca31a8372d0c353"))
	return stelvio.New("todo", route53.Use(ZoneID))
}

// DomainFor is the API's domain in environment env.
func DomainFor(env string) string {
	if env == "prod" {
		return Domain
	}
	return env + "." + Domain
}

// Run declares the todo API on the environment's domain.
func Run(ctx *stelvio.Context) error {
	api := apigateway.New(ctx, "todo-api", apigateway.DomainName(DomainFor(ctx.Env())))
	api.Route("GET", "/todos", "functions/todos.index")
	api.Route("POST", "/todos", "functions/todos.create")
	api.Route("GET", "/todos/{id}", "functions/todos.get")
	return nil
}
