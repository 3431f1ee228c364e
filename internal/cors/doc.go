// Package cors is the CORS configuration of a REST API and the answers API Gateway (REST, v1) gives
// with it, as the local server must give them.
//
// A REST API has no CORS setting of its own: CORS is an OPTIONS method with a MOCK integration on each
// resource (the preflight answer, static headers), the same headers on the DEFAULT_4XX and
// DEFAULT_5XX gateway responses (so that the gateway's own errors — 403 Missing Authentication Token,
// the authorizers' 401 and 403, 413, 502, 504 — reach the browser), and, with the Lambda proxy
// integration, the handler's own headers on every other response: API Gateway passes a handler's
// response through untouched.
// https://docs.aws.amazon.com/apigateway/latest/developerguide/how-to-cors.html
//
// Because the headers are static, a REST API can allow one origin or "*", never a list: Validate
// refuses a list with a message that says so.
//
// The handler side: Config.Environment gives the values to the handlers as environment variables
// (STELVIO_CORS_ALLOW_ORIGIN, ...), and two one-call helpers add the headers to a handler's response:
// the Go package github.com/stelvio-go/stelvio/lambda/cors and the Python module PythonModule
// (stelvio_cors.py).
package cors
