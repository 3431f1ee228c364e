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
	function.New(ctx, "x", function.Memory(1)) // want `cannot use function.Memory(1) (constant 1 of int type "github.com/stelvio-go/stelvio/aws/function".Memory) as string value in argument to function.New`
}

func main() { _ = run }
