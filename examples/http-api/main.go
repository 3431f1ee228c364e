// Command http-api is an HTTP API (API Gateway v2): a Python handler that echoes the payload format
// 2.0 event, a Go handler returning a plain value, a route behind a Cognito JWT authorizer, a
// $default route, and CORS for https://app.example.com.
//
//	go run ./examples/http-api dev                                     # serve it on http://127.0.0.1:3000
//	curl http://127.0.0.1:3000/echo/a/b
//	go run ./examples/http-api token --claims '{"email":"ada@example.com"}'   # a Cognito dev token
//	curl -H "Authorization: Bearer $TOKEN" http://127.0.0.1:3000/me
package main

import (
	"os"

	"github.com/stelvio-go/stelvio"
	"github.com/stelvio-go/stelvio/aws/apigateway"
)

func main() {
	os.Exit(App().Main(Run))
}

// App is the http-api app.
func App() *stelvio.App { return stelvio.New("http-api") }

// UserPool is the Cognito user pool whose tokens GET /me accepts; ClientID its app client.
const (
	UserPool = "arn:aws:cognito-idp:us-east-1:123456789012:userpool/us-east-1_AbCdEf123"
	ClientID = "stelvio-dev-client"
)

// Run declares the API.
func Run(ctx *stelvio.Context) error {
	api := apigateway.NewHTTP(ctx, "http-api", apigateway.CORS(apigateway.CORSConfig{
		AllowOrigins: []string{"https://app.example.com"},
		AllowMethods: []string{"GET", "POST"},
		AllowHeaders: []string{"authorization", "content-type"},
	}))
	users := api.CognitoAuthorizer("users", apigateway.UserPoolARN(UserPool), apigateway.Audience(ClientID))

	api.Route("GET", "/echo/{proxy+}", "functions/echo.handler")
	api.Route("GET", "/plain", "functions/plain.Plain")
	api.Route("GET", "/me", "functions/me.handler").Auth(users)
	api.Route("ANY", apigateway.DefaultRoute, "functions/fallback.handler")
	return nil
}
