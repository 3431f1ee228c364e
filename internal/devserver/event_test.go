package devserver

import (
	"bytes"
	"encoding/json"
	"flag"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-lambda-go/events"
)

var update = flag.Bool("update", false, "rewrite the golden files under testdata/")

func goldenEvent(t *testing.T, method, target string, body []byte, header map[string]string, resource string, params map[string]string) []byte {
	t.Helper()
	req := httptest.NewRequest(method, target, bytes.NewReader(body))
	req.RemoteAddr = "127.0.0.1:51234"
	req.Host = "localhost:3000"
	for k, v := range header {
		req.Header.Set(k, v)
	}
	compact, err := marshalEvent(req, eventInput{
		resource:  resource,
		stage:     "v1",
		apiID:     apiID("quickstart", "dev", "api"),
		accountID: AccountID,
		params:    params,
		body:      body,
		// The API of the golden events treats PNG images as binary.
		binaryMediaTypes: []string{"image/png"},
		requestID:        "c6af9ac6-7b61-11e6-9a41-93e8deadbeef",
		now:              time.Date(2026, 11, 25, 9, 30, 15, 123e6, time.UTC),
	})
	if err != nil {
		t.Fatal(err)
	}
	var b bytes.Buffer
	if err := json.Indent(&b, compact, "", "  "); err != nil {
		t.Fatal(err)
	}
	b.WriteByte('\n')
	return b.Bytes()
}

func TestEventGolden(t *testing.T) {
	tests := []struct {
		name     string
		method   string
		target   string
		body     []byte
		header   map[string]string
		resource string
		params   map[string]string
	}{
		{"get-with-query", "GET", "/users/42?verbose=true&tag=a&tag=b", nil,
			map[string]string{"Accept": "application/json", "User-Agent": "curl/8.5.0"}, "/users/{id}", map[string]string{"id": "42"}},
		{"post-json", "POST", "/users", []byte(`{"name":"ada"}`),
			map[string]string{"Content-Type": "application/json"}, "/users", nil},
		{"post-binary", "POST", "/files/a/b.png", []byte{0x89, 'P', 'N', 'G', 0, 1, 2, 0xff},
			map[string]string{"Content-Type": "image/png"}, "/files/{proxy+}", map[string]string{"proxy": "a/b.png"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := goldenEvent(t, tt.method, tt.target, tt.body, tt.header, tt.resource, tt.params)
			path := filepath.Join("testdata", "events", tt.name+".golden.json")
			if *update {
				if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
					t.Fatal(err)
				}
				if err := os.WriteFile(path, got, 0o644); err != nil {
					t.Fatal(err)
				}
			}
			want, err := os.ReadFile(path)
			if err != nil {
				t.Fatalf("%v; run go test -run TestEventGolden -update to create it", err)
			}
			if !bytes.Equal(got, want) {
				t.Errorf("event differs from %s (go test -run TestEventGolden -update rewrites it):\n%s", path, got)
			}
		})
	}
}

