// Package golang is the Go runtime of stelvio.
//
// A Go handler string names a package directory and an exported function: "functions/hello.Hello" is
// func Hello in the Go package in functions/hello, which must be inside the Go module of the project.
// The function takes the API Gateway proxy event of aws-lambda-go, with or without a context:
//
//	func Hello(ctx context.Context, req events.APIGatewayProxyRequest) (events.APIGatewayProxyResponse, error)
//	func Hello(req events.APIGatewayProxyRequest) (events.APIGatewayProxyResponse, error)
//
// Types are compared as Go compares them, reading source only (no go command): an alias such as
// type Req = events.APIGatewayProxyRequest, declared in the handler's package or another package of
// the module, is the event type. As aws-lambda-go decodes the event's JSON into whatever the handler
// takes, a type defined from the event type (type Req events.APIGatewayProxyRequest) is accepted too,
// and the router converts to it; so are any and json.RawMessage for the handler of a function with one
// route, which lambda.Start runs as it is.
//
// stelvio generates the main package into <project>/.stelvio/gen/<function>/main.go (dot-folders are
// invisible to the user's ./... patterns): it imports the handler package and calls lambda.Start with the
// function, or with a generated router when the Lambda serves several routes. The package is the
// binary bootstrap, built with CGO_ENABLED=0, GOOS=linux, GOARCH of the function's architecture,
// -trimpath, -ldflags="-s -w" and -tags lambda.norpc, zipped alone for provided.al2023. The local server
// builds the same generated main for the host.
package golang
