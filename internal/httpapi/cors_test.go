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

// TestCORSValidate: every problem of an HTTP API's CORS configuration, with its exact text, against the
// values the developer guide documents for each property (allowOrigins "https://www.example.com", "*",
// "https://*", "http://*"; allowMethods "GET, POST, DELETE, *"; allowHeaders "authorization, *";
// exposeHeaders "date, x-api-id, *"; maxAge "300"):
// https://docs.aws.amazon.com/apigateway/latest/developerguide/http-api-cors.html, and maxAge at most
// 86400: https://docs.aws.amazon.com/apigatewayv2/latest/api-reference/apis-apiid.html#apis-apiid-model-cors.
// The guide shows methods in upper case only and does not say whether API Gateway accepts "get";
// browsers compare Access-Control-Allow-Methods with the upper-case method they send, so "get" is
// reported with the fix "write GET".
func TestCORSValidate(t *testing.T) {
	tests := []struct {
		name string
		c    CORS
		want []string
	}{
		{"documented values", CORS{AllowOrigins: []string{"https://www.example.com", "https://*", "http://*", "http://localhost:3000"},
			AllowMethods: []string{"GET", "POST", "DELETE", "*"}, AllowHeaders: []string{"authorization", "*"},
			ExposeHeaders: []string{"date", "x-api-id", "*"}, MaxAge: 300, AllowCredentials: true}, nil},
		{"origins, credentials, maxAge", CORS{AllowOrigins: []string{"*", "example.com", "https://a.example.com/path"}, AllowCredentials: true, MaxAge: 90000}, []string{
			`CORS: origin "example.com" is not an origin; write scheme://host[:port] with no path, e.g. https://www.example.com`,
			`CORS: origin "https://a.example.com/path" is not an origin; write scheme://host[:port] with no path, e.g. https://www.example.com`,
			`CORS: allowCredentials cannot be used with the origin "*" (browsers refuse credentials for a wildcard origin); list the origins`,
			`CORS: maxAge 90000 is out of range; use 0 to 86400 seconds`,
		}},
		{"origin patterns", CORS{AllowOrigins: []string{"https://*.example.com", "https://app.example.com:*", "https://a.example.com?x"}}, []string{
			`CORS: origin "https://*.example.com": API Gateway matches "*" only as the whole origin or as https://* or http://* (every origin of that scheme); list the origins, e.g. https://app.example.com`,
			`CORS: origin "https://app.example.com:*": API Gateway matches "*" only as the whole origin or as https://* or http://* (every origin of that scheme); list the origins, e.g. https://app.example.com`,
			`CORS: origin "https://a.example.com?x" is not an origin; write scheme://host[:port] with no path, e.g. https://www.example.com`,
		}},
		{"methods", CORS{AllowOrigins: []string{"*"}, AllowMethods: []string{"FETCH", "get", "ANY", "Delete", ""}}, []string{
			`CORS: unknown method "FETCH" in allowMethods; use GET, POST, PUT, PATCH, DELETE, HEAD, OPTIONS or "*"`,
			`CORS: method "get" in allowMethods must be upper case; write GET`,
			`CORS: method "ANY" in allowMethods: an HTTP API allows every method with "*"; write "*"`,
			`CORS: method "Delete" in allowMethods must be upper case; write DELETE`,
			`CORS: unknown method "" in allowMethods; use GET, POST, PUT, PATCH, DELETE, HEAD, OPTIONS or "*"`,
		}},
		{"headers", CORS{AllowOrigins: []string{"*"}, AllowHeaders: []string{"Content-Type, Authorization", "", "x key"},
			ExposeHeaders: []string{"x-total-count", "x:count"}}, []string{
			`CORS: allowHeaders entry "Content-Type, Authorization" holds several header names; list each on its own: []string{"Content-Type", "Authorization"}`,
			`CORS: allowHeaders has an empty entry; list header names such as "content-type", or "*"`,
			`CORS: allowHeaders entry "x key" is not a header name; list names such as "content-type" or "x-api-key", or "*"`,
			`CORS: exposeHeaders entry "x:count" is not a header name; list names such as "content-type" or "x-api-key", or "*"`,
		}},
		{"negative maxAge", CORS{AllowOrigins: []string{"*"}, MaxAge: -1}, []string{
			`CORS: maxAge -1 is out of range; use 0 to 86400 seconds`,
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var got []string
			for _, e := range tt.c.Validate() {
				got = append(got, e.Error())
			}
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("errors =\n%q\nwant\n%q", got, tt.want)
			}
		})
	}
}

// "https://* (allow any origin that begins with https://)": the response names the request's origin;
// an http origin is not allowed by it.
// https://docs.aws.amazon.com/apigateway/latest/developerguide/http-api-cors.html
func TestCORSSchemeWildcard(t *testing.T) {
	c := &CORS{AllowOrigins: []string{"https://*"}, ExposeHeaders: []string{"date"}}
	for origin, want := range map[string]string{
		"https://app.example.com": "https://app.example.com",
		"HTTPS://App.example.com": "HTTPS://App.example.com",
		"http://app.example.com":  "",
		"https://":                "",
	} {
		r := httptest.NewRequest("GET", "/x", nil)
		r.Header.Set("Origin", origin)
		h := http.Header{}
		c.Apply(r, h)
		if got := h.Get("Access-Control-Allow-Origin"); got != want {
			t.Errorf("origin %s: Access-Control-Allow-Origin = %q, want %q", origin, got, want)
		}
	}
}
