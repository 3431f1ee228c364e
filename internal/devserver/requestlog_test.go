package devserver

import (
	"net/url"
	"strings"
	"testing"
)

// The request log keeps no query values (a token in a query string stays out of the log) and cuts
// oversized paths.
func TestLoggedURI(t *testing.T) {
	long := "/" + strings.Repeat("a", 10239)
	tests := []struct{ uri, want string }{
		{"/users/1", "/users/1"},
		{"/users/1?token=s3cr3t&page=2", "/users/1?token=…&page=…"},
		{"/files/a%2Fb?flag", "/files/a%2Fb?flag=…"},
		{long, long[:200] + "…(10240 bytes)"},
		{"/x?a=1&b=2&c=3&d=4&e=5&f=6&g=7&h=8&i=9&j=10&k=11", "/x?a=…&b=…&c=…&d=…&e=…&f=…&g=…&h=…&i=…&j=…&…"},
	}
	for _, tt := range tests {
		u, err := url.ParseRequestURI(tt.uri)
		if err != nil {
			t.Fatal(err)
		}
		if got := loggedURI(u); got != tt.want {
			t.Errorf("loggedURI(%.40q) = %.260q, want %.260q", tt.uri, got, tt.want)
		}
	}
}
