// Package version is a Go handler linked to nothing: it reports what asking for a link gives, and
// what reading a table it is not linked to gives.
package version

import (
	"context"
	"encoding/json"
	"errors"

	"github.com/aws/aws-lambda-go/events"
	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
	"github.com/aws/smithy-go"

	"github.com/stelvio-go/stelvio/link"
)

// Handler answers the API's version and the error of asking for a table it is not linked to. With
// ?table=NAME it also tries to read an item of that table: without a link, AWS refuses it.
func Handler(ctx context.Context, req events.APIGatewayProxyRequest) (events.APIGatewayProxyResponse, error) {
	body := map[string]string{"version": "1"}
	if _, err := link.Table("todos"); err != nil {
		body["not_linked"] = err.Error()
	}
	if name := req.QueryStringParameters["table"]; name != "" {
		cfg, err := config.LoadDefaultConfig(ctx)
		if err != nil {
			return events.APIGatewayProxyResponse{}, err
		}
		_, err = dynamodb.NewFromConfig(cfg).GetItem(ctx, &dynamodb.GetItemInput{
			TableName: aws.String(name), Key: map[string]types.AttributeValue{"id": &types.AttributeValueMemberS{Value: "any"}},
		})
		var ae smithy.APIError
		switch {
		case errors.As(err, &ae):
			body["read"] = ae.ErrorCode() + ": " + ae.ErrorMessage()
		case err != nil:
			return events.APIGatewayProxyResponse{}, err
		default:
			body["read"] = "allowed"
		}
	}
	b, err := json.Marshal(body)
	if err != nil {
		return events.APIGatewayProxyResponse{}, err
	}
	return events.APIGatewayProxyResponse{StatusCode: 200, Headers: map[string]string{"Content-Type": "application/json"}, Body: string(b)}, nil
}
