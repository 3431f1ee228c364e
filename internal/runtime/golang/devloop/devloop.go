// Package devloop is the worker side of the local server's pipe transport for Go handlers.
//
// The local server builds each Go function for the host with this package's loop.go copied into the
// generated main package (build tag stelvio.dev). Started by the server, the worker reads invocations
// from a pipe and answers on another, running each through aws-lambda-go's own invoke path
// (lambda.Function.Invoke: deadline context, lambdacontext, trace ID, error and panic documents), so
// one invocation costs one write and one read on each side instead of two HTTP exchanges with the
// Runtime API. Started any other way, the same binary calls lambda.Start and speaks the Runtime API.
// The server side is internal/runtimeapi's pipe worker.
package devloop

import _ "embed"

// Source is loop.go, the code copied into generated main packages.
//
//go:embed loop.go
var Source string

// Start runs handler as the generated main package does; test workers call it.
func Start(handler any) { start(handler) }
