// Package version is a Go handler linked to nothing: it reports what asking for a link gives.
package version

import (
	"context"
	"encoding/json"

	"github.com/aws/aws-lambda-go/events"

	"github.com/stelvio-go/stelvio/link"
)

// Handler answers the API's version and the error of asking for a table it is not linked to.
func Handler(ctx context.Context, req events.APIGatewayProxyRequest) (events.APIGatewayProxyResponse, error) {
	body := map[string]string{"version": "1"}
	if _, err := link.Table("todos"); err != nil {
		body["not_linked"] = err.Error()
	}
	b, err := json.Marshal(body)
	if err != nil {
		return events.APIGatewayProxyResponse{}, err
	}
	return events.APIGatewayProxyResponse{StatusCode: 200, Headers: map[string]string{"Content-Type": "application/json"}, Body: string(b)}, nil
}
