package httpapi

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http/httptest"
	"reflect"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/aws/aws-lambda-go/events"

	"github.com/stelvio-go/stelvio/internal/runtimeapi"
)

func testEvent(t testing.TB, method, target string, header map[string]string, key string) *events.APIGatewayV2HTTPRequest {
	t.Helper()
	r := httptest.NewRequest(method, target, nil)
	for k, v := range header {
		r.Header.Set(k, v)
	}
	m, ok := router(t, key).Match(method, r.URL.EscapedPath())
	if !ok {
		t.Fatal("no match")
	}
	ev := newEvent(&Request{HTTP: r, RequestID: "req-1", Time: testNow, Match: m},
		Context{AccountID: "123456789012", APIID: "abcdef123", DomainName: "example.com", StageVariables: map[string]string{"tier": "gold"}})
	e := ev.APIGatewayV2HTTPRequest
	e.RequestContext = ev.RequestContext.APIGatewayV2HTTPRequestContext
	return &e
}

// Lambda authorizers with payload format 2.0.
// https://docs.aws.amazon.com/apigateway/latest/developerguide/http-api-lambda-authorizer.html
func TestLambdaAuthorizer(t *testing.T) {
	allow := `{"principalId":"abcdef","policyDocument":{"Version":"2012-10-17","Statement":[{"Action":"execute-api:Invoke","Effect":"Allow","Resource":"arn:aws:execute-api:us-east-1:123456789012:abcdef123/$default/GET/pets/*"}]},"context":{"stringKey":"value","numberKey":1,"arrayKey":["value1","value2"],"mapKey":{"value1":"value2"}}}`
	deny := strings.Replace(allow, `"Effect":"Allow"`, `"Effect":"Deny"`, 1)
	docContext := map[string]any{"stringKey": "value", "numberKey": float64(1), "arrayKey": []any{"value1", "value2"}, "mapKey": map[string]any{"value1": "value2"}}
	cases := []struct {
		name    string
		auth    LambdaAuthorizer
		header  map[string]string
		result  string
		err     error
		status  int
		body    string
		context map[string]any
		invoked bool
	}{
		{"simple allowed", LambdaAuthorizer{SimpleResponses: true, IdentitySources: []string{"$request.header.Authorization"}},
			map[string]string{"Authorization": "secretToken"}, `{"isAuthorized":true,"context":{"stringKey":"value","numberKey":1,"arrayKey":["value1","value2"],"mapKey":{"value1":"value2"}}}`, nil,
			0, "", docContext, true},
		{"simple refused", LambdaAuthorizer{SimpleResponses: true}, nil, `{"isAuthorized":false}`, nil, 403, `{"message":"Forbidden"}`, nil, true},
		// "If the client's request doesn't include the identity sources, API Gateway doesn't invoke your
		// Lambda authorizer, and the client receives a 401 error."
		{"identity source missing", LambdaAuthorizer{SimpleResponses: true, IdentitySources: []string{"$request.header.Authorization"}},
			nil, `{"isAuthorized":true}`, nil, 401, `{"message":"Unauthorized"}`, nil, false},
		{"IAM policy allows", LambdaAuthorizer{}, nil, allow, nil, 0, "", docContext, true},
		{"IAM policy denies", LambdaAuthorizer{}, nil, deny, nil, 403, `{"message":"Forbidden"}`, nil, true},
		// "If API Gateway can't invoke your Lambda authorizer, or your Lambda authorizer returns a response
		// in an invalid format, clients receive a 500 Internal Server Error."
		{"function error", LambdaAuthorizer{SimpleResponses: true}, nil, "", errors.New("boom"), 500, `{"message":"Internal Server Error"}`, nil, true},
		// raise Exception("Unauthorized"): the HTTP API guide is silent on it; REST APIs' documented
		// answer, 401 (https://docs.aws.amazon.com/apigateway/latest/developerguide/apigateway-use-lambda-authorizer.html).
		{"function raised Unauthorized", LambdaAuthorizer{SimpleResponses: true}, nil, "",
			fmt.Errorf("function auth: %w", &runtimeapi.FunctionError{Kind: runtimeapi.KindFunction, Type: "Exception", Message: "Unauthorized"}),
			401, `{"message":"Unauthorized"}`, nil, true},
		{"function raised another message", LambdaAuthorizer{SimpleResponses: true}, nil, "",
			fmt.Errorf("function auth: %w", &runtimeapi.FunctionError{Kind: runtimeapi.KindFunction, Type: "Exception", Message: "unauthorized"}),
			500, `{"message":"Internal Server Error"}`, nil, true},
		{"function timed out with Unauthorized", LambdaAuthorizer{SimpleResponses: true}, nil, "",
			&runtimeapi.FunctionError{Kind: runtimeapi.KindTimeout, Type: "Sandbox.Timedout", Message: "Unauthorized"},
			500, `{"message":"Internal Server Error"}`, nil, true},
		{"not JSON", LambdaAuthorizer{SimpleResponses: true}, nil, `yes`, nil, 500, `{"message":"Internal Server Error"}`, nil, true},
		{"simple without isAuthorized", LambdaAuthorizer{SimpleResponses: true}, nil, `{"context":{}}`, nil, 500, `{"message":"Internal Server Error"}`, nil, true},
		{"policy expected, simple given", LambdaAuthorizer{}, nil, `{"isAuthorized":true}`, nil, 500, `{"message":"Internal Server Error"}`, nil, true},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			invoked := false
			l := &LambdaAuthorizers{Now: func() time.Time { return testNow }, Invoke: func(ctx context.Context, fn string, ev []byte) ([]byte, error) {
				invoked = true
				return []byte(c.result), c.err
			}}
			c.auth.Name, c.auth.Function = "auth", "authfn"
			res := l.Authorize(context.Background(), &c.auth, testEvent(t, "GET", "/pets/1", c.header, "GET /pets/{id}"), "us-east-1")
			if invoked != c.invoked {
				t.Errorf("invoked = %v, want %v", invoked, c.invoked)
			}
			if c.status == 0 {
				if res.Answer != nil {
					t.Fatalf("refused: %d %s (%s)", res.Answer.Status, res.Answer.Body, res.Reason)
				}
				if !reflect.DeepEqual(res.Authorizer.Lambda, c.context) {
					t.Errorf("lambda context = %#v\nwant %#v", res.Authorizer.Lambda, c.context)
				}
				return
			}
			if res.Answer == nil || res.Answer.Status != c.status || res.Answer.Body != c.body {
				t.Errorf("answer = %+v, want %d %s", res.Answer, c.status, c.body)
			}
		})
	}
}

