package devserver

import (
	"bufio"
	"context"
	"encoding/json"
	"io"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/stelvio-go/stelvio/internal/route"
)

// hostileApp serves a REST API "rest" and an HTTP API "web", each with a route answering the event it
// got (functions/echo.py) and a route of its own function (functions/sink.py), whose invocations show
// in the log as "[functions-sink] START".
func hostileApp(t *testing.T, opts Options) *testServer {
	t.Helper()
	dir := t.TempDir()
	files := map[string]string{
		"functions/echo.py": "import json\n\n\ndef event(event, context):\n    return {\"statusCode\": 200, \"headers\": {\"Content-Type\": \"application/json\"}, \"body\": json.dumps(event)}\n",
		"functions/sink.py": "def handler(event, context):\n    return {\"statusCode\": 200, \"body\": \"invoked\"}\n",
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
	web := &route.HTTPApiDecl{Name: "web", Routes: []*route.HTTPRouteDecl{
		{Key: "ANY /event", KeyOK: true, Method: "ANY", Path: path("/event"), Handler: "functions/echo.event"},
		{Key: "POST /sink", KeyOK: true, Method: "POST", Path: path("/sink"), Handler: "functions/sink.handler"},
	}}
	d := &route.Decls{
		Apis: []*route.ApiDecl{{Name: "rest", Routes: []*route.RouteDecl{
			{Methods: "ANY", Path: "/event", Handler: "functions/echo.event"},
			{Methods: "POST", Path: "/sink", Handler: "functions/sink.handler"},
		}}},
		HTTPApis: []*route.HTTPApiDecl{web},
	}
	table, err := route.Build(d, "hostile", "dev", dir)
	if err != nil {
		t.Fatal(err)
	}
	opts.ProjectDir = dir
	return startServer(t, table, opts)
}

// rawEvent sends request bytes as they are to an event route and returns the event, past any 1xx
// answer (100 Continue to Expect).
func (ts *testServer) rawEvent(t *testing.T, request string) map[string]any {
	t.Helper()
	conn, err := net.Dial("tcp", strings.TrimPrefix(ts.url, "http://"))
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	if _, err := io.WriteString(conn, request); err != nil {
		t.Fatal(err)
	}
	br := bufio.NewReader(conn)
	var resp *http.Response
	for resp == nil || resp.StatusCode < 200 {
		if resp, err = http.ReadResponse(br, nil); err != nil {
			t.Fatal(err)
		}
	}
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	body := string(b)
	if resp.StatusCode != 200 {
		t.Fatalf("%d %s", resp.StatusCode, body)
	}
	var ev map[string]any
	if err := json.Unmarshal([]byte(body), &ev); err != nil {
		t.Fatalf("%v in %s", err, body)
	}
	return ev
}

// A request body HTTP cannot frame (a chunked body whose chunk size is not hexadecimal, or whose chunk
// lacks its CRLF) is answered 400 and nothing is invoked. What API Gateway answers to a malformed
// request is not documented (neither the REST nor the HTTP API developer guide names it, and REST's
// gateway responses (https://docs.aws.amazon.com/apigateway/latest/developerguide/supported-gateway-response-types.html)
// only name BAD_REQUEST_BODY, for a body failing a model's validation): the answer is 400 with the
// status's reason phrase in each API kind's shape, x-amzn-RequestId and x-amzn-ErrorType for REST,
// apigw-requestid for HTTP APIs.
func TestMalformedBodyIs400(t *testing.T) {
	if testing.Short() {
		t.Skip("runs Python handlers")
	}
	ts := hostileApp(t, Options{})
	bodies := []struct{ name, body string }{
		{"chunk size not hexadecimal", "zz\r\nhello\r\n0\r\n\r\n"},
		{"chunk without its CRLF", "5\r\nhelloXX0\r\n\r\n"},
	}
	for _, api := range []string{"rest", "web"} {
		for _, b := range bodies {
			t.Run(api+" "+b.name, func(t *testing.T) {
				resp, body := ts.raw(t, "POST /"+api+"/sink HTTP/1.1\r\nHost: localhost\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n"+b.body)
				if resp.StatusCode != 400 || body != `{"message":"Bad Request"}` || resp.Header.Get("Content-Type") != "application/json" {
					t.Fatalf("= %d %s %v, want 400 {\"message\":\"Bad Request\"}", resp.StatusCode, body, resp.Header)
				}
				if api == "rest" && (resp.Header.Get("X-Amzn-Requestid") == "" || resp.Header.Get("X-Amzn-Errortype") != "BadRequestException") {
					t.Errorf("headers %v, want a REST API's answer", resp.Header)
				}
				if api == "web" && (resp.Header.Get("Apigw-Requestid") == "" || resp.Header.Get("X-Amzn-Errortype") != "") {
					t.Errorf("headers %v, want an HTTP API's answer", resp.Header)
				}
				ts.waitLog(t, "POST /"+api+"/sink 400 ")
			})
		}
	}
	log := ts.log.String()
	for _, want := range []string{
		"[functions-sink] malformed request body: invalid byte in chunk length\n",
		"[functions-sink] malformed request body: malformed chunked encoding\n",
		"web POST /sink: malformed request body: invalid byte in chunk length\n",
		"web POST /sink: malformed request body: malformed chunked encoding\n",
	} {
		if !strings.Contains(log, want) {
			t.Errorf("log lacks %q", want)
		}
	}
	if strings.Contains(log, "[functions-sink] START") || strings.Contains(log, " 0 ") {
		t.Errorf("a malformed body was invoked or logged with status 0:\n%s", log)
	}
}

// A client that closes the connection before its body ends gets nothing invoked, and the log says so.
func TestClientGoneMidBody(t *testing.T) {
	if testing.Short() {
		t.Skip("runs Python handlers")
	}
	ts := hostileApp(t, Options{})
	for _, tt := range []struct{ api, log string }{
		{"rest", "[functions-sink] the client closed the connection before the request body ended; nothing was invoked\n"},
		{"web", "web POST /sink: the client closed the connection before the request body ended; nothing was invoked\n"},
	} {
		for _, framing := range []string{"Content-Length: 100\r\n\r\n0123456789", "Transfer-Encoding: chunked\r\n\r\n64\r\n0123456789"} {
			conn, err := net.Dial("tcp", strings.TrimPrefix(ts.url, "http://"))
			if err != nil {
				t.Fatal(err)
			}
			if _, err := io.WriteString(conn, "POST /"+tt.api+"/sink HTTP/1.1\r\nHost: localhost\r\n"+framing); err != nil {
				t.Fatal(err)
			}
			conn.Close()
			ts.waitLog(t, "POST /"+tt.api+"/sink 499 ")
		}
		if !strings.Contains(ts.log.String(), tt.log) {
			t.Errorf("log lacks %q:\n%s", tt.log, ts.log.String())
		}
	}
	if log := ts.log.String(); strings.Contains(log, "[functions-sink] START") {
		t.Errorf("a request whose client went away was invoked:\n%s", log)
	}
}

// hostRefusal is the 403 body of a refused Host.
func hostRefusal(name string) string {
	b, _ := json.Marshal(map[string]string{"message": "Forbidden: Host " + strconv.Quote(name) + " is not a loopback name; stelvio dev listens on a loopback address and answers only " +
		"localhost, *.localhost, 127.0.0.0/8 and [::1] (any port), so that web pages cannot reach it through DNS rebinding; restart dev with --allow-host " + name + " to answer it"})
	return string(b)
}

// On a loopback address dev answers only loopback Host names and addresses, and the names of
// --allow-host: a web page cannot read its answers through DNS rebinding. An absolute-form request URI
// names the host it is for and is judged by it.
func TestHostCheck(t *testing.T) {
	if testing.Short() {
		t.Skip("runs Python handlers")
	}
	ts := hostileApp(t, Options{AllowHosts: []string{"dev.example"}})
	for _, tt := range []struct {
		name, target, host string
		refused            string // the refused name; "" when answered
	}{
		{"localhost", "/rest/sink", "localhost", ""},
		{"localhost with port", "/web/sink", "localhost:1234", ""},
		{"LOCALHOST", "/rest/sink", "LOCALHOST:3000", ""},
		{"name under .localhost", "/rest/sink", "app.localhost:3000", ""},
		{"127.0.0.1", "/rest/sink", "127.0.0.1:3000", ""},
		{"127.1.2.3", "/web/sink", "127.1.2.3", ""},
		{"[::1]", "/rest/sink", "[::1]:3000", ""},
		{"allowed", "/rest/sink", "dev.example:3000", ""},
		{"allowed other case", "/web/sink", "DEV.example", ""},
		{"rest foreign", "/rest/sink", "evil.example", "evil.example"},
		{"web foreign", "/web/sink", "evil.example:3000", "evil.example"},
		{"loopback address as a label", "/rest/sink", "127.0.0.1.evil.example", "127.0.0.1.evil.example"},
		{"localhost as a label", "/rest/sink", "localhost.evil.example", "localhost.evil.example"},
		{"sub-domain of an allowed name", "/rest/sink", "a.dev.example", "a.dev.example"},
		{"private address", "/web/sink", "192.168.1.10:3000", "192.168.1.10"},
		{"rest absolute-form", "http://evil.example/rest/sink", "localhost", "evil.example"},
		{"web absolute-form", "http://evil.example:3000/web/sink", "localhost", "evil.example"},
		{"no api", "/elsewhere", "evil.example", "evil.example"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			resp, body := ts.raw(t, "POST "+tt.target+" HTTP/1.1\r\nHost: "+tt.host+"\r\nContent-Length: 2\r\nConnection: close\r\n\r\n{}")
			if tt.refused == "" {
				if resp.StatusCode != 200 || body != "invoked" {
					t.Errorf("= %d %s, want 200 invoked", resp.StatusCode, body)
				}
				return
			}
			if resp.StatusCode != 403 || body != hostRefusal(tt.refused) || resp.Header.Get("Content-Type") != "application/json" {
				t.Errorf("= %d %s %v, want 403 %s", resp.StatusCode, body, resp.Header, hostRefusal(tt.refused))
			}
			ts.waitLog(t, " 403 ")
		})
	}
	if want := "POST /rest/sink 403 "; !strings.Contains(ts.log.String(), want) {
		t.Errorf("log lacks %q", want)
	}
	if want := `- (Host "evil.example" refused; --allow-host evil.example answers it)`; !strings.Contains(ts.log.String(), want) {
		t.Errorf("log lacks %q:\n%s", want, ts.log.String())
	}
	// The ordinary client of the tests sends Host 127.0.0.1:port.
	if got := ts.do(t, "POST", "/rest/sink", []byte("{}")); got.status != 200 || got.body != "invoked" {
		t.Errorf("net/http client: %d %s", got.status, got.body)
	}
}

