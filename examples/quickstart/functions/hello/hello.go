// Package hello holds the quickstart's Go handlers.
package hello

import (
	"context"
	"encoding/json"
	"net/http"

	"github.com/aws/aws-lambda-go/events"
)

type reply struct {
	Function       string            `json:"function"`
	PathParameters map[string]string `json:"pathParameters"`
	Method         string            `json:"method"`
	Greeting       string            `json:"greeting,omitempty"`
}

func respond(status int, r reply) (events.APIGatewayProxyResponse, error) {
	if r.PathParameters == nil {
		r.PathParameters = map[string]string{}
	}
	body, err := json.Marshal(r)
	if err != nil {
		return events.APIGatewayProxyResponse{}, err
	}
	return events.APIGatewayProxyResponse{
		StatusCode: status,
		Headers:    map[string]string{"Content-Type": "application/json"},
		Body:       string(body),
	}, nil
}

// Hello greets the name in the path.
func Hello(ctx context.Context, req events.APIGatewayProxyRequest) (events.APIGatewayProxyResponse, error) {
	return respond(http.StatusOK, reply{
		Function:       "hello.Hello",
		PathParameters: req.PathParameters,
		Method:         req.HTTPMethod,
		Greeting:       "hello, " + req.PathParameters["name"],
	})
}

// Any answers every method on /hello.
func Any(ctx context.Context, req events.APIGatewayProxyRequest) (events.APIGatewayProxyResponse, error) {
	return respond(http.StatusOK, reply{Function: "hello.Any", PathParameters: req.PathParameters, Method: req.HTTPMethod})
}
