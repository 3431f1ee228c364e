package devserver

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/stelvio-go/stelvio/internal/route"
)

// echoApp serves testdata/app/functions/echo.py: /event/... answers with the proxy event it got,
// /respond answers with the proxy response the request body holds.
func echoApp(t *testing.T, configure func(api *route.Api)) *testServer {
	t.Helper()
	dir := appDir(t)
	d := &route.Decls{Apis: []*route.ApiDecl{{
		Name: "api",
		Routes: []*route.RouteDecl{
			{Methods: "ANY", Path: "/event", Handler: "functions/echo.event"},
			{Methods: "ANY", Path: "/event/{name}", Handler: "functions/echo.event"},
			{Methods: "ANY", Path: "/event/files/{proxy+}", Handler: "functions/echo.event"},
			{Methods: "POST", Path: "/respond", Handler: "functions/echo.respond"},
			{Methods: "POST", Path: "/ok", Handler: "functions/echo.ok"},
		},
	}}}
	table, err := route.Build(d, "gw", "test", dir)
	if err != nil {
		t.Fatal(err)
	}
	if configure != nil {
		configure(table.Apis[0])
	}
	return startServer(t, table, Options{ProjectDir: dir})
}

// eventOf sends a request to an /event route and returns the event the handler received.
func (ts *testServer) eventOf(t *testing.T, method, path string, body []byte, header ...string) map[string]any {
	t.Helper()
	got := ts.do(t, method, path, body, header...)
	if got.status != 200 {
		t.Fatalf("%s %s = %d %s", method, path, got.status, got.body)
	}
	var ev map[string]any
	if err := json.Unmarshal([]byte(got.body), &ev); err != nil {
		t.Fatalf("%s %s: %v in %s", method, path, err, got.body)
	}
	return ev
}

