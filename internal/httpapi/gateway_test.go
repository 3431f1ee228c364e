package httpapi

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"reflect"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/aws/aws-lambda-go/events"

	"github.com/stelvio-go/stelvio/internal/authorizer"
)

// gateway builds a Gateway whose functions are Go closures.
func gateway(t *testing.T, cfg Config, fns map[string]func(ctx context.Context, ev []byte) ([]byte, error)) *Gateway {
	t.Helper()
	g, err := New(cfg, Options{Invoke: func(ctx context.Context, fn string, ev []byte) ([]byte, error) {
		f := fns[fn]
		if f == nil {
			t.Fatalf("no function %q", fn)
		}
		return f(ctx, ev)
	}, Keys: authorizer.NewEngine(authorizer.Options{}), Now: func() time.Time { return testNow }})
	if err != nil {
		t.Fatal(err)
	}
	return g
}

func result(s string) func(context.Context, []byte) ([]byte, error) {
	return func(context.Context, []byte) ([]byte, error) { return []byte(s), nil }
}

func routes(t testing.TB, pairs ...string) []Route {
	var out []Route
	for i := 0; i < len(pairs); i += 2 {
		out = append(out, Route{Key: mustKey(t, pairs[i]), Function: pairs[i+1]})
	}
	return out
}

type answerWant struct {
	status  int
	body    string
	headers map[string]string
}

func check(t *testing.T, rec *httptest.ResponseRecorder, w answerWant) {
	t.Helper()
	if rec.Code != w.status || rec.Body.String() != w.body {
		t.Errorf("got %d %q, want %d %q", rec.Code, rec.Body.String(), w.status, w.body)
	}
	for k, v := range w.headers {
		if got := rec.Header().Get(k); got != v {
			t.Errorf("header %s = %q, want %q", k, got, v)
		}
	}
	if !regexp.MustCompile(`^[A-Za-z0-9+/]{14}==$|^[A-Za-z0-9+/]{15}=$`).MatchString(rec.Header().Get("Apigw-Requestid")) {
		t.Errorf("apigw-requestid = %q", rec.Header().Get("Apigw-Requestid"))
	}
}

// The gateway's own answers, end to end through Handle.
func TestGatewayAnswers(t *testing.T) {
	slow := func(ctx context.Context, _ []byte) ([]byte, error) {
		<-ctx.Done()
		return nil, ctx.Err()
	}
	g := gateway(t, Config{Name: "api", APIID: "api-id", AccountID: "123456789012", Region: "us-east-1", Timeout: 50 * time.Millisecond,
		Routes: routes(t, "GET /hello", "hello", "GET /text", "text", "GET /fail", "fail", "GET /bad", "bad", "GET /slow", "slow", "POST /upload", "hello")},
		map[string]func(context.Context, []byte) ([]byte, error){
			"hello": result(`{"message":"hi"}`),
			"text":  result(`{"statusCode":201,"headers":{"content-type":"text/plain","x-a":"1"},"cookies":["s=1; HttpOnly","t=2"],"body":"made"}`),
			"fail":  func(context.Context, []byte) ([]byte, error) { return nil, errors.New("handler raised") },
			"bad":   result(`not json`),
			"slow":  slow,
		})
	cases := []struct {
		method, path string
		body         string
		want         answerWant
	}{
		// https://docs.aws.amazon.com/apigateway/latest/developerguide/http-api-develop-routes.html
		{"GET", "/nope", "", answerWant{404, `{"message":"Not Found"}`, map[string]string{"Content-Type": "application/json"}}},
		{"POST", "/hello", "", answerWant{404, `{"message":"Not Found"}`, nil}},
		// https://docs.aws.amazon.com/apigateway/latest/developerguide/http-api-develop-integrations-lambda.html
		{"GET", "/hello", "", answerWant{200, `{"message":"hi"}`, map[string]string{"Content-Type": "application/json"}}},
		{"GET", "/text", "", answerWant{201, `made`, map[string]string{"Content-Type": "text/plain", "X-A": "1"}}},
		// https://docs.aws.amazon.com/apigateway/latest/developerguide/http-api-troubleshooting-lambda.html
		{"GET", "/fail", "", answerWant{500, `{"message":"Internal Server Error"}`, map[string]string{"Content-Type": "application/json"}}},
		{"GET", "/bad", "", answerWant{500, `{"message":"Internal Server Error"}`, nil}},
		// The integration timeout.
		{"GET", "/slow", "", answerWant{503, `{"message":"Service Unavailable"}`, nil}},
		// "Payload size | 10 MB" (https://docs.aws.amazon.com/apigateway/latest/developerguide/http-api-quotas.html);
		// the answer past it is not documented.
		{"POST", "/upload", strings.Repeat("x", MaxPayload+1), answerWant{413, `{"message":"Request Entity Too Large"}`, nil}},
		// A body within the quota whose event is over Lambda's 6 MB ("For synchronous invocations, the
		// maximum payload size is 6 MB", https://docs.aws.amazon.com/lambda/latest/dg/API_Invoke.html)
		// cannot reach the function: the same 413 (undocumented), as for REST APIs. A body without a
		// content type is base64-encoded in the event, a third larger.
		{"POST", "/upload", strings.Repeat("x", MaxEventSize*3/4), answerWant{413, `{"message":"Request Entity Too Large"}`, nil}},
		{"POST", "/upload", strings.Repeat("x", MaxEventSize*3/4-4096), answerWant{200, `{"message":"hi"}`, nil}},
	}
	for _, c := range cases {
		t.Run(fmt.Sprintf("%s %s %d", c.method, c.path, len(c.body)), func(t *testing.T) {
			rec := httptest.NewRecorder()
			g.Handle(rec, httptest.NewRequest(c.method, c.path, strings.NewReader(c.body)))
			check(t, rec, c.want)
		})
	}
	if got := g.Timeout(); got != 50*time.Millisecond {
		t.Errorf("Timeout() = %s, want 50ms", got)
	}
	if g := gateway(t, Config{Name: "default"}, nil); g.Timeout() != 30*time.Second {
		t.Errorf("default Timeout() = %s, want 30s", g.Timeout())
	}
	rec := httptest.NewRecorder()
	g.Handle(rec, httptest.NewRequest("GET", "/text", nil))
	if got := rec.Header().Values("Set-Cookie"); !reflect.DeepEqual(got, []string{"s=1; HttpOnly", "t=2"}) {
		t.Errorf("set-cookie = %q", got)
	}
}