// addrListener reports addr as its address: a loopback listener standing for one on another
// interface, as the tests listen on loopback only.
type addrListener struct {
	net.Listener
	addr net.Addr
}

func (l addrListener) Addr() net.Addr { return l.addr }

// Listening on an address that is not loopback (--host 0.0.0.0) answers every Host.
func TestHostCheckOffOnOtherInterfaces(t *testing.T) {
	if testing.Short() {
		t.Skip("runs Python handlers")
	}
	ts := hostileApp(t, Options{})
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() {
		done <- ts.srv.Serve(ctx, addrListener{ln, &net.TCPAddr{IP: net.IPv4zero, Port: ln.Addr().(*net.TCPAddr).Port}})
	}()
	t.Cleanup(func() { cancel(); <-done })
	other := &testServer{url: "http://" + ln.Addr().String(), srv: ts.srv, log: ts.log}
	resp, body := other.raw(t, "POST /rest/sink HTTP/1.1\r\nHost: build-box.lan:3000\r\nContent-Length: 2\r\nConnection: close\r\n\r\n{}")
	if resp.StatusCode != 200 || body != "invoked" {
		t.Errorf("= %d %s, want 200 invoked", resp.StatusCode, body)
	}
}

// The local Lambda endpoint refuses a Host that is not loopback as the APIs do; the AWS SDKs send
// Host 127.0.0.1:port (TestLambdaInvokeWithAWSSDK) and are answered.
func TestLambdaInvokeHostCheck(t *testing.T) {
	ts, _ := invokeApp(t, "")
	addr := strings.TrimPrefix(ts.srv.LambdaEndpoint(), "http://")
	for _, tt := range []struct{ host, refused string }{
		{"evil.example", "evil.example"},
		{"evil.example:" + strings.Split(addr, ":")[1], "evil.example"},
	} {
		lt := &testServer{url: "http://" + addr}
		resp, body := lt.raw(t, "POST /2015-03-31/functions/invoke-dev-nothing/invocations HTTP/1.1\r\nHost: "+tt.host+"\r\nContent-Length: 2\r\nConnection: close\r\n\r\n{}")
		if resp.StatusCode != 403 || resp.Header.Get("X-Amzn-Errortype") != "AccessDeniedException" || body != hostRefusal(tt.refused) {
			t.Errorf("Host %s = %d %v %s", tt.host, resp.StatusCode, resp.Header, body)
		}
	}
	// A loopback Host reaches the operation: here its 404 for a function the app does not have.
	lt := &testServer{url: "http://" + addr}
	resp, _ := lt.raw(t, "POST /2015-03-31/functions/invoke-dev-nothing/invocations HTTP/1.1\r\nHost: "+addr+"\r\nContent-Length: 2\r\nConnection: close\r\n\r\n{}")
	if resp.StatusCode != 404 {
		t.Errorf("Host %s = %d, want 404 (no such function)", addr, resp.StatusCode)
	}
}

