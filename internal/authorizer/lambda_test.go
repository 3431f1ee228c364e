package authorizer

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"reflect"
	"strings"
	"testing"
)

// The answers of API Gateway for a request to a method with a Lambda authorizer.
//   - 401 {"message":"Unauthorized"}: token missing or not matching the validation expression, REQUEST
//     identity source missing with caching on (without calling the function), or the function failing
//     with "Unauthorized": https://docs.aws.amazon.com/apigateway/latest/api/API_CreateAuthorizer.html,
//     https://docs.aws.amazon.com/apigateway/latest/developerguide/apigateway-use-lambda-authorizer.html
//     ("callback("Unauthorized"); // Return a 401 Unauthorized response").
//   - 403 explicit deny / implicit deny ({"message": "User is not authorized to access this resource
//     with an explicit deny"} / {"message": "User is not authorized to access this resource"}):
//     https://repost.aws/knowledge-center/api-gateway-403-error-lambda-authorizer and
//     https://repost.aws/knowledge-center/api-gateway-lambda-authorization-errors.
//   - 500 {"message":null} AuthorizerConfigurationException for any other failure or unusable output:
//     https://loige.co/debugging-custom-apigateway-authorizers/ and
//     https://github.com/auth0-samples/jwt-rsa-aws-custom-authorizer/pull/6 (body).
//
// The x-amzn-ErrorType values are not in the documentation; they are the ones AWS's responses carry:
// AuthorizerConfigurationException (https://github.com/serverless/examples/issues/305,
// https://github.com/serverless/serverless/issues/829), AccessDeniedException
// (https://github.com/aws/chalice/issues/971), UnauthorizedException
// (https://github.com/amazon-archives/amazon-cognito-identity-js/issues/602).
//
// The gateway response types and status codes:
// https://docs.aws.amazon.com/apigateway/latest/developerguide/supported-gateway-response-types.html
const (
	bodyUnauthorized = `{"message":"Unauthorized"}`
	bodyExplicitDeny = `{"message":"User is not authorized to access this resource with an explicit deny"}`
	bodyNotAllowed   = `{"message":"User is not authorized to access this resource"}`
	bodyNull         = `{"message":null}`
)

