package restapi_test

import (
	"slices"
	"strings"
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/stelvio-go/stelvio/internal/authorizer"
	"github.com/stelvio-go/stelvio/internal/cors"
	lambdafn "github.com/stelvio-go/stelvio/internal/infra/function"
	"github.com/stelvio-go/stelvio/internal/infra/restapi"
	"github.com/stelvio-go/stelvio/internal/resourcetest"
	"github.com/stelvio-go/stelvio/internal/route"
)

// authApi is an API with CORS (any origin, two methods, an exposed header), a REQUEST authorizer with
// two identity sources on an ANY route, and a TOKEN authorizer with its own header, validation
// expression and no cache on the root; both authorizers run one function.
func authApi(t *testing.T) (*route.Api, []*route.Function) {
	t.Helper()
	path := func(p string) route.Path {
		parsed, err := route.ParsePath(p)
		if err != nil {
			t.Fatal(err)
		}
		return parsed
	}
	fn := &route.Function{Name: "files", RuntimeID: "python3.12", Memory: 128, Timeout: 60, Architecture: "x86_64"}
	authFn := &route.Function{Name: "api-auth", RuntimeID: "python3.12", Memory: 128, Timeout: 60, Architecture: "x86_64"}
	zero := 0
	keys := &authorizer.Config{Name: "keys", Kind: authorizer.KindRequest, Function: "api-auth",
		IdentitySources: []string{"method.request.header.X-Api-Key", "method.request.querystring.tenant"}}
	tokens := &authorizer.Config{Name: "tokens", Kind: authorizer.KindToken, Function: "api-auth",
		TokenHeader: "X-Token", ValidationExpression: "^Bearer .+$", TTL: &zero}
	api := &route.Api{Name: "api", StageName: "v1", EndpointType: "REGIONAL",
		CORS:        &cors.Config{AllowOrigins: []string{"*"}, AllowMethods: []string{"GET", "POST"}, ExposeHeaders: []string{"X-Request-Id"}},
		Authorizers: []*authorizer.Config{keys, tokens}}
	api.Routes = []*route.Route{
		{Api: api, Methods: []string{"ANY"}, Path: path("/files/{proxy+}"), Function: fn, Auth: keys},
		{Api: api, Methods: []string{"GET"}, Path: path("/"), Function: fn, Auth: tokens},
	}
	fn.Routes = api.Routes
	return api, []*route.Function{fn, authFn}
}

