package devserver

import (
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/stelvio-go/stelvio/internal/authorizer"
	"github.com/stelvio-go/stelvio/internal/httpapi"
	"github.com/stelvio-go/stelvio/internal/route"
)

// fidelityApp is an app with a REST API "rest" and an HTTP API "web" (so each is mounted under its
// name): plain routes, one that raises, one that sleeps, one behind a caching Lambda authorizer that
// raises Exception("Unauthorized") for the key "raise", and one behind a JWT authorizer.
func fidelityApp(t *testing.T) (*route.Table, string) {
	t.Helper()
	dir := t.TempDir()
	files := map[string]string{
		"functions/rest.py": "def hello(event, context):\n    return {\"statusCode\": 200, \"body\": \"rest\"}\n",
		"functions/web.py": `import time


def echo(event, context):
    return {"statusCode": 200, "body": str(len(event.get("body") or ""))}


def slow(event, context):
    time.sleep(5)
    return {"statusCode": 200, "body": "late"}


def boom(event, context):
    raise ValueError("kaboom")
`,
		"functions/broken.py": "import module_that_does_not_exist\n\n\ndef handler(event, context):\n    return {}\n",
		"functions/auth.py": `def check(event, context):
    key = event["headers"].get("x-key")
    if key == "raise":
        raise Exception("Unauthorized")
    return {"isAuthorized": key == "open"}
`,
	}
	for name, src := range files {
		p := filepath.Join(dir, name)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(src), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	path := func(p string) route.Path {
		parsed, err := route.ParsePath(p)
		if err != nil {
			t.Fatal(err)
		}
		return parsed
	}
	web := &route.HTTPApiDecl{Name: "web"}
	keys := &route.HTTPAuthorizerDecl{Api: web, Name: "keys", Kind: route.HTTPAuthRequest, Handler: "functions/auth.check",
		IdentitySources: []string{"$request.header.X-Key"}, SimpleResponses: true, TTL: 300 * time.Second}
	jwt := &route.HTTPAuthorizerDecl{Api: web, Name: "jwt", Kind: route.HTTPAuthJWT, Issuer: "https://cognito-idp.us-east-1.amazonaws.com/" + cognitoPool,
		Audience: []string{"stelvio-dev-client"}, IdentitySources: []string{"$request.header.Authorization"}, UserPoolID: cognitoPool}
	web.Authorizers = []*route.HTTPAuthorizerDecl{keys, jwt}
	web.Routes = []*route.HTTPRouteDecl{
		{Key: "GET /echo", KeyOK: true, Method: "GET", Path: path("/echo"), Handler: "functions/web.echo"},
		{Key: "POST /echo", KeyOK: true, Method: "POST", Path: path("/echo"), Handler: "functions/web.echo"},
		{Key: "GET /slow", KeyOK: true, Method: "GET", Path: path("/slow"), Handler: "functions/web.slow"},
		{Key: "GET /boom", KeyOK: true, Method: "GET", Path: path("/boom"), Handler: "functions/web.boom"},
		{Key: "GET /keyed", KeyOK: true, Method: "GET", Path: path("/keyed"), Handler: "functions/web.echo", Authorizer: keys},
		{Key: "GET /broken", KeyOK: true, Method: "GET", Path: path("/broken"), Handler: "functions/broken.handler"},
		{Key: "GET /me", KeyOK: true, Method: "GET", Path: path("/me"), Handler: "functions/web.echo", Authorizer: jwt},
	}
	d := &route.Decls{
		Apis:     []*route.ApiDecl{{Name: "rest", Routes: []*route.RouteDecl{{Methods: "GET", Path: "/hello", Handler: "functions/rest.hello"}}}},
		HTTPApis: []*route.HTTPApiDecl{web},
	}
	table, err := route.Build(d, "fidelity", "dev", dir)
	if err != nil {
		t.Fatal(err)
	}
	return table, dir
}

// HTTP APIs' quotas on the request (https://docs.aws.amazon.com/apigateway/latest/developerguide/http-api-quotas.html):
// "Total combined size of request line and header values | 10240 bytes" and "Payload size | 10 MB";
// and Lambda's "For synchronous invocations, the maximum payload size is 6 MB"
// (https://docs.aws.amazon.com/lambda/latest/dg/API_Invoke.html). The documentation does not say what an
// HTTP API answers past them: the answers are the REST APIs' statuses and messages (TestRequestLimits)
// in an HTTP API's form (apigw-requestid, no x-amzn-ErrorType), 414 when the request line alone is over
// the quota, 431 when the line and the header values together are; 413 for a body or an event too large.
func TestHTTPAPIRequestLimits(t *testing.T) {
	if testing.Short() {
		t.Skip("runs Python handlers")
	}
	table, dir := fidelityApp(t)
	ts := startServer(t, table, Options{ProjectDir: dir})
	host := strings.TrimPrefix(ts.url, "http://")
	const (
		uriTooLong  = `{"message":"Request-URI Too Long"}`
		headerLarge = `{"message":"Request Header Fields Too Large"}`
		tooLarge    = `{"message":"Request Entity Too Large"}`
	)
	// get sends GET target with the given header lines after Host, and "Connection: close".
	get := func(target string, headers ...string) (*http.Response, string) {
		req := "GET " + target + " HTTP/1.1\r\nHost: " + host + "\r\n"
		for _, h := range headers {
			req += h + "\r\n"
		}
		return ts.raw(t, req+"Connection: close\r\n\r\n")
	}
	// The request line "GET /web/echo?q=... HTTP/1.1" and the values of Host and Connection.
	query := func(combined int) string {
		fixed := len("GET /web/echo?q= HTTP/1.1") + len(host) + len("close")
		return "/web/echo?q=" + strings.Repeat("x", combined-fixed)
	}
	big := strings.Repeat("v", 9*1024)
	for _, tt := range []struct {
		name    string
		target  string
		headers []string
		status  int
		body    string
	}{
		{"line and values at the quota", query(httpapi.MaxHead), nil, 200, "0"},
		{"line and values one byte over", query(httpapi.MaxHead + 1), nil, 431, headerLarge},
		{"request line alone over", "/web/echo?q=" + strings.Repeat("x", httpapi.MaxHead), nil, 414, uriTooLong},
		{"60,000-character query", "/web/echo?q=" + strings.Repeat("x", 60000), nil, 414, uriTooLong},
		{"two 9 KB headers", "/web/echo", []string{"X-A: " + big, "X-B: " + big}, 431, headerLarge},
		// Header names do not count: 10,000 bytes of names with short values pass.
		{"long names", "/web/echo", []string{"X-" + strings.Repeat("n", 5000) + ": 1", "X-" + strings.Repeat("m", 5000) + ": 2"}, 200, "0"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			resp, body := get(tt.target, tt.headers...)
			if resp.StatusCode != tt.status || body != tt.body {
				t.Fatalf("%d %s, want %d %s", resp.StatusCode, body, tt.status, tt.body)
			}
			if tt.status == 200 {
				return
			}
			if resp.Header.Get("Content-Type") != "application/json" || resp.Header.Get("Content-Length") != strconv.Itoa(len(tt.body)) ||
				resp.Header.Get("Apigw-Requestid") == "" || resp.Header.Get("X-Amzn-Errortype") != "" {
				t.Errorf("headers %v, want an HTTP API's answer", resp.Header)
			}
		})
	}

	// A REST API of the same app keeps its own quotas: a URL of 10,300 characters is 414.
	resp, body := get("/rest/hello?q=" + strings.Repeat("x", 10300-len("http://"+host+"/rest/hello?q=")))
	if resp.StatusCode != 414 || body != uriTooLong || resp.Header.Get("X-Amzn-Errortype") != "RequestURITooLong" {
		t.Errorf("REST URL of 10,300 characters: %d %s %v", resp.StatusCode, body, resp.Header)
	}

	for _, tt := range []struct {
		name   string
		size   int
		status int
		body   string
	}{
		{"5 MB text body", 5 << 20, 200, strconv.Itoa(5 << 20)},
		// Within the 10 MB quota, but its event is over Lambda's 6 MB.
		{"7 MB text body", 7 << 20, 413, tooLarge},
		{"body over 10 MB", httpapi.MaxPayload + 1, 413, tooLarge},
	} {
		t.Run(tt.name, func(t *testing.T) {
			got := ts.do(t, "POST", "/web/echo", []byte(strings.Repeat("a", tt.size)), "Content-Type", "text/plain")
			if got.status != tt.status || got.body != tt.body {
				t.Errorf("%d %.100s, want %d %s", got.status, got.body, tt.status, tt.body)
			}
		})
	}
	if log := ts.log.String(); !strings.Contains(log, "web POST /echo: the event of this request is ") ||
		!strings.Contains(log, "bytes, more than Lambda's 6291456-byte invocation payload limit\n") {
		t.Errorf("log lacks the event size refusal:\n%s", log)
	}
}

