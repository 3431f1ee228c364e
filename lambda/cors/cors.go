// Package cors adds an API's CORS headers to a handler's response.
//
// API Gateway (REST, Lambda proxy integration) passes a handler's response to the browser untouched,
// so on a REST API the handler must add Access-Control-Allow-Origin (and, when the API allows them,
// Access-Control-Allow-Credentials and Access-Control-Expose-Headers) itself; the preflight OPTIONS
// answer and the gateway's own error answers already carry them.
// https://docs.aws.amazon.com/apigateway/latest/developerguide/how-to-cors.html
//
// stelvio gives every function of an API with CORS the configured values as environment variables
// (the Env* constants); Headers reads them, Apply adds them to a response:
//
//	func Handler(ctx context.Context, req events.APIGatewayProxyRequest) (events.APIGatewayProxyResponse, error) {
//		return cors.Apply(events.APIGatewayProxyResponse{StatusCode: 200, Body: "ok"}), nil
//	}
//
// A function of an API without CORS has none of the variables, and Apply changes nothing.
package cors

import (
	"os"
	"strings"

	"github.com/aws/aws-lambda-go/events"
)

// The environment variables stelvio sets on the functions of an API with CORS. A variable of a
// setting that is not configured is absent.
const (
	// EnvAllowOrigin is the allowed origin: "*" or one origin such as "https://app.example.com".
	EnvAllowOrigin = "STELVIO_CORS_ALLOW_ORIGIN"
	// EnvAllowMethods is the comma-separated list of allowed methods ("DELETE,GET,...").
	EnvAllowMethods = "STELVIO_CORS_ALLOW_METHODS"
	// EnvAllowHeaders is the comma-separated list of allowed request headers, or "*".
	EnvAllowHeaders = "STELVIO_CORS_ALLOW_HEADERS"
	// EnvAllowCredentials is "true" when credentials are allowed, absent otherwise.
	EnvAllowCredentials = "STELVIO_CORS_ALLOW_CREDENTIALS"
	// EnvExposeHeaders is the comma-separated list of response headers the browser may read.
	EnvExposeHeaders = "STELVIO_CORS_EXPOSE_HEADERS"
	// EnvMaxAge is the preflight cache time in seconds.
	EnvMaxAge = "STELVIO_CORS_MAX_AGE"
)

// Headers returns the CORS headers a handler's (non-preflight) response must carry, read from the
// environment; nil when the API has no CORS.
func Headers() map[string]string { return HeadersFrom(os.Getenv) }

// HeadersFrom is Headers with the variables read by getenv.
func HeadersFrom(getenv func(string) string) map[string]string {
	origin := getenv(EnvAllowOrigin)
	if origin == "" {
		return nil
	}
	h := map[string]string{"Access-Control-Allow-Origin": origin}
	if getenv(EnvAllowCredentials) == "true" {
		h["Access-Control-Allow-Credentials"] = "true"
	}
	if v := getenv(EnvExposeHeaders); v != "" {
		h["Access-Control-Expose-Headers"] = v
	}
	return h
}

// Apply returns resp with the CORS headers of Headers added; headers the handler set itself (in any
// letter case, in Headers or MultiValueHeaders) are kept.
func Apply(resp events.APIGatewayProxyResponse) events.APIGatewayProxyResponse {
	return ApplyFrom(os.Getenv, resp)
}

// ApplyFrom is Apply with the variables read by getenv.
func ApplyFrom(getenv func(string) string, resp events.APIGatewayProxyResponse) events.APIGatewayProxyResponse {
	h := HeadersFrom(getenv)
	if h == nil {
		return resp
	}
	headers := make(map[string]string, len(resp.Headers)+len(h))
	for k, v := range resp.Headers {
		headers[k] = v
	}
	for k, v := range h {
		if !hasKey(resp.Headers, k) && !hasKey(resp.MultiValueHeaders, k) {
			headers[k] = v
		}
	}
	resp.Headers = headers
	return resp
}

// hasKey reports whether m has the header name k, in any letter case.
func hasKey[V any](m map[string]V, k string) bool {
	for name := range m {
		if strings.EqualFold(name, k) {
			return true
		}
	}
	return false
}
