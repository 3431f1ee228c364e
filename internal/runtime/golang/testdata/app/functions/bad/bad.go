// Package bad has handlers stelvio rejects.
package bad

import (
	"context"

	"github.com/aws/aws-lambda-go/events"
)

func lower(ctx context.Context, req events.APIGatewayProxyRequest) (events.APIGatewayProxyResponse, error) {
	return events.APIGatewayProxyResponse{}, nil
}

// Wrong has a signature that is not a proxy handler.
func Wrong(name string) string { return name }

// Good is fine.
func Good(ctx context.Context, req events.APIGatewayProxyRequest) (events.APIGatewayProxyResponse, error) {
	return lower(ctx, req)
}
