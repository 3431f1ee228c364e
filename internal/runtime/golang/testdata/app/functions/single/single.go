// Package single serves one route: no router is generated.
package single

import (
	"context"

	"github.com/aws/aws-lambda-go/events"
)

// Handler answers with its name.
func Handler(ctx context.Context, req events.APIGatewayProxyRequest) (events.APIGatewayProxyResponse, error) {
	return events.APIGatewayProxyResponse{StatusCode: 200, Body: `{"function":"single.Handler","pathParameters":{}}`}, nil
}
