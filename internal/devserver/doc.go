// Package devserver serves an app's APIs on the local machine the way API Gateway (REST, Lambda proxy
// integration) serves them on AWS, running the app's real handlers: no AWS, no containers.
//
// A request is matched against the route table (package route) as API Gateway matches resources — a
// literal segment beats {param}, which beats {proxy+}; ANY; a trailing slash is ignored — and unknown
// paths or methods get API Gateway's 403 {"message":"Missing Authentication Token"}. A match becomes
// the proxy event API Gateway sends (resource, path, headers and multiValueHeaders, query strings,
// pathParameters, requestContext, body, isBase64Encoded), which is invoked on a warm worker of the
// function (package runtimeapi), over a pipe (or the Lambda Runtime API with Options.RuntimeAPI). The
// handler's response is mapped back
// as API Gateway maps it; a malformed response, a function error, a crash or a function timeout is a
// 502 {"message": "Internal server error"}, an integration running past 29 s a 504, and a body over
// 10 MB a 413.
//
// Go handlers are built for the host and Python handlers run with the standard-library runtime loop of
// package pyloop. Changed sources are picked up by the next request: Python workers restart, Go handlers
// are rebuilt (compiler output is printed and the route answers 502 until the code compiles). On Linux
// the server learns of changes from inotify, one non-blocking read per request; elsewhere it stats the
// files its last walk of each function's sources saw.
package devserver
