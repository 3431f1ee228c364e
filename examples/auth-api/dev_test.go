package main

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"

	"github.com/stelvio-go/stelvio"
	"github.com/stelvio-go/stelvio/aws/apigateway"
	"github.com/stelvio-go/stelvio/internal/app"
	"github.com/stelvio-go/stelvio/internal/authorizer"
	"github.com/stelvio-go/stelvio/internal/devserver"
	"github.com/stelvio-go/stelvio/internal/devserver/devtest"
	"github.com/stelvio-go/stelvio/internal/route"
)

// The answers below are API Gateway's, as documented:
//   - gateway responses and their status codes and messages:
//     https://docs.aws.amazon.com/apigateway/latest/developerguide/supported-gateway-response-types.html
//   - CORS on a REST API (the OPTIONS mock, static headers, DEFAULT_4XX/5XX carrying them, proxy
//     responses untouched): https://docs.aws.amazon.com/apigateway/latest/developerguide/how-to-cors.html
//   - Lambda authorizer output, context values passed as strings:
//     https://docs.aws.amazon.com/apigateway/latest/developerguide/api-gateway-lambda-authorizer-output.html

const (
	origin    = "https://app.example.com"
	keyID     = "AKIDEXAMPLE"
	secretKey = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY"
)

type server struct {
	url    string
	keyDir string
	log    *devtest.Log
}

func start(t testing.TB, table *route.Table, opts devserver.Options) *server {
	t.Helper()
	keyDir := t.TempDir()
	if opts.ProjectDir == "" {
		opts.ProjectDir = "."
	}
	opts.Authorizers = authorizer.Options{DevKeyDir: keyDir, Credentials: []authorizer.Credential{{
		AccessKeyID: keyID, SecretAccessKey: secretKey, AccountID: "123456789012", User: "AIDADEV", UserArn: "arn:aws:iam::123456789012:user/dev",
	}}}
	s := devtest.Start(t, table, opts)
	return &server{url: s.URL, keyDir: keyDir, log: s.Log}
}

type answer struct {
	status int
	header http.Header
	body   string
}

