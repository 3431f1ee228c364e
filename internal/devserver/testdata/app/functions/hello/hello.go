// Package hello is a Go handler of the devserver test app.
package hello

import (
	"context"
	"encoding/json"
	"os"

	"github.com/aws/aws-lambda-go/events"
	"github.com/aws/aws-lambda-go/lambdacontext"
)

// Handler greets the caller.
func Handler(ctx context.Context, req events.APIGatewayProxyRequest) (events.APIGatewayProxyResponse, error) {
	lc, _ := lambdacontext.FromContext(ctx)
	name := req.PathParameters["name"]
	if name == "" {
		name = "world"
	}
	body, err := json.Marshal(map[string]any{
		"hello":     name,
		"resource":  req.Resource,
		"function":  lambdacontext.FunctionName,
		"requestId": lc.AwsRequestID != "",
		"method":    req.HTTPMethod,
		"region":    os.Getenv("AWS_REGION"),
		"version":   1,
	})
	if err != nil {
		return events.APIGatewayProxyResponse{}, err
	}
	return events.APIGatewayProxyResponse{
		StatusCode: 200,
		Headers:    map[string]string{"Content-Type": "application/json", "X-Handler": "go"},
		Body:       string(body),
	}, nil
}

// Panic fails the way a bug does.
func Panic(ctx context.Context, req events.APIGatewayProxyRequest) (events.APIGatewayProxyResponse, error) {
	var counts map[string]int
	counts[req.Path]++
	return events.APIGatewayProxyResponse{StatusCode: 200}, nil
}
