package main

import (
	"context"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/stelvio-go/stelvio"
	"github.com/stelvio-go/stelvio/aws/apigateway"
	"github.com/stelvio-go/stelvio/internal/app"
	"github.com/stelvio-go/stelvio/internal/runtime/registry"
)

// TestProblems: every mistake in declaring CORS and authorizers is reported with the others, each with
// where it was made and how to fix it.
func TestProblems(t *testing.T) {
	cases := []struct {
		name string
		run  func(ctx *stelvio.Context) error
		want []string
	}{
		{"ttl", func(ctx *stelvio.Context) error {
			api := apigateway.New(ctx, "a")
			api.TokenAuthorizer("long", "functions/auth.check", apigateway.TTL(2*time.Hour))
			api.TokenAuthorizer("negative", "functions/auth.check", apigateway.TTL(-time.Second))
			api.TokenAuthorizer("fraction", "functions/auth.check", apigateway.TTL(1500*time.Millisecond))
			api.TokenAuthorizer("max", "functions/auth.check", apigateway.TTL(time.Hour))
			return nil
		}, []string{
			`authorizer "long": TTL 2h0m0s is out of range; API Gateway caches authorizer results for 0 (no cache) to 1h0m0s (3600 seconds)`,
			`authorizer "negative": TTL -1s is out of range; API Gateway caches authorizer results for 0 (no cache) to 1h0m0s (3600 seconds)`,
			`authorizer "fraction": TTL 1.5s is not a whole number of seconds; API Gateway caches authorizer results for whole seconds, e.g. apigateway.TTL(5*time.Minute)`,
		}},
		{"options route with CORS", func(ctx *stelvio.Context) error {
			api := apigateway.New(ctx, "a", apigateway.CORS(apigateway.CORSConfig{AllowOrigins: []string{"*"}}))
			api.Route("OPTIONS", "/me", "functions/echo.me")
			api.Route("ANY", "/any", "functions/echo.me")
			return nil
		}, []string{
			`route OPTIONS /me: the api answers OPTIONS on every path itself because CORS is on (the preflight); remove this route, or turn CORS off and answer OPTIONS in the handler`,
		}},
		{"cors settings", func(ctx *stelvio.Context) error {
			apigateway.New(ctx, "a", apigateway.CORS(apigateway.CORSConfig{AllowOrigins: []string{"*"}, AllowCredentials: true, AllowMethods: []string{"FETCH"}, MaxAge: 1500 * time.Millisecond}))
			apigateway.New(ctx, "b", apigateway.CORS(apigateway.CORSConfig{}))
			return nil
		}, []string{
			`api "a": CORS max age 1.5s is not a whole number of seconds; browsers count it in seconds, e.g. 10*time.Minute`,
			`api "a": cors: credentials cannot be allowed with origin "*": browsers refuse credentialed responses that allow every origin; allow one origin instead`,
			`api "a": cors: unknown method "FETCH" in allowed methods; use DELETE, GET, HEAD, OPTIONS, PATCH, POST, PUT or ANY`,
			`api "b": cors: no allowed origin; allow "*" or one origin such as "https://app.example.com"`,
		}},
		{"scopes", func(ctx *stelvio.Context) error {
			api := apigateway.New(ctx, "a")
			tokens := api.TokenAuthorizer("tokens", "functions/auth.check")
			api.Route("GET", "/me", "functions/echo.me").Auth(tokens).Scopes("read")
			api.Route("GET", "/public", "functions/echo.public").Scopes("read")
			api.Route("GET", "/iam", "functions/echo.iam").Auth(api.IAMAuthorizer()).Scopes("read", "")
			return nil
		}, []string{
			`route GET /me: scopes ["read"] need a Cognito authorizer, and the route's authorizer "tokens" is TOKEN; remove the scopes or use an authorizer made with api.CognitoAuthorizer`,
			`route GET /public: scopes ["read"] need a Cognito authorizer, and the route has no authorizer; give it one made with api.CognitoAuthorizer`,
			`route GET /iam: scope "" is not a scope name; give names such as "read" or "orders/write"`,
			`route GET /iam: scopes ["read" ""] need a Cognito authorizer, and the route's authorizer "iam" is AWS_IAM; remove the scopes or use an authorizer made with api.CognitoAuthorizer`,
		}},
		{"identity sources", func(ctx *stelvio.Context) error {
			api := apigateway.New(ctx, "a")
			api.RequestAuthorizer("path", "functions/admin.Authorize", apigateway.IdentitySource("method.request.path.id"))
			api.RequestAuthorizer("none", "functions/admin.Authorize")
			api.TokenAuthorizer("token", "functions/auth.check", apigateway.IdentityHeader("X-Key"))
			api.RequestAuthorizer("nocache", "functions/admin.Authorize", apigateway.TTL(0))
			return nil
		}, []string{
			`authorizer "path": identity source "method.request.path.id": use method.request.header.NAME, method.request.querystring.NAME, stageVariables.NAME or context.NAME (path parameters cannot be identity sources)`,
			`authorizer "none": a REQUEST authorizer with caching needs at least one identity source (the cache key); add one, or set the TTL to 0`,
			`authorizer "token": only REQUEST authorizers have identity sources; remove them`,
		}},
		{"authorizer of another api", func(ctx *stelvio.Context) error {
			a := apigateway.New(ctx, "a")
			b := apigateway.New(ctx, "b")
			tokens := a.TokenAuthorizer("tokens", "functions/auth.check")
			b.Route("GET", "/me", "functions/echo.me").Auth(tokens)
			b.SetDefaultAuthorizer(tokens)
			a.Route("GET", "/me", "functions/echo.me").Auth(tokens).Public()
			return nil
		}, []string{
			`route GET /me: authorizer "tokens" belongs to api "a"; declare an authorizer on this api (api.TokenAuthorizer, ...) and use that one`,
			`api "b": default authorizer "tokens" belongs to api "a"; declare the authorizer on this api and make that one the default`,
			`route GET /me: the route is both Public and has the authorizer "tokens"; keep one`,
		}},
		{"cognito and names", func(ctx *stelvio.Context) error {
			api := apigateway.New(ctx, "a")
			api.CognitoAuthorizer("nopool")
			api.CognitoAuthorizer("badpool", apigateway.UserPoolARN("us-east-1_AbCdEf123"))
			api.TokenAuthorizer("pool", "functions/auth.check", apigateway.UserPoolARN(UserPool))
			api.TokenAuthorizer("nopool", "functions/auth.check")
			api.TokenAuthorizer("bad name", "functions/auth.check")
			api.TokenAuthorizer("missing", "functions/nothere.check")
			api.Route("GET", "/me", "functions/echo.me").Auth(nil)
			return nil
		}, []string{
			`authorizer "nopool": a Cognito authorizer needs the ARN of at least one user pool; pass apigateway.UserPoolARN("arn:aws:cognito-idp:REGION:ACCOUNT:userpool/POOL_ID")`,
			`authorizer "badpool": user pool ARN "us-east-1_AbCdEf123" is not of the form arn:aws:cognito-idp:REGION:ACCOUNT:userpool/POOL_ID (e.g. arn:aws:cognito-idp:us-east-1:123456789012:userpool/us-east-1_AbCdEf123)`,
			`authorizer "pool": only Cognito authorizers have user pools; remove apigateway.UserPoolARN`,
			`authorizer "nopool": authorizer "nopool" is already declared on api "a" at LINE; give each authorizer of an api its own name`,
			`authorizer "bad name": name must start with a letter or digit and contain only letters, digits, - and _`,
			`authorizer "missing": handler "functions/nothere.check": neither functions/nothere.py nor a Go package directory functions/nothere/ exists in the project`,
			`route GET /me: the authorizer is nil; pass one made with api.TokenAuthorizer, RequestAuthorizer, CognitoAuthorizer or IAMAuthorizer`,
		}},
	}
	line := regexp.MustCompile(`problems_test\.go:\d+`)
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := load(t, c.run)
			if err == nil {
				t.Fatal("no problems")
			}
			var got []string
			for _, l := range strings.Split(err.Error(), "\n")[1:] {
				l = strings.TrimSpace(l)
				// Every problem names the line of its declaration in this file.
				if !strings.HasPrefix(l, "problems_test.go:") {
					t.Errorf("problem without its file:line: %s", l)
				}
				got = append(got, line.ReplaceAllString(strings.TrimPrefix(line.ReplaceAllString(l, "LINE"), "LINE: "), "LINE"))
			}
			if strings.Join(got, "\n") != strings.Join(c.want, "\n") {
				t.Errorf("problems:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(c.want, "\n"))
			}
		})
	}
}