// With CORS configured: preflights answered by the gateway without a route; the configured headers on
// every response (the gateway's own answers included), the function's CORS headers dropped.
// https://docs.aws.amazon.com/apigateway/latest/developerguide/http-api-cors.html
func TestGatewayCORS(t *testing.T) {
	called := false
	g := gateway(t, Config{Name: "api", Routes: routes(t, "GET /hello", "hello"),
		CORS: &CORS{AllowOrigins: []string{"https://app.example.com"}, AllowMethods: []string{"GET"}, AllowHeaders: []string{"authorization"}, MaxAge: 600}},
		map[string]func(context.Context, []byte) ([]byte, error){"hello": func(context.Context, []byte) ([]byte, error) {
			called = true
			return []byte(`{"statusCode":200,"headers":{"access-control-allow-origin":"*"},"body":"hi"}`), nil
		}})
	pre := httptest.NewRequest("OPTIONS", "/hello", nil)
	pre.Header.Set("Origin", "https://app.example.com")
	pre.Header.Set("Access-Control-Request-Method", "GET")
	rec := httptest.NewRecorder()
	g.Handle(rec, pre)
	check(t, rec, answerWant{204, "", map[string]string{"Access-Control-Allow-Origin": "https://app.example.com", "Access-Control-Allow-Methods": "GET",
		"Access-Control-Allow-Headers": "authorization", "Access-Control-Max-Age": "600"}})
	if called {
		t.Error("the preflight reached the function")
	}

	// A route that matches the OPTIONS request receives the preflight, its authorizer first: an ANY
	// route with an authorizer refuses it (users report exactly this: github.com/anomalyco/sst/issues/5493,
	// github.com/aws/serverless-application-model/issues/1603), and the documentation says of $default
	// that it "catches requests for all methods and routes that you haven't explicitly defined,
	// including OPTIONS requests".
	rts := routes(t, "ANY /items/{id}", "items", "$default", "fallback")
	rts[0].Authorizer = "auth"
	g2 := gateway(t, Config{Name: "api", Routes: rts, CORS: &CORS{AllowOrigins: []string{"*"}},
		LambdaAuthorizers: []*LambdaAuthorizer{{Name: "auth", Function: "authfn", SimpleResponses: true, IdentitySources: []string{"$request.header.Authorization"}}}},
		map[string]func(context.Context, []byte) ([]byte, error){"fallback": result(`{"statusCode":200,"body":"fallback"}`)})
	for _, c := range []struct {
		path string
		want answerWant
	}{
		{"/items/1", answerWant{401, `{"message":"Unauthorized"}`, map[string]string{"Access-Control-Allow-Origin": "*"}}},
		{"/other", answerWant{200, `fallback`, map[string]string{"Access-Control-Allow-Origin": "*"}}},
	} {
		r := httptest.NewRequest("OPTIONS", c.path, nil)
		r.Header = pre.Header.Clone()
		rec := httptest.NewRecorder()
		g2.Handle(rec, r)
		check(t, rec, c.want)
	}

	for _, c := range []struct {
		path string
		want answerWant
	}{
		{"/hello", answerWant{200, "hi", map[string]string{"Access-Control-Allow-Origin": "https://app.example.com"}}},
		{"/nope", answerWant{404, `{"message":"Not Found"}`, map[string]string{"Access-Control-Allow-Origin": "https://app.example.com"}}},
	} {
		r := httptest.NewRequest("GET", c.path, nil)
		r.Header.Set("Origin", "https://app.example.com")
		rec := httptest.NewRecorder()
		g.Handle(rec, r)
		check(t, rec, c.want)
	}

	// An answer the server makes for the gateway (a request over the head quota) is written alike.
	r := httptest.NewRequest("GET", "/hello", nil)
	r.Header.Set("Origin", "https://app.example.com")
	rec = httptest.NewRecorder()
	g.Answer(rec, r, &Answer{Status: 431, Body: `{"message":"Request Header Fields Too Large"}`, Headers: http.Header{}})
	check(t, rec, answerWant{431, `{"message":"Request Header Fields Too Large"}`, map[string]string{
		"Access-Control-Allow-Origin": "https://app.example.com", "Content-Type": "application/json", "Content-Length": "45"}})
}