// HTTP APIs time a Lambda integration out after 30 s ("Maximum integration timeout | 30 seconds",
// https://docs.aws.amazon.com/apigateway/latest/developerguide/http-api-quotas.html), REST APIs after
// 29 s; a shorter IntegrationTimeout option applies to both. The configured values are checked, and a
// short override is checked end to end: the answer is 503 (see httpapi.ServiceUnavailable).
func TestHTTPAPIIntegrationTimeout(t *testing.T) {
	table, dir := fidelityApp(t)
	s, err := New(table, Options{ProjectDir: dir})
	if err != nil {
		t.Fatal(err)
	}
	if got := s.httpAPIs[0].gw.Timeout(); got != 30*time.Second {
		t.Errorf("HTTP API integration timeout %s, want 30s", got)
	}
	if s.opts.IntegrationTimeout != 29*time.Second {
		t.Errorf("REST API integration timeout %s, want 29s", s.opts.IntegrationTimeout)
	}
	s.Close()
	s, err = New(table, Options{ProjectDir: dir, IntegrationTimeout: time.Minute})
	if err != nil {
		t.Fatal(err)
	}
	if got := s.httpAPIs[0].gw.Timeout(); got != 30*time.Second {
		t.Errorf("HTTP API integration timeout with a longer option %s, want 30s (the quota)", got)
	}
	s.Close()

	if testing.Short() {
		t.Skip("runs Python handlers")
	}
	ts := startServer(t, table, Options{ProjectDir: dir, IntegrationTimeout: 300 * time.Millisecond})
	if got := ts.do(t, "GET", "/web/slow", nil); got.status != 503 || got.body != `{"message":"Service Unavailable"}` {
		t.Errorf("GET /web/slow = %d %s, want 503", got.status, got.body)
	}
	if log := ts.log.String(); !strings.Contains(log, "web GET /slow: function functions-web did not answer within the integration timeout (300ms)\n") {
		t.Errorf("log lacks the timeout:\n%s", log)
	}
}

