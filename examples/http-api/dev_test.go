package main

import (
	"encoding/json"
	"io"
	"net/http"
	"testing"
	"time"

	"github.com/stelvio-go/stelvio/internal/app"
	"github.com/stelvio-go/stelvio/internal/authorizer"
	"github.com/stelvio-go/stelvio/internal/devserver"
	"github.com/stelvio-go/stelvio/internal/devserver/devtest"
	"github.com/stelvio-go/stelvio/internal/route"
)

// The answers below are an HTTP API's, as documented:
//   - payload format 2.0 and the inferred response format (a result without statusCode is 200
//     application/json): https://docs.aws.amazon.com/apigateway/latest/developerguide/http-api-develop-integrations-lambda.html
//   - JWT authorizers (401 {"message":"Unauthorized"}, claims in requestContext.authorizer.jwt.claims):
//     https://docs.aws.amazon.com/apigateway/latest/developerguide/http-api-jwt-authorizer.html
//   - CORS (API Gateway sets the headers; a preflight that a route such as $default matches goes to
//     that route): https://docs.aws.amazon.com/apigateway/latest/developerguide/http-api-cors.html
//   - $default: https://docs.aws.amazon.com/apigateway/latest/developerguide/http-api-develop-routes.html

const origin = "https://app.example.com"

func load(t testing.TB) *route.Table {
	t.Helper()
	table, err := app.ProgramOf(App(), Run).Load("test", ".")
	if err != nil {
		t.Fatal(err)
	}
	return table
}

// start serves the example on a free port; keyDir holds the development key tokens are minted with.
func start(t *testing.T) (url, keyDir string) {
	t.Helper()
	keyDir = t.TempDir()
	s := devtest.Start(t, load(t), devserver.Options{ProjectDir: ".", Authorizers: authorizer.Options{DevKeyDir: keyDir}})
	return s.URL, keyDir
}

type answer struct {
	status int
	header http.Header
	body   string
}

