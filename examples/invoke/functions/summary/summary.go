// Package summary is a Go handler that invokes the function linked as "summarize" with aws-sdk-go-v2's
// Lambda client, as on AWS; under dev the client reaches dev's local Lambda endpoint through
// AWS_ENDPOINT_URL_LAMBDA.
package summary

import (
	"context"
	"encoding/json"
	"strings"
	"sync"

	"github.com/aws/aws-lambda-go/events"
	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/service/lambda"

	"github.com/stelvio-go/stelvio/link"
)

var (
	once   sync.Once
	client *lambda.Client
	setup  error
)

// Get summarizes the comma-separated "titles" of the query with the summarize function and answers
// what it returned: its result, or its error document with X-Function-Error when it failed ("bad"
// in the query sends it titles it rejects).
func Get(ctx context.Context, req events.APIGatewayProxyRequest) (events.APIGatewayProxyResponse, error) {
	once.Do(func() {
		cfg, err := config.LoadDefaultConfig(ctx)
		client, setup = lambda.NewFromConfig(cfg), err
	})
	if setup != nil {
		return events.APIGatewayProxyResponse{}, setup
	}
	fn, err := link.Function("summarize")
	if err != nil {
		return events.APIGatewayProxyResponse{}, err
	}
	var titles any = []string{}
	if t := req.QueryStringParameters["titles"]; t != "" {
		titles = strings.Split(t, ",")
	}
	if _, bad := req.QueryStringParameters["bad"]; bad {
		titles = "not a list"
	}
	payload, err := json.Marshal(map[string]any{"titles": titles})
	if err != nil {
		return events.APIGatewayProxyResponse{}, err
	}
	out, err := client.Invoke(ctx, &lambda.InvokeInput{FunctionName: aws.String(fn.Name), Payload: payload})
	if err != nil {
		return events.APIGatewayProxyResponse{}, err
	}
	headers := map[string]string{"Content-Type": "application/json", "X-Executed-Version": aws.ToString(out.ExecutedVersion)}
	if out.FunctionError != nil {
		headers["X-Function-Error"] = *out.FunctionError
	}
	return events.APIGatewayProxyResponse{StatusCode: int(out.StatusCode), Headers: headers, Body: string(out.Payload)}, nil
}
