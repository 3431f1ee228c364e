package httpapi

import (
	"bytes"
	"crypto/tls"
	"encoding/json"
	"flag"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"regexp"
	"runtime/debug"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-lambda-go/events"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata")

// lambdaSample reads a sample event of aws-lambda-go's test data from the module cache (the version
// this module requires).
func lambdaSample(t *testing.T, name string) []byte {
	t.Helper()
	info, ok := debug.ReadBuildInfo()
	if !ok {
		t.Skip("no build info")
	}
	version := ""
	for _, d := range info.Deps {
		if d.Path == "github.com/aws/aws-lambda-go" {
			version = d.Version
		}
	}
	out, err := exec.Command("go", "env", "GOMODCACHE").Output()
	if err != nil || version == "" {
		t.Skipf("module cache not found: %v", err)
	}
	b, err := os.ReadFile(filepath.Join(strings.TrimSpace(string(out)), "github.com/aws/aws-lambda-go@"+version, "events/testdata", name))
	if err != nil {
		t.Skipf("aws-lambda-go sample: %v", err)
	}
	return b
}

// A request like the one aws-lambda-go's sample of a real HTTP API event records (curl to the root of
// an API with only a $default route) gives that event, field for field. What differs by nature: the
// sample was sent with mutual TLS (requestContext.authentication), which the local server has not,
// and x-amzn-trace-id is random (its shape is checked).
// https://docs.aws.amazon.com/apigateway/latest/developerguide/http-api-develop-integrations-lambda.html
func TestEventMatchesLambdaSample(t *testing.T) {
	sample := lambdaSample(t, "apigw-v2-request-no-authorizer.json")
	var want events.APIGatewayV2HTTPRequest
	if err := json.Unmarshal(sample, &want); err != nil {
		t.Fatal(err)
	}

	r := httptest.NewRequest("GET", "https://aaaaaaaaaa.execute-api.us-west-2.amazonaws.com/", nil)
	r.Header = map[string][]string{"Accept": {"*/*"}, "User-Agent": {"curl/7.58.0"}}
	r.RemoteAddr = "1.2.3.4:40000"
	r.TLS = &tls.ConnectionState{}
	m, _ := router(t, "$default").Match("GET", "/")
	b, err := BuildEvent(&Request{HTTP: r, RequestID: "LV7fzho-PHcEJPw=", Time: time.UnixMilli(1587481701067), Match: m},
		Context{AccountID: "123456789012", APIID: "aaaaaaaaaa", DomainName: r.Host})
	if err != nil {
		t.Fatal(err)
	}
	var got events.APIGatewayV2HTTPRequest
	if err := json.Unmarshal(b, &got); err != nil {
		t.Fatal(err)
	}
	if !regexp.MustCompile(`^Root=1-5e9f0c65-[0-9a-f]{24}$`).MatchString(got.Headers["x-amzn-trace-id"]) {
		t.Errorf("x-amzn-trace-id = %q", got.Headers["x-amzn-trace-id"])
	}
	got.Headers["x-amzn-trace-id"] = want.Headers["x-amzn-trace-id"]
	want.RequestContext.Authentication = events.APIGatewayV2HTTPRequestContextAuthentication{}
	if !reflect.DeepEqual(got, want) {
		g, _ := json.MarshalIndent(got, "", "  ")
		w, _ := json.MarshalIndent(want, "", "  ")
		t.Errorf("event differs from the sample\ngot:\n%s\nwant:\n%s", g, w)
	}
	if bytes.Contains(b, []byte(`"authentication"`)) {
		t.Errorf("event has requestContext.authentication without mutual TLS: %s", b)
	}
	for _, absent := range []string{`"body"`, `"cookies"`, `"queryStringParameters"`, `"pathParameters"`, `"stageVariables"`, `"authorizer"`} {
		if bytes.Contains(b, []byte(absent)) {
			t.Errorf("event has %s, which API Gateway leaves out when empty: %s", absent, b)
		}
	}
}

