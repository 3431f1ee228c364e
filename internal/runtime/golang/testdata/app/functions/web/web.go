// Package web has the handlers of an HTTP API's routes for routing tests: full payload format 2.0
// responses with and without a context, and a plain value.
package web

import (
	"context"
	"encoding/json"

	"github.com/aws/aws-lambda-go/events"
)

func reply(name string, req events.APIGatewayV2HTTPRequest) (events.APIGatewayV2HTTPResponse, error) {
	params := req.PathParameters
	if params == nil {
		params = map[string]string{}
	}
	body, err := json.Marshal(map[string]any{"function": name, "pathParameters": params})
	return events.APIGatewayV2HTTPResponse{StatusCode: 200, Headers: map[string]string{"Content-Type": "application/json"}, Body: string(body)}, err
}

// Get answers GET /users and GET /users/{id}.
func Get(ctx context.Context, req events.APIGatewayV2HTTPRequest) (events.APIGatewayV2HTTPResponse, error) {
	return reply("web.Get", req)
}

// Create takes no context.
func Create(req events.APIGatewayV2HTTPRequest) (events.APIGatewayV2HTTPResponse, error) {
	return reply("web.Create", req)
}

// Fallback answers $default.
func Fallback(ctx context.Context, req events.APIGatewayV2HTTPRequest) (events.APIGatewayV2HTTPResponse, error) {
	return reply("web.Fallback", req)
}

// Plain returns a plain value, which API Gateway answers as a 200 JSON body.
func Plain(ctx context.Context, req events.APIGatewayV2HTTPRequest) (map[string]string, error) {
	return map[string]string{"function": "web.Plain", "routeKey": req.RouteKey}, nil
}