// HTTP API authorizers, over HTTP:
//   - a request without a token to a JWT route gets 401 with a www-authenticate header, as every 401 of
//     a JWT authorizer does (https://docs.aws.amazon.com/apigateway/latest/developerguide/http-api-troubleshooting-jwt.html);
//     its value without a token is not documented, and names no error (RFC 6750, section 3.1);
//   - a Lambda authorizer whose function raises Exception("Unauthorized") gets 401: the HTTP API guide
//     (https://docs.aws.amazon.com/apigateway/latest/developerguide/http-api-lambda-authorizer.html) does
//     not say, and this is the REST APIs' documented answer
//     (https://docs.aws.amazon.com/apigateway/latest/developerguide/apigateway-use-lambda-authorizer.html);
//   - a request a cached result decides is logged as for REST APIs.
func TestHTTPAPIAuthorizerAnswers(t *testing.T) {
	if testing.Short() {
		t.Skip("runs Python handlers")
	}
	table, dir := fidelityApp(t)
	now := time.Date(2026, 11, 28, 12, 0, 0, 0, time.UTC)
	ts := startServer(t, table, Options{ProjectDir: dir, Authorizers: authorizer.Options{Now: func() time.Time { return now }}})

	got := ts.do(t, "GET", "/web/me", nil)
	if got.status != 401 || got.body != `{"message":"Unauthorized"}` || got.header.Get("Www-Authenticate") != `Bearer scope=""` ||
		got.header.Get("Content-Type") != "application/json" {
		t.Errorf("no token: %d %s %v", got.status, got.body, got.header)
	}

	for _, tt := range []struct {
		key    string
		status int
		body   string
	}{
		{"raise", 401, `{"message":"Unauthorized"}`},
		{"closed", 403, `{"message":"Forbidden"}`},
		{"open", 200, "0"},
		{"open", 200, "0"}, // from the cache
	} {
		if got := ts.do(t, "GET", "/web/keyed", nil, "X-Key", tt.key); got.status != tt.status || got.body != tt.body {
			t.Errorf("X-Key %s: %d %s, want %d %s", tt.key, got.status, got.body, tt.status, tt.body)
		}
	}
	log := ts.log.String()
	for _, want := range []string{
		"web GET /keyed: refused by authorizer \"keys\": authorizer function web-keys failed with \"Unauthorized\"\n",
		"[authorizer] authorizer \"keys\": GET /keyed answered from the cache (300s left of 300s)\n",
	} {
		if !strings.Contains(log, want) {
			t.Errorf("log lacks %q:\n%s", want, log)
		}
	}
	if n := strings.Count(log, "answered from the cache"); n != 1 {
		t.Errorf("%d cache hits logged, want 1", n)
	}
}

