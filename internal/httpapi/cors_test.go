package httpapi

import (
	"net/http"
	"net/http/httptest"
	"reflect"
	"testing"
)

// CORS as HTTP APIs apply it.
// https://docs.aws.amazon.com/apigateway/latest/developerguide/http-api-cors.html
func TestCORSPreflight(t *testing.T) {
	c := &CORS{AllowOrigins: []string{"https://a.example.com", "https://b.example.com"}, AllowMethods: []string{"GET", "POST"},
		AllowHeaders: []string{"authorization", "content-type"}, MaxAge: 300, AllowCredentials: true}
	cases := []struct {
		origin string
		want   http.Header
	}{
		// An origin of the list is echoed: one header value names one origin.
		{"https://b.example.com", http.Header{
			"Access-Control-Allow-Origin":      {"https://b.example.com"},
			"Access-Control-Allow-Methods":     {"GET,POST"},
			"Access-Control-Allow-Headers":     {"authorization,content-type"},
			"Access-Control-Max-Age":           {"300"},
			"Access-Control-Allow-Credentials": {"true"},
		}},
		{"https://evil.example.com", http.Header{}},
	}
	for _, tc := range cases {
		r := httptest.NewRequest("OPTIONS", "/anything", nil)
		r.Header.Set("Origin", tc.origin)
		r.Header.Set("Access-Control-Request-Method", "POST")
		if !IsPreflight(r) {
			t.Fatal("not a preflight")
		}
		status, h := c.Preflight(r)
		if status != 204 || !reflect.DeepEqual(h, tc.want) {
			t.Errorf("origin %s: %d %v\nwant 204 %v", tc.origin, status, h, tc.want)
		}
	}
	// "For the OPTIONS method, your request must contain an origin header and an
	// Access-Control-Request-Method header."
	r := httptest.NewRequest("OPTIONS", "/x", nil)
	r.Header.Set("Origin", "https://a.example.com")
	if IsPreflight(r) {
		t.Error("OPTIONS without Access-Control-Request-Method taken for a preflight")
	}
}

// "For a CORS request, API Gateway adds the configured CORS headers to the response from an
// integration" and "ignores CORS headers returned from your backend integration".
func TestCORSApply(t *testing.T) {
	c := &CORS{AllowOrigins: []string{"*"}, ExposeHeaders: []string{"date", "x-api-id"}}
	backend := func() http.Header {
		return http.Header{"Content-Type": {"text/plain"}, "Access-Control-Allow-Origin": {"https://backend"}, "Access-Control-Max-Age": {"9"}}
	}
	r := httptest.NewRequest("GET", "/x", nil)
	r.Header.Set("Origin", "https://any.example.com")
	h := backend()
	c.Apply(r, h)
	want := http.Header{"Content-Type": {"text/plain"}, "Access-Control-Allow-Origin": {"*"}, "Access-Control-Expose-Headers": {"date,x-api-id"}}
	if !reflect.DeepEqual(h, want) {
		t.Errorf("headers = %v\nwant %v", h, want)
	}
	// "To return CORS headers, your request must contain an origin header."
	h = backend()
	c.Apply(httptest.NewRequest("GET", "/x", nil), h)
	if want := (http.Header{"Content-Type": {"text/plain"}}); !reflect.DeepEqual(h, want) {
		t.Errorf("without Origin: headers = %v, want %v", h, want)
	}
}

func TestCORSValidate(t *testing.T) {
	c := &CORS{AllowOrigins: []string{"*", "example.com", "https://a.example.com/path"}, AllowCredentials: true, MaxAge: 90000}
	want := []string{
		`CORS: origin "example.com" is not an origin; write scheme://host[:port] with no path, e.g. https://www.example.com`,
		`CORS: origin "https://a.example.com/path" is not an origin; write scheme://host[:port] with no path, e.g. https://www.example.com`,
		`CORS: allowCredentials cannot be used with the origin "*" (browsers refuse credentials for a wildcard origin); list the origins`,
		`CORS: maxAge 90000 is out of range; use 0 to 86400 seconds`,
	}
	var got []string
	for _, e := range c.Validate() {
		got = append(got, e.Error())
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("errors =\n%q\nwant\n%q", got, want)
	}
}