// A route with a JWT authorizer: refusals carry the CORS headers, the handler sees the claims.
func TestGatewayJWT(t *testing.T) {
	good, _ := keys(t)
	var seen events.APIGatewayV2HTTPRequest
	rts := routes(t, "GET /me", "me")
	rts[0].Authorizer, rts[0].Scopes = "jwt", []string{"read"}
	g := gateway(t, Config{Name: "api", Routes: rts, CORS: &CORS{AllowOrigins: []string{"*"}},
		JWTAuthorizers: []*JWTAuthorizer{{Name: "jwt", Issuer: issuer, Audience: []string{"client-1"}, JWKS: authorizer.JWKSSource{File: jwksFile(t)}}}},
		map[string]func(context.Context, []byte) ([]byte, error){"me": func(_ context.Context, ev []byte) ([]byte, error) {
			if err := json.Unmarshal(ev, &seen); err != nil {
				return nil, err
			}
			return []byte(`"ok"`), nil
		}})
	do := func(token string) *httptest.ResponseRecorder {
		r := httptest.NewRequest("GET", "/me", nil)
		r.Header.Set("Origin", "https://x.example.com")
		if token != "" {
			r.Header.Set("Authorization", "Bearer "+token)
		}
		rec := httptest.NewRecorder()
		g.Handle(rec, r)
		return rec
	}
	check(t, do(""), answerWant{401, `{"message":"Unauthorized"}`, map[string]string{"Access-Control-Allow-Origin": "*"}})
	check(t, do(sign(t, good, "k1", claims(map[string]any{"scope": "write"}))), answerWant{403, `{"message":"Forbidden"}`,
		map[string]string{"Www-Authenticate": `Bearer scope="read" error="insufficient_scope" error_description="the token does not have any of the route's scopes"`}})
	check(t, do(sign(t, good, "k1", claims(map[string]any{"scope": "read"}))), answerWant{200, `ok`, nil})
	if seen.RequestContext.Authorizer == nil || seen.RequestContext.Authorizer.JWT.Claims["sub"] != "user-1" ||
		!reflect.DeepEqual(seen.RequestContext.Authorizer.JWT.Scopes, []string{"read"}) {
		t.Errorf("authorizer in event = %+v", seen.RequestContext.Authorizer)
	}
}

