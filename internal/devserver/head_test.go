package devserver

import (
	"net/http"
	"testing"
)

// rawHeaders gives the lines of the head a request was parsed from, and nothing for a head it was
// not parsed from: the server then passes net/http's canonical names.
func TestRawHeaders(t *testing.T) {
	req := func() *http.Request {
		r, _ := http.NewRequest("GET", "http://x/a?b=1", nil)
		r.RequestURI = "/a?b=1"
		r.Header = http.Header{"X-One": {"1"}, "X-Two": {"2", "3"}}
		return r
	}
	tests := []struct {
		name   string
		head   string
		fields []rawHeader
		size   int
		ok     bool
	}{
		{"as sent", "GET /a?b=1 HTTP/1.1\r\nHost: x\r\nx-one: 1\r\nX-TWO:2\r\nx-two: 3 \r\n\r\nbody", []rawHeader{{"Host", "x"}, {"x-one", "1"}, {"X-TWO", "2"}, {"x-two", "3"}}, 39, true},
		{"bare line feeds and leading blank line", "\r\nGET /a?b=1 HTTP/1.1\nx-one: 1\nx-two: 2\nx-two: 3\n\n", []rawHeader{{"x-one", "1"}, {"x-two", "2"}, {"x-two", "3"}}, 27, true},
		{"another request line", "GET /other HTTP/1.1\r\nx-one: 1\r\nx-two: 2\r\nx-two: 3\r\n\r\n", nil, 0, false},
		{"a line net/http did not keep", "GET /a?b=1 HTTP/1.1\r\nx-one: 1\r\nx-two: 2\r\nx-two: 3\r\nx-four: 4\r\n\r\n", nil, 0, false},
		{"a missing line", "GET /a?b=1 HTTP/1.1\r\nx-one: 1\r\nx-two: 2\r\n\r\n", nil, 0, false},
		{"folded line", "GET /a?b=1 HTTP/1.1\r\nx-one: 1\r\nx-two: 2\r\n 3\r\n\r\n", nil, 0, false},
		{"no end", "GET /a?b=1 HTTP/1.1\r\nx-one: 1\r\n", nil, 0, false},
		{"nothing recorded", "", nil, 0, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			fields, size, ok := rawHeaders([]byte(tt.head), req())
			if ok != tt.ok || size != tt.size || !equalJSON(fields, tt.fields) {
				t.Errorf("= %v %d %v, want %v %d %v", fields, size, ok, tt.fields, tt.size, tt.ok)
			}
		})
	}
}
