// Package main is a program the compiler accepts: every declaration form of the guide, so that the
// rejected programs next to it fail for their one mistake only.
package main

import (
	"os"
	"time"

	"github.com/stelvio-go/stelvio"
	"github.com/stelvio-go/stelvio/aws/apigateway"
	"github.com/stelvio-go/stelvio/aws/function"
)

func main() {
	os.Exit(stelvio.New("shop").Main(func(ctx *stelvio.Context) error {
		api := apigateway.New(ctx, "shop", apigateway.Regional, apigateway.StageName("v2"), apigateway.BinaryMediaTypes("image/png"))
		api.Route("GET", "/users", "functions/users.index")
		api.Route("GET,POST", "/orders", "functions/orders::handler.index", function.Memory(256), function.Timeout(10*time.Second))
		api.Route("ANY", "/inventory", "handler.index", function.Folder("functions/inventory"), function.ARM64, function.Python312)
		api.Route("*", "/config", "functions/config.index", function.Config{Memory: 512, Environment: map[string]string{"LEVEL": "info"}})
		reports := function.New(ctx, "reports", "functions/reports.handler", function.Env("LEVEL", "debug"),
			function.EnvOutput("BUCKET", ctx.Output("bucket", "local")),
			function.Permissions(function.Statement{Actions: []string{"s3:GetObject"}, Resources: []string{"*"}}))
		api.RouteFunction("GET", "/reports", reports)
		return nil
	}))
}