// A route with a Lambda authorizer: the context reaches requestContext.authorizer.lambda.
func TestGatewayLambdaAuthorizer(t *testing.T) {
	var seen map[string]any
	rts := routes(t, "ANY /{proxy+}", "app")
	rts[0].Authorizer = "auth"
	g := gateway(t, Config{Name: "api", Region: "us-east-1", Routes: rts,
		LambdaAuthorizers: []*LambdaAuthorizer{{Name: "auth", Function: "authfn", SimpleResponses: true, IdentitySources: []string{"$request.header.Authorization"}}}},
		map[string]func(context.Context, []byte) ([]byte, error){
			"authfn": func(_ context.Context, ev []byte) ([]byte, error) {
				var e events.APIGatewayV2CustomAuthorizerV2Request
				_ = json.Unmarshal(ev, &e)
				return json.Marshal(map[string]any{"isAuthorized": e.Headers["authorization"] == "secretToken", "context": map[string]any{"user": "u1", "n": 1}})
			},
			"app": func(_ context.Context, ev []byte) ([]byte, error) {
				var e map[string]any
				_ = json.Unmarshal(ev, &e)
				seen = e["requestContext"].(map[string]any)["authorizer"].(map[string]any)
				return []byte(`{"statusCode":204}`), nil
			},
		})
	for _, c := range []struct {
		token string
		want  answerWant
	}{
		{"", answerWant{401, `{"message":"Unauthorized"}`, nil}},
		{"wrong", answerWant{403, `{"message":"Forbidden"}`, nil}},
		{"secretToken", answerWant{204, ``, nil}},
	} {
		r := httptest.NewRequest("DELETE", "/items/1", nil)
		if c.token != "" {
			r.Header.Set("Authorization", c.token)
		}
		rec := httptest.NewRecorder()
		g.Handle(rec, r)
		check(t, rec, c.want)
	}
	if want := map[string]any{"lambda": map[string]any{"user": "u1", "n": float64(1)}}; !reflect.DeepEqual(seen, want) {
		t.Errorf("requestContext.authorizer = %v, want %v", seen, want)
	}
}

// New reports every configuration problem at once.
func TestNewErrors(t *testing.T) {
	rts := routes(t, "GET /a", "f", "GET /b", "f", "GET /c", "f")
	rts[0].Authorizer = "missing"
	rts[1].Scopes = []string{"read"}
	rts[2].Authorizer, rts[2].Scopes = "lam", []string{"read"}
	_, err := New(Config{Name: "api", Routes: rts, Timeout: time.Minute,
		LambdaAuthorizers: []*LambdaAuthorizer{{Name: "lam", Function: "f"}},
		CORS:              &CORS{}},
		Options{Invoke: func(context.Context, string, []byte) ([]byte, error) { return nil, nil }})
	want := `HTTP API "api": integration timeout 1m0s is out of range; use 50ms to 30s
route "GET /a" names authorizer "missing", which the API does not have
route "GET /b" has scopes but no authorizer; add a JWT authorizer or remove the scopes
route "GET /c": authorization scopes need a JWT authorizer; "lam" is a Lambda authorizer
CORS: no allowed origins; list the origins of the web apps that call the API, or "*"`
	if err == nil || err.Error() != want {
		t.Errorf("error =\n%v\nwant\n%s", err, want)
	}
}

// Concurrent requests share the authorizer cache safely (run with -race).
func TestGatewayConcurrent(t *testing.T) {
	rts := routes(t, "GET /items/{id}", "app")
	rts[0].Authorizer = "auth"
	var authCalls atomic.Int32
	g := gateway(t, Config{Name: "api", Routes: rts,
		LambdaAuthorizers: []*LambdaAuthorizer{{Name: "auth", Function: "authfn", SimpleResponses: true, TTL: 60, IdentitySources: []string{"$request.header.Authorization"}}}},
		map[string]func(context.Context, []byte) ([]byte, error){
			"authfn": func(context.Context, []byte) ([]byte, error) {
				authCalls.Add(1)
				return []byte(`{"isAuthorized":true}`), nil
			},
			"app": result(`"ok"`),
		})
	var wg sync.WaitGroup
	var bad atomic.Int32
	for i := range 32 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			r := httptest.NewRequest("GET", "/items/"+strconv.Itoa(i), nil)
			r.Header.Set("Authorization", "token-"+strconv.Itoa(i%4))
			rec := httptest.NewRecorder()
			g.Handle(rec, r)
			if rec.Code != 200 || rec.Body.String() != "ok" {
				bad.Add(1)
			}
		}()
	}
	wg.Wait()
	if bad.Load() != 0 {
		t.Errorf("%d requests failed", bad.Load())
	}
	// Four identities: at least four calls; concurrent first requests of one identity may each call.
	if n := authCalls.Load(); n < 4 || n > 32 {
		t.Errorf("authorizer calls = %d", n)
	}
}