// With two APIs each is mounted under its name; a path under neither cannot happen on AWS (each API
// has its own host), and is answered 404 with the paths the APIs are under.
func TestPathUnderNoAPI(t *testing.T) {
	if testing.Short() {
		t.Skip("runs Python handlers")
	}
	table, dir := fidelityApp(t)
	ts := startServer(t, table, Options{ProjectDir: dir})
	want := `{"message":"Not Found: no API of this app is served at this path; its APIs are under /rest and /web"}`
	for _, p := range []string{"/nope", "/", "/webx/echo"} {
		if got := ts.do(t, "GET", p, nil); got.status != 404 || got.body != want || got.header.Get("Content-Type") != "application/json" {
			t.Errorf("GET %s = %d %s %v, want 404 %s", p, got.status, got.body, got.header, want)
		}
	}
	if got := ts.do(t, "GET", "/rest/hello", nil); got.status != 200 || got.body != "rest" {
		t.Errorf("GET /rest/hello = %d %s", got.status, got.body)
	}
}

// A Python handler's exception is logged as Lambda's Python runtime logs it: "[ERROR] Type: message"
// and the stack trace of the error document (https://docs.aws.amazon.com/lambda/latest/dg/python-exceptions.html:
// "Lambda also records up to 256 KB of the error object in the function's logs") under Python's
// traceback header. The client's answer is unchanged.
func TestPythonErrorLogHasTraceback(t *testing.T) {
	if testing.Short() {
		t.Skip("runs Python handlers")
	}
	table, dir := fidelityApp(t)
	ts := startServer(t, table, Options{ProjectDir: dir})
	if got := ts.do(t, "GET", "/web/boom", nil); got.status != 500 || got.body != `{"message":"Internal Server Error"}` {
		t.Errorf("GET /web/boom = %d %s", got.status, got.body)
	}
	// The function runs from its staged folder; the route's handler is called by the generated router
	// of the file's routes, whose frame comes first (as on Lambda, where the router is deployed too).
	staged := filepath.Join(dir, ".stelvio", "dev", "python", "functions-web")
	head := "[functions-web] [ERROR] ValueError: kaboom\n" +
		"[functions-web] Traceback (most recent call last):\n" +
		"[functions-web]   File \"" + filepath.Join(staged, "stelvio_router.py") + "\", line "
	// The handler's frame names the project's file (the staged package links to it), which an editor
	// can open.
	real, err := filepath.EvalSymlinks(dir)
	if err != nil {
		t.Fatal(err)
	}
	tail := "[functions-web]   File \"" + filepath.Join(real, "functions", "web.py") + "\", line 14, in boom\n" +
		"[functions-web]     raise ValueError(\"kaboom\")\n"
	log := ts.waitLog(t, tail)
	if i := strings.Index(log, head); i < 0 || !strings.Contains(log[i:], tail) {
		t.Errorf("log lacks\n%s...\n%s\nin\n%s", head, tail, log)
	}

	// An error without frames (the module does not import) has the header alone, as CloudWatch shows
	// Lambda's own: "[ERROR] Runtime.ImportModuleError: Unable to import module ... Traceback (most
	// recent call last)" (github.com/aws-observability/aws-otel-lambda/issues/17; the guide has no
	// sample of this log).
	if got := ts.do(t, "GET", "/web/broken", nil); got.status != 500 || got.body != `{"message":"Internal Server Error"}` {
		t.Errorf("GET /web/broken = %d %s", got.status, got.body)
	}
	want := "[functions-broken] [ERROR] Runtime.ImportModuleError: Unable to import module 'broken': No module named 'module_that_does_not_exist'\n" +
		"[functions-broken] Traceback (most recent call last):\n"
	if log := ts.waitLog(t, want); !strings.Contains(log, want) {
		t.Errorf("log lacks\n%s\nin\n%s", want, log)
	}
}

// waitLog returns the server's log once it holds want: a worker's output reaches the log on its own
// schedule, after the response. It gives up after a minute and returns the log as it is.
func (ts *testServer) waitLog(t *testing.T, want string) string {
	t.Helper()
	deadline := time.Now().Add(time.Minute)
	for {
		log := ts.log.String()
		if strings.Contains(log, want) || time.Now().After(deadline) {
			return log
		}
		time.Sleep(10 * time.Millisecond)
	}
}
