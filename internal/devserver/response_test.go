package devserver

import (
	"fmt"
	"net/http"
	"reflect"
	"strconv"
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
		{"status out of range", `{"statusCode":42}`, 0, nil, "", `malformed Lambda proxy response: statusCode 42 is not an HTTP status`},
		{"object body", `{"statusCode":200,"body":{"a":1}}`, 0, nil, "", `malformed Lambda proxy response: body must be a string (serialize it with JSON first), got {"a":1}`},
		{"object header", `{"statusCode":200,"headers":{"X":{"a":1}}}`, 0, nil, "", `malformed Lambda proxy response: header "X": value map[a:1] is not a string`},
		{"bad base64", `{"statusCode":200,"body":"!!","isBase64Encoded":true}`, 0, nil, "", `malformed Lambda proxy response: isBase64Encoded is true but body is not base64: illegal base64 data at input byte 0`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := parseResponse([]byte(tt.payload))
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
				if _, err := parseResponse(payload); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// responseCases are payloads at the edges of what API Gateway accepts, each marked with whether
// scanResponse reads it or leaves it to decodeResponse.
var responseCases = []struct {
	name    string
	payload string
	scanned bool
}{
	{"aws-lambda-go", `{"statusCode":200,"headers":{"Content-Type":"application/json","X-Handler":"go"},"multiValueHeaders":null,"body":"{\"hello\":\"world\",\"n\":1}"}`, true},
	{"aws-lambda-go base64", `{"statusCode":200,"headers":{"Content-Type":"image/png"},"multiValueHeaders":{"Set-Cookie":["a=1","b=2"]},"body":"AAEC","isBase64Encoded":true}`, true},
	{"python", `{"statusCode": 201, "body": "{\"id\": 7}", "headers": {"content-type": "application/json"}}`, true},
	{"whitespace", " \t\r\n{ \"statusCode\" :\n200 , \"headers\" : { \"A\" : \"1\" , \"B\" : \"2\" } , \"body\" : \"x\" }\n", true},
	{"empty containers", `{"statusCode":200,"headers":{},"multiValueHeaders":{},"body":""}`, true},
	{"empty base64 body", `{"statusCode":200,"body":"","isBase64Encoded":true}`, true},
	{"null base64 body", `{"statusCode":200,"body":null,"isBase64Encoded":true}`, true},
	{"absent body", `{"statusCode":204,"isBase64Encoded":false}`, true},
	{"null isBase64Encoded", `{"statusCode":200,"body":"AAEC","isBase64Encoded":null}`, true},
	{"base64 with newlines", `{"statusCode":200,"body":"AA\r\nEC","isBase64Encoded":true}`, true},

	// statusCode
	{"numeric-string status", `{"statusCode":"404"}`, true},
	{"signed string status", `{"statusCode":"+200"}`, false},
	{"zero-padded string status", `{"statusCode":"0200"}`, false},
	{"escaped string status", `{"statusCode":"2\u00300"}`, false},
	{"spaced string status", `{"statusCode":" 200"}`, false},
	{"word status", `{"statusCode":"ok"}`, false},
	{"fractional status", `{"statusCode":200.0}`, false},
	{"exponent status", `{"statusCode":2e2}`, false},
	{"negative status", `{"statusCode":-200}`, false},
	{"status 99", `{"statusCode":99}`, false},
	{"status 600", `{"statusCode":600}`, false},
	{"status 1000", `{"statusCode":1000}`, false},
	{"status 100", `{"statusCode":100}`, true},
	{"status 599", `{"statusCode":599}`, true},
	{"null status", `{"statusCode":null}`, false},
	{"list status", `{"statusCode":[200]}`, false},
	{"object status", `{"statusCode":{"code":200}}`, false},
	{"boolean status", `{"statusCode":false}`, false},

	// headers
	{"integer header", `{"statusCode":200,"headers":{"Content-Length":123,"X-Zero":0}}`, true},
	{"million header", `{"statusCode":200,"headers":{"X-N":1000000}}`, false},
	{"fractional header", `{"statusCode":200,"headers":{"X-N":1.5}}`, false},
	{"negative header", `{"statusCode":200,"headers":{"X-N":-1}}`, false},
	{"zero-padded header", `{"statusCode":200,"headers":{"X-N":007}}`, false},
	{"boolean headers", `{"statusCode":200,"headers":{"X-T":true,"X-F":false}}`, true},
	{"null header", `{"statusCode":200,"headers":{"X-N":null}}`, false},
	{"list header", `{"statusCode":200,"headers":{"X-N":["a"]}}`, false},
	{"string headers", `{"statusCode":200,"headers":"Content-Type: text/plain"}`, false},
	{"list headers", `{"statusCode":200,"headers":[]}`, false},
	{"duplicate header", `{"statusCode":200,"headers":{"X-A":"1","X-A":"2"}}`, false},
	{"header names differing in case, same value", `{"statusCode":200,"headers":{"x-a":"1","X-A":"1"}}`, false},
	{"escaped header name", `{"statusCode":200,"headers":{"Content\u002dType":"text/plain"}}`, true},
	{"header name with space", `{"statusCode":200,"headers":{"X A":"1","x-b c":"2"}}`, true},
	{"empty header name", `{"statusCode":200,"headers":{"":"1"}}`, true},

	// multiValueHeaders
	{"mixed multi values", `{"statusCode":200,"multiValueHeaders":{"X-M":["a",1,true,false,0]}}`, true},
	{"null in multi values", `{"statusCode":200,"multiValueHeaders":{"X-M":["a",null]}}`, false},
	{"object in multi values", `{"statusCode":200,"multiValueHeaders":{"X-M":[{}]}}`, false},
	{"fraction in multi values", `{"statusCode":200,"multiValueHeaders":{"X-M":[2.5]}}`, false},
	{"null multi list", `{"statusCode":200,"headers":{"X-M":"1"},"multiValueHeaders":{"X-M":null}}`, true},
	{"empty multi list", `{"statusCode":200,"headers":{"X-M":"1"},"multiValueHeaders":{"X-M":[]}}`, true},
	{"multi replaces header", `{"statusCode":200,"multiValueHeaders":{"x-m":["2","3"]},"headers":{"X-M":"1","X-O":"o"}}`, true},
	{"string multi value", `{"statusCode":200,"multiValueHeaders":{"X-M":"a"}}`, false},
	{"list multiValueHeaders", `{"statusCode":200,"multiValueHeaders":[["X-M","a"]]}`, false},
	{"duplicate multi name", `{"statusCode":200,"multiValueHeaders":{"X-M":["1"],"X-M":["2"]}}`, false},

	// body and isBase64Encoded
	{"number body", `{"statusCode":200,"body":5}`, false},
	{"object body", `{"statusCode":200,"body":{"a":1}}`, false},
	{"list body", `{"statusCode":200,"body":["a"]}`, false},
	{"boolean body", `{"statusCode":200,"body":true}`, false},
	{"invalid base64", `{"statusCode":200,"body":"!!","isBase64Encoded":true}`, false},
	{"unpadded base64", `{"statusCode":200,"body":"AAE","isBase64Encoded":true}`, false},
	{"string isBase64Encoded", `{"statusCode":200,"body":"AAEC","isBase64Encoded":"true"}`, false},
	{"number isBase64Encoded", `{"statusCode":200,"body":"AAEC","isBase64Encoded":1}`, false},
	{"invalid base64 ignored when not encoded", `{"statusCode":200,"body":"!!","isBase64Encoded":false}`, true},

	// keys
	{"wrong-case status", `{"StatusCode":200}`, false},
	{"wrong-case body", `{"statusCode":200,"Body":"x","body":"y"}`, false},
	{"wrong-case headers", `{"statusCode":200,"Headers":{"X-A":"1"}}`, false},
	{"escaped key", `{"status\u0043ode":200}`, false},
	{"duplicate status", `{"statusCode":200,"statusCode":201}`, false},
	{"duplicate body", `{"statusCode":200,"body":"a","body":"b"}`, false},
	{"duplicate bad status", `{"statusCode":"x","statusCode":201}`, false},
	{"unknown key", `{"statusCode":200,"cookies":["a=1"],"body":"x"}`, false},
	{"no status", `{"body":"x"}`, false},
	{"empty object", `{}`, false},

	// the payload as a whole
	{"list", `[{"statusCode":200}]`, false},
	{"string", `"hello"`, false},
	{"number", `200`, false},
	{"null", `null`, false},
	{"true", `true`, false},
	{"empty", ``, false},
	{"only whitespace", " \n", false},
	{"trailing garbage", `{"statusCode":200,"body":"x"} garbage`, true},
	{"second object", `{"statusCode":200}{"statusCode":500}`, true},
	{"trailing bracket", `{"statusCode":200}]`, true},
	{"trailing comma", `{"statusCode":200,}`, false},
	{"truncated", `{"statusCode":200`, false},
	{"truncated string", `{"statusCode":200,"body":"abc`, false},
	{"missing comma", `{"statusCode":200 "body":"x"}`, false},
	{"missing colon", `{"statusCode" 200}`, false},
	{"literal followed by letters", `{"statusCode":200,"body":nullx}`, false},
	{"status followed by digits", `{"statusCode":2000}`, false},
	{"control character in body", "{\"statusCode\":200,\"body\":\"a\tb\"}", false},
	{"unknown escape", `{"statusCode":200,"body":"a\xb"}`, false},
	{"single-quote escape", `{"statusCode":200,"body":"a\'b"}`, false},
	{"short unicode escape", `{"statusCode":200,"body":"\u12"}`, false},
	{"byte order mark", "\ufeff{\"statusCode\":200}", false},

	// unicode
	{"unicode escapes", `{"statusCode":200,"body":"caf\u00e9 \ud83d\ude00 \u2028 \u0000","headers":{"X-U":"\u00e9t\u00E9"}}`, true},
	{"raw unicode", `{"statusCode":200,"body":"café 😀","headers":{"X-Ü":"é"}}`, true},
	{"lone high surrogate", `{"statusCode":200,"body":"a\ud800b"}`, true},
	{"high surrogate then letter escape", `{"statusCode":200,"body":"\ud800\u0041"}`, true},
	{"reversed surrogates", `{"statusCode":200,"body":"\udc00\ud800"}`, true},
	{"surrogate at end", `{"statusCode":200,"body":"\ud83d"}`, true},
	{"invalid utf-8", "{\"statusCode\":200,\"body\":\"a\xffb\xe2\x82\",\"headers\":{\"X-\xc3\":\"\xed\xa0\x80\"}}", true},
	{"invalid utf-8 and escape", "{\"statusCode\":200,\"body\":\"\xff\\n\xf0\x9f\x98\"}", true},
	{"escaped base64", `{"statusCode":200,"body":"AA\u0045C","isBase64Encoded":true}`, true},
	{"escaped solidus", `{"statusCode":200,"body":"<\/script>","headers":{"Location":"https:\/\/example.com\/"}}`, true},
}

// TestParseResponseMatchesDecode checks that parseResponse answers as decodeResponse, the definition
// of the behaviour, and that scanResponse reads the shapes it is meant to read.
func TestParseResponseMatchesDecode(t *testing.T) {
	for _, tt := range responseCases {
		t.Run(tt.name, func(t *testing.T) {
			payload := []byte(tt.payload)
			if _, scanned := scanResponse(payload); scanned != tt.scanned {
				t.Errorf("scanResponse ok = %v, want %v", scanned, tt.scanned)
			}
			got, err := parseResponse(payload)
			want, wantErr := decodeResponse(payload)
			if !sameOutcome(got, err, want, wantErr) {
				t.Errorf("parseResponse = %s, decodeResponse = %s", outcome(got, err), outcome(want, wantErr))
			}
		})
	}
}

// FuzzParseResponse checks that parseResponse and decodeResponse agree on any payload.
func FuzzParseResponse(f *testing.F) {
	for _, tt := range responseCases {
		f.Add([]byte(tt.payload))
	}
	f.Fuzz(func(t *testing.T, payload []byte) {
		if scanned, ok := scanResponse(payload); ok {
			want, err := decodeResponse(payload)
			if !sameOutcome(scanned, nil, want, err) {
				t.Fatalf("payload %q: scanResponse = %s, decodeResponse = %s", payload, outcome(scanned, nil), outcome(want, err))
			}
		}
		got, err := parseResponse(payload)
		want, wantErr := decodeResponse(payload)
		if sameOutcome(got, err, want, wantErr) {
			return
		}
		// decodeResponse ranges over maps: header names that differ only in case, or several invalid
		// headers, give a different answer from one call to the next. Those payloads scanResponse leaves
		// to decodeResponse, so parseResponse answers as it does, whatever that is on a given call.
		for range 20 {
			again, againErr := decodeResponse(payload)
			if !sameOutcome(again, againErr, want, wantErr) {
				return
			}
		}
		t.Fatalf("payload %q: parseResponse = %s, decodeResponse = %s", payload, outcome(got, err), outcome(want, wantErr))
	})
}

func sameOutcome(a *proxyResponse, aErr error, b *proxyResponse, bErr error) bool {
	if aErr != nil || bErr != nil {
		return aErr != nil && bErr != nil && aErr.Error() == bErr.Error() && a == nil && b == nil
	}
	return reflect.DeepEqual(a, b)
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
		resp, err := parseResponse(payload)
		if err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(resp.headers, want) {
			t.Fatalf("headers = %v, want %v", resp.headers, want)
		}
	}
}
