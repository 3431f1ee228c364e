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
	"strconv"
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
	ev := newEvent(req, eventInput{
		resource:  resource,
		stage:     "v1",
		apiID:     apiID("quickstart", "dev", "api"),
		accountID: "012345678912",
		params:    params,
		body:      body,
		requestID: "c6af9ac6-7b61-11e6-9a41-93e8deadbeef",
		now:       time.Date(2026, 11, 25, 9, 30, 15, 123e6, time.UTC),
	})
	b, err := json.MarshalIndent(ev, "", "  ")
	if err != nil {
		t.Fatal(err)
	}
	return append(b, '\n')
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
		accountID: "012345678912",
		params:    map[string]string{"id": "42"},
		requestID: "c6af9ac6-7b61-11e6-9a41-93e8deadbeef",
		now:       time.Date(2026, 11, 25, 9, 30, 15, 123e6, time.UTC),
	}
}

// BenchmarkEvent measures producing the JSON of a proxy event: the reflection-based encoding of
// newEvent's struct and appendEvent, which the server uses.
func BenchmarkEvent(b *testing.B) {
	r, in := benchRequest()
	b.Run("marshal", func(b *testing.B) {
		for b.Loop() {
			if _, err := json.Marshal(newEvent(r, in)); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("append", func(b *testing.B) {
		for b.Loop() {
			appendEvent(nil, r, in)
		}
	})
}

// checkEventEncoding fails t unless appendEvent writes the bytes json.Marshal writes for newEvent's
// struct.
func checkEventEncoding(t *testing.T, r *http.Request, in eventInput) {
	t.Helper()
	want, err := json.Marshal(newEvent(r, in))
	if err != nil {
		t.Fatal(err)
	}
	if got := appendEvent(nil, r, in); !bytes.Equal(got, want) {
		t.Errorf("appendEvent differs from json.Marshal(newEvent(...)):\n got %s\nwant %s", got, want)
	}
	// Appending after existing bytes leaves them alone.
	prefix := []byte("prefix")
	if got := appendEvent(prefix, r, in); !bytes.Equal(got, append([]byte("prefix"), want...)) {
		t.Errorf("appendEvent after a prefix = %s", got)
	}
}

func TestAppendEventMatchesMarshal(t *testing.T) {
	tricky := "<a href=\"x\">&amp;</a> \\ \u2028\u2029 \x00\x01\x1f\x7f \b\f\n\r\t é😀 \xff\xe2\x80 end"
	tests := []struct {
		name  string
		setup func(r *http.Request, in *eventInput)
	}{
		{"typical get", func(r *http.Request, in *eventInput) {}},
		{"no headers, query or parameters", func(r *http.Request, in *eventInput) {
			r.Header = http.Header{}
			r.URL.RawQuery = ""
			in.params = nil
		}},
		{"nil header", func(r *http.Request, in *eventInput) { r.Header = nil }},
		{"empty path parameters", func(r *http.Request, in *eventInput) { in.params = map[string]string{} }},
		{"path parameters", func(r *http.Request, in *eventInput) {
			in.resource = "/files/{bucket}/{proxy+}"
			in.params = map[string]string{"proxy": "a/<b>/c.png", "bucket": tricky, "a": ""}
		}},
		{"tricky strings everywhere", func(r *http.Request, in *eventInput) {
			r.Method = tricky
			r.URL.Path = "/" + tricky
			r.Host = tricky + ":" + tricky
			r.RemoteAddr = tricky
			r.Proto = tricky
			r.Header.Set("User-Agent", tricky)
			r.Header.Set(tricky, tricky)
			r.Header["non-canonical <key>"] = []string{tricky, "second"}
			in.resource = tricky
			in.stage = tricky
			in.apiID = tricky
			in.accountID = tricky
			in.requestID = tricky
			in.params = map[string]string{tricky: tricky}
		}},
		{"stage and path split a utf-8 sequence", func(r *http.Request, in *eventInput) {
			in.stage = "v\xe2\x80"
			r.URL.Path = "\xa8/x"
		}},
		{"empty path", func(r *http.Request, in *eventInput) { r.URL.Path = "" }},
		{"repeated headers", func(r *http.Request, in *eventInput) {
			r.Header.Add("Accept", "text/plain")
			r.Header.Add("Accept", "application/json")
			r.Header.Add("X-Custom", "1")
			r.Header.Add("X-Custom", "2")
			r.Header.Add("x-custom", "3")
			r.Header.Add("User-Agent", "second agent")
		}},
		{"client forwarding headers", func(r *http.Request, in *eventInput) {
			r.Header.Add("X-Forwarded-For", "203.0.113.7")
			r.Header.Add("X-Forwarded-For", "198.51.100.1, 10.0.0.1")
			r.Header.Set("X-Forwarded-Port", "8443")
			r.Header.Set("X-Forwarded-Proto", "https")
			r.Header.Set("X-Amzn-Trace-Id", "Root=client")
			r.Header.Set("Host", "evil.example")
			r.Header["host"] = []string{"lowercase.example"}
			r.Header["X-Forwarded-For-Not"] = []string{"x"}
		}},
		{"client forwarding header without values", func(r *http.Request, in *eventInput) {
			r.Header["X-Forwarded-For"] = nil
			r.Header["Host"] = []string{}
		}},
		{"many headers", func(r *http.Request, in *eventInput) {
			for i := range 60 {
				r.Header.Add("X-Header-"+strconv.Itoa(i), strings.Repeat("v", i))
			}
		}},
		{"query with repeated keys", func(r *http.Request, in *eventInput) {
			r.URL.RawQuery = "tag=a&tag=b&x=1&tag=&empty&=novalue&%3Cb%3E=%26%E2%80%A8&q=a+b%20c&bad=%zz&semi=a;b&&"
		}},
		{"query with many parameters", func(r *http.Request, in *eventInput) {
			r.URL.RawQuery = strings.Repeat("k=v&a=%3C&", 600)
		}},
		{"query above net/url's limit on parameters", func(r *http.Request, in *eventInput) {
			r.URL.RawQuery = strings.Repeat("k=v&", 10001)
		}},
		{"query that does not parse", func(r *http.Request, in *eventInput) { r.URL.RawQuery = "%zz&;" }},
		{"text body", func(r *http.Request, in *eventInput) {
			r.Method = "POST"
			r.Header.Set("Content-Type", "application/json; charset=utf-8")
			in.body = []byte(`{"html":"<script>&</script>","ls":"\u2028"}` + "\n\t\x01")
		}},
		{"body without content type", func(r *http.Request, in *eventInput) { in.body = []byte(tricky[:40]) }},
		{"invalid utf-8 body", func(r *http.Request, in *eventInput) {
			r.Header.Set("Content-Type", "text/plain")
			in.body = []byte("abc\xff")
		}},
		{"binary body", func(r *http.Request, in *eventInput) {
			r.Header.Set("Content-Type", "image/png")
			in.body = []byte{0x89, 'P', 'N', 'G', 0, 1, 2, 0xfb, 0xff, 0xfe}
		}},
		{"empty body", func(r *http.Request, in *eventInput) { in.body = []byte{} }},
		{"host without port and ipv6 client", func(r *http.Request, in *eventInput) {
			r.Host = "api.example.com"
			r.RemoteAddr = "[::1]:4000"
		}},
		{"ipv6 host", func(r *http.Request, in *eventInput) { r.Host = "[::1]:3000" }},
		{"empty host and client", func(r *http.Request, in *eventInput) { r.Host, r.RemoteAddr = "", "" }},
		{"before 1970", func(r *http.Request, in *eventInput) { in.now = time.Date(1969, 12, 31, 23, 59, 58, 0, time.UTC) }},
		{"far future and a zone", func(r *http.Request, in *eventInput) {
			in.now = time.Date(12026, 1, 2, 3, 4, 5, 6, time.FixedZone("x", 3600))
		}},
		{"long request id", func(r *http.Request, in *eventInput) { in.requestID = strings.Repeat("id", 50) }},
		{"long stage path", func(r *http.Request, in *eventInput) { r.URL.Path = "/" + strings.Repeat("segment/", 40) }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r, in := benchRequest()
			tt.setup(r, &in)
			checkEventEncoding(t, r, in)
		})
	}
}

// FuzzEventEncoding builds requests from fuzzed methods, paths, queries, headers and bodies and checks
// that appendEvent writes what json.Marshal writes for newEvent's struct.
func FuzzEventEncoding(f *testing.F) {
	f.Add("GET", "/users/42", "verbose=true&tag=a&tag=b", "localhost:3000", "127.0.0.1:51234",
		"Accept", "application/json", "x-raw", "<&>", "", []byte(nil), "/users/{id}", "v1", "id", "42",
		"c6af9ac6-7b61-11e6-9a41-93e8deadbeef", int64(1795599015), uint8(1))
	f.Add("POST", "/files/a b.png", "", "[::1]:80", "[::1]:2", "Content-Type", "image/png",
		"X-Forwarded-For", "10.0.0.1", "image/png", []byte{0x89, 'P', 0, 0xff}, "/files/{proxy+}", "prod",
		"proxy", "a b.png", "id", int64(-1), uint8(3))
	f.Add("PUT", "", "%zz&a=%E2%80%A8;", "", "", " ", "\xff\x00\\\"", "Host", "\xe2\x80", "text/html",
		[]byte("<p>\u2029</p>\xe2"), "", "\xe2", "\xa8", "", "", int64(0), uint8(0))
	f.Fuzz(func(t *testing.T, method, path, query, host, remote, name, value, rawName, rawValue, contentType string,
		body []byte, resource, stage, paramKey, paramValue, requestID string, sec int64, repeat uint8) {
		r := &http.Request{
			Method:     method,
			URL:        &url.URL{Path: path, RawQuery: query},
			Proto:      "HTTP/1.1",
			Header:     http.Header{},
			Host:       host,
			RemoteAddr: remote,
		}
		for i := range int(repeat % 4) {
			r.Header.Add(name, value+strconv.Itoa(i))
		}
		r.Header[rawName] = append(r.Header[rawName], rawValue)
		if contentType != "" {
			r.Header.Set("Content-Type", contentType)
		}
		if repeat&4 != 0 {
			r.Header.Set("User-Agent", value)
		}
		in := eventInput{
			resource:  resource,
			stage:     stage,
			apiID:     host,
			accountID: "012345678912",
			body:      body,
			requestID: requestID,
			now:       time.Unix(sec%(1<<40), int64(repeat)*1e6),
		}
		if repeat&8 != 0 {
			in.params = map[string]string{paramKey: paramValue, paramValue: paramKey}
		}
		checkEventEncoding(t, r, in)
	})
}
