package httpapi

import (
	"io"
	"net/http"
	"net/http/httptest"
	"reflect"
	"testing"
)

// Payload format 2.0 responses.
// https://docs.aws.amazon.com/apigateway/latest/developerguide/http-api-develop-integrations-lambda.html
func TestParseResponse(t *testing.T) {
	cases := []struct {
		name    string
		payload string
		status  int
		headers http.Header
		body    string
	}{
		// "API Gateway makes the following assumptions if your Lambda function returns valid JSON and
		// doesn't return a statusCode": 200, content-type application/json, body is the response.
		{"string result", `"Hello from Lambda!"`, 200, http.Header{"Content-Type": {"application/json"}}, "Hello from Lambda!"},
		{"object without statusCode", `{ "message": "Hello from Lambda!" }`, 200, http.Header{"Content-Type": {"application/json"}}, `{ "message": "Hello from Lambda!" }`},
		{"number", `42`, 200, http.Header{"Content-Type": {"application/json"}}, `42`},
		{"list", ` [1, 2] `, 200, http.Header{"Content-Type": {"application/json"}}, `[1, 2]`},
		{"null", `null`, 200, http.Header{"Content-Type": {"application/json"}}, `null`},
		{"object with body but no statusCode", `{"body":"x"}`, 200, http.Header{"Content-Type": {"application/json"}}, `{"body":"x"}`},
		// The customised format: cookies, isBase64Encoded, statusCode, headers, body.
		{"full", `{"cookies":["a=1; Path=/","b=2"],"isBase64Encoded":false,"statusCode":201,"headers":{"content-type":"text/plain","x-n":7,"x-b":true},"body":"made"}`,
			201, http.Header{"Content-Type": {"text/plain"}, "X-N": {"7"}, "X-B": {"true"}, "Set-Cookie": {"a=1; Path=/", "b=2"}}, "made"},
		{"base64", `{"statusCode":200,"isBase64Encoded":true,"body":"aGk="}`, 200, http.Header{}, "hi"},
		{"no body", `{"statusCode":204}`, 204, http.Header{}, ""},
		{"null body and headers", `{"statusCode":200,"body":null,"headers":null,"cookies":null}`, 200, http.Header{}, ""},
		{"string statusCode", `{"statusCode":"404","body":"no"}`, 404, http.Header{}, "no"},
		// Format 2.0 has no multiValueHeaders.
		{"multiValueHeaders ignored", `{"statusCode":200,"multiValueHeaders":{"x-a":["1","2"]}}`, 200, http.Header{}, ""},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			resp, err := ParseResponse([]byte(c.payload))
			if err != nil {
				t.Fatal(err)
			}
			if resp.Status != c.status || string(resp.Body) != c.body || !reflect.DeepEqual(resp.Headers, c.headers) {
				t.Errorf("got %d %v %q, want %d %v %q", resp.Status, resp.Headers, resp.Body, c.status, c.headers, c.body)
			}
		})
	}
}

// Results API Gateway cannot read: the client gets 500 {"message":"Internal Server Error"} (see
// TestGatewayAnswers); the error says what is wrong.
func TestParseResponseErrors(t *testing.T) {
	cases := []struct{ payload, want string }{
		{`Hello`, `malformed Lambda response: "Hello" is not valid JSON`},
		{``, `malformed Lambda response: "" is not valid JSON`},
		{`{"statusCode":true}`, `malformed Lambda response: statusCode true is not a number`},
		{`{"statusCode":99}`, `malformed Lambda response: statusCode 99 is not an HTTP status`},
		{`{"statusCode":200,"headers":{"x":["a"]}}`, `malformed Lambda response: header "x": value must be a string, got []interface {}`},
		{`{"statusCode":200,"headers":"x"}`, `malformed Lambda response: headers must be an object of strings, got "\"x\""`},
		{`{"statusCode":200,"cookies":"a=1"}`, `malformed Lambda response: cookies must be a list of strings, got "\"a=1\""`},
		{`{"statusCode":200,"body":{"a":1}}`, `malformed Lambda response: body must be a string, got "{\"a\":1}"`},
		{`{"statusCode":200,"isBase64Encoded":"yes"}`, `malformed Lambda response: isBase64Encoded must be true or false, got "yes"`},
		{`{"statusCode":200,"isBase64Encoded":true,"body":"%%"}`, `malformed Lambda response: isBase64Encoded is true but body is not base64: illegal base64 data at input byte 0`},
	}
	for _, c := range cases {
		t.Run(c.payload, func(t *testing.T) {
			_, err := ParseResponse([]byte(c.payload))
			if err == nil || err.Error() != c.want {
				t.Errorf("error = %v\nwant    %s", err, c.want)
			}
		})
	}
}

// A response without Content-Type reaches the client without one (net/http would otherwise sniff one).
func TestResponseWriteNoSniffing(t *testing.T) {
	resp, err := ParseResponse([]byte(`{"statusCode":200,"body":"<html>"}`))
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { resp.Write(w, nil) }))
	defer srv.Close()
	res, err := http.Get(srv.URL)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	if ct, ok := res.Header["Content-Type"]; ok {
		t.Errorf("Content-Type = %q, want none", ct)
	}
	if string(b) != "<html>" || res.ContentLength != 6 {
		t.Errorf("body %q, Content-Length %d", b, res.ContentLength)
	}
}
