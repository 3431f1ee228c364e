package httpapi

import (
	"context"
	"errors"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"strings"
	"testing"
)

// ReadBody tells a client that went away from a body HTTP cannot frame, with the reader's error.
func TestReadBody(t *testing.T) {
	tests := []struct {
		name string
		body io.Reader
		want error
		msg  string
		got  string
	}{
		{"whole", strings.NewReader("hello"), nil, "", "hello"},
		{"chunk size not hexadecimal", httputil.NewChunkedReader(strings.NewReader("zz\r\nhello\r\n0\r\n\r\n")), ErrMalformedBody,
			"malformed request body: invalid byte in chunk length", ""},
		{"chunk without its CRLF", httputil.NewChunkedReader(strings.NewReader("5\r\nhelloXX0\r\n\r\n")), ErrMalformedBody,
			"malformed request body: malformed chunked encoding", ""},
		{"connection closed mid-body", io.MultiReader(strings.NewReader("he"), errReader{io.ErrUnexpectedEOF}), ErrClientGone,
			"the client closed the connection before the request body ended; nothing was invoked: unexpected EOF", ""},
		{"connection reset", errReader{&net.OpError{Op: "read", Net: "tcp", Err: errors.New("connection reset by peer")}}, ErrClientGone,
			"the client closed the connection before the request body ended; nothing was invoked: read tcp: connection reset by peer", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := httptest.NewRequest(http.MethodPost, "/", tt.body)
			got, err := ReadBody(r, 100)
			if !errors.Is(err, tt.want) || tt.want != nil && err.Error() != tt.msg || string(got) != tt.got {
				t.Errorf("ReadBody = %q, %v; want %q, %v (%s)", got, err, tt.got, tt.want, tt.msg)
			}
		})
	}
}

type errReader struct{ err error }

func (e errReader) Read([]byte) (int, error) { return 0, e.err }

// X-Forwarded-Port is the port of the server's end of the connection, not the Host header's.
func TestForwardedPort(t *testing.T) {
	r := httptest.NewRequest(http.MethodGet, "/", nil)
	r.Host = "evil.example:443"
	if got := ForwardedPort(r); got != "443" {
		t.Errorf("without a connection: %q, want the Host's 443", got)
	}
	ctx := r.Context()
	r = r.WithContext(contextWithLocalAddr(ctx, &net.TCPAddr{IP: net.IPv4(127, 0, 0, 1), Port: 3000}))
	if got := ForwardedPort(r); got != "3000" {
		t.Errorf("through a connection to 127.0.0.1:3000: %q, want 3000", got)
	}
	r.Host = "x"
	if got := ForwardedPort(r); got != "3000" {
		t.Errorf("Host x: %q, want 3000", got)
	}
}

func contextWithLocalAddr(ctx context.Context, a net.Addr) context.Context {
	return context.WithValue(ctx, http.LocalAddrContextKey, a)
}
