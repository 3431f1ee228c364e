// Package plain holds the http-api example's Go handler.
package plain

import (
	"context"

	"github.com/aws/aws-lambda-go/events"
)

// Greeting is what GET /plain returns.
type Greeting struct {
	// Message is a fixed greeting.
	Message string `json:"message"`
	// Path is the request's path (rawPath of the event).
	Path string `json:"path"`
}

// Plain returns a plain value, not an events.APIGatewayV2HTTPResponse: an HTTP API answers 200 with
// it as application/json.
func Plain(ctx context.Context, req events.APIGatewayV2HTTPRequest) (Greeting, error) {
	return Greeting{Message: "hello", Path: req.RawPath}, nil
}