func TestLambdaAuthorizerAnswers(t *testing.T) {
	token := func(cfg Config) *Config { cfg.Name, cfg.Kind, cfg.Function = "auth", KindToken, "authfn"; return &cfg }
	request := func(cfg Config) *Config {
		cfg.Name, cfg.Kind, cfg.Function = "auth", KindRequest, "authfn"
		return &cfg
	}
	withToken := http.Header{"Authorization": {"allow-me"}}
	tests := []struct {
		name       string
		cfg        *Config
		header     http.Header
		target     string
		answer     func(map[string]any) ([]byte, error)
		wantStatus int // 0: allowed
		wantBody   string
		wantType   string
		wantCalls  int
	}{
		{"token allowed", token(Config{}), withToken, "/users/42", allowMethodARN, 0, "", "", 1},
		{"token missing", token(Config{}), nil, "/users/42", allowMethodARN, 401, bodyUnauthorized, "UnauthorizedException", 0},
		{"token empty", token(Config{}), http.Header{"Authorization": {""}}, "/users/42", allowMethodARN, 401, bodyUnauthorized, "UnauthorizedException", 0},
		{"token in another header", token(Config{TokenHeader: "X-Auth"}), withToken, "/users/42", allowMethodARN, 401, bodyUnauthorized, "UnauthorizedException", 0},
		{"custom token header", token(Config{TokenHeader: "X-Auth"}), http.Header{"X-Auth": {"t"}}, "/users/42", allowMethodARN, 0, "", "", 1},
		{"token not matching validation expression", token(Config{ValidationExpression: `Bearer [a-z]+`}), http.Header{"Authorization": {"Bearer abc1"}},
			"/users/42", allowMethodARN, 401, bodyUnauthorized, "UnauthorizedException", 0},
		{"token matching validation expression", token(Config{ValidationExpression: `Bearer [a-z]+`}), http.Header{"Authorization": {"Bearer abc"}},
			"/users/42", allowMethodARN, 0, "", "", 1},
		{"explicit deny", token(Config{}), withToken, "/users/42", policyOutput("Deny", "*", nil), 403, bodyExplicitDeny, "AccessDeniedException", 1},
		{"policy for another method", token(Config{}), withToken, "/users/42",
			policyOutput("Allow", "arn:aws:execute-api:us-east-1:123456789012:abc123defg/v1/POST/users/42", nil), 403, bodyNotAllowed, "AccessDeniedException", 1},
		{"function fails with Unauthorized", token(Config{}), withToken, "/users/42", functionError("Unauthorized"), 401, bodyUnauthorized, "UnauthorizedException", 1},
		{"function fails otherwise", token(Config{}), withToken, "/users/42", functionError("Error: Invalid token"), 500, bodyNull, "AuthorizerConfigurationException", 1},
		{"invoker fails", token(Config{}), withToken, "/users/42", func(map[string]any) ([]byte, error) { return nil, errors.New("worker exited") },
			500, bodyNull, "AuthorizerConfigurationException", 1},
		{"malformed output", token(Config{}), withToken, "/users/42", func(map[string]any) ([]byte, error) { return []byte(`{"principalId":"x"}`), nil },
			500, bodyNull, "AuthorizerConfigurationException", 1},
		{"context object", token(Config{}), withToken, "/users/42", policyOutput("Allow", "*", map[string]any{"user": map[string]any{"id": 3}}),
			500, bodyNull, "AuthorizerConfigurationException", 1},
		{"context array", token(Config{}), withToken, "/users/42", policyOutput("Allow", "*", map[string]any{"roles": []string{"a"}}),
			500, bodyNull, "AuthorizerConfigurationException", 1},
		{"request allowed", request(Config{IdentitySources: []string{"method.request.header.X-Key", "method.request.querystring.tenant"}}),
			http.Header{"X-Key": {"k"}}, "/users/42?tenant=t1", allowMethodARN, 0, "", "", 1},
		{"request source missing, caching on", request(Config{IdentitySources: []string{"method.request.header.X-Key", "method.request.querystring.tenant"}}),
			http.Header{"X-Key": {"k"}}, "/users/42", allowMethodARN, 401, bodyUnauthorized, "UnauthorizedException", 0},
		{"request source empty, caching on", request(Config{IdentitySources: []string{"method.request.querystring.tenant"}}),
			nil, "/users/42?tenant=", allowMethodARN, 401, bodyUnauthorized, "UnauthorizedException", 0},
		{"request source missing, caching off: the function decides", request(Config{TTL: intp(0), IdentitySources: []string{"method.request.header.X-Key"}}),
			nil, "/users/42", allowMethodARN, 0, "", "", 1},
		{"request stage variable and context sources", request(Config{IdentitySources: []string{"stageVariables.tier", "context.httpMethod", "context.identity.sourceIp"}}),
			nil, "/users/42", allowMethodARN, 0, "", "", 1},
		{"request stage variable missing", request(Config{IdentitySources: []string{"stageVariables.region"}}),
			nil, "/users/42", allowMethodARN, 401, bodyUnauthorized, "UnauthorizedException", 0},
		{"request context variable unknown", request(Config{IdentitySources: []string{"context.authorizer.claims"}}),
			nil, "/users/42", allowMethodARN, 401, bodyUnauthorized, "UnauthorizedException", 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if errs := tt.cfg.Validate(); errs != nil {
				t.Fatalf("config invalid: %v", errs)
			}
			e := NewEngine(Options{})
			inv := &fakeInvoker{answer: tt.answer}
			req := newRequest("GET", tt.target, tt.header)
			req.StageVariables = map[string]string{"tier": "gold"}
			req.ContextVariables = map[string]string{"identity.sourceIp": "127.0.0.1"}
			res := e.Authorize(context.Background(), tt.cfg, req, inv.invoke)
			if inv.count() != tt.wantCalls {
				t.Errorf("function called %d times, want %d", inv.count(), tt.wantCalls)
			}
			if tt.wantStatus == 0 {
				if res.Answer != nil {
					t.Fatalf("answer %d %s, want the request allowed", res.Answer.Status, res.Answer.Body)
				}
				if res.Authorizer["principalId"] != "user-1" {
					t.Errorf("authorizer = %v, want principalId user-1", res.Authorizer)
				}
				if inv.lastArg != "authfn" {
					t.Errorf("invoked %q, want authfn", inv.lastArg)
				}
				return
			}
			wantAnswer(t, res.Answer, tt.wantStatus, tt.wantBody, tt.wantType)
			if res.Authorizer != nil {
				t.Errorf("authorizer = %v on a refused request", res.Authorizer)
			}
		})
	}
}