// The authorizer's event: version 2.0, type REQUEST, routeArn, identitySource values in order, the
// request's fields.
func TestLambdaAuthorizerEvent(t *testing.T) {
	var got map[string]any
	l := &LambdaAuthorizers{Invoke: func(ctx context.Context, fn string, ev []byte) ([]byte, error) {
		if err := json.Unmarshal(ev, &got); err != nil {
			t.Fatal(err)
		}
		return []byte(`{"isAuthorized":true}`), nil
	}}
	a := &LambdaAuthorizer{Name: "a", Function: "f", SimpleResponses: true,
		IdentitySources: []string{"$request.header.X-User", "$request.querystring.id", "$context.routeKey", "$stageVariables.tier"}}
	res := l.Authorize(context.Background(), a, testEvent(t, "GET", "/pets/1?id=123", map[string]string{"x-user": "user1"}, "GET /pets/{id}"), "us-east-1")
	if res.Answer != nil {
		t.Fatal(res.Reason)
	}
	checks := map[string]any{
		"version":        "2.0",
		"type":           "REQUEST",
		"routeArn":       "arn:aws:execute-api:us-east-1:123456789012:abcdef123/$default/GET/pets/1",
		"identitySource": []any{"user1", "123", "GET /pets/{id}", "gold"},
		"routeKey":       "GET /pets/{id}",
		"rawPath":        "/pets/1",
		"rawQueryString": "id=123",
	}
	for k, v := range checks {
		if !reflect.DeepEqual(got[k], v) {
			t.Errorf("%s = %#v, want %#v", k, got[k], v)
		}
	}
	if rc, _ := got["requestContext"].(map[string]any); rc["authentication"] != nil || rc["authorizer"] != nil || rc["stage"] != "$default" {
		t.Errorf("requestContext = %v", rc)
	}
}

