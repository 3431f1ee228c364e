package httpapi

import (
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"strconv"
)

// ErrClientGone is the error of a request body whose client closed the connection (or stopped
// answering) before the body ended: nothing is invoked and nothing can be answered.
var ErrClientGone = errors.New("the client closed the connection before the request body ended; nothing was invoked")

// ErrMalformedBody is the error of a request body the server cannot read as HTTP frames it (a chunked
// body whose chunk sizes or line ends are not HTTP's): API Gateway answers such a request 400.
var ErrMalformedBody = errors.New("malformed request body")

// ReadBody reads r's body up to limit+1 bytes (the caller tells a body over limit by its length). A
// failed read is ErrClientGone or ErrMalformedBody, wrapping the reader's error.
func ReadBody(r *http.Request, limit int64) ([]byte, error) {
	body, err := io.ReadAll(io.LimitReader(r.Body, limit+1))
	if err == nil {
		return body, nil
	}
	var ne net.Error
	if errors.Is(err, io.ErrUnexpectedEOF) || errors.Is(err, net.ErrClosed) || errors.As(err, &ne) || r.Context().Err() != nil {
		return nil, fmt.Errorf("%w: %w", ErrClientGone, err)
	}
	return nil, fmt.Errorf("%w: %w", ErrMalformedBody, err)
}

// ForwardedPort is the X-Forwarded-Port of a request: the port of the server's end of its connection
// (the port the server listens on), whatever the client's Host header says. A request that came
// through no connection (tests) has the port of its Host, or 80.
func ForwardedPort(r *http.Request) string {
	if a, ok := r.Context().Value(http.LocalAddrContextKey).(net.Addr); ok {
		if tcp, ok := a.(*net.TCPAddr); ok {
			return strconv.Itoa(tcp.Port)
		}
		if _, p, err := net.SplitHostPort(a.String()); err == nil {
			return p
		}
	}
	if _, p, err := net.SplitHostPort(r.Host); err == nil {
		return p
	}
	return "80"
}