func TestAuthorizersAndCORS(t *testing.T) {
	api, fns := authApi(t)
	m := &resourcetest.Mocks{Outputs: func(typ, name string, in resource.PropertyMap) resource.PropertyMap {
		switch typ {
		case "aws:lambda/function:Function":
			return resource.NewPropertyMapFromMap(map[string]any{"invokeArn": "invoke:" + name, "name": "todo-prod-" + name})
		case "aws:apigateway/restApi:RestApi":
			return resource.NewPropertyMapFromMap(map[string]any{"executionArn": "arn:aws:execute-api:eu-west-1:123456789012:api-id", "rootResourceId": "root-id"})
		}
		return nil
	}}
	err := m.Run(func(ctx *pulumi.Context) error {
		lambdas := map[string]*lambdafn.Lambda{}
		for _, fn := range fns {
			l, err := lambdafn.NewLambda(ctx, fn.Name, &lambdafn.LambdaArgs{App: "todo", Env: "prod", Function: fn, Code: "pkg.zip", CodeHash: "h", Handler: "h.h"})
			if err != nil {
				return err
			}
			lambdas[fn.Name] = l
		}
		_, err := restapi.NewRestApi(ctx, "api", &restapi.RestApiArgs{App: "todo", Env: "prod", Api: api, Functions: lambdas})
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	const (
		tAuthorizer = "aws:apigateway/authorizer:Authorizer"
		tMethod     = "aws:apigateway/method:Method"
		tIntegResp  = "aws:apigateway/integrationResponse:IntegrationResponse"
		tMethodResp = "aws:apigateway/methodResponse:MethodResponse"
		tResponse   = "aws:apigateway/response:Response"
		tPermission = "aws:lambda/permission:Permission"
	)
	check := func(r *resourcetest.Resource, want map[string]string) {
		t.Helper()
		for k, v := range want {
			if got := r.Input(k); got != v {
				t.Errorf("%s %s: %s = %q, want %q", r.Type, r.Name, k, got, v)
			}
		}
	}
	keys := m.Find(t, tAuthorizer, "api:authorizer keys")
	check(keys, map[string]string{"name": "keys", "type": "REQUEST", "restApi": "api-id", "authorizerUri": "invoke:api-auth",
		"identitySource": "method.request.header.X-Api-Key,method.request.querystring.tenant", "authorizerResultTtlInSeconds": "300", "identityValidationExpression": ""})
	tokens := m.Find(t, tAuthorizer, "api:authorizer tokens")
	check(tokens, map[string]string{"name": "tokens", "type": "TOKEN", "authorizerUri": "invoke:api-auth",
		"identitySource": "method.request.header.X-Token", "identityValidationExpression": "^Bearer .+$", "authorizerResultTtlInSeconds": "0"})

	check(m.Find(t, tMethod, "api:ANY /files/{proxy+}"), map[string]string{"authorization": "CUSTOM", "authorizerId": "api:authorizer keys-id"})
	check(m.Find(t, tMethod, "api:GET /"), map[string]string{"authorization": "CUSTOM", "authorizerId": "api:authorizer tokens-id"})
	check(m.Find(t, tMethod, "api:OPTIONS /"), map[string]string{"authorization": "NONE", "authorizerId": "", "resourceId": "root-id"})

	// Each authorizer may invoke the function as itself only.
	for _, a := range []string{"keys", "tokens"} {
		check(m.Find(t, tPermission, "api:authorizer "+a), map[string]string{"function": "todo-prod-api-auth", "principal": "apigateway.amazonaws.com",
			"action": "lambda:InvokeFunction", "sourceArn": "arn:aws:execute-api:eu-west-1:123456789012:api-id/authorizers/api:authorizer " + a + "-id"})
	}

	// ANY on a path with GET and POST allowed: the preflight lists those and OPTIONS. No credentials
	// and no max age are configured, so those headers are not declared at all.
	iresp := m.Find(t, tIntegResp, "api:OPTIONS /files/{proxy+}")
	check(iresp, map[string]string{"statusCode": "200"})
	params := iresp.Inputs["responseParameters"].ObjectValue()
	want := map[string]string{
		"method.response.header.Access-Control-Allow-Origin":  "'*'",
		"method.response.header.Access-Control-Allow-Methods": "'GET,OPTIONS,POST'",
		"method.response.header.Access-Control-Allow-Headers": "'*'",
	}
	if len(params) != len(want) {
		t.Errorf("integration response parameters %v, want %v", params, want)
	}
	for k, v := range want {
		if got := params[resource.PropertyKey(k)]; !got.IsString() || got.StringValue() != v {
			t.Errorf("integration response %s = %v, want %q", k, got, v)
		}
	}
	if declared := m.Find(t, tMethodResp, "api:OPTIONS /files/{proxy+}").Inputs["responseParameters"].ObjectValue(); len(declared) != 3 {
		t.Errorf("method response declares %v, want the 3 headers of the integration response", declared)
	}
	for _, typ := range []string{"DEFAULT_4XX", "DEFAULT_5XX"} {
		r := m.Find(t, tResponse, "api:response "+typ)
		check(r, map[string]string{"responseType": typ, "restApiId": "api-id"})
		got := r.Inputs["responseParameters"].ObjectValue()
		if len(got) != 2 || got["gatewayresponse.header.Access-Control-Allow-Origin"].StringValue() != "'*'" ||
			got["gatewayresponse.header.Access-Control-Expose-Headers"].StringValue() != "'X-Request-Id'" {
			t.Errorf("gateway response %s parameters %v", typ, got)
		}
	}

	// The deployment waits for the preflight methods and gateway responses.
	dep := m.Find(t, "aws:apigateway/deployment:Deployment", "api")
	for _, name := range []string{"::api:OPTIONS /", "::api:response DEFAULT_4XX", "::api:response DEFAULT_5XX"} {
		if !slices.ContainsFunc(dep.Dependencies, func(urn string) bool { return strings.HasSuffix(urn, name) }) {
			t.Errorf("the deployment does not depend on %s: %v", name, dep.Dependencies)
		}
	}
}
