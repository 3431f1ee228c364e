// Package runtimeapi runs Lambda functions on the local machine with the same protocol AWS uses: the
// Lambda Runtime API (GET /2018-06-01/runtime/invocation/next, POST .../invocation/{id}/response,
// .../invocation/{id}/error and .../runtime/init/error).
//
// A Server is the Runtime API of one execution environment; it knows nothing about processes, so a test
// can start any runtime (an aws-lambda-go binary, the Python loop of package pyloop) against it and call
// Invoke. A Pool is one function: it starts worker processes, each with its own Server and the
// environment variables Lambda sets, keeps them warm between invocations, bounds how many run at once
// (further invocations queue), enforces the function timeout, replaces workers that crash or time out,
// and kills every worker's process group when it is closed.
//
// A Pool with Config.Pipe reaches its workers over two pipes instead (PipeEnv): one write and one read
// per invocation on each side instead of two HTTP exchanges, with the same deadlines, timeouts, error
// documents and crash handling. The worker side is package golang/devloop for Go, which runs each
// invocation through aws-lambda-go's lambda.Function.Invoke, and the Python loop of package pyloop.
//
// Everything listens on 127.0.0.1 only.
package runtimeapi
