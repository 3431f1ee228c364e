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
	apigateway.New(ctx, "x", function.Memory(3)) // want `cannot use function.Memory(3) (constant 3 of int type "github.com/stelvio-go/stelvio/aws/function".Memory) as "github.com/stelvio-go/stelvio/aws/apigateway".Option value in argument to apigateway.New: "github.com/stelvio-go/stelvio/aws/function".Memory does not implement "github.com/stelvio-go/stelvio/aws/apigateway".Option (missing method applyHTTP)`
}

func main() { _ = run }