// X-Forwarded-Port is the port the server listens on, whatever the client's Host header says, and
// X-Forwarded-Proto is http: API Gateway sets them from its own listener (aws-lambda-go's sample events
// apigw-rest-request.json and apigw-v2-request-no-authorizer.json carry "443" and "https", the port
// and protocol of its endpoint).
func TestForwardedPortIsTheServers(t *testing.T) {
	if testing.Short() {
		t.Skip("runs Python handlers")
	}
	ts := hostileApp(t, Options{})
	_, port, _ := net.SplitHostPort(strings.TrimPrefix(ts.url, "http://"))
	for _, host := range []string{"localhost:443", "localhost", "127.0.0.1:80"} {
		rest := ts.rawEvent(t, "GET /rest/event HTTP/1.1\r\nHost: "+host+"\r\nConnection: close\r\n\r\n")
		h := rest["headers"].(map[string]any)
		mv := rest["multiValueHeaders"].(map[string]any)
		if h["X-Forwarded-Port"] != port || h["X-Forwarded-Proto"] != "http" || h["Host"] != host ||
			mv["X-Forwarded-Port"].([]any)[0] != port || mv["X-Forwarded-Proto"].([]any)[0] != "http" {
			t.Errorf("REST, Host %s: X-Forwarded-Port %v %v, X-Forwarded-Proto %v, Host %v; want %s, http, %s",
				host, h["X-Forwarded-Port"], mv["X-Forwarded-Port"], h["X-Forwarded-Proto"], h["Host"], port, host)
		}
		web := ts.rawEvent(t, "GET /web/event HTTP/1.1\r\nHost: "+host+"\r\nConnection: close\r\n\r\n")
		wh := web["headers"].(map[string]any)
		if wh["x-forwarded-port"] != port || wh["x-forwarded-proto"] != "http" || wh["host"] != host {
			t.Errorf("HTTP API, Host %s: x-forwarded-port %v, x-forwarded-proto %v, host %v; want %s, http, %s",
				host, wh["x-forwarded-port"], wh["x-forwarded-proto"], wh["host"], port, host)
		}
	}
}

