// Command invoke is an app whose handlers invoke another of its functions with the Lambda API: a
// Python function no route uses (functions/summarize.py) is linked to a Go handler, which invokes it
// with aws-sdk-go-v2, and to a Python handler, which invokes it with boto3. A link grants the invoking
// function's role lambda:InvokeFunction on the linked one and gives it the function's name and ARN;
// under dev the SDKs reach dev's local Lambda endpoint, with no AWS account.
//
//	go run ./examples/invoke dev     # serve it on http://127.0.0.1:3000
//	go run ./examples/invoke plan    # list the AWS resources it becomes
package main

import (
	"os"

	"github.com/stelvio-go/stelvio"
	"github.com/stelvio-go/stelvio/aws/apigateway"
	"github.com/stelvio-go/stelvio/aws/function"
)

func main() {
	os.Exit(App().Main(Run))
}

// App is the invoke app.
func App() *stelvio.App { return stelvio.New("invoke") }

// Run declares the function the handlers invoke and the API.
func Run(ctx *stelvio.Context) error {
	summarize := function.New(ctx, "summarize", "functions/summarize.handler")
	api := apigateway.New(ctx, "invoke-api")
	// Go (the package functions/summary) and Python (functions/digest.py), both linked to summarize.
	api.Route("GET", "/summary", "functions/summary.Get", function.Link(summarize))
	api.Route("GET", "/digest", "functions/digest.handler", function.Link(summarize))
	// Python, linked to nothing: its role may not invoke summarize.
	api.Route("GET", "/unlinked", "functions/unlinked.handler")
	return nil
}
