// Package broken parses but does not compile.
package broken

import (
	"context"

	"github.com/aws/aws-lambda-go/events"
)

// Handler uses an undefined name.
func Handler(ctx context.Context, req events.APIGatewayProxyRequest) (events.APIGatewayProxyResponse, error) {
	return events.APIGatewayProxyResponse{Body: missing}, nil
}
