// Command auth-api is an API with CORS and every kind of authorizer: a public route, a Python TOKEN
// authorizer, a Go REQUEST authorizer, a Cognito user pool with a scope, and IAM.
//
//	go run ./examples/auth-api dev                                   # serve it on http://127.0.0.1:3000
//	curl -H 'Authorization: allow' http://127.0.0.1:3000/me
//	go run ./examples/auth-api token --claims '{"sub":"ada"}' --scopes read   # a Cognito dev token
package main

import (
	"os"
	"time"

	"github.com/stelvio-go/stelvio"
	"github.com/stelvio-go/stelvio/aws/apigateway"
	"github.com/stelvio-go/stelvio/aws/function"
)

func main() {
	os.Exit(App().Main(Run))
}

// App is the auth-api app.
func App() *stelvio.App { return stelvio.New("auth-api") }

// UserPool is the Cognito user pool whose tokens GET /profile accepts.
const UserPool = "arn:aws:cognito-idp:us-east-1:123456789012:userpool/us-east-1_AbCdEf123"

// Run declares the API.
func Run(ctx *stelvio.Context) error {
	api := apigateway.New(ctx, "auth-api", apigateway.CORS(apigateway.CORSConfig{
		AllowOrigins:     []string{"https://app.example.com"},
		AllowCredentials: true,
		AllowHeaders:     []string{"Authorization", "Content-Type", "X-Api-Key"},
		MaxAge:           10 * time.Minute,
	}))

	// A Python TOKEN authorizer: the Authorization header's value decides, and the answer is cached
	// for a minute per token.
	tokens := api.TokenAuthorizer("tokens", "functions/auth.check", apigateway.TTL(time.Minute))
	// A Go REQUEST authorizer reading the X-Api-Key header, not cached.
	keys := api.RequestAuthorizer("keys", "functions/admin.Authorize",
		apigateway.IdentityHeader("X-Api-Key"), apigateway.TTL(0), apigateway.FunctionOptions(function.Memory(256)))
	users := api.CognitoAuthorizer("users", apigateway.UserPoolARN(UserPool))
	api.SetDefaultAuthorizer(tokens)

	api.Route("GET", "/public", "functions/echo.public").Public()
	api.Route("GET", "/me", "functions/echo.me")
	api.Route("GET", "/admin", "functions/echo.admin").Auth(keys)
	api.Route("GET", "/profile", "functions/echo.profile").Auth(users).Scopes("read")
	api.Route("GET", "/iam", "functions/echo.iam").Auth(api.IAMAuthorizer())
	return nil
}
