package golang

import (
	"context"
	"strings"
	"testing"

	"github.com/stelvio-go/stelvio/internal/route"
	"github.com/stelvio-go/stelvio/internal/runtime"
)

// TestCheckHTTPRoute: an HTTP API route's Go handler takes events.APIGatewayV2HTTPRequest and returns
// any value with an error (API Gateway reads a result without statusCode as a 200 JSON body,
// https://docs.aws.amazon.com/apigateway/latest/developerguide/http-api-develop-integrations-lambda.html);
// a REST handler's event is a problem.
func TestCheckHTTPRoute(t *testing.T) {
	const src = `package web

import (
	"context"

	"github.com/aws/aws-lambda-go/events"
)

func Plain(ctx context.Context, req events.APIGatewayV2HTTPRequest) (map[string]string, error) { return nil, nil }

func Full(req events.APIGatewayV2HTTPRequest) (events.APIGatewayV2HTTPResponse, error) {
	return events.APIGatewayV2HTTPResponse{}, nil
}

func Proxy(ctx context.Context, req events.APIGatewayProxyRequest) (events.APIGatewayProxyResponse, error) {
	return events.APIGatewayProxyResponse{}, nil
}
`
	const accepts = `aws-lambda-go accepts func([context.Context][, TIn]) [error | (TOut, error)]; an HTTP API route's handler takes TIn events.APIGatewayV2HTTPRequest and returns (events.APIGatewayV2HTTPResponse, error): write "func Proxy(ctx context.Context, req events.APIGatewayV2HTTPRequest) (events.APIGatewayV2HTTPResponse, error)" (the context is optional; events is github.com/aws/aws-lambda-go/events)`
	dir := goProject(t, map[string]string{"functions/web/web.go": src})
	for _, tt := range []struct {
		fn   string
		want string
	}{
		{"Plain", ""},
		{"Full", ""},
		{"Proxy", `functions/web/web.go:15: Proxy has the signature func(ctx context.Context, req events.APIGatewayProxyRequest) (events.APIGatewayProxyResponse, error); it does not take events.APIGatewayV2HTTPRequest (after an optional context.Context). ` + accepts},
	} {
		t.Run(tt.fn, func(t *testing.T) {
			fn := goFunction(t, "functions/web")
			fn.Instance, fn.Entry.Func = true, tt.fn
			fn.HTTPRoutes = []*route.HTTPRoute{{Key: "GET /x", Function: fn, Target: fn.Entry}}
			var got []string
			for _, p := range runtime.Problems(fn, New().Check(context.Background(), dir, fn)) {
				got = append(got, p.Message)
			}
			if strings.Join(got, "\n") != tt.want {
				t.Errorf("problems:\n%s\nwant:\n%s", strings.Join(got, "\n"), tt.want)
			}
		})
	}
}