// "When caching is enabled for an authorizer, API Gateway uses the authorizer's identity sources as
// the cache key"; the cached response is used "for all routes of an API that use the authorizer", so
// an IAM policy that allows one route refuses another until it expires.
func TestLambdaAuthorizerCache(t *testing.T) {
	var calls atomic.Int32
	var hits []string
	now := testNow
	l := &LambdaAuthorizers{Now: func() time.Time { return now }, Invoke: func(ctx context.Context, fn string, ev []byte) ([]byte, error) {
		calls.Add(1)
		return []byte(`{"principalId":"u","policyDocument":{"Version":"2012-10-17","Statement":[{"Action":"execute-api:Invoke","Effect":"Allow","Resource":"arn:aws:execute-api:us-east-1:123456789012:abcdef123/$default/GET/pets/1"}]}}`), nil
	}, Cached: func(name, method, path string, left time.Duration, ttl int) {
		hits = append(hits, fmt.Sprintf("%s %s %s %s %d", name, method, path, left, ttl))
	}}
	a := &LambdaAuthorizer{Name: "a", Function: "f", TTL: 300, IdentitySources: []string{"$request.header.Authorization"}}
	do := func(path, token string) int {
		res := l.Authorize(context.Background(), a, testEvent(t, "GET", path, map[string]string{"Authorization": token}, "GET /pets/{id}"), "us-east-1")
		if res.Answer != nil {
			return res.Answer.Status
		}
		return 200
	}
	steps := []struct {
		path, token string
		advance     time.Duration
		status      int
		calls       int32
	}{
		{"/pets/1", "t1", 0, 200, 1},
		{"/pets/1", "t1", 0, 200, 1},                 // cached
		{"/pets/2", "t1", 0, 403, 1},                 // cached policy, another route
		{"/pets/2", "t2", 0, 403, 2},                 // another identity: invoked
		{"/pets/1", "t1", 299 * time.Second, 200, 2}, // still cached
		{"/pets/1", "t1", time.Second, 200, 3},       // expired
	}
	for i, s := range steps {
		now = now.Add(s.advance)
		if got := do(s.path, s.token); got != s.status || calls.Load() != s.calls {
			t.Errorf("step %d: status %d calls %d, want %d %d", i, got, calls.Load(), s.status, s.calls)
		}
	}
	// Every request the cache decided is reported, with the time its entry has left.
	wantHits := []string{"a GET /pets/1 5m0s 300", "a GET /pets/2 5m0s 300", "a GET /pets/1 1s 300"}
	if !reflect.DeepEqual(hits, wantHits) {
		t.Errorf("cache hits %q, want %q", hits, wantHits)
	}
	l.Flush()
	do("/pets/1", "t1")
	if calls.Load() != 4 {
		t.Errorf("after Flush: calls %d, want 4", calls.Load())
	}
}

func TestLambdaAuthorizerValidate(t *testing.T) {
	a := &LambdaAuthorizer{Name: "l", TTL: 4000, IdentitySources: []string{"$request.path.id"}}
	want := []string{
		`Lambda authorizer "l": no function; name the function that decides`,
		`Lambda authorizer "l": cache TTL 4000 is out of range; use 0 (no cache) to 3600 seconds`,
		`Lambda authorizer "l": identity source "$request.path.id": use $request.header.NAME, $request.querystring.NAME, $context.NAME or $stageVariables.NAME`,
	}
	var got []string
	for _, e := range a.Validate() {
		got = append(got, e.Error())
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("errors =\n%q\nwant\n%q", got, want)
	}
	b := &LambdaAuthorizer{Name: "c", Function: "f", TTL: 60}
	if errs := b.Validate(); len(errs) != 1 || errs[0].Error() != `Lambda authorizer "c": caching needs at least one identity source (the cache key); add one, or set the TTL to 0` {
		t.Errorf("errors = %v", errs)
	}
}
