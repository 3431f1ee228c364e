package apigateway_test

import (
	"fmt"
	"strings"
	"time"

	"github.com/stelvio-go/stelvio"
	"github.com/stelvio-go/stelvio/aws/apigateway"
	"github.com/stelvio-go/stelvio/aws/function"
	"github.com/stelvio-go/stelvio/internal/app"
	"github.com/stelvio-go/stelvio/internal/route"
)

// resolve runs an app's run function on the http-api example project, as `stelvio plan` and
// `stelvio dev` do, and returns the route table it becomes (or prints its problems).
func resolveHTTP(run func(ctx *stelvio.Context) error) *route.Table {
	table, err := app.ProgramOf(stelvio.New("http-api"), run).Load("dev", "../../examples/http-api")
	if err != nil {
		fmt.Println(err)
		return nil
	}
	return table
}

// An HTTP API with CORS, a Cognito (JWT) authorizer and a catch-all route: the handlers of each file
// (or Go package) are one Lambda function, named after it, with the 30 s timeout of HTTP API
// integrations.
func ExampleNewHTTP() {
	table := resolveHTTP(func(ctx *stelvio.Context) error {
		api := apigateway.NewHTTP(ctx, "my-api", apigateway.CORS(apigateway.CORSConfig{AllowOrigins: []string{"https://app.example.com"}}))
		users := api.CognitoAuthorizer("users",
			apigateway.UserPoolARN("arn:aws:cognito-idp:us-east-1:123456789012:userpool/us-east-1_AbCdEf123"), apigateway.Audience("my-client"))
		api.Route("GET", "/echo/{proxy+}", "functions/echo.handler")
		api.Route("GET", "/plain", "functions/plain.Plain")
		api.Route("GET", "/me", "functions/me.handler").Auth(users).Scopes("profile")
		api.Route("ANY", apigateway.DefaultRoute, "functions/fallback.handler")
		return nil
	})
	for _, r := range table.HTTPApis[0].Routes {
		auth := "-"
		if r.Auth != nil {
			auth = r.Auth.Name + " " + strings.Join(r.Scopes, ",")
		}
		fmt.Printf("%-18s -> %-26s %-16s %ds  auth %s\n", r.Key, r.Function.Name, r.Target, r.Function.Timeout, auth)
	}
	a := table.HTTPApis[0].Authorizers[0]
	fmt.Println(a.Name, a.Kind, a.Issuer, a.Audience)
	// Output:
	// GET /echo/{proxy+} -> functions-echo             echo.handler     30s  auth -
	// GET /plain         -> functions-plain            Plain            30s  auth -
	// GET /me            -> functions-me               me.handler       30s  auth users profile
	// $default           -> functions-fallback         fallback.handler 30s  auth -
	// users JWT https://cognito-idp.us-east-1.amazonaws.com/us-east-1_AbCdEf123 [my-client]
}

// A request (Lambda) authorizer as the HTTP API's default: every route uses it unless it is Public or has its own.
// Its answers are cached for a minute per X-Api-Key value.
func ExampleHTTPApi_RequestAuthorizer() {
	table := resolveHTTP(func(ctx *stelvio.Context) error {
		api := apigateway.NewHTTP(ctx, "my-api")
		keys := api.RequestAuthorizer("keys", "functions/echo.handler",
			apigateway.IdentityHeader("X-Api-Key"), apigateway.TTL(time.Minute))
		api.SetDefaultAuthorizer(keys)
		api.Route("GET", "/plain", "functions/plain.Plain")
		api.Route("GET", "/me", "functions/me.handler").Public()
		return nil
	})
	api := table.HTTPApis[0]
	for _, r := range api.Routes {
		auth := "none"
		if r.Auth != nil {
			auth = r.Auth.Name
		}
		fmt.Println(r.Key, "auth", auth)
	}
	a := api.Authorizers[0]
	fmt.Println(a.Name, a.Kind, a.Function.Name, a.IdentitySources, "ttl", a.TTL, "simple", a.SimpleResponses)
	// Output:
	// GET /plain auth keys
	// GET /me auth none
	// keys REQUEST my-api-keys [$request.header.X-Api-Key] ttl 60 simple true
}

// IAM authorization: the route answers only requests signed with Signature Version 4 by AWS
// credentials allowed to invoke it; the handler finds the caller in requestContext.authorizer.iam.
func ExampleHTTPApi_IAMAuthorizer() {
	table := resolveHTTP(func(ctx *stelvio.Context) error {
		api := apigateway.NewHTTP(ctx, "my-api")
		api.Route("POST", "/orders", "functions/echo.handler").Auth(api.IAMAuthorizer())
		api.Route("GET", "/plain", "functions/plain.Plain")
		return nil
	})
	for _, r := range table.HTTPApis[0].Routes {
		auth := "none"
		if r.Auth != nil {
			auth = r.Auth.Name + " " + r.Auth.Kind
		}
		fmt.Println(r.Key, "auth", auth)
	}
	// Output:
	// POST /orders auth iam AWS_IAM
	// GET /plain auth none
}

// Under dev, a Cognito authorizer with DevJWKS verifies tokens with the user pool's published keys
// instead of the local development key; deployed, API Gateway reads them itself.
func ExampleDevJWKS() {
	table := resolveHTTP(func(ctx *stelvio.Context) error {
		api := apigateway.NewHTTP(ctx, "my-api")
		users := api.CognitoAuthorizer("users",
			apigateway.UserPoolARN("arn:aws:cognito-idp:us-east-1:123456789012:userpool/us-east-1_AbCdEf123"),
			apigateway.Audience("my-client"),
			apigateway.DevJWKS("https://cognito-idp.us-east-1.amazonaws.com/us-east-1_AbCdEf123/.well-known/jwks.json"))
		api.Route("GET", "/me", "functions/me.handler").Auth(users)
		return nil
	})
	a := table.HTTPApis[0].Authorizers[0]
	fmt.Println(a.Name, a.Kind, a.JWKS.URL)
	// Output:
	// users JWT https://cognito-idp.us-east-1.amazonaws.com/us-east-1_AbCdEf123/.well-known/jwks.json
}

// A function linked to an HTTP API gets its URL in STELVIO_API_<NAME>_URL.
func ExampleHTTPApi_LinkKind() {
	table := resolveHTTP(func(ctx *stelvio.Context) error {
		api := apigateway.NewHTTP(ctx, "orders")
		api.Route("GET", "/orders", "functions/echo.handler")
		function.New(ctx, "reports", "functions/me.handler", function.Link(api))
		fmt.Println(api.LinkKind())
		return nil
	})
	for name := range table.FunctionByName("reports").LinkVariables() {
		fmt.Println(name)
	}
	// Output:
	// api
	// STELVIO_API_ORDERS_URL
}
