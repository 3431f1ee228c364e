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
	fn := function.New(ctx, "x", "functions/x.h")
	api.RouteFunction("GET", "/x", fn, function.Memory(256)) // want "too many arguments in call to api.RouteFunction\n\thave (string, string, *\"github.com/stelvio-go/stelvio/aws/function\".Function, \"github.com/stelvio-go/stelvio/aws/function\".Memory)\n\twant (string, string, *\"github.com/stelvio-go/stelvio/aws/function\".Function)"
}

func main() { _ = run }