func do(t *testing.T, method, url string, header ...string) answer {
	t.Helper()
	r, err := http.NewRequest(method, url, nil)
	if err != nil {
		t.Fatal(err)
	}
	for i := 0; i+1 < len(header); i += 2 {
		r.Header.Set(header[i], header[i+1])
	}
	resp, err := (&http.Client{Timeout: 2 * time.Minute}).Do(r)
	if err != nil {
		t.Fatalf("%s %s: %v", method, url, err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return answer{resp.StatusCode, resp.Header, string(b)}
}

// check compares an answer's status, body and the given headers exactly.
func check(t *testing.T, what string, a answer, status int, body string, headers map[string]string) {
	t.Helper()
	if a.status != status || a.body != body {
		t.Errorf("%s: %d %s, want %d %s", what, a.status, a.body, status, body)
	}
	for k, v := range headers {
		if got := a.header.Get(k); got != v {
			t.Errorf("%s: %s = %q, want %q", what, k, got, v)
		}
	}
	if a.header.Get("Apigw-Requestid") == "" {
		t.Errorf("%s: no apigw-requestid header", what)
	}
}

// TestDev serves the example under dev with its real Python and Go handlers.
func TestDev(t *testing.T) {
	if testing.Short() {
		t.Skip("runs Python and Go handlers")
	}
	url, keyDir := start(t)

	t.Run("echo", func(t *testing.T) {
		a := do(t, "GET", url+"/echo/a/b?x=1&x=2", "Origin", origin, "X-Trace", "t1")
		if a.status != 200 || a.header.Get("Content-Type") != "application/json" || a.header.Get("Access-Control-Allow-Origin") != origin {
			t.Fatalf("GET /echo/a/b: %d %v %s", a.status, a.header, a.body)
		}
		var ev struct {
			Version        string            `json:"version"`
			RouteKey       string            `json:"routeKey"`
			RawPath        string            `json:"rawPath"`
			RawQueryString string            `json:"rawQueryString"`
			PathParameters map[string]string `json:"pathParameters"`
			QueryString    map[string]string `json:"queryStringParameters"`
			Headers        map[string]string `json:"headers"`
			RequestContext struct {
				RouteKey string `json:"routeKey"`
				Stage    string `json:"stage"`
				HTTP     struct {
					Method string `json:"method"`
					Path   string `json:"path"`
				} `json:"http"`
			} `json:"requestContext"`
		}
		if err := json.Unmarshal([]byte(a.body), &ev); err != nil {
			t.Fatalf("body %s: %v", a.body, err)
		}
		got := []string{ev.Version, ev.RouteKey, ev.RawPath, ev.RawQueryString, ev.PathParameters["proxy"], ev.QueryString["x"],
			ev.Headers["x-trace"], ev.RequestContext.RouteKey, ev.RequestContext.Stage, ev.RequestContext.HTTP.Method, ev.RequestContext.HTTP.Path}
		want := []string{"2.0", "GET /echo/{proxy+}", "/echo/a/b", "x=1&x=2", "a/b", "1,2", "t1", "GET /echo/{proxy+}", "$default", "GET", "/echo/a/b"}
		if g, w := asJSON(got), asJSON(want); g != w {
			t.Errorf("event fields %s, want %s", g, w)
		}
	})

	t.Run("plain value", func(t *testing.T) {
		check(t, "GET /plain", do(t, "GET", url+"/plain", "Origin", origin), 200, `{"message":"hello","path":"/plain"}`,
			map[string]string{"Content-Type": "application/json", "Access-Control-Allow-Origin": origin})
	})

	t.Run("jwt", func(t *testing.T) {
		check(t, "GET /me without a token", do(t, "GET", url+"/me"), 401, `{"message":"Unauthorized"}`, map[string]string{"Content-Type": "application/json"})
		check(t, "GET /me with a bad token", do(t, "GET", url+"/me", "Authorization", "Bearer abc"), 401, `{"message":"Unauthorized"}`,
			map[string]string{"Www-Authenticate": `Bearer scope="" error="invalid_token" error_description="the token is not a valid JWT"`})
		now := time.Now().Truncate(time.Second)
		tok, err := authorizer.MintDevToken(keyDir, authorizer.MintOptions{UserPoolID: "us-east-1_AbCdEf123", Subject: "ada", Now: now,
			Claims: map[string]any{"email": "ada@example.com", "jti": "j1", "auth_time": 1}})
		if err != nil {
			t.Fatal(err)
		}
		a := do(t, "GET", url+"/me", "Authorization", "Bearer "+tok)
		// JWT claims reach the handler as strings.
		want := asJSON(map[string]any{"claims": map[string]string{
			"aud": ClientID, "auth_time": "1", "cognito:username": "dev-user", "email": "ada@example.com",
			"exp": jsonNumber(now.Add(time.Hour).Unix()), "iat": jsonNumber(now.Unix()),
			"iss": "https://cognito-idp.us-east-1.amazonaws.com/us-east-1_AbCdEf123", "jti": "j1", "sub": "ada", "token_use": "id",
		}})
		// The Python runtime writes the returned dict as JSON with its own spacing; compare the values.
		var got any
		if err := json.Unmarshal([]byte(a.body), &got); err != nil {
			t.Fatalf("GET /me: %d %s: %v", a.status, a.body, err)
		}
		a.body = asJSON(got)
		check(t, "GET /me", a, 200, want, map[string]string{"Content-Type": "application/json"})
		// A token of another app client is refused.
		other, err := authorizer.MintDevToken(keyDir, authorizer.MintOptions{UserPoolID: "us-east-1_AbCdEf123", ClientID: "other"})
		if err != nil {
			t.Fatal(err)
		}
		check(t, "GET /me of another client", do(t, "GET", url+"/me", "Authorization", other), 401, `{"message":"Unauthorized"}`,
			map[string]string{"Www-Authenticate": `Bearer scope="" error="invalid_token" error_description="the token does not have a valid audience"`})
	})

	t.Run("default route", func(t *testing.T) {
		check(t, "POST /nowhere", do(t, "POST", url+"/nowhere", "Origin", origin), 404, `{"message": "no such page", "routeKey": "$default", "path": "/nowhere"}`,
			map[string]string{"Content-Type": "application/json", "Access-Control-Allow-Origin": origin})
		// GET /plain is routed; POST /plain is not, so $default takes it.
		check(t, "POST /plain", do(t, "POST", url+"/plain"), 404, `{"message": "no such page", "routeKey": "$default", "path": "/plain"}`, nil)
	})

	t.Run("cors", func(t *testing.T) {
		// A request from an origin not in the list gets no CORS headers.
		a := do(t, "GET", url+"/plain", "Origin", "https://evil.example.com")
		check(t, "GET /plain from another origin", a, 200, `{"message":"hello","path":"/plain"}`, map[string]string{"Access-Control-Allow-Origin": ""})
		// $default matches every method, OPTIONS included, so a preflight reaches it: the function
		// answers and API Gateway adds the CORS headers.
		a = do(t, "OPTIONS", url+"/plain", "Origin", origin, "Access-Control-Request-Method", "GET")
		check(t, "preflight", a, 404, `{"message": "no such page", "routeKey": "$default", "path": "/plain"}`,
			map[string]string{"Access-Control-Allow-Origin": origin})
	})
}

func jsonNumber(n int64) string { b, _ := json.Marshal(n); return string(b) }

func asJSON(v any) string {
	b, _ := json.Marshal(v)
	return string(b)
}