// The handler's requestContext.authorizer: principalId, integrationLatency and the context values
// stringified ("numberKey": "1", "booleanKey": "true").
// https://docs.aws.amazon.com/apigateway/latest/developerguide/api-gateway-lambda-authorizer-output.html
func TestAllowedRequestContext(t *testing.T) {
	e := NewEngine(Options{})
	inv := &fakeInvoker{answer: policyOutput("Allow", "*", map[string]any{"stringKey": "value", "numberKey": 1, "booleanKey": true})}
	cfg := &Config{Name: "auth", Kind: KindToken, Function: "authfn"}
	res := e.Authorize(context.Background(), cfg, newRequest("GET", "/users/42", http.Header{"Authorization": {"t"}}), inv.invoke)
	if res.Answer != nil {
		t.Fatalf("answer %d %s", res.Answer.Status, res.Answer.Body)
	}
	lat, ok := res.Authorizer["integrationLatency"].(int64)
	if !ok || lat < 0 {
		t.Errorf("integrationLatency = %#v, want a number of milliseconds", res.Authorizer["integrationLatency"])
	}
	delete(res.Authorizer, "integrationLatency")
	want := map[string]any{"principalId": "user-1", "stringKey": "value", "numberKey": "1", "booleanKey": "true"}
	if !reflect.DeepEqual(res.Authorizer, want) {
		t.Errorf("authorizer = %v, want %v", res.Authorizer, want)
	}
	b, _ := json.Marshal(res.Authorizer)
	if !bytes.Contains(b, []byte(`"numberKey":"1"`)) {
		t.Errorf("authorizer JSON %s does not carry numberKey as a string", b)
	}
}

// The TOKEN event: {"type":"TOKEN","authorizationToken":...,"methodArn":...}.
// https://docs.aws.amazon.com/apigateway/latest/developerguide/api-gateway-lambda-authorizer-input.html
func TestTokenEvent(t *testing.T) {
	e := NewEngine(Options{})
	inv := &fakeInvoker{answer: allowMethodARN}
	cfg := &Config{Name: "auth", Kind: KindToken, Function: "authfn"}
	e.Authorize(context.Background(), cfg, newRequest("DELETE", "/users/42?x=1", http.Header{"Authorization": {"Bearer abc"}}), inv.invoke)
	want := `{"type":"TOKEN","authorizationToken":"Bearer abc","methodArn":"arn:aws:execute-api:us-east-1:123456789012:abc123defg/v1/DELETE/users/42"}`
	if len(inv.events) != 1 || string(inv.events[0]) != want {
		t.Errorf("event = %s\nwant    %s", inv.events, want)
	}
}

// The REQUEST event: type, methodArn, resource, path, httpMethod, headers, multiValueHeaders,
// queryStringParameters, multiValueQueryStringParameters, pathParameters, stageVariables,
// requestContext.
// https://docs.aws.amazon.com/apigateway/latest/developerguide/api-gateway-lambda-authorizer-input.html
func TestRequestEvent(t *testing.T) {
	e := NewEngine(Options{})
	inv := &fakeInvoker{answer: allowMethodARN}
	cfg := &Config{Name: "auth", Kind: KindRequest, Function: "authfn", TTL: intp(0)}
	req := newRequest("GET", "/users/42?tag=a&tag=b&q=1", http.Header{"Headerauth1": {"headerValue1"}})
	req.StageVariables = map[string]string{"StageVar1": "stageValue1"}
	req.HTTP.RemoteAddr = "127.0.0.1:5555"
	e.Authorize(context.Background(), cfg, req, inv.invoke)
	if len(inv.events) != 1 {
		t.Fatalf("%d events", len(inv.events))
	}
	var got map[string]any
	if err := json.Unmarshal(inv.events[0], &got); err != nil {
		t.Fatal(err)
	}
	want := map[string]any{
		"type":                            "REQUEST",
		"methodArn":                       "arn:aws:execute-api:us-east-1:123456789012:abc123defg/v1/GET/users/42",
		"resource":                        "/users/{id}",
		"path":                            "/users/42",
		"httpMethod":                      "GET",
		"headers":                         map[string]any{"Headerauth1": "headerValue1", "Host": "example.com"},
		"multiValueHeaders":               map[string]any{"Headerauth1": []any{"headerValue1"}, "Host": []any{"example.com"}},
		"queryStringParameters":           map[string]any{"tag": "b", "q": "1"},
		"multiValueQueryStringParameters": map[string]any{"tag": []any{"a", "b"}, "q": []any{"1"}},
		"pathParameters":                  map[string]any{"id": "42"},
		"stageVariables":                  map[string]any{"StageVar1": "stageValue1"},
		"requestContext": map[string]any{
			"path": "/v1/users/42", "accountId": "123456789012", "resourceId": "", "stage": "v1", "requestId": "",
			"identity":     map[string]any{"apiKey": nil, "sourceIp": "127.0.0.1"},
			"resourcePath": "/users/{id}", "httpMethod": "GET", "apiId": "abc123defg",
		},
	}
	if !reflect.DeepEqual(got, want) {
		gb, _ := json.MarshalIndent(got, "", " ")
		t.Errorf("event =\n%s", gb)
	}

	// The server's own headers and requestContext are passed as they are.
	inv.events = nil
	req.MultiValueHeaders = map[string][]string{"X-Forwarded-For": {"1.2.3.4"}}
	req.RequestContext = map[string]any{"requestId": "r-1", "authorizer": nil}
	e.Authorize(context.Background(), cfg, req, inv.invoke)
	if !strings.Contains(string(inv.events[0]), `"headers":{"X-Forwarded-For":"1.2.3.4"}`) ||
		!strings.Contains(string(inv.events[0]), `"requestContext":{"authorizer":null,"requestId":"r-1"}`) {
		t.Errorf("event = %s", inv.events[0])
	}
}

