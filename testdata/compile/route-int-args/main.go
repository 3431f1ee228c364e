package main

import (
	"github.com/stelvio-go/stelvio"
	"github.com/stelvio-go/stelvio/aws/apigateway"
	"github.com/stelvio-go/stelvio/aws/function"
)

var (
	_ = apigateway.New
	_ = function.New
)

func run(ctx *stelvio.Context) {
	api := apigateway.New(ctx, "shop")
	api.Route(42, "/x", 3.14) // want `cannot use 42 (untyped int constant) as string value in argument to api.Route` `cannot use 3.14 (untyped float constant) as string value in argument to api.Route`
}

func main() { _ = run }
