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
	api.RouteFunction("GET", "/x", "functions/x.h") // want `cannot use "functions/x.h" (untyped string constant) as *"github.com/stelvio-go/stelvio/aws/function".Function value in argument to api.RouteFunction`
}

func main() { _ = run }
