package httpapi_test

import (
	"strings"
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/stelvio-go/stelvio/dns"
	lambdafn "github.com/stelvio-go/stelvio/internal/infra/function"
	"github.com/stelvio-go/stelvio/internal/infra/httpapi"
	"github.com/stelvio-go/stelvio/internal/resourcetest"
	"github.com/stelvio-go/stelvio/internal/route"
)

const execArn = "arn:aws:execute-api:eu-west-1:123456789012:abc123"

// testApi: CORS, a JWT and a Lambda authorizer, IAM authorization, two routes of one function (one
// with the JWT authorizer and scopes), a route behind the Lambda authorizer, one with IAM
// authorization, and $default.
func testApi(t *testing.T, domain string) (*route.HTTPApi, []*route.Function) {
	t.Helper()
	path := func(p string) route.Path {
		parsed, err := route.ParsePath(p)
		if err != nil {
			t.Fatal(err)
		}
		return parsed
	}
	fn := func(name string) *route.Function {
		return &route.Function{Name: name, RuntimeID: "python3.12", Memory: 128, Timeout: 30, Architecture: "x86_64"}
	}
	users, other, authFn := fn("users"), fn("fallback"), fn("web-keys")
	jwt := &route.HTTPAuthorizer{Name: "users", Kind: route.HTTPAuthJWT, Issuer: "https://cognito-idp.us-east-1.amazonaws.com/us-east-1_AbCdEf123",
		Audience: []string{"client-a", "client-b"}, IdentitySources: []string{"$request.header.Authorization"}}
	keys := &route.HTTPAuthorizer{Name: "keys", Kind: route.HTTPAuthRequest, Function: authFn, IdentitySources: []string{"$request.header.X-Api-Key"},
		TTL: 300, SimpleResponses: true}
	iam := &route.HTTPAuthorizer{Name: "iam", Kind: route.HTTPAuthIAM}
	api := &route.HTTPApi{Name: "web", DomainName: domain, Authorizers: []*route.HTTPAuthorizer{jwt, keys, iam},
		CORS: &route.HTTPCORS{AllowOrigins: []string{"https://app.example.com", "https://admin.example.com"}, AllowMethods: []string{"GET", "POST"},
			AllowHeaders: []string{"authorization"}, ExposeHeaders: []string{"x-request-id"}, MaxAge: 600, AllowCredentials: true}}
	api.Routes = []*route.HTTPRoute{
		{Api: api, Key: "GET /users/{id}", Method: "GET", Path: path("/users/{id}"), Function: users},
		{Api: api, Key: "GET /me", Method: "GET", Path: path("/me"), Function: users, Auth: jwt, Scopes: []string{"profile", "email"}},
		{Api: api, Key: "POST /admin", Method: "POST", Path: path("/admin"), Function: users, Auth: keys},
		{Api: api, Key: "DELETE /orders", Method: "DELETE", Path: path("/orders"), Function: users, Auth: iam},
		{Api: api, Key: "$default", Default: true, Function: other},
	}
	return api, []*route.Function{users, other, authFn}
}

type recorder struct{}

type record struct{ pulumi.CustomResourceState }

func (recorder) CreateRecord(ctx *pulumi.Context, name string, rec dns.Record, opts ...pulumi.ResourceOption) (pulumi.Resource, error) {
	var r record
	in := pulumi.Map{"name": rec.Name}
	if rec.Alias != nil {
		in["aliasName"], in["aliasZone"] = rec.Alias.Name, rec.Alias.ZoneID
	}
	if rec.Value != nil {
		in["value"] = rec.Value
	}
	return &r, ctx.RegisterResource("test:dns:Record", name, in, &r, opts...)
}