func (s *server) do(t *testing.T, r *http.Request) answer {
	t.Helper()
	resp, err := (&http.Client{Timeout: 2 * time.Minute}).Do(r)
	if err != nil {
		t.Fatalf("%s %s: %v", r.Method, r.URL.Path, err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return answer{resp.StatusCode, resp.Header, string(b)}
}

func (s *server) request(t *testing.T, method, path string, header ...string) *http.Request {
	t.Helper()
	r, err := http.NewRequest(method, s.url+path, nil)
	if err != nil {
		t.Fatal(err)
	}
	r.Header.Set("Origin", origin)
	for i := 0; i+1 < len(header); i += 2 {
		r.Header.Set(header[i], header[i+1])
	}
	return r
}

func (s *server) get(t *testing.T, path string, header ...string) answer {
	t.Helper()
	return s.do(t, s.request(t, "GET", path, header...))
}

// corsHeaders are the CORS headers of the gateway's own answers and of the handlers' responses (the
// handlers add them with stelvio_cors).
var corsHeaders = map[string]string{"Access-Control-Allow-Origin": origin, "Access-Control-Allow-Credentials": "true"}

func checkCORS(t *testing.T, what string, a answer) {
	t.Helper()
	for k, v := range corsHeaders {
		if got := a.header.Get(k); got != v {
			t.Errorf("%s: %s = %q, want %q", what, k, got, v)
		}
	}
}

// checkGateway checks an answer the gateway makes itself.
func checkGateway(t *testing.T, what string, a answer, status int, errorType, body string) {
	t.Helper()
	if a.status != status || a.body != body || a.header.Get("x-amzn-ErrorType") != errorType {
		t.Errorf("%s: %d %s %q, want %d %s %q", what, a.status, a.body, a.header.Get("x-amzn-ErrorType"), status, body, errorType)
	}
	checkCORS(t, what, a)
}

// echoed is a handler's answer: the route and requestContext.authorizer, without the
// integrationLatency (a measured time).
func echoed(t *testing.T, what string, a answer) map[string]any {
	t.Helper()
	if a.status != 200 {
		t.Fatalf("%s: %d %s", what, a.status, a.body)
	}
	checkCORS(t, what, a)
	var body map[string]any
	if err := json.Unmarshal([]byte(a.body), &body); err != nil {
		t.Fatalf("%s: body %s: %v", what, a.body, err)
	}
	if auth, ok := body["authorizer"].(map[string]any); ok {
		if _, ok := auth["integrationLatency"]; ok {
			if _, isNum := auth["integrationLatency"].(float64); !isNum {
				t.Errorf("%s: integrationLatency %v is not a number", what, auth["integrationLatency"])
			}
			delete(auth, "integrationLatency")
		}
	}
	return body
}

func asJSON(v any) string {
	b, _ := json.Marshal(v)
	return string(b)
}

// TestDev serves the example under dev and checks every outcome of every route.
func TestDev(t *testing.T) {
	if testing.Short() {
		t.Skip("runs Python and Go handlers")
	}
	table, err := load(t, Run)
	if err != nil {
		t.Fatal(err)
	}
	s := start(t, table, devserver.Options{})

	t.Run("public", func(t *testing.T) {
		got := echoed(t, "GET /public", s.get(t, "/public"))
		if want := `{"authorizer":null,"route":"public"}`; asJSON(got) != want {
			t.Errorf("GET /public = %s, want %s", asJSON(got), want)
		}
	})

	t.Run("token authorizer", func(t *testing.T) {
		checkGateway(t, "GET /me without a token", s.get(t, "/me"), 401, "UnauthorizedException", `{"message":"Unauthorized"}`)
		checkGateway(t, "GET /me unknown token", s.get(t, "/me", "Authorization", "letmein"), 401, "UnauthorizedException", `{"message":"Unauthorized"}`)
		checkGateway(t, "GET /me deny", s.get(t, "/me", "Authorization", "deny"), 403, "AccessDeniedException",
			`{"message":"User is not authorized to access this resource with an explicit deny"}`)
		got := echoed(t, "GET /me allow", s.get(t, "/me", "Authorization", "allow"))
		// Context values reach the handler as strings.
		if want := `{"authorizer":{"admin":"true","principalId":"ada","user":"ada"},"route":"me"}`; asJSON(got) != want {
			t.Errorf("GET /me allow = %s, want %s", asJSON(got), want)
		}
	})

	t.Run("request authorizer", func(t *testing.T) {
		// With caching off the function decides even without the header: its policy denies.
		checkGateway(t, "GET /admin without a key", s.get(t, "/admin"), 403, "AccessDeniedException",
			`{"message":"User is not authorized to access this resource with an explicit deny"}`)
		checkGateway(t, "GET /admin wrong key", s.get(t, "/admin", "X-Api-Key", "guess"), 403, "AccessDeniedException",
			`{"message":"User is not authorized to access this resource with an explicit deny"}`)
		got := echoed(t, "GET /admin", s.get(t, "/admin", "X-Api-Key", "admin-key"))
		if want := `{"authorizer":{"level":"3","principalId":"admin","role":"admin"},"route":"admin"}`; asJSON(got) != want {
			t.Errorf("GET /admin = %s, want %s", asJSON(got), want)
		}
	})

	t.Run("cognito", func(t *testing.T) {
		mint := func(o authorizer.MintOptions) string {
			o.UserPoolID = "us-east-1_AbCdEf123"
			o.Subject = "ada"
			tok, err := authorizer.MintDevToken(s.keyDir, o)
			if err != nil {
				t.Fatal(err)
			}
			return tok
		}
		checkGateway(t, "GET /profile without a token", s.get(t, "/profile"), 401, "UnauthorizedException", `{"message":"Unauthorized"}`)
		checkGateway(t, "GET /profile ID token", s.get(t, "/profile", "Authorization", mint(authorizer.MintOptions{})), 401, "UnauthorizedException", `{"message":"Unauthorized"}`)
		checkGateway(t, "GET /profile other scope", s.get(t, "/profile", "Authorization", mint(authorizer.MintOptions{Access: true, Scopes: []string{"write"}})), 401, "UnauthorizedException", `{"message":"Unauthorized"}`)
		got := echoed(t, "GET /profile", s.get(t, "/profile", "Authorization", mint(authorizer.MintOptions{Access: true, Scopes: []string{"read"}})))
		claims, _ := got["authorizer"].(map[string]any)["claims"].(map[string]any)
		if claims["sub"] != "ada" || claims["scope"] != "read" || claims["token_use"] != "access" || claims["iss"] != "https://cognito-idp.us-east-1.amazonaws.com/us-east-1_AbCdEf123" {
			t.Errorf("GET /profile claims %v", claims)
		}
	})

	t.Run("iam", func(t *testing.T) {
		checkGateway(t, "GET /iam unsigned", s.get(t, "/iam"), 403, "MissingAuthenticationTokenException", `{"message":"Missing Authentication Token"}`)
		r := s.request(t, "GET", "/iam")
		sum := sha256.Sum256(nil)
		if err := v4.NewSigner().SignHTTP(context.Background(), aws.Credentials{AccessKeyID: keyID, SecretAccessKey: secretKey},
			r, hex.EncodeToString(sum[:]), "execute-api", "us-east-1", time.Now()); err != nil {
			t.Fatal(err)
		}
		got := echoed(t, "GET /iam signed", s.do(t, r))
		if want := `{"authorizer":null,"route":"iam","user":"AIDADEV"}`; asJSON(got) != want {
			t.Errorf("GET /iam signed = %s, want %s", asJSON(got), want)
		}
	})

	t.Run("missing resource", func(t *testing.T) {
		checkGateway(t, "GET /nowhere", s.get(t, "/nowhere"), 403, "MissingAuthenticationTokenException", `{"message":"Missing Authentication Token"}`)
		checkGateway(t, "POST /me", s.do(t, s.request(t, "POST", "/me")), 403, "MissingAuthenticationTokenException", `{"message":"Missing Authentication Token"}`)
		checkGateway(t, "OPTIONS /nowhere", s.do(t, s.request(t, "OPTIONS", "/nowhere")), 403, "MissingAuthenticationTokenException", `{"message":"Missing Authentication Token"}`)
	})

	t.Run("preflight", func(t *testing.T) {
		for _, path := range []string{"/public", "/me", "/admin", "/profile", "/iam"} {
			// No authorizer runs for the preflight, even without a token.
			a := s.do(t, s.request(t, "OPTIONS", path, "Access-Control-Request-Method", "GET"))
			want := map[string]string{
				"Access-Control-Allow-Origin":      origin,
				"Access-Control-Allow-Methods":     "GET,OPTIONS",
				"Access-Control-Allow-Headers":     "Authorization,Content-Type,X-Api-Key",
				"Access-Control-Allow-Credentials": "true",
				"Access-Control-Max-Age":           "600",
				"Content-Type":                     "application/json",
			}
			if a.status != 200 || a.body != "" {
				t.Errorf("OPTIONS %s: %d %q, want 200 and no body", path, a.status, a.body)
			}
			for k, v := range want {
				if got := a.header.Get(k); got != v {
					t.Errorf("OPTIONS %s: %s = %q, want %q", path, k, got, v)
				}
			}
			if a.header.Get("x-amzn-RequestId") == "" {
				t.Errorf("OPTIONS %s: no x-amzn-RequestId", path)
			}
			if a.header.Get("x-amzn-ErrorType") != "" {
				t.Errorf("OPTIONS %s: x-amzn-ErrorType %q", path, a.header.Get("x-amzn-ErrorType"))
			}
		}
	})
}

// TestDevCacheAndFailures: a cached authorizer result is reused for the TTL (the function runs once
// per token); a failing authorizer gives 500; the handler's 502, the 504 of a slow integration and the
// 413 of a large body carry the CORS headers too.
func TestDevCacheAndFailures(t *testing.T) {
	if testing.Short() {
		t.Skip("runs Python handlers")
	}
	table, err := load(t, func(ctx *stelvio.Context) error {
		api := apigateway.New(ctx, "cache", apigateway.CORS(apigateway.CORSConfig{AllowOrigins: []string{origin}, AllowCredentials: true}))
		counting := api.TokenAuthorizer("counting", "testdata/counting.check", apigateway.TTL(time.Hour))
		uncached := api.TokenAuthorizer("uncached", "testdata/counting.check", apigateway.TTL(0))
		api.Route("GET", "/me", "functions/echo.me").Auth(counting)
		api.Route("GET", "/again", "functions/echo.me").Auth(uncached)
		api.Route("GET", "/crash", "testdata/counting.crash").Public()
		api.Route("GET", "/slow", "testdata/counting.slow").Public()
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	s := start(t, table, devserver.Options{IntegrationTimeout: 3 * time.Second, MaxBodySize: 16})

	calls := func(a answer) any {
		t.Helper()
		return echoed(t, "GET", a)["authorizer"].(map[string]any)["calls"]
	}
	if got := calls(s.get(t, "/me", "Authorization", "ada")); got != "1" {
		t.Errorf("first call: calls %v, want 1", got)
	}
	if got := calls(s.get(t, "/me", "Authorization", "ada")); got != "1" {
		t.Errorf("same token again: calls %v, want 1 (answered from the cache)", got)
	}
	// The method ARN names dev's one account, the account of every event and function ARN, so that a
	// policy written for it matches.
	arn := echoed(t, "GET", s.get(t, "/me", "Authorization", "ada"))["authorizer"].(map[string]any)["methodArn"]
	if parts := strings.Split(fmt.Sprint(arn), ":"); len(parts) != 6 || parts[4] != devserver.AccountID || !strings.HasSuffix(parts[5], "/GET/me") {
		t.Errorf("methodArn = %v, want arn:aws:execute-api:REGION:%s:API/STAGE/GET/me", arn, devserver.AccountID)
	}
	if got := calls(s.get(t, "/me", "Authorization", "grace")); got != "2" {
		t.Errorf("another token: calls %v, want 2", got)
	}
	if !strings.Contains(s.log.String(), `authorizer "counting": GET /me answered from the cache`) {
		t.Errorf("the log does not say the answer was cached:\n%s", s.log.String())
	}
	// An authorizer without cache runs on every request (its own worker, its own count).
	if a, b := calls(s.get(t, "/again", "Authorization", "ada")), calls(s.get(t, "/again", "Authorization", "ada")); a != "1" || b != "2" {
		t.Errorf("uncached authorizer: calls %v then %v, want 1 then 2", a, b)
	}

	checkGateway(t, "failing authorizer", s.get(t, "/me", "Authorization", "boom"), 500, "AuthorizerConfigurationException", `{"message":null}`)
	checkGateway(t, "handler error", s.get(t, "/crash"), 502, "InternalServerErrorException", `{"message": "Internal server error"}`)
	checkGateway(t, "slow handler", s.get(t, "/slow"), 504, "IntegrationTimeout", `{"message": "Endpoint request timed out"}`)
	r := s.request(t, "GET", "/crash")
	r.Body = io.NopCloser(strings.NewReader(strings.Repeat("x", 64)))
	r.ContentLength = 64
	checkGateway(t, "large body", s.do(t, r), 413, "RequestTooLarge", `{"message":"Request Too Long"}`)

	// The banner says which routes an authorizer guards.
	for _, want := range []string{"GET     /me  →  functions-echo (echo.me)  [auth counting TOKEN]\n", "GET     /crash  →  testdata-counting (counting.crash)\n"} {
		if !strings.Contains(s.log.String(), want) {
			t.Errorf("the banner has no line %q:\n%s", want, s.log.String())
		}
	}
}

// TestDevAuthorizerChanged: editing an authorizer's code under dev flushes the cached answers, as a
// redeployment flushes them on AWS, so the next request runs the new code.
func TestDevAuthorizerChanged(t *testing.T) {
	if testing.Short() {
		t.Skip("runs Python handlers")
	}
	dir := t.TempDir()
	for _, f := range []string{"functions/echo.py", "testdata/counting.py"} {
		src, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		if err := os.MkdirAll(filepath.Join(dir, filepath.Dir(f)), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, f), src, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	table, err := app.ProgramOf(App(), func(ctx *stelvio.Context) error {
		api := apigateway.New(ctx, "reload", apigateway.CORS(apigateway.CORSConfig{AllowOrigins: []string{origin}, AllowCredentials: true}))
		counting := api.TokenAuthorizer("counting", "testdata/counting.check", apigateway.TTL(time.Hour))
		api.Route("GET", "/me", "functions/echo.me").Auth(counting)
		return nil
	}).Load("test", dir)
	if err != nil {
		t.Fatal(err)
	}
	s := start(t, table, devserver.Options{ProjectDir: dir})
	context := func() string {
		t.Helper()
		auth := echoed(t, "GET /me", s.get(t, "/me", "Authorization", "ada"))["authorizer"].(map[string]any)
		return fmt.Sprint(auth["calls"], "/", auth["version"])
	}
	if got := context(); got != "1/<nil>" {
		t.Fatalf("first answer %s, want 1/<nil>", got)
	}
	if got := context(); got != "1/<nil>" {
		t.Fatalf("cached answer %s, want 1/<nil>", got)
	}
	file := filepath.Join(dir, "testdata/counting.py")
	src, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	changed := strings.Replace(string(src), `"context": {"calls": calls,`, `"context": {"calls": calls, "version": 2,`, 1)
	if changed == string(src) {
		t.Fatal("counting.py no longer has the context this test changes")
	}
	if err := os.WriteFile(file, []byte(changed), 0o644); err != nil {
		t.Fatal(err)
	}
	if got := context(); got != "1/2" {
		t.Errorf("answer after the change %s, want 1/2 (the new code, in a new worker)", got)
	}
	if !strings.Contains(s.log.String(), "[authorizer] reload-counting changed; the authorizer result caches of api reload are flushed") {
		t.Errorf("the log does not say the caches were flushed:\n%s", s.log.String())
	}
}