// TestEventHasTheFieldsOfAPIGatewaySamples checks our event against the API Gateway REST proxy event
// that aws-lambda-go ships in its testdata: every field of the sample is present with the same JSON
// type, except those only an authorizer, API keys or mutual TLS add.
func TestEventHasTheFieldsOfAPIGatewaySamples(t *testing.T) {
	out, err := exec.Command("go", "list", "-m", "-f", "{{.Dir}}", "github.com/aws/aws-lambda-go").Output()
	if err != nil {
		t.Fatalf("locate aws-lambda-go: %v", err)
	}
	sample, err := os.ReadFile(filepath.Join(strings.TrimSpace(string(out)), "events", "testdata", "apigw-request.json"))
	if err != nil {
		t.Fatal(err)
	}
	ours := goldenEvent(t, "POST", "/hello/world?name=me", []byte(`{"a": 1}`), map[string]string{"Content-Type": "application/json"},
		"/{proxy+}", map[string]string{"proxy": "hello/world"})

	var want, got map[string]any
	if err := json.Unmarshal(sample, &want); err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(ours, &got); err != nil {
		t.Fatal(err)
	}
	optional := map[string]bool{
		"requestContext.authorizer": true, "requestContext.identity.apiKey": true, "requestContext.identity.apiKeyId": true,
		"requestContext.identity.clientCert": true,
	}
	var missing []string
	var compare func(prefix string, want, got map[string]any)
	compare = func(prefix string, want, got map[string]any) {
		for k, wv := range want {
			key := prefix + k
			if optional[key] {
				continue
			}
			gv, ok := got[k]
			if !ok {
				missing = append(missing, key)
				continue
			}
			if gv == nil || wv == nil {
				continue // API Gateway sends null for unset values
			}
			if reflect.TypeOf(gv) != reflect.TypeOf(wv) {
				missing = append(missing, key+" (type)")
				continue
			}
			if wm, ok := wv.(map[string]any); ok && (key == "requestContext" || key == "requestContext.identity") {
				compare(key+".", wm, gv.(map[string]any))
			}
		}
	}
	compare("", want, got)
	sort.Strings(missing)
	if len(missing) > 0 {
		t.Errorf("our event lacks fields of aws-lambda-go's apigw-request.json: %v", missing)
	}

	// The event decodes into aws-lambda-go's type with the values a handler reads.
	var req events.APIGatewayProxyRequest
	if err := json.Unmarshal(ours, &req); err != nil {
		t.Fatal(err)
	}
	if req.Resource != "/{proxy+}" || req.Path != "/hello/world" || req.HTTPMethod != "POST" ||
		req.PathParameters["proxy"] != "hello/world" || req.QueryStringParameters["name"] != "me" ||
		req.Body != `{"a": 1}` || req.RequestContext.Stage != "v1" || req.RequestContext.ResourcePath != "/{proxy+}" ||
		req.RequestContext.Identity.SourceIP != "127.0.0.1" || req.RequestContext.RequestTimeEpoch != 1795599015123 {
		t.Errorf("decoded event = %+v", req)
	}
}

// benchRequest is a browser-like GET through the server: a path parameter, a short query and seven
// request headers.
func benchRequest() (*http.Request, eventInput) {
	r := httptest.NewRequest("GET", "/users/42?verbose=true", nil)
	r.RemoteAddr = "127.0.0.1:51234"
	r.Host = "localhost:3000"
	r.Header.Set("Accept", "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8")
	r.Header.Set("Accept-Encoding", "gzip, deflate, br")
	r.Header.Set("Accept-Language", "en-GB,en;q=0.9")
	r.Header.Set("Cache-Control", "no-cache")
	r.Header.Set("Connection", "keep-alive")
	r.Header.Set("Cookie", "session=8f3a9c2d41; theme=dark")
	r.Header.Set("User-Agent", "Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0")
	return r, eventInput{
		resource:  "/users/{id}",
		stage:     "v1",
		apiID:     apiID("quickstart", "dev", "api"),
		accountID: AccountID,
		params:    map[string]string{"id": "42"},
		requestID: "c6af9ac6-7b61-11e6-9a41-93e8deadbeef",
		now:       time.Date(2026, 11, 25, 9, 30, 15, 123e6, time.UTC),
	}
}

// BenchmarkEvent measures producing the JSON of a proxy event as the server does.
func BenchmarkEvent(b *testing.B) {
	r, in := benchRequest()
	b.ReportAllocs()
	for b.Loop() {
		if _, err := marshalEvent(r, in); err != nil {
			b.Fatal(err)
		}
	}
}

// marshalEvent writes what encoding/json writes for the event, the bytes handlers have always been
// given, also for strings encoding/json escapes: HTML characters, U+2028/U+2029, control characters
// and invalid UTF-8.
func TestMarshalEventIsEncodingJSON(t *testing.T) {
	tricky := "<a href=\"x\">&amp;</a> \\ \u2028\u2029 \x00\x01\x1f\x7f \b\f\n\r\t é😀 \xff\xe2\x80 end"
	r, in := benchRequest()
	r.URL.Path = "/" + tricky
	r.URL.RawQuery = "q=" + url.QueryEscape(tricky) + "&bad=%zz;x"
	r.Header.Set("User-Agent", tricky)
	r.Header["non-canonical <key>"] = []string{tricky, "second"}
	in.params = map[string]string{tricky: tricky}
	in.body = []byte(tricky)
	in.rawHeaders = []rawHeader{{"x-raw", tricky}, {"X-Raw", "2"}}
	got, err := marshalEvent(r, in)
	if err != nil {
		t.Fatal(err)
	}
	want, err := json.Marshal(newEvent(r, in))
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("marshalEvent differs from encoding/json:\n got %s\nwant %s", got, want)
	}
}
