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
	api.Route("GET", "/x", "functions/x.h", apigateway.StageName("v2")) // want `cannot use apigateway.StageName("v2") (value of interface type "github.com/stelvio-go/stelvio/aws/apigateway".Option) as "github.com/stelvio-go/stelvio/aws/function".Option value in argument to api.Route: "github.com/stelvio-go/stelvio/aws/apigateway".Option does not implement "github.com/stelvio-go/stelvio/aws/function".Option (missing method apply)`
}

func main() { _ = run }
