package devserver

import (
	"bytes"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"reflect"
	"strconv"
	"strings"
	"testing"
)

func TestParseResponse(t *testing.T) {
	tests := []struct {
		name    string
		payload string
		status  int
		headers http.Header
		body    string
		err     string
	}{
		{"full", `{"statusCode":201,"headers":{"Content-Type":"text/plain","X-A":"1"},"multiValueHeaders":{"Set-Cookie":["a=1","b=2"]},"body":"made","isBase64Encoded":false}`,
			201, http.Header{"Content-Type": {"text/plain"}, "X-A": {"1"}, "Set-Cookie": {"a=1", "b=2"}}, "made", ""},
		{"multi-value wins over single", `{"statusCode":200,"headers":{"X-A":"1"},"multiValueHeaders":{"X-A":["2","3"]}}`,
			200, http.Header{"X-A": {"2", "3"}}, "", ""},
		{"base64 body", `{"statusCode":200,"body":"AAEC","isBase64Encoded":true}`, 200, http.Header{}, "\x00\x01\x02", ""},
		{"only a status", `{"statusCode":204}`, 204, http.Header{}, "", ""},
		{"null body and headers", `{"statusCode":200,"headers":null,"body":null}`, 200, http.Header{}, "", ""},
		{"number header", `{"statusCode":200,"headers":{"X-N":5}}`, 200, http.Header{"X-N": {"5"}}, "", ""},
		{"string status", `{"statusCode":"404"}`, 404, http.Header{}, "", ""},
		{"not an object", `"hello"`, 0, nil, "", `malformed Lambda proxy response: the handler returned "hello", not a JSON object with statusCode, headers and body`},
		{"null", `null`, 0, nil, "", `malformed Lambda proxy response: the handler returned null, not a JSON object with statusCode, headers and body`},
		{"no status", `{"body":"x"}`, 0, nil, "", `malformed Lambda proxy response: statusCode is missing in {"body":"x"}`},
		{"bad status", `{"statusCode":true}`, 0, nil, "", `malformed Lambda proxy response: statusCode true is not an integer`},
		{"status out of range", `{"statusCode":42}`, 0, nil, "", `malformed Lambda proxy response: statusCode 42 is not a final HTTP status (200-599)`},
		{"object body", `{"statusCode":200,"body":{"a":1}}`, 0, nil, "", `malformed Lambda proxy response: body must be a string (serialize it with JSON first), got {"a":1}`},
		{"object header", `{"statusCode":200,"headers":{"X":{"a":1}}}`, 0, nil, "", `malformed Lambda proxy response: header "X": value map[a:1] is not a string`},
		{"bad base64", `{"statusCode":200,"body":"!!","isBase64Encoded":true}`, 0, nil, "", `malformed Lambda proxy response: isBase64Encoded is true but body is not base64: illegal base64 data at input byte 0`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := parseResponse([]byte(tt.payload), true)
			if tt.err != "" {
				if err == nil || err.Error() != tt.err {
					t.Fatalf("error = %v, want %q", err, tt.err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if got.status != tt.status || string(got.body) != tt.body || !reflect.DeepEqual(got.headers, tt.headers) {
				t.Errorf("got %d %v %q, want %d %v %q", got.status, got.headers, got.body, tt.status, tt.headers, tt.body)
			}
		})
	}
}

// BenchmarkParseResponse measures reading the proxy responses handlers usually return: the shape
// aws-lambda-go's APIGatewayProxyResponse marshals, without and with a binary body.
func BenchmarkParseResponse(b *testing.B) {
	for _, bb := range []struct{ name, payload string }{
		{"plain", `{"statusCode":200,"headers":{"Content-Type":"application/json","X-Handler":"go"},"multiValueHeaders":null,"body":"{\"hello\":\"world\",\"n\":1}"}`},
		{"base64", `{"statusCode":200,"headers":{"Content-Type":"image/png","X-Handler":"go"},"multiValueHeaders":{"Set-Cookie":["a=1","b=2"]},"body":"iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==","isBase64Encoded":true}`},
	} {
		payload := []byte(bb.payload)
		b.Run(bb.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if _, err := parseResponse(payload, true); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// responseCases are payloads at the edges of what API Gateway accepts.
var responseCases = []struct {
	name    string
	payload string
}{
	{"aws-lambda-go", `{"statusCode":200,"headers":{"Content-Type":"application/json","X-Handler":"go"},"multiValueHeaders":null,"body":"{\"hello\":\"world\",\"n\":1}"}`},
	{"aws-lambda-go base64", `{"statusCode":200,"headers":{"Content-Type":"image/png"},"multiValueHeaders":{"Set-Cookie":["a=1","b=2"]},"body":"AAEC","isBase64Encoded":true}`},
	{"python", `{"statusCode": 201, "body": "{\"id\": 7}", "headers": {"content-type": "application/json"}}`},
	{"whitespace", " \t\r\n{ \"statusCode\" :\n200 , \"headers\" : { \"A\" : \"1\" , \"B\" : \"2\" } , \"body\" : \"x\" }\n"},
	{"empty containers", `{"statusCode":200,"headers":{},"multiValueHeaders":{},"body":""}`},
	{"empty base64 body", `{"statusCode":200,"body":"","isBase64Encoded":true}`},
	{"null base64 body", `{"statusCode":200,"body":null,"isBase64Encoded":true}`},
	{"absent body", `{"statusCode":204,"isBase64Encoded":false}`},
	{"null isBase64Encoded", `{"statusCode":200,"body":"AAEC","isBase64Encoded":null}`},
	{"base64 with newlines", `{"statusCode":200,"body":"AA\r\nEC","isBase64Encoded":true}`},

	// statusCode
	{"numeric-string status", `{"statusCode":"404"}`},
	{"signed string status", `{"statusCode":"+200"}`},
	{"zero-padded string status", `{"statusCode":"0200"}`},
	{"escaped string status", `{"statusCode":"2\u00300"}`},
	{"spaced string status", `{"statusCode":" 200"}`},
	{"word status", `{"statusCode":"ok"}`},
	{"fractional status", `{"statusCode":200.0}`},
	{"exponent status", `{"statusCode":2e2}`},
	{"negative status", `{"statusCode":-200}`},
	{"status 99", `{"statusCode":99}`},
	{"status 600", `{"statusCode":600}`},
	{"status 1000", `{"statusCode":1000}`},
	{"status 100", `{"statusCode":100}`},
	{"status 599", `{"statusCode":599}`},
	{"null status", `{"statusCode":null}`},
	{"list status", `{"statusCode":[200]}`},
	{"object status", `{"statusCode":{"code":200}}`},
	{"boolean status", `{"statusCode":false}`},

	// headers
	{"integer header", `{"statusCode":200,"headers":{"Content-Length":123,"X-Zero":0}}`},
	{"million header", `{"statusCode":200,"headers":{"X-N":1000000}}`},
	{"fractional header", `{"statusCode":200,"headers":{"X-N":1.5}}`},
	{"negative header", `{"statusCode":200,"headers":{"X-N":-1}}`},
	{"zero-padded header", `{"statusCode":200,"headers":{"X-N":007}}`},
	{"boolean headers", `{"statusCode":200,"headers":{"X-T":true,"X-F":false}}`},
	{"null header", `{"statusCode":200,"headers":{"X-N":null}}`},
	{"list header", `{"statusCode":200,"headers":{"X-N":["a"]}}`},
	{"string headers", `{"statusCode":200,"headers":"Content-Type: text/plain"}`},
	{"list headers", `{"statusCode":200,"headers":[]}`},
	{"duplicate header", `{"statusCode":200,"headers":{"X-A":"1","X-A":"2"}}`},
	{"header names differing in case, same value", `{"statusCode":200,"headers":{"x-a":"1","X-A":"1"}}`},
	{"escaped header name", `{"statusCode":200,"headers":{"Content\u002dType":"text/plain"}}`},
	{"header name with space", `{"statusCode":200,"headers":{"X A":"1","x-b c":"2"}}`},
	{"empty header name", `{"statusCode":200,"headers":{"":"1"}}`},

	// multiValueHeaders
	{"mixed multi values", `{"statusCode":200,"multiValueHeaders":{"X-M":["a",1,true,false,0]}}`},
	{"null in multi values", `{"statusCode":200,"multiValueHeaders":{"X-M":["a",null]}}`},
	{"object in multi values", `{"statusCode":200,"multiValueHeaders":{"X-M":[{}]}}`},
	{"fraction in multi values", `{"statusCode":200,"multiValueHeaders":{"X-M":[2.5]}}`},
	{"null multi list", `{"statusCode":200,"headers":{"X-M":"1"},"multiValueHeaders":{"X-M":null}}`},
	{"empty multi list", `{"statusCode":200,"headers":{"X-M":"1"},"multiValueHeaders":{"X-M":[]}}`},
	{"multi replaces header", `{"statusCode":200,"multiValueHeaders":{"x-m":["2","3"]},"headers":{"X-M":"1","X-O":"o"}}`},
	{"string multi value", `{"statusCode":200,"multiValueHeaders":{"X-M":"a"}}`},
	{"list multiValueHeaders", `{"statusCode":200,"multiValueHeaders":[["X-M","a"]]}`},
	{"duplicate multi name", `{"statusCode":200,"multiValueHeaders":{"X-M":["1"],"X-M":["2"]}}`},

	// body and isBase64Encoded
	{"number body", `{"statusCode":200,"body":5}`},
	{"object body", `{"statusCode":200,"body":{"a":1}}`},
	{"list body", `{"statusCode":200,"body":["a"]}`},
	{"boolean body", `{"statusCode":200,"body":true}`},
	{"invalid base64", `{"statusCode":200,"body":"!!","isBase64Encoded":true}`},
	{"unpadded base64", `{"statusCode":200,"body":"AAE","isBase64Encoded":true}`},
	{"string isBase64Encoded", `{"statusCode":200,"body":"AAEC","isBase64Encoded":"true"}`},
	{"number isBase64Encoded", `{"statusCode":200,"body":"AAEC","isBase64Encoded":1}`},
	{"invalid base64 ignored when not encoded", `{"statusCode":200,"body":"!!","isBase64Encoded":false}`},

	// keys
	{"wrong-case status", `{"StatusCode":200}`},
	{"wrong-case body", `{"statusCode":200,"Body":"x","body":"y"}`},
	{"wrong-case headers", `{"statusCode":200,"Headers":{"X-A":"1"}}`},
	{"escaped key", `{"status\u0043ode":200}`},
	{"duplicate status", `{"statusCode":200,"statusCode":201}`},
	{"duplicate body", `{"statusCode":200,"body":"a","body":"b"}`},
	{"duplicate bad status", `{"statusCode":"x","statusCode":201}`},
	{"unknown key", `{"statusCode":200,"cookies":["a=1"],"body":"x"}`},
	{"no status", `{"body":"x"}`},
	{"empty object", `{}`},

	// the payload as a whole
	{"list", `[{"statusCode":200}]`},
	{"string", `"hello"`},
	{"number", `200`},
	{"null", `null`},
	{"true", `true`},
	{"empty", ``},
	{"only whitespace", " \n"},
	{"trailing garbage", `{"statusCode":200,"body":"x"} garbage`},
	{"second object", `{"statusCode":200}{"statusCode":500}`},
	{"trailing bracket", `{"statusCode":200}]`},
	{"trailing comma", `{"statusCode":200,}`},
	{"truncated", `{"statusCode":200`},
	{"truncated string", `{"statusCode":200,"body":"abc`},
	{"missing comma", `{"statusCode":200 "body":"x"}`},
	{"missing colon", `{"statusCode" 200}`},
	{"literal followed by letters", `{"statusCode":200,"body":nullx}`},
	{"status followed by digits", `{"statusCode":2000}`},
	{"control character in body", "{\"statusCode\":200,\"body\":\"a\tb\"}"},
	{"unknown escape", `{"statusCode":200,"body":"a\xb"}`},
	{"single-quote escape", `{"statusCode":200,"body":"a\'b"}`},
	{"short unicode escape", `{"statusCode":200,"body":"\u12"}`},
	{"byte order mark", "\ufeff{\"statusCode\":200}"},

	// unicode
	{"unicode escapes", `{"statusCode":200,"body":"caf\u00e9 \ud83d\ude00 \u2028 \u0000","headers":{"X-U":"\u00e9t\u00E9"}}`},
	{"raw unicode", `{"statusCode":200,"body":"café 😀","headers":{"X-Ü":"é"}}`},
	{"lone high surrogate", `{"statusCode":200,"body":"a\ud800b"}`},
	{"high surrogate then letter escape", `{"statusCode":200,"body":"\ud800\u0041"}`},
	{"reversed surrogates", `{"statusCode":200,"body":"\udc00\ud800"}`},
	{"surrogate at end", `{"statusCode":200,"body":"\ud83d"}`},
	{"invalid utf-8", "{\"statusCode\":200,\"body\":\"a\xffb\xe2\x82\",\"headers\":{\"X-\xc3\":\"\xed\xa0\x80\"}}"},
	{"invalid utf-8 and escape", "{\"statusCode\":200,\"body\":\"\xff\\n\xf0\x9f\x98\"}"},
	{"escaped base64", `{"statusCode":200,"body":"AA\u0045C","isBase64Encoded":true}`},
	{"escaped solidus", `{"statusCode":200,"body":"<\/script>","headers":{"Location":"https:\/\/example.com\/"}}`},
}

// TestParseResponseGolden records the outcome of every payload of responseCases in
// testdata/responses.golden: a change in how any of them is read shows up as a diff.
func TestParseResponseGolden(t *testing.T) {
	var b strings.Builder
	for _, tt := range responseCases {
		resp, err := parseResponse([]byte(tt.payload), true)
		fmt.Fprintf(&b, "%s\n\t%s\n", tt.name, outcome(resp, err))
	}
	got := []byte(b.String())
	path := filepath.Join("testdata", "responses.golden")
	if *update {
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v; run go test -run TestParseResponseGolden -update to create it", err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("outcomes differ from %s (go test -run TestParseResponseGolden -update rewrites it):\n%s", path, got)
	}
}

func outcome(r *proxyResponse, err error) string {
	if err != nil {
		return "error " + strconv.Quote(err.Error())
	}
	return fmt.Sprintf("%d %q %q (nil body %v)", r.status, r.headers, r.body, r.body == nil)
}

// TestParseResponseCaseCollisions checks that header names differing only in case give the same
// answer every time: names are applied in sorted order, so the lowercase one, applied last, wins.
func TestParseResponseCaseCollisions(t *testing.T) {
	payload := []byte(`{"statusCode":200,"headers":{"x-a":"1","X-A":"2"},"multiValueHeaders":{"set-cookie":["a"],"Set-Cookie":["b","c"]}}`)
	want := http.Header{"X-A": {"1"}, "Set-Cookie": {"a"}}
	for range 50 {
		resp, err := parseResponse(payload, true)
		if err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(resp.headers, want) {
			t.Fatalf("headers = %v, want %v", resp.headers, want)
		}
	}
}