// raw sends request bytes as they are and returns the response, for requests net/http's client
// would not send.
func (ts *testServer) raw(t *testing.T, request string) (*http.Response, string) {
	t.Helper()
	conn, err := net.Dial("tcp", strings.TrimPrefix(ts.url, "http://"))
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	conn.SetDeadline(time.Now().Add(60 * time.Second))
	if _, err := io.WriteString(conn, request); err != nil {
		t.Fatal(err)
	}
	resp, err := http.ReadResponse(bufio.NewReader(conn), nil)
	if err != nil {
		t.Fatalf("read the response to %q: %v", request[:min(len(request), 80)], err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return resp, string(b)
}

// The event's path and pathParameters of an escaped request path. The input format of the Lambda
// proxy integration (https://docs.aws.amazon.com/apigateway/latest/developerguide/set-up-lambda-proxy-integrations.html#api-gateway-simple-proxy-for-lambda-input-format)
// gives path as the request's path and pathParameters as the values of the resource's path
// variables; both are percent-decoded once, and the route is matched on the path as the client
// escaped it, so an escaped slash stays inside its segment.
func TestEventPathDecodedOnce(t *testing.T) {
	ts := echoApp(t, nil)
	tests := []struct {
		target     string
		resource   string
		path       string
		parameters map[string]any
	}{
		{"/event/%252e%252e%252fsecret", "/event/{name}", "/event/%2e%2e%2fsecret", map[string]any{"name": "%2e%2e%2fsecret"}},
		{"/event/a%20b", "/event/{name}", "/event/a b", map[string]any{"name": "a b"}},
		{"/event/a%2Fb", "/event/{name}", "/event/a/b", map[string]any{"name": "a/b"}},
		{"/event/%2525", "/event/{name}", "/event/%25", map[string]any{"name": "%25"}},
		{"/event/files/x/%252F/y", "/event/files/{proxy+}", "/event/files/x/%2F/y", map[string]any{"proxy": "x/%2F/y"}},
		{"/%65vent", "/event", "/event", nil},
	}
	for _, tt := range tests {
		t.Run(tt.target, func(t *testing.T) {
			ev := ts.eventOf(t, "GET", tt.target, nil)
			if ev["resource"] != tt.resource || ev["path"] != tt.path {
				t.Errorf("resource, path = %q, %q; want %q, %q", ev["resource"], ev["path"], tt.resource, tt.path)
			}
			params, _ := ev["pathParameters"].(map[string]any)
			if !equalJSON(params, tt.parameters) {
				t.Errorf("pathParameters = %v, want %v", ev["pathParameters"], tt.parameters)
			}
		})
	}
}

func equalJSON(a, b any) bool {
	x, _ := json.Marshal(a)
	y, _ := json.Marshal(b)
	return string(x) == string(y)
}

// Responses API Gateway answers 502 for: a malformed Lambda proxy response. The output format
// (https://docs.aws.amazon.com/apigateway/latest/developerguide/set-up-lambda-proxy-integrations.html#api-gateway-simple-proxy-for-lambda-output-format)
// says "If the function output is of a different format, API Gateway returns a 502 Bad Gateway
// error response." A 1xx status is no final answer to the client, and a header value with a control
// character cannot be written on the wire (RFC 9110 field-value); the docs do not name them, the
// local server treats both as malformed.
func TestMalformedProxyResponsesAre502(t *testing.T) {
	ts := echoApp(t, nil)
	tests := []struct {
		name     string
		response string
		log      string
	}{
		{"status 100", `{"statusCode":100}`, `statusCode 100 is not a final HTTP status (200-599)`},
		{"status 101", `{"statusCode":101,"headers":{"Upgrade":"websocket","Connection":"Upgrade"}}`, `statusCode 101 is not a final HTTP status (200-599)`},
		{"status 199", `{"statusCode":"199"}`, `statusCode "199" is not a final HTTP status (200-599)`},
		{"status 99", `{"statusCode":99}`, `statusCode 99 is not a final HTTP status (200-599)`},
		{"status 1000", `{"statusCode":1000}`, `statusCode 1000 is not a final HTTP status (200-599)`},
		{"nul in header", `{"statusCode":200,"headers":{"X-A":"a\u0000b"}}`, `header "X-A" has a control character in its value "a\x00b"`},
		{"newline in header", `{"statusCode":200,"headers":{"Location":"/x\r\nSet-Cookie: a=1"}}`, `header "Location" has a control character in its value "/x\r\nSet-Cookie: a=1"`},
		{"escape in multi-value header", `{"statusCode":200,"multiValueHeaders":{"Set-Cookie":["a=1","b=\u001b"]}}`, `multiValueHeaders "Set-Cookie" has a control character in its value "b=\x1b"`},
		{"delete in header", `{"statusCode":200,"headers":{"X-A":"\u007f"}}`, `header "X-A" has a control character in its value "\x7f"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := ts.do(t, "POST", "/respond", []byte(tt.response), "Content-Type", "application/json")
			if got.status != 502 || got.body != `{"message": "Internal server error"}` || got.header.Get("x-amzn-ErrorType") != "InternalServerErrorException" {
				t.Errorf("= %d %q %v, want 502 {\"message\": \"Internal server error\"}", got.status, got.body, got.header)
			}
			if want := "malformed Lambda proxy response: " + tt.log; !strings.Contains(ts.log.String(), want) {
				t.Errorf("log lacks %q:\n%s", want, ts.log.String())
			}
		})
	}

	// A tab is allowed inside a value, as are UTF-8 and the status codes at both ends of the range.
	for _, ok := range []struct{ response, status, header string }{
		{`{"statusCode":200,"headers":{"X-A":"a\tb é"}}`, "200", "a\tb é"},
		{`{"statusCode":599,"headers":{"X-A":"z"}}`, "599", "z"},
	} {
		resp, _ := ts.raw(t, "POST /respond HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\nContent-Length: "+
			strconv.Itoa(len(ok.response))+"\r\nConnection: close\r\n\r\n"+ok.response)
		if got := resp.Status[:3]; got != ok.status || resp.Header.Get("X-A") != ok.header {
			t.Errorf("%s = %s %q", ok.response, resp.Status, resp.Header.Get("X-A"))
		}
	}
}

// The banner names the stage the events carry, and the events and function ARNs carry the account
// plans show.
func TestBannerStageAndAccount(t *testing.T) {
	ts := echoApp(t, nil)
	got := ts.do(t, "GET", "/event", nil)
	banner, _, _ := strings.Cut(ts.log.String(), "\n")
	if want := "serving gw (stage v1)"; !strings.HasSuffix(banner, want) {
		t.Errorf("banner %q does not end in %q", banner, want)
	}
	var ev struct {
		RequestContext struct{ AccountID, Stage string }
	}
	if err := json.Unmarshal([]byte(got.body), &ev); err != nil {
		t.Fatal(err)
	}
	if ev.RequestContext.AccountID != "123456789012" || ev.RequestContext.Stage != "v1" {
		t.Errorf("requestContext accountId, stage = %q, %q; want 123456789012, v1", ev.RequestContext.AccountID, ev.RequestContext.Stage)
	}
	if arn := got.header.Get("X-Function-Arn"); arn != "arn:aws:lambda:us-east-1:123456789012:function:gw-test-functions-echo" {
		t.Errorf("function ARN = %q", arn)
	}
}

func TestBannerStages(t *testing.T) {
	table := &route.Table{App: "shop", Env: "test", Apis: []*route.Api{{Name: "api", StageName: "v1"}, {Name: "admin", StageName: "prod"}}}
	s, err := New(table, Options{Log: io.Discard})
	if err != nil {
		t.Fatal(err)
	}
	if got := s.stages(); got != "stages: api v1, admin prod" {
		t.Errorf("stages() = %q", got)
	}
	table.Apis[1].StageName = "v1"
	if got := s.stages(); got != "stage v1" {
		t.Errorf("stages() = %q", got)
	}
}

// Binary media types, request side. "Content type conversions in API Gateway"
// (https://docs.aws.amazon.com/apigateway/latest/developerguide/api-gateway-payload-encodings-workflow.html):
// without binaryMediaTypes a request payload reaches the integration as a UTF-8 encoded string; with
// a binaryMediaTypes entry matching the request's Content-Type it is binary, which a Lambda proxy
// integration passes base64-encoded with isBase64Encoded true. Wildcards: "You can use the wildcard
// character (*) to cover multiple media types", "*/*" includes all content types
// (https://docs.aws.amazon.com/apigateway/latest/developerguide/api-gateway-payload-encodings.html).
// A request without Content-Type matches nothing here; the docs do not say.
func TestBinaryMediaTypesRequest(t *testing.T) {
	png := []byte{0x89, 'P', 'N', 'G', 0, 0xff}
	tests := []struct {
		types       []string
		contentType string
		body        []byte
		wantBody    string
		wantBase64  bool
	}{
		{nil, "image/png", png, "\uFFFDPNG\x00\uFFFD", false},
		{nil, "application/octet-stream", []byte("abc"), "abc", false},
		{[]string{"image/png"}, "image/png", png, "iVBORwD/", true},
		{[]string{"image/png"}, "image/png; charset=binary", png, "iVBORwD/", true},
		{[]string{"image/png"}, "IMAGE/PNG", png, "iVBORwD/", true},
		{[]string{"image/png"}, "image/jpeg", []byte("abc"), "abc", false},
		{[]string{"image/png"}, "application/json", []byte(`{"a":1}`), `{"a":1}`, false},
		{[]string{"image/*"}, "image/jpeg", []byte("abc"), "YWJj", true},
		{[]string{"image/*"}, "text/plain", []byte("abc"), "abc", false},
		{[]string{"*/*"}, "text/plain", []byte("hello"), "aGVsbG8=", true},
		{[]string{"*/*"}, "", []byte("hello"), "hello", false},
		{[]string{"application/json", "*/*"}, "application/json", []byte(`{}`), "e30=", true},
	}
	servers := map[string]*testServer{}
	for _, tt := range tests {
		key := strings.Join(tt.types, " ")
		if servers[key] == nil {
			servers[key] = echoApp(t, func(api *route.Api) { api.BinaryMediaTypes = tt.types })
		}
		t.Run(key+" "+tt.contentType, func(t *testing.T) {
			ts := servers[key]
			var header []string
			if tt.contentType != "" {
				header = []string{"Content-Type", tt.contentType}
			}
			ev := ts.eventOf(t, "POST", "/event", tt.body, header...)
			if ev["body"] != tt.wantBody || ev["isBase64Encoded"] != tt.wantBase64 {
				t.Errorf("body, isBase64Encoded = %q, %v; want %q, %v", ev["body"], ev["isBase64Encoded"], tt.wantBody, tt.wantBase64)
			}
		})
	}
}

// Binary media types, response side. "Return binary media from a Lambda proxy integration"
// (https://docs.aws.amazon.com/apigateway/latest/developerguide/lambda-proxy-binary-media.html): "API
// Gateway uses the first Accept header from clients to determine if a response should return binary
// media"; the content type conversions page
// (https://docs.aws.amazon.com/apigateway/latest/developerguide/api-gateway-payload-encodings-workflow.html)
// adds that only the first media type of Accept counts (a browser's "image/webp,image/*,*/*;q=0.8"
// needs image/webp in the list). Without a match the client gets the function's body as it is: the
// base64 text.
func TestBinaryMediaTypesResponse(t *testing.T) {
	const response = `{"statusCode":200,"headers":{"Content-Type":"image/png"},"body":"AAEC","isBase64Encoded":true}`
	tests := []struct {
		types    []string
		accept   string
		wantBody string
	}{
		{nil, "image/png", "AAEC"},
		{nil, "", "AAEC"},
		{[]string{"image/png"}, "image/png", "\x00\x01\x02"},
		{[]string{"image/png"}, "image/png;q=0.9, text/html", "\x00\x01\x02"},
		{[]string{"image/png"}, "text/html, image/png", "AAEC"},
		{[]string{"image/png"}, "", "AAEC"},
		{[]string{"image/png"}, "application/json", "AAEC"},
		{[]string{"image/webp"}, "image/webp,image/*,*/*;q=0.8", "\x00\x01\x02"},
		{[]string{"image/*"}, "image/avif", "\x00\x01\x02"},
		{[]string{"*/*"}, "text/html", "\x00\x01\x02"},
	}
	servers := map[string]*testServer{}
	for _, tt := range tests {
		key := strings.Join(tt.types, " ")
		if servers[key] == nil {
			servers[key] = echoApp(t, func(api *route.Api) { api.BinaryMediaTypes = tt.types })
		}
		t.Run(key+" accept "+tt.accept, func(t *testing.T) {
			ts := servers[key]
			header := []string{"Content-Type", "application/json"}
			if tt.accept != "" {
				header = append(header, "Accept", tt.accept)
			}
			got := ts.do(t, "POST", "/respond", []byte(response), header...)
			if got.status != 200 || got.body != tt.wantBody || got.header.Get("Content-Type") != "image/png" {
				t.Errorf("= %d %q %q, want 200 %q image/png", got.status, got.body, got.header.Get("Content-Type"), tt.wantBody)
			}
		})
	}

	// The base64 text is passed as it is when the client does not take binary media, even when it is
	// not valid base64; decoding it for a client that does fails as a malformed response.
	ts := echoApp(t, func(api *route.Api) { api.BinaryMediaTypes = []string{"image/png"} })
	bad := `{"statusCode":200,"body":"!!","isBase64Encoded":true}`
	if got := ts.do(t, "POST", "/respond", []byte(bad), "Accept", "text/plain"); got.status != 200 || got.body != "!!" {
		t.Errorf("text client: %d %q, want 200 !!", got.status, got.body)
	}
	if got := ts.do(t, "POST", "/respond", []byte(bad), "Accept", "image/png"); got.status != 502 || got.body != `{"message": "Internal server error"}` {
		t.Errorf("binary client: %d %q, want 502", got.status, got.body)
	}
}

// Limits. Lambda's invocation payload of a synchronous invocation is 6 MB
// (https://docs.aws.amazon.com/lambda/latest/dg/gettingstarted-limits.html, "Invocation payload
// (request and response)"); the documentation does not say what API Gateway answers for a request
// whose event is larger, so the local server answers it as a request over API Gateway's own 10 MB
// payload limit, 413 {"message":"Request Too Long"}
// (https://repost.aws/questions/QUJ00_gdC-TdaRnGxZybAuWw/aws-api-gw-with-post-request-payload-more-than-10mb).
// The quotas page (https://docs.aws.amazon.com/apigateway/latest/developerguide/api-gateway-execution-service-limits-table.html)
// limits the URL of a regional API to 10,240 characters and the combined size of the header lines
// (names, values, line terminators and white space) to 10,240 bytes; it does not give the answer
// past them, for which the local server uses 414 and 431.
func TestRequestLimits(t *testing.T) {
	ts := echoApp(t, func(api *route.Api) { api.BinaryMediaTypes = []string{"image/png"} })
	host := strings.TrimPrefix(ts.url, "http://")
	const tooLong = `{"message":"Request Too Long"}`

	// The event of a body a little under 6 MB fits; its base64 encoding, a third larger, does not.
	body := []byte(strings.Repeat("a", MaxEventSize-8192))
	if got := ts.do(t, "POST", "/ok", body, "Content-Type", "text/plain"); got.status != 200 || got.body != strconv.Itoa(len(body)) {
		t.Errorf("text body of %d bytes: %d %.100s", len(body), got.status, got.body)
	}
	if got := ts.do(t, "POST", "/ok", body, "Content-Type", "image/png"); got.status != 413 || got.body != tooLong || got.header.Get("x-amzn-ErrorType") != "RequestTooLarge" {
		t.Errorf("binary body of %d bytes: %d %.100s, want 413 %s", len(body), got.status, got.body, tooLong)
	}
	if got := ts.do(t, "POST", "/ok", []byte(strings.Repeat("a", MaxEventSize+1)), "Content-Type", "text/plain"); got.status != 413 || got.body != tooLong {
		t.Errorf("text body over 6 MB: %d %.100s, want 413 %s", got.status, got.body, tooLong)
	}

	// The URL: http://host/ok?q=... at exactly 10,240 characters passes, one more is refused.
	base := len("http://" + host + "/ok?q=")
	for _, tt := range []struct {
		length int
		status int
		body   string
	}{
		{MaxURLLength, 200, "2"},
		{MaxURLLength + 1, 414, `{"message":"Request-URI Too Long"}`},
	} {
		target := "/ok?q=" + strings.Repeat("x", tt.length-base)
		resp, got := ts.raw(t, "POST "+target+" HTTP/1.1\r\nHost: "+host+"\r\nContent-Length: 2\r\nConnection: close\r\n\r\nhi")
		if resp.StatusCode != tt.status || got != tt.body {
			t.Errorf("URL of %d characters: %d %s, want %d %s", tt.length, resp.StatusCode, got, tt.status, tt.body)
		}
	}

	// The header lines: Host, Content-Length, Connection and X-Big at exactly 10,240 bytes pass.
	fixed := len("Host: "+host+"\r\n") + len("Content-Length: 2\r\n") + len("Connection: close\r\n") + len("X-Big: \r\n")
	for _, tt := range []struct {
		size   int
		status int
		body   string
	}{
		{MaxHeaderSize, 200, "2"},
		{MaxHeaderSize + 1, 431, `{"message":"Request Header Fields Too Large"}`},
	} {
		resp, got := ts.raw(t, "POST /ok HTTP/1.1\r\nHost: "+host+"\r\nContent-Length: 2\r\nConnection: close\r\nX-Big: "+
			strings.Repeat("v", tt.size-fixed)+"\r\n\r\nhi")
		if resp.StatusCode != tt.status || got != tt.body {
			t.Errorf("header lines of %d bytes: %d %s, want %d %s", tt.size, resp.StatusCode, got, tt.status, tt.body)
		}
	}
}

// Query strings API Gateway splits at & and at ; ("Amazon API Gateway important notes for REST APIs",
// https://docs.aws.amazon.com/apigateway/latest/developerguide/api-gateway-known-issues.html#api-gateway-known-issues-rest-apis:
// a semicolon "results in the data being split"). The parameters that decode are kept, whatever the
// others hold; what API Gateway passes for an escape that does not decode (%zz) is not documented, the
// local server passes it as sent.
func TestQueryParameters(t *testing.T) {
	ts := echoApp(t, nil)
	tests := []struct {
		query  string
		single map[string]any
		multi  map[string]any
	}{
		{"a=1;b=2&c=3", map[string]any{"a": "1", "b": "2", "c": "3"}, map[string]any{"a": []any{"1"}, "b": []any{"2"}, "c": []any{"3"}}},
		{"bad=%zz&good=%41&x=a+b", map[string]any{"bad": "%zz", "good": "A", "x": "a b"}, map[string]any{"bad": []any{"%zz"}, "good": []any{"A"}, "x": []any{"a b"}}},
		{"%zz", map[string]any{"%zz": ""}, map[string]any{"%zz": []any{""}}},
		{"t=1&t=2;t=3&&e", map[string]any{"t": "3", "e": ""}, map[string]any{"t": []any{"1", "2", "3"}, "e": []any{""}}},
		{"&;", nil, nil},
	}
	for _, tt := range tests {
		t.Run(tt.query, func(t *testing.T) {
			ev := ts.eventOf(t, "GET", "/event?"+tt.query, nil)
			single, _ := ev["queryStringParameters"].(map[string]any)
			multi, _ := ev["multiValueQueryStringParameters"].(map[string]any)
			if !equalJSON(single, tt.single) || !equalJSON(multi, tt.multi) {
				t.Errorf("queryStringParameters = %v, multiValueQueryStringParameters = %v; want %v, %v",
					ev["queryStringParameters"], ev["multiValueQueryStringParameters"], tt.single, tt.multi)
			}
		})
	}
}

// Header names reach the function as the client spelled them: API Gateway (REST) does not
// canonicalize them, so a handler reading headers["Content-Type"] misses "content-type" (aws-lambda-go
// documents the consequence in https://github.com/aws/aws-lambda-go/issues/117; the input format,
// https://docs.aws.amazon.com/apigateway/latest/developerguide/set-up-lambda-proxy-integrations.html#api-gateway-simple-proxy-for-lambda-input-format,
// shows the names as sent). The headers API Gateway sets itself keep its spelling.
func TestHeaderNamesAsSent(t *testing.T) {
	ts := echoApp(t, nil)
	host := strings.TrimPrefix(ts.url, "http://")
	for _, keepAlive := range []bool{false, true} {
		conn := "close"
		if keepAlive {
			conn = "keep-alive"
		}
		request := "GET /event HTTP/1.1\r\nhost: " + host + "\r\nx-lower-case: a\r\nX-MiXeD-CaSe: b\r\nx-rep: 1\r\nx-rep:2\r\n" +
			"content-type: text/plain\r\nx-forwarded-for: 203.0.113.9\r\nConnection: " + conn + "\r\n\r\n"
		resp, body := ts.raw(t, request)
		if resp.StatusCode != 200 {
			t.Fatalf("%d %s", resp.StatusCode, body)
		}
		var ev struct {
			Headers           map[string]string
			MultiValueHeaders map[string][]string
		}
		if err := json.Unmarshal([]byte(body), &ev); err != nil {
			t.Fatal(err)
		}
		delete(ev.Headers, "X-Amzn-Trace-Id")
		delete(ev.MultiValueHeaders, "X-Amzn-Trace-Id")
		wantHeaders := map[string]string{"Connection": conn, "Host": host, "X-Forwarded-For": "203.0.113.9, 127.0.0.1", "X-Forwarded-Port": strings.Split(host, ":")[1],
			"X-Forwarded-Proto": "http", "content-type": "text/plain", "x-lower-case": "a", "X-MiXeD-CaSe": "b", "x-rep": "2"}
		if !equalJSON(ev.Headers, wantHeaders) {
			t.Errorf("headers = %v\nwant %v", ev.Headers, wantHeaders)
		}
		if got := ev.MultiValueHeaders["x-rep"]; len(got) != 2 || got[0] != "1" || got[1] != "2" || ev.MultiValueHeaders["x-lower-case"] == nil {
			t.Errorf("multiValueHeaders = %v", ev.MultiValueHeaders)
		}
	}

	// Requests on one connection, one after the other, each keep their own spelling.
	c, err := net.Dial("tcp", host)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	br := bufio.NewReader(c)
	for i, name := range []string{"x-first", "X-SECOND", "x-Third"} {
		body := "{}"
		if i == 1 {
			body = strings.Repeat("b", 5000) // a body the head recorder must not confuse with a head
		}
		fmt.Fprintf(c, "POST /event HTTP/1.1\r\nHost: %s\r\n%s: %d\r\nContent-Length: %d\r\n\r\n%s", host, name, i, len(body), body)
		resp, err := http.ReadResponse(br, nil)
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		var ev struct{ Headers map[string]string }
		if err := json.Unmarshal(b, &ev); err != nil {
			t.Fatalf("%v: %s", err, b)
		}
		if ev.Headers[name] != strconv.Itoa(i) {
			t.Errorf("request %d: headers = %v, want %s", i, ev.Headers, name)
		}
	}
}