func TestValidateConfig(t *testing.T) {
	tests := []struct {
		name string
		cfg  Config
		want []string
	}{
		{"token ok", Config{Name: "a", Kind: KindToken, Function: "f", ValidationExpression: "^Bearer .+$", TTL: intp(3600)}, nil},
		{"request ok", Config{Name: "a", Kind: KindRequest, Function: "f", IdentitySources: []string{"method.request.header.X", "context.identity.sourceIp"}}, nil},
		{"cognito ok", Config{Name: "a", Kind: KindCognito, UserPoolID: "eu-west-1_AbC123"}, nil},
		{"iam ok", Config{Name: "a", Kind: KindIAM}, nil},
		{"no name, unknown kind", Config{Kind: "JWT"}, []string{
			"authorizer with no name; give every authorizer of an API a unique name",
			`authorizer "": unknown kind "JWT"; use TOKEN, REQUEST, COGNITO_USER_POOLS or AWS_IAM`}},
		{"lambda without function, TTL too long", Config{Name: "a", Kind: KindToken, TTL: intp(3601)}, []string{
			`authorizer "a": a TOKEN authorizer needs the function that decides; name one`,
			`authorizer "a": cache TTL 3601 is out of range; use 0 (no cache) to 3600 seconds`}},
		{"negative TTL", Config{Name: "a", Kind: KindToken, Function: "f", TTL: intp(-1)}, []string{
			`authorizer "a": cache TTL -1 is out of range; use 0 (no cache) to 3600 seconds`}},
		{"bad regex", Config{Name: "a", Kind: KindToken, Function: "f", ValidationExpression: "("}, []string{
			"authorizer \"a\": validation expression \"(\": error parsing regexp: missing closing ): `(`"}},
		{"request caching without sources, path source", Config{Name: "a", Kind: KindRequest, Function: "f", IdentitySources: []string{"method.request.path.id"}}, []string{
			`authorizer "a": identity source "method.request.path.id": use method.request.header.NAME, method.request.querystring.NAME, stageVariables.NAME or context.NAME (path parameters cannot be identity sources)`}},
		{"request caching without sources", Config{Name: "a", Kind: KindRequest, Function: "f"}, []string{
			`authorizer "a": a REQUEST authorizer with caching needs at least one identity source (the cache key); add one, or set the TTL to 0`}},
		{"cognito without pool", Config{Name: "a", Kind: KindCognito}, []string{
			`authorizer "a": a COGNITO_USER_POOLS authorizer needs its user pool id ("us-east-1_AbCdEf123")`}},
		{"cognito bad pool", Config{Name: "a", Kind: KindCognito, UserPoolID: "mypool"}, []string{
			`authorizer "a": user pool id "mypool" is not of the form REGION_ID ("us-east-1_AbCdEf123")`}},
		{"iam with extras", Config{Name: "a", Kind: KindIAM, TTL: intp(5), TokenHeader: "X", ValidationExpression: ".*", IdentitySources: []string{"context.x"}, UserPoolID: "us-east-1_x"}, []string{
			`authorizer "a": AWS_IAM authorizers have no result cache; remove the TTL`,
			`authorizer "a": only TOKEN and COGNITO_USER_POOLS authorizers read a token header; use identity sources for a REQUEST authorizer`,
			`authorizer "a": only TOKEN and COGNITO_USER_POOLS authorizers have a validation expression`,
			`authorizer "a": only REQUEST authorizers have identity sources; remove them`,
			`authorizer "a": only COGNITO_USER_POOLS authorizers have a user pool`}},
		{"bad header name", Config{Name: "a", Kind: KindToken, Function: "f", TokenHeader: "X Auth"}, []string{
			`authorizer "a": token header "X Auth" is not a valid header name`}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var got []string
			for _, err := range tt.cfg.Validate() {
				got = append(got, err.Error())
			}
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("Validate() =\n%q\nwant\n%q", got, tt.want)
			}
		})
	}
}
