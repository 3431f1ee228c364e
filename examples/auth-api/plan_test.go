package main

import (
	"context"
	"encoding/json"
	"fmt"
	"testing"
	"time"

	"github.com/stelvio-go/stelvio"
	"github.com/stelvio-go/stelvio/aws/apigateway"
	"github.com/stelvio-go/stelvio/internal/app"
	"github.com/stelvio-go/stelvio/internal/plan"
	"github.com/stelvio-go/stelvio/internal/plan/plantest"
)

const (
	tAuthorizer  = "aws:apigateway/authorizer:Authorizer"
	tMethod      = "aws:apigateway/method:Method"
	tIntegration = "aws:apigateway/integration:Integration"
	tMethodResp  = "aws:apigateway/methodResponse:MethodResponse"
	tIntegResp   = "aws:apigateway/integrationResponse:IntegrationResponse"
	tGatewayResp = "aws:apigateway/response:Response"
	tPermission  = "aws:lambda/permission:Permission"
	tFunction    = "aws:lambda/function:Function"
	tDeployment  = "aws:apigateway/deployment:Deployment"
)

func planOf(t *testing.T, run func(*stelvio.Context) error) *plan.Plan {
	t.Helper()
	pl, err := plan.Run(context.Background(), app.ProgramOf(App(), run), plan.Options{
		Env: "test", ProjectDir: ".", Packager: plantest.Packager{ProjectDir: "."}, Region: "us-east-1",
	})
	if err != nil {
		t.Fatal(err)
	}
	return pl
}

func find(t *testing.T, pl *plan.Plan, typ, name string) map[string]any {
	t.Helper()
	r := pl.Find(typ, name)
	if r == nil {
		var have []string
		for _, r := range pl.OfType(typ) {
			have = append(have, r.Name)
		}
		t.Fatalf("no %s named %q; have %q", typ, name, have)
	}
	return r.Inputs
}

// same compares inputs as JSON (numbers, lists and maps alike).
func same(t *testing.T, what string, got, want any) {
	t.Helper()
	g, _ := json.Marshal(got)
	w, _ := json.Marshal(want)
	if string(g) != string(w) {
		t.Errorf("%s = %s, want %s", what, g, w)
	}
}

const (
	restID  = "<RestApi auth-api id>"
	execARN = "arn:aws:execute-api:us-east-1:" + plan.Account + ":" + restID
)

func invokeArn(fn string) string {
	return fmt.Sprintf("arn:aws:apigateway:us-east-1:lambda:path/2015-03-31/functions/arn:aws:lambda:us-east-1:%s:function:auth-api-test-%s/invocations", plan.Account, fn)
}

func authorizerID(name string) string { return "<Authorizer auth-api:authorizer " + name + " id>" }

