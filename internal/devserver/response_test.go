package devserver

import (
	"net/http"
	"reflect"
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
