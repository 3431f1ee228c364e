// Package golang is the Go runtime of stelvio.
//
// A Go handler string names a package directory and an exported function: "functions/hello.Hello" is
// func Hello in the Go package in functions/hello, which must be inside the Go module of the project.
// The function takes the API Gateway proxy event of aws-lambda-go, with or without a context:
//
//	func Hello(ctx context.Context, req events.APIGatewayProxyRequest) (events.APIGatewayProxyResponse, error)
//	func Hello(req events.APIGatewayProxyRequest) (events.APIGatewayProxyResponse, error)
//
// stelvio generates the main package into <project>/.stelvio/gen/<function>/main.go (dot-folders are
// invisible to the user's ./... patterns): it imports the handler package and calls lambda.Start with the
// function, or with a generated router when the Lambda serves several routes. The package is the
// binary bootstrap, built with CGO_ENABLED=0, GOOS=linux, GOARCH of the function's architecture,
// -trimpath, -ldflags="-s -w" and -tags lambda.norpc, zipped alone for provided.al2023. The local server
// builds the same generated main for the host.
package golang
