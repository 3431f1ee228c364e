package golang

import (
	"context"
	"strings"
	"testing"

	"github.com/stelvio-go/stelvio/internal/route"
	"github.com/stelvio-go/stelvio/internal/runtime"
)

// TestCheckSubscriber: a table subscriber's Go handler takes events.DynamoDBEvent and returns an
// error; other signatures are problems naming that one.
func TestCheckSubscriber(t *testing.T) {
	const src = `package audit

import (
	"context"

	"github.com/aws/aws-lambda-go/events"
)

func Handler(ctx context.Context, e events.DynamoDBEvent) error { return nil }

func NoContext(e events.DynamoDBEvent) error { return nil }

func Proxy(ctx context.Context, req events.APIGatewayProxyRequest) (events.APIGatewayProxyResponse, error) {
	return events.APIGatewayProxyResponse{}, nil
}

func Response(e events.DynamoDBEvent) (events.DynamoDBEventResponse, error) {
	return events.DynamoDBEventResponse{}, nil
}
`
	const accepts = `aws-lambda-go accepts func([context.Context][, TIn]) [error | (TOut, error)]; a table subscriber takes TIn events.DynamoDBEvent and returns error: write "func %s(ctx context.Context, e events.DynamoDBEvent) error" (the context is optional; events is github.com/aws/aws-lambda-go/events)`
	dir := goProject(t, map[string]string{"functions/audit/audit.go": src})
	for _, tt := range []struct {
		fn   string
		want string
	}{
		{"Handler", ""},
		{"NoContext", ""},
		{"Proxy", `functions/audit/audit.go:13: Proxy has the signature func(ctx context.Context, req events.APIGatewayProxyRequest) (events.APIGatewayProxyResponse, error); it does not take events.DynamoDBEvent nor return error. ` + strings.ReplaceAll(accepts, "%s", "Proxy")},
		{"Response", `functions/audit/audit.go:17: Response has the signature func(e events.DynamoDBEvent) (events.DynamoDBEventResponse, error); it does not return error. ` + strings.ReplaceAll(accepts, "%s", "Response")},
		{"Missing", `package functions/audit has no function Missing; add "func Missing(ctx context.Context, e events.DynamoDBEvent) error" or fix the handler string`},
	} {
		t.Run(tt.fn, func(t *testing.T) {
			fn := goFunction(t, "functions/audit")
			fn.Instance, fn.Entry.Func = true, tt.fn
			fn.Subscription = &route.Subscription{Name: "audit", Function: fn, BatchSize: 100}
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
