package golang

import (
	"context"
	"strings"
	"testing"

	"github.com/stelvio-go/stelvio/internal/authorizer"
	"github.com/stelvio-go/stelvio/internal/runtime"
)

// TestCheckAuthorizer: an authorizer's Go handler takes the authorizer event of its kind and returns
// the authorizer response; a proxy handler in its place is a problem naming the right signature.
func TestCheckAuthorizer(t *testing.T) {
	const src = `package auth

import (
	"context"

	"github.com/aws/aws-lambda-go/events"
)

func Token(ctx context.Context, req events.APIGatewayCustomAuthorizerRequest) (events.APIGatewayCustomAuthorizerResponse, error) {
	return events.APIGatewayCustomAuthorizerResponse{}, nil
}

func Request(req events.APIGatewayCustomAuthorizerRequestTypeRequest) (events.APIGatewayCustomAuthorizerResponse, error) {
	return events.APIGatewayCustomAuthorizerResponse{}, nil
}

func Proxy(ctx context.Context, req events.APIGatewayProxyRequest) (events.APIGatewayProxyResponse, error) {
	return events.APIGatewayProxyResponse{}, nil
}
`
	dir := goProject(t, map[string]string{"functions/auth/auth.go": src})
	for _, tt := range []struct {
		kind authorizer.Kind
		fn   string
		want string
	}{
		{authorizer.KindToken, "Token", ""},
		{authorizer.KindRequest, "Request", ""},
		{authorizer.KindToken, "Request", `functions/auth/auth.go:13: Request has the signature func(req events.APIGatewayCustomAuthorizerRequestTypeRequest) (events.APIGatewayCustomAuthorizerResponse, error); it does not take events.APIGatewayCustomAuthorizerRequest (after an optional context.Context). aws-lambda-go accepts func([context.Context][, TIn]) [error | (TOut, error)]; a TOKEN authorizer takes TIn events.APIGatewayCustomAuthorizerRequest and returns (events.APIGatewayCustomAuthorizerResponse, error): write "func Request(ctx context.Context, req events.APIGatewayCustomAuthorizerRequest) (events.APIGatewayCustomAuthorizerResponse, error)" (the context is optional; events is github.com/aws/aws-lambda-go/events)`},
		{authorizer.KindRequest, "Proxy", `functions/auth/auth.go:17: Proxy has the signature func(ctx context.Context, req events.APIGatewayProxyRequest) (events.APIGatewayProxyResponse, error); it does not take events.APIGatewayCustomAuthorizerRequestTypeRequest nor return (events.APIGatewayCustomAuthorizerResponse, error). aws-lambda-go accepts func([context.Context][, TIn]) [error | (TOut, error)]; a REQUEST authorizer takes TIn events.APIGatewayCustomAuthorizerRequestTypeRequest and returns (events.APIGatewayCustomAuthorizerResponse, error): write "func Proxy(ctx context.Context, req events.APIGatewayCustomAuthorizerRequestTypeRequest) (events.APIGatewayCustomAuthorizerResponse, error)" (the context is optional; events is github.com/aws/aws-lambda-go/events)`},
	} {
		t.Run(string(tt.kind)+" "+tt.fn, func(t *testing.T) {
			fn := goFunction(t, "functions/auth")
			fn.Instance, fn.Entry.Func = true, tt.fn
			fn.Authorizer = &authorizer.Config{Name: "a", Kind: tt.kind}
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