// Every field of a full request, compared with testdata/event-full.json (go test -update rewrites it):
// lower-case header names and repeated headers joined with commas, cookies from every Cookie header,
// repeated query parameters joined with commas, decoded path parameters, a JSON body as text, stage
// variables, the route key.
// https://docs.aws.amazon.com/apigateway/latest/developerguide/http-api-develop-integrations-lambda.html
func TestEventGolden(t *testing.T) {
	b := fullEvent(t)
	var pretty bytes.Buffer
	if err := json.Indent(&pretty, b, "", "  "); err != nil {
		t.Fatal(err)
	}
	pretty.WriteByte('\n')
	golden := filepath.Join("testdata", "event-full.json")
	if *update {
		if err := os.MkdirAll("testdata", 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(golden, pretty.Bytes(), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(golden)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(pretty.Bytes(), want) {
		t.Errorf("event differs from %s (go test -update to accept):\n%s", golden, pretty.Bytes())
	}
}

func fullEvent(t testing.TB) []byte {
	r := httptest.NewRequest("POST", "http://localhost:3000/users/j%C3%B6rg/orders?x=1&x=2&name=a+b&empty=&flag", strings.NewReader(`{"a":1}`))
	r.Header = map[string][]string{
		"Content-Type":    {"application/json"},
		"X-Multi":         {"one", "two"},
		"Cookie":          {"a=1; b=2", "c=3"},
		"User-Agent":      {"test-agent"},
		"X-Amzn-Trace-Id": {"Root=1-5e9f0c65-000000000000000000000000"},
	}
	r.RemoteAddr = "127.0.0.1:50000"
	m, ok := router(t, "POST /users/{name}/orders").Match("POST", r.URL.EscapedPath())
	if !ok {
		t.Fatal("no match")
	}
	b, err := BuildEvent(&Request{HTTP: r, Body: []byte(`{"a":1}`), RequestID: "Mc7UVioPPHcEKPA=", Time: time.UnixMilli(1583348638390), Match: m},
		Context{AccountID: "123456789012", APIID: "api-id", DomainName: "localhost:3000", StageVariables: map[string]string{"stageVariable1": "value1"}})
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// Bodies: text content types are passed as text, binary ones (and a body without a type) base64 with
// isBase64Encoded true.
// https://docs.aws.amazon.com/apigateway/latest/developerguide/http-api-develop-integrations-lambda.html
func TestEventBody(t *testing.T) {
	cases := []struct {
		contentType, body, want string
		b64                     bool
	}{
		{"application/json", `{"a":1}`, `{"a":1}`, false},
		{"text/plain; charset=utf-8", "héllo", "héllo", false},
		{"application/xml", `<a/>`, `<a/>`, false},
		{"image/png", "\x89PNG", "iVBORw==", true},
		{"", "raw", "cmF3", true},
	}
	for _, c := range cases {
		t.Run(c.contentType, func(t *testing.T) {
			r := httptest.NewRequest("POST", "/x", strings.NewReader(c.body))
			if c.contentType != "" {
				r.Header.Set("Content-Type", c.contentType)
			}
			m, _ := router(t, "$default").Match("POST", "/x")
			b, err := BuildEvent(&Request{HTTP: r, Body: []byte(c.body), Time: time.Unix(0, 0), Match: m}, Context{})
			if err != nil {
				t.Fatal(err)
			}
			var ev events.APIGatewayV2HTTPRequest
			if err := json.Unmarshal(b, &ev); err != nil {
				t.Fatal(err)
			}
			if ev.Body != c.want || ev.IsBase64Encoded != c.b64 {
				t.Errorf("body %q base64 %v, want %q %v", ev.Body, ev.IsBase64Encoded, c.want, c.b64)
			}
		})
	}
}

// requestContext.authorizer on the wire: for a JWT authorizer on a route without scopes, "scopes":
// null (github.com/aws/aws-lambda-go/issues/317 reports it from real events); with scopes, the list;
// a Lambda authorizer's context under "lambda".
func TestEventAuthorizerWire(t *testing.T) {
	m, _ := router(t, "$default").Match("GET", "/")
	cases := []struct {
		auth *events.APIGatewayV2HTTPRequestContextAuthorizerDescription
		want string
	}{
		{&events.APIGatewayV2HTTPRequestContextAuthorizerDescription{JWT: &events.APIGatewayV2HTTPRequestContextAuthorizerJWTDescription{Claims: map[string]string{"sub": "u"}}},
			`"authorizer":{"jwt":{"claims":{"sub":"u"},"scopes":null}}`},
		{&events.APIGatewayV2HTTPRequestContextAuthorizerDescription{JWT: &events.APIGatewayV2HTTPRequestContextAuthorizerJWTDescription{Claims: map[string]string{"sub": "u"}, Scopes: []string{"read"}}},
			`"authorizer":{"jwt":{"claims":{"sub":"u"},"scopes":["read"]}}`},
		{&events.APIGatewayV2HTTPRequestContextAuthorizerDescription{Lambda: map[string]any{"user": "u1"}},
			`"authorizer":{"lambda":{"user":"u1"}}`},
	}
	for _, c := range cases {
		b, err := BuildEvent(&Request{HTTP: httptest.NewRequest("GET", "/", nil), Time: time.Unix(0, 0), Match: m, Authorizer: c.auth}, Context{})
		if err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(string(b), c.want) {
			t.Errorf("event %s\nlacks %s", b, c.want)
		}
	}
}