// TestPlan checks the resources of the authorizers, the methods' authorization and the CORS
// preflight methods and gateway responses.
// https://docs.aws.amazon.com/apigateway/latest/api/API_CreateAuthorizer.html
// https://docs.aws.amazon.com/apigateway/latest/developerguide/how-to-cors.html
func TestPlan(t *testing.T) {
	pl := planOf(t, Run)
	counts := map[string]int{}
	for _, r := range pl.Resources {
		counts[r.Type]++
	}
	for typ, n := range map[string]int{
		tAuthorizer:  3, // tokens, keys, users; IAM is a method setting
		tMethod:      5 + 5,
		tIntegration: 5 + 5,
		tMethodResp:  5,
		tIntegResp:   5,
		tGatewayResp: 2,
		tPermission:  1 + 2, // the routes' function, and each Lambda authorizer's
		tFunction:    3,
	} {
		if counts[typ] != n {
			t.Errorf("%d %s, want %d", counts[typ], typ, n)
		}
	}

	same(t, "authorizer tokens", find(t, pl, tAuthorizer, "auth-api:authorizer tokens"), map[string]any{
		"authorizerResultTtlInSeconds": 60, "authorizerUri": invokeArn("auth-api-tokens"),
		"identitySource": "method.request.header.Authorization", "name": "tokens", "restApi": restID, "type": "TOKEN",
	})
	same(t, "authorizer keys", find(t, pl, tAuthorizer, "auth-api:authorizer keys"), map[string]any{
		"authorizerResultTtlInSeconds": 0, "authorizerUri": invokeArn("auth-api-keys"),
		"identitySource": "method.request.header.X-Api-Key", "name": "keys", "restApi": restID, "type": "REQUEST",
	})
	same(t, "authorizer users", find(t, pl, tAuthorizer, "auth-api:authorizer users"), map[string]any{
		"authorizerResultTtlInSeconds": 300, "identitySource": "method.request.header.Authorization", "name": "users",
		"providerArns": []string{UserPool}, "restApi": restID, "type": "COGNITO_USER_POOLS",
	})

	for _, m := range []struct {
		path string
		want map[string]any
	}{
		{"/public", map[string]any{"authorization": "NONE"}},
		{"/me", map[string]any{"authorization": "CUSTOM", "authorizerId": authorizerID("tokens")}},
		{"/admin", map[string]any{"authorization": "CUSTOM", "authorizerId": authorizerID("keys")}},
		{"/profile", map[string]any{"authorization": "COGNITO_USER_POOLS", "authorizationScopes": []string{"read"}, "authorizerId": authorizerID("users")}},
		{"/iam", map[string]any{"authorization": "AWS_IAM"}},
	} {
		in := find(t, pl, tMethod, "auth-api:GET "+m.path)
		delete(in, "resourceId")
		m.want["httpMethod"], m.want["restApi"] = "GET", restID
		same(t, "method GET "+m.path, in, m.want)

		name := "auth-api:OPTIONS " + m.path
		resource := "<Resource auth-api:" + m.path + " id>"
		same(t, "method "+name, find(t, pl, tMethod, name), map[string]any{
			"authorization": "NONE", "httpMethod": "OPTIONS", "resourceId": resource, "restApi": restID,
		})
		same(t, "integration "+name, find(t, pl, tIntegration, name), map[string]any{
			"httpMethod": "OPTIONS", "requestTemplates": map[string]string{"application/json": `{"statusCode": 200}`},
			"resourceId": resource, "restApi": restID, "type": "MOCK",
		})
		same(t, "method response "+name, find(t, pl, tMethodResp, name), map[string]any{
			"httpMethod": "OPTIONS", "resourceId": resource,
			"responseModels": map[string]string{"application/json": "Empty"},
			"responseParameters": map[string]bool{
				"method.response.header.Access-Control-Allow-Credentials": true,
				"method.response.header.Access-Control-Allow-Headers":     true,
				"method.response.header.Access-Control-Allow-Methods":     true,
				"method.response.header.Access-Control-Allow-Origin":      true,
				"method.response.header.Access-Control-Max-Age":           true,
			},
			"restApi": restID, "statusCode": "200",
		})
		same(t, "integration response "+name, find(t, pl, tIntegResp, name), map[string]any{
			"httpMethod": "OPTIONS", "resourceId": resource,
			"responseParameters": map[string]string{
				"method.response.header.Access-Control-Allow-Credentials": "'true'",
				"method.response.header.Access-Control-Allow-Headers":     "'Authorization,Content-Type,X-Api-Key'",
				"method.response.header.Access-Control-Allow-Methods":     "'GET,OPTIONS'",
				"method.response.header.Access-Control-Allow-Origin":      "'https://app.example.com'",
				"method.response.header.Access-Control-Max-Age":           "'600'",
			},
			"restApi": restID, "statusCode": "200",
		})
	}

	for _, typ := range []string{"DEFAULT_4XX", "DEFAULT_5XX"} {
		same(t, "gateway response "+typ, find(t, pl, tGatewayResp, "auth-api:response "+typ), map[string]any{
			"responseParameters": map[string]string{
				"gatewayresponse.header.Access-Control-Allow-Credentials": "'true'",
				"gatewayresponse.header.Access-Control-Allow-Origin":      "'https://app.example.com'",
			},
			"responseType": typ, "restApiId": restID,
		})
	}

	for _, a := range []string{"tokens", "keys"} {
		same(t, "permission of authorizer "+a, find(t, pl, tPermission, "auth-api:authorizer "+a), map[string]any{
			"action": "lambda:InvokeFunction", "function": "auth-api-test-auth-api-" + a, "principal": "apigateway.amazonaws.com",
			"sourceArn": execARN + "/authorizers/" + authorizerID(a), "statementIdPrefix": "apigateway-auth-api-",
		})
	}
	same(t, "permission of the routes' function", find(t, pl, tPermission, "auth-api:functions-echo")["sourceArn"], execARN+"/*/*")

	env := find(t, pl, tFunction, "functions-echo")["environment"]
	same(t, "functions-echo environment", env, map[string]any{"variables": map[string]string{
		"STELVIO_CORS_ALLOW_CREDENTIALS": "true",
		"STELVIO_CORS_ALLOW_HEADERS":     "Authorization,Content-Type,X-Api-Key",
		"STELVIO_CORS_ALLOW_METHODS":     "DELETE,GET,HEAD,OPTIONS,PATCH,POST,PUT",
		"STELVIO_CORS_ALLOW_ORIGIN":      "https://app.example.com",
		"STELVIO_CORS_MAX_AGE":           "600",
	}})
	if _, ok := find(t, pl, tFunction, "auth-api-tokens")["environment"]; ok {
		t.Error("the authorizer function got an environment")
	}
}

// TestDeploymentTrigger: a change of the CORS settings, of an authorizer or of a route's authorization
// redeploys the API.
func TestDeploymentTrigger(t *testing.T) {
	trigger := func(cors apigateway.CORSConfig, ttl time.Duration, scope string) string {
		t.Helper()
		pl := planOf(t, func(ctx *stelvio.Context) error {
			api := apigateway.New(ctx, "auth-api", apigateway.CORS(cors))
			users := api.CognitoAuthorizer("users", apigateway.UserPoolARN(UserPool))
			tokens := api.TokenAuthorizer("tokens", "functions/auth.check", apigateway.TTL(ttl))
			api.Route("GET", "/me", "functions/echo.me").Auth(tokens)
			api.Route("GET", "/profile", "functions/echo.profile").Auth(users).Scopes(scope)
			return nil
		})
		triggers, _ := find(t, pl, tDeployment, "auth-api")["triggers"].(map[string]any)
		return fmt.Sprint(triggers["routes"])
	}
	cors := apigateway.CORSConfig{AllowOrigins: []string{"https://app.example.com"}}
	base := trigger(cors, time.Minute, "read")
	if again := trigger(cors, time.Minute, "read"); again != base {
		t.Errorf("the same app gave another trigger: %s, then %s", base, again)
	}
	for what, got := range map[string]string{
		"origin": trigger(apigateway.CORSConfig{AllowOrigins: []string{"https://other.example.com"}}, time.Minute, "read"),
		"ttl":    trigger(cors, 2*time.Minute, "read"),
		"scope":  trigger(cors, time.Minute, "write"),
	} {
		if got == base {
			t.Errorf("changing the %s left the deployment trigger %s", what, got)
		}
	}
}
