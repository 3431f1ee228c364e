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
	api.Route([]string{"GET"}, "/x", "functions/x.h") // want `cannot use []string{…} (value of type []string) as string value in argument to api.Route`
}

func main() { _ = run }
