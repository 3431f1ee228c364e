// Package admin is the REQUEST authorizer of GET /admin: the X-Api-Key header "admin-key" is allowed,
// any other key is denied, and a request without one never reaches it (401).
package admin

import (
	"context"

	"github.com/aws/aws-lambda-go/events"
)

// Authorize decides a request to GET /admin.
func Authorize(ctx context.Context, req events.APIGatewayCustomAuthorizerRequestTypeRequest) (events.APIGatewayCustomAuthorizerResponse, error) {
	effect := "Deny"
	if req.Headers["X-Api-Key"] == "admin-key" {
		effect = "Allow"
	}
	return events.APIGatewayCustomAuthorizerResponse{
		PrincipalID: "admin",
		PolicyDocument: events.APIGatewayCustomAuthorizerPolicy{
			Version: "2012-10-17",
			Statement: []events.IAMPolicyStatement{{
				Action:   []string{"execute-api:Invoke"},
				Effect:   effect,
				Resource: []string{req.MethodArn},
			}},
		},
		Context: map[string]any{"role": "admin", "level": 3},
	}, nil
}
