package apigateway_test

import (
	"fmt"
	"time"

	"github.com/stelvio-go/stelvio"
	"github.com/stelvio-go/stelvio/aws/apigateway"
	"github.com/stelvio-go/stelvio/internal/app"
)

// An API with CORS, a default Lambda authorizer, a public route, a Cognito route with a scope and an
// IAM route. Mistakes are reported with the others, with their file:line.
func ExampleApi_TokenAuthorizer() {
	run := func(ctx *stelvio.Context) error {
		api := apigateway.New(ctx, "auth-api", apigateway.CORS(apigateway.CORSConfig{
			AllowOrigins:     []string{"https://app.example.com"},
			AllowCredentials: true,
			MaxAge:           10 * time.Minute,
		}))
		tokens := api.TokenAuthorizer("tokens", "functions/auth.check", apigateway.TTL(5*time.Minute))
		users := api.CognitoAuthorizer("users",
			apigateway.UserPoolARN("arn:aws:cognito-idp:us-east-1:123456789012:userpool/us-east-1_AbCdEf123"))
		api.SetDefaultAuthorizer(tokens)

		api.Route("GET", "/public", "functions/echo.public").Public()
		api.Route("GET", "/me", "functions/echo.me")
		api.Route("GET", "/profile", "functions/echo.profile").Auth(users).Scopes("read")
		api.Route("GET", "/iam", "functions/echo.iam").Auth(api.IAMAuthorizer())
		return nil
	}
	table, err := app.ProgramOf(stelvio.New("auth-api"), run).Load("dev", "../../examples/auth-api")
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, r := range table.Apis[0].Routes {
		auth := "open"
		if r.Auth != nil {
			auth = fmt.Sprintf("%s %q", r.Auth.Kind, r.Auth.Name)
		}
		fmt.Println(r, "->", auth, r.Scopes)
	}

	_, err = app.ProgramOf(stelvio.New("auth-api"), func(ctx *stelvio.Context) error {
		api := apigateway.New(ctx, "auth-api", apigateway.CORS(apigateway.CORSConfig{AllowOrigins: []string{"*"}, AllowCredentials: true}))
		tokens := api.TokenAuthorizer("tokens", "functions/auth.check", apigateway.TTL(2*time.Hour))
		api.Route("OPTIONS", "/me", "functions/echo.me").Auth(tokens)
		return nil
	}).Load("dev", "../../examples/auth-api")
	fmt.Println(err)
	// Output:
	// GET /public -> open []
	// GET /me -> TOKEN "tokens" []
	// GET /profile -> COGNITO_USER_POOLS "users" [read]
	// GET /iam -> AWS_IAM "iam" []
	// 3 problems in the app:
	//   example_auth_test.go:46: api "auth-api": cors: credentials cannot be allowed with origin "*": browsers refuse credentialed responses that allow every origin; allow one origin instead
	//   example_auth_test.go:47: authorizer "tokens": TTL 2h0m0s is out of range; API Gateway caches authorizer results for 0 (no cache) to 1h0m0s (3600 seconds)
	//   example_auth_test.go:48: route OPTIONS /me: the api answers OPTIONS on every path itself because CORS is on (the preflight); remove this route, or turn CORS off and answer OPTIONS in the handler
}