// run makes api with mocks; linkURL is the URL functions linked to it get.
func run(t *testing.T, api *route.HTTPApi, fns []*route.Function, p dns.Provider) (m *resourcetest.Mocks, linkURL string) {
	t.Helper()
	m = &resourcetest.Mocks{Outputs: func(typ, name string, in resource.PropertyMap) resource.PropertyMap {
		switch typ {
		case "aws:lambda/function:Function":
			return resource.NewPropertyMapFromMap(map[string]any{"invokeArn": "invoke:" + name, "name": "shop-prod-" + name})
		case "aws:apigatewayv2/api:Api":
			return resource.NewPropertyMapFromMap(map[string]any{"executionArn": execArn, "apiEndpoint": "https://abc123.execute-api.eu-west-1.amazonaws.com"})
		case "aws:cloudwatch/logGroup:LogGroup":
			return resource.NewPropertyMapFromMap(map[string]any{"arn": "arn:aws:logs:eu-west-1:123456789012:log-group:" + in["name"].StringValue()})
		case "aws:acm/certificate:Certificate":
			return resource.NewPropertyMapFromMap(map[string]any{"arn": "arn:aws:acm:eu-west-1:123456789012:certificate/c1",
				"domainValidationOptions": []any{map[string]any{"resourceRecordName": "_x.api.example.com.", "resourceRecordType": "CNAME", "resourceRecordValue": "_y.acm-validations.aws."}}})
		case "aws:apigatewayv2/domainName:DomainName":
			return resource.NewPropertyMapFromMap(map[string]any{"domainNameConfiguration": map[string]any{
				"certificateArn": "arn:aws:acm:eu-west-1:123456789012:certificate/c1", "endpointType": "REGIONAL", "securityPolicy": "TLS_1_2",
				"targetDomainName": "d-xyz.execute-api.eu-west-1.amazonaws.com", "hostedZoneId": "Z20JF4UZKIW1U8"}})
		}
		return nil
	}}
	err := m.Run(func(ctx *pulumi.Context) error {
		lambdas := map[string]*lambdafn.Lambda{}
		for _, fn := range fns {
			l, err := lambdafn.NewLambda(ctx, fn.Name, &lambdafn.LambdaArgs{App: "shop", Env: "prod", Function: fn, Code: "pkg.zip", CodeHash: "h", Handler: "h.h"})
			if err != nil {
				return err
			}
			lambdas[fn.Name] = l
		}
		h, err := httpapi.NewHttpApi(ctx, "web", &httpapi.HttpApiArgs{App: "shop", Env: "prod", Api: api, Functions: lambdas, DNS: p})
		if err != nil {
			return err
		}
		h.LinkUrl.ApplyT(func(u string) string { linkURL = u; return u })
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return m, linkURL
}

func check(t *testing.T, r *resourcetest.Resource, want map[string]string) {
	t.Helper()
	for k, v := range want {
		if got := r.Input(k); got != v {
			t.Errorf("%s %s: %s = %q, want %q", r.Type, r.Name, k, got, v)
		}
	}
}

func list(r *resourcetest.Resource, key string) string {
	var out []string
	v := r.Inputs[resource.PropertyKey(key)]
	if !v.IsArray() {
		return ""
	}
	for _, v := range v.ArrayValue() {
		out = append(out, v.StringValue())
	}
	return strings.Join(out, ",")
}

// Every input of every resource of an HTTP API, as the apigatewayv2 resources document them:
// https://docs.aws.amazon.com/apigateway/latest/developerguide/http-api-develop-integrations-lambda.html
func TestHttpApi(t *testing.T) {
	api, fns := testApi(t, "")
	m, linkURL := run(t, api, fns, nil)
	// A linked function gets the endpoint, which serves the $default stage without a stage path.
	if linkURL != "https://abc123.execute-api.eu-west-1.amazonaws.com" {
		t.Errorf("link URL = %q, want the api endpoint", linkURL)
	}

	a := m.Find(t, "aws:apigatewayv2/api:Api", "web")
	check(t, a, map[string]string{"name": "shop-prod-web", "protocolType": "HTTP"})
	for k, want := range map[string]string{"allowOrigins": "https://app.example.com,https://admin.example.com", "allowMethods": "GET,POST",
		"allowHeaders": "authorization", "exposeHeaders": "x-request-id"} {
		var got []string
		for _, v := range a.Inputs["corsConfiguration"].ObjectValue()[resource.PropertyKey(k)].ArrayValue() {
			got = append(got, v.StringValue())
		}
		if strings.Join(got, ",") != want {
			t.Errorf("corsConfiguration.%s = %v, want %s", k, got, want)
		}
	}
	if got := a.Path("corsConfiguration", "maxAge") + " " + a.Path("corsConfiguration", "allowCredentials"); got != "600 true" {
		t.Errorf("corsConfiguration maxAge, allowCredentials = %s", got)
	}

	jwt := m.Find(t, "aws:apigatewayv2/authorizer:Authorizer", "web:authorizer users")
	check(t, jwt, map[string]string{"apiId": "web-id", "name": "users", "authorizerType": "JWT",
		"authorizerUri": "", "authorizerPayloadFormatVersion": "", "enableSimpleResponses": "", "authorizerResultTtlInSeconds": ""})
	if got := list(jwt, "identitySources"); got != "$request.header.Authorization" {
		t.Errorf("jwt identitySources = %s", got)
	}
	if got := jwt.Path("jwtConfiguration", "issuer") + " " + jwt.Path("jwtConfiguration", "audiences", 0) + "," + jwt.Path("jwtConfiguration", "audiences", 1); got != "https://cognito-idp.us-east-1.amazonaws.com/us-east-1_AbCdEf123 client-a,client-b" {
		t.Errorf("jwtConfiguration = %s", got)
	}
	keys := m.Find(t, "aws:apigatewayv2/authorizer:Authorizer", "web:authorizer keys")
	check(t, keys, map[string]string{"apiId": "web-id", "name": "keys", "authorizerType": "REQUEST", "authorizerUri": "invoke:web-keys",
		"authorizerPayloadFormatVersion": "2.0", "enableSimpleResponses": "true", "authorizerResultTtlInSeconds": "300"})
	if got := list(keys, "identitySources"); got != "$request.header.X-Api-Key" {
		t.Errorf("lambda identitySources = %s", got)
	}
	check(t, m.Find(t, "aws:lambda/permission:Permission", "web:authorizer keys"), map[string]string{"function": "shop-prod-web-keys",
		"action": "lambda:InvokeFunction", "principal": "apigateway.amazonaws.com", "sourceArn": execArn + "/authorizers/web:authorizer keys-id"})

	// One integration and one permission per function.
	for _, fn := range []string{"users", "fallback"} {
		check(t, m.Find(t, "aws:apigatewayv2/integration:Integration", "web:integration "+fn), map[string]string{"apiId": "web-id",
			"integrationType": "AWS_PROXY", "integrationMethod": "POST", "integrationUri": "invoke:" + fn, "payloadFormatVersion": "2.0", "timeoutMilliseconds": "30000"})
		check(t, m.Find(t, "aws:lambda/permission:Permission", "web:"+fn), map[string]string{"function": "shop-prod-" + fn,
			"action": "lambda:InvokeFunction", "principal": "apigateway.amazonaws.com", "sourceArn": execArn + "/*/*", "statementIdPrefix": "apigatewayv2-web-"})
	}
	if n := count(m, "aws:apigatewayv2/integration:Integration"); n != 2 {
		t.Errorf("%d integrations, want 2", n)
	}

	for _, tt := range []struct {
		key, target, authType, authorizer, scopes string
	}{
		{"GET /users/{id}", "integrations/web:integration users-id", "NONE", "", ""},
		{"GET /me", "integrations/web:integration users-id", "JWT", "web:authorizer users-id", "profile,email"},
		{"POST /admin", "integrations/web:integration users-id", "CUSTOM", "web:authorizer keys-id", ""},
		// IAM authorization is the route's authorizationType AWS_IAM and no authorizer:
		// https://docs.aws.amazon.com/apigateway/latest/developerguide/http-api-access-control-iam.html
		{"DELETE /orders", "integrations/web:integration users-id", "AWS_IAM", "", ""},
		{"$default", "integrations/web:integration fallback-id", "NONE", "", ""},
	} {
		r := m.Find(t, "aws:apigatewayv2/route:Route", "web:"+tt.key)
		check(t, r, map[string]string{"apiId": "web-id", "routeKey": tt.key, "target": tt.target, "authorizationType": tt.authType, "authorizerId": tt.authorizer})
		if got := list(r, "authorizationScopes"); got != tt.scopes {
			t.Errorf("route %s scopes = %q, want %q", tt.key, got, tt.scopes)
		}
	}

	if n := count(m, "aws:apigatewayv2/authorizer:Authorizer"); n != 2 {
		t.Errorf("%d authorizers, want 2 (IAM authorization has no authorizer resource)", n)
	}
	if n := count(m, "aws:lambda/permission:Permission"); n != 3 {
		t.Errorf("%d permissions, want 3 (two functions, the Lambda authorizer)", n)
	}

	logs := m.Find(t, "aws:cloudwatch/logGroup:LogGroup", "web:access-logs")
	check(t, logs, map[string]string{"name": "/aws/apigateway/shop-prod-web/access", "retentionInDays": "30"})
	stage := m.Find(t, "aws:apigatewayv2/stage:Stage", "web")
	check(t, stage, map[string]string{"apiId": "web-id", "name": "$default", "autoDeploy": "true"})
	if got := stage.Path("accessLogSettings", "destinationArn"); got != "arn:aws:logs:eu-west-1:123456789012:log-group:/aws/apigateway/shop-prod-web/access" {
		t.Errorf("access log destination = %s", got)
	}
	if got := stage.Path("accessLogSettings", "format"); got != httpapi.AccessLogFormat {
		t.Errorf("access log format = %s", got)
	}
	if n := count(m, "aws:apigatewayv2/domainName:DomainName"); n != 0 {
		t.Errorf("%d domain names without a domain", n)
	}
}

// A custom domain: a DNS-validated certificate, a regional TLS 1.2 domain name, the mapping of the
// $default stage and an alias record to the domain's regional endpoint.
// https://docs.aws.amazon.com/apigateway/latest/developerguide/http-api-custom-domain-names.html
func TestHttpApiDomain(t *testing.T) {
	api, fns := testApi(t, "api.example.com")
	m, linkURL := run(t, api, fns, recorder{})
	// With a custom domain a linked function gets the domain's URL, as for a REST API.
	if linkURL != "https://api.example.com" {
		t.Errorf("link URL = %q, want https://api.example.com", linkURL)
	}
	check(t, m.Find(t, "aws:acm/certificate:Certificate", "web:domain:certificate"), map[string]string{"domainName": "api.example.com", "validationMethod": "DNS"})
	d := m.Find(t, "aws:apigatewayv2/domainName:DomainName", "web:domain")
	check(t, d, map[string]string{"domainName": "api.example.com"})
	if got := d.Path("domainNameConfiguration", "endpointType") + " " + d.Path("domainNameConfiguration", "securityPolicy") + " " + d.Path("domainNameConfiguration", "certificateArn"); got != "REGIONAL TLS_1_2 arn:aws:acm:eu-west-1:123456789012:certificate/c1" {
		t.Errorf("domainNameConfiguration = %s", got)
	}
	check(t, m.Find(t, "aws:apigatewayv2/apiMapping:ApiMapping", "web:domain:mapping"), map[string]string{"apiId": "web-id", "domainName": "web:domain-id", "stage": "web-id"})
	check(t, m.Find(t, "test:dns:Record", "web:domain:record"), map[string]string{"name": "api.example.com",
		"aliasName": "d-xyz.execute-api.eu-west-1.amazonaws.com", "aliasZone": "Z20JF4UZKIW1U8"})
}

func TestHttpApiDomainNeedsDNS(t *testing.T) {
	api, fns := testApi(t, "api.example.com")
	m := &resourcetest.Mocks{}
	err := m.Run(func(ctx *pulumi.Context) error {
		lambdas := map[string]*lambdafn.Lambda{}
		for _, fn := range fns {
			l, err := lambdafn.NewLambda(ctx, fn.Name, &lambdafn.LambdaArgs{App: "shop", Env: "prod", Function: fn, Code: "pkg.zip", CodeHash: "h", Handler: "h.h"})
			if err != nil {
				return err
			}
			lambdas[fn.Name] = l
		}
		_, err := httpapi.NewHttpApi(ctx, "web", &httpapi.HttpApiArgs{App: "shop", Env: "prod", Api: api, Functions: lambdas})
		return err
	})
	const want = `api "web": domain api.example.com needs a DNS provider; create the app with stelvio.New(name, route53.Use("ZONE_ID")) or cloudflare.Use("ZONE_ID")`
	if err == nil || !strings.Contains(err.Error(), want) {
		t.Fatalf("err = %v, want %s", err, want)
	}
}

func count(m *resourcetest.Mocks, typ string) int {
	n := 0
	for _, r := range m.Resources() {
		if r.Type == typ {
			n++
		}
	}
	return n
}
