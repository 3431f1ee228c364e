// Package devserver serves an app's APIs on the local machine the way API Gateway (REST, Lambda proxy
// integration) serves them on AWS, running the app's real handlers: no AWS, no containers.
//
// A request is matched against the route table (package route) as API Gateway matches resources — a
// literal segment beats {param}, which beats {proxy+}; ANY; a trailing slash is ignored; the path is
// matched as the client escaped it and path parameters are decoded once — and unknown paths or methods
// get API Gateway's 403 {"message":"Missing Authentication Token"}. A match becomes the proxy event API
// Gateway sends (resource, path, headers and multiValueHeaders with the names as the client spelled
// them, query strings, pathParameters, requestContext, body, isBase64Encoded, the body base64-encoded
// only for the API's binary media types), encoded with encoding/json, which is invoked on a warm worker of the
// function (package runtimeapi), over a pipe (or the Lambda Runtime API with Options.RuntimeAPI). The
// handler's response is mapped back
// as API Gateway maps it; a malformed response (including a 1xx status or a control character in a
// header value), a function error, a crash or a function timeout is a 502 {"message": "Internal server
// error"}, an integration running past 29 s a 504, a body over 10 MB or an event over Lambda's 6 MB a
// 413, a URL over 10,240 characters a 414 and header lines over 10,240 bytes a 431. A base64-encoded
// response is decoded only for a client whose first Accept type is one of the API's binary media types.
//
// Go handlers are built for the host and Python handlers run with the standard-library runtime loop of
// package pyloop. Changed sources are picked up by the next request: Python workers restart, Go handlers
// are rebuilt (compiler output is printed and the route answers 502 until the code compiles). On Linux
// the server learns of changes from inotify, one non-blocking read per request; elsewhere it stats the
// files its last walk of each function's sources saw.
//
// Run also answers Lambda's Invoke operation for the app's functions on a loopback port of its own
// (lambda.go), given to every worker as AWS_ENDPOINT_URL_LAMBDA: a handler invoking a function it is
// linked to with the AWS SDK runs that function on its own workers; a function it is not linked to
// answers AccessDeniedException, as the deployed function's role would get.
package devserver
