// Package api has handlers for routing tests: ANY, multi-method, with and without a context.
package api

import (
	"context"
	"encoding/json"

	"github.com/aws/aws-lambda-go/events"
)

func reply(name string, req events.APIGatewayProxyRequest) (events.APIGatewayProxyResponse, error) {
	params := req.PathParameters
	if params == nil {
		params = map[string]string{}
	}
	body, err := json.Marshal(map[string]any{"function": name, "pathParameters": params})
	return events.APIGatewayProxyResponse{StatusCode: 200, Body: string(body)}, err
}

// Items answers any method on /items/{id}.
func Items(ctx context.Context, req events.APIGatewayProxyRequest) (events.APIGatewayProxyResponse, error) {
	return reply("api.Items", req)
}

// Read takes no context.
func Read(req events.APIGatewayProxyRequest) (events.APIGatewayProxyResponse, error) {
	return reply("api.Read", req)
}

// Write answers POST and PUT.
func Write(ctx context.Context, req events.APIGatewayProxyRequest) (events.APIGatewayProxyResponse, error) {
	return reply("api.Write", req)
}