// TestCheckedProblems: the handler code of an authorizer is checked with the routes' (dev, plan and
// deploy load the app so), and a Go authorizer must have the authorizer signature of its kind.
func TestCheckedProblems(t *testing.T) {
	_, err := app.ProgramOf(App(), func(ctx *stelvio.Context) error {
		api := apigateway.New(ctx, "x")
		tokens := api.TokenAuthorizer("tokens", "functions/auth.nothere")
		keys := api.RequestAuthorizer("keys", "functions/admin.Nope", apigateway.IdentityHeader("X-Api-Key"))
		api.Route("GET", "/me", "functions/echo.me").Auth(tokens)
		api.Route("GET", "/admin", "functions/echo.admin").Auth(keys)
		return nil
	}).LoadChecked(context.Background(), "test", ".", registry.Checker("."))
	want := `2 problems in the app:
  problems_test.go:140: function x-tokens: functions/auth.py has no function "nothere"; add "def nothere(event, context):" or fix the handler string
  problems_test.go:141: function x-keys: package functions/admin has no function Nope; add "func Nope(ctx context.Context, req events.APIGatewayCustomAuthorizerRequestTypeRequest) (events.APIGatewayCustomAuthorizerResponse, error)" or fix the handler string`
	if err == nil || err.Error() != want {
		t.Errorf("problems:\n%v\nwant:\n%s", err, want)
	}
}