// Headers of the client's hop to the gateway do not reach the function. For REST APIs, "Amazon API
// Gateway important notes" (https://docs.aws.amazon.com/apigateway/latest/developerguide/api-gateway-known-issues.html,
// the REST APIs' section) lists the headers API Gateway drops or remaps on the way to an integration,
// Expect, TE, Trailer, Transfer-Encoding and Upgrade among them (see httpapi.HopByHop). The notes for
// HTTP APIs say nothing of them; the same are dropped, and content-length is the body's.
func TestHopByHopHeadersDropped(t *testing.T) {
	if testing.Short() {
		t.Skip("runs Python handlers")
	}
	ts := hostileApp(t, Options{})
	request := func(api string) string {
		return "POST /" + api + "/event HTTP/1.1\r\nHost: localhost\r\nTransfer-Encoding: chunked\r\nExpect: 100-continue\r\nTE: trailers\r\n" +
			"Upgrade: h2c\r\nTrailer: X-Sum\r\nx-Kept: yes\r\nContent-Type: text/plain\r\nConnection: close\r\n\r\n5\r\nhello\r\n0\r\n\r\n"
	}
	rest := ts.rawEvent(t, request("rest"))
	h, mv := rest["headers"].(map[string]any), rest["multiValueHeaders"].(map[string]any)
	for _, name := range []string{"Transfer-Encoding", "Expect", "TE", "Te", "Upgrade", "Trailer"} {
		if _, ok := h[name]; ok {
			t.Errorf("REST event headers carry %s: %v", name, h)
		}
		if _, ok := mv[name]; ok {
			t.Errorf("REST event multiValueHeaders carry %s: %v", name, mv)
		}
	}
	// Header names as the client spelled them: the event was made from the header lines as sent.
	if h["x-Kept"] != "yes" || rest["body"] != "hello" {
		t.Errorf("REST event: x-Kept %v, body %v; want yes, hello", h["x-Kept"], rest["body"])
	}
	web := ts.rawEvent(t, request("web"))
	wh := web["headers"].(map[string]any)
	for _, name := range []string{"transfer-encoding", "expect", "te", "upgrade", "trailer"} {
		if _, ok := wh[name]; ok {
			t.Errorf("HTTP API event headers carry %s: %v", name, wh)
		}
	}
	if wh["x-kept"] != "yes" || wh["content-length"] != "5" || web["body"] != "hello" {
		t.Errorf("HTTP API event: x-kept %v, content-length %v, body %v; want yes, 5, hello", wh["x-kept"], wh["content-length"], web["body"])
	}
}

// The Host check's decisions without a connection: a request that came through no listener (a test's
// ServeHTTP) is judged by its Host alone.
func TestRefusedHost(t *testing.T) {
	for _, tt := range []struct {
		host    string
		anyHost bool
		allowed []string
		refused string
		ok      bool
	}{
		{"localhost:3000", false, nil, "", false},
		{"evil.example", false, nil, "evil.example", true},
		{"evil.example", true, nil, "", false},
		{"evil.example:80", false, []string{"Evil.Example."}, "", false},
		{"[::1]:3000", false, nil, "", false},
		{"[::2]:3000", false, nil, "::2", true},
		{"[::2]:3000", false, []string{"[::2]"}, "", false},
		{"", false, nil, "", true},
	} {
		r, _ := http.NewRequest("GET", "http://localhost/", nil)
		r.Host = tt.host
		name, refused := refusedHost(r, tt.anyHost, tt.allowed)
		if name != tt.refused || refused != tt.ok {
			t.Errorf("refusedHost(%q, %v, %v) = %q, %v; want %q, %v", tt.host, tt.anyHost, tt.allowed, name, refused, tt.refused, tt.ok)
		}
	}
}
