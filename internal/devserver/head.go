package devserver

import (
	"context"
	"net"
	"net/http"
	"strings"
	"sync"
)

// API Gateway passes header names as the client spelled them (x-lower-case stays x-lower-case), while
// net/http canonicalizes them. The server therefore keeps the head of each request as it was read from
// the connection: headListener wraps every connection in a headConn, which records the bytes read from
// the start of a request up to the blank line that ends its head, and stops recording until the handler
// of that request has returned. Bodies are never recorded.

// maxRecordedHead bounds what a headConn keeps of one head; a longer head is left to net/http's own
// limit and its names are canonical.
const maxRecordedHead = 64 << 10

type headListener struct{ net.Listener }

func (l headListener) Accept() (net.Conn, error) {
	c, err := l.Listener.Accept()
	if err != nil {
		return nil, err
	}
	return &headConn{Conn: c, recording: true}, nil
}

type headConnKey struct{}

// connContext makes a request's headConn reachable from its context (http.Server.ConnContext).
func connContext(ctx context.Context, c net.Conn) context.Context {
	if hc, ok := c.(*headConn); ok {
		return context.WithValue(ctx, headConnKey{}, hc)
	}
	return ctx
}

type headConn struct {
	net.Conn
	mu        sync.Mutex
	recording bool // until the end of a head is seen
	head      []byte
}

func (c *headConn) Read(p []byte) (int, error) {
	n, err := c.Conn.Read(p)
	if n > 0 {
		c.mu.Lock()
		if c.recording {
			from := max(len(c.head)-3, 0)
			c.head = append(c.head, p[:n]...)
			if headEnd(c.head, from) >= 0 || len(c.head) > maxRecordedHead {
				c.recording = false
			}
		}
		c.mu.Unlock()
	}
	return n, err
}

// take returns the recorded head of the request being served; recording resumes with release, when
// its handler has returned.
func (c *headConn) take() []byte {
	c.mu.Lock()
	defer c.mu.Unlock()
	head := c.head
	c.head, c.recording = nil, false
	return head
}

func (c *headConn) release(buf []byte) {
	c.mu.Lock()
	c.head, c.recording = buf[:0], true
	c.mu.Unlock()
}

// headEnd returns the index just past the blank line ending a request head in b, searching from
// index from, or -1.
func headEnd(b []byte, from int) int {
	for i := from; i < len(b); i++ {
		if b[i] != '\n' {
			continue
		}
		if i+1 < len(b) && b[i+1] == '\n' {
			return i + 2
		}
		if i+2 < len(b) && b[i+1] == '\r' && b[i+2] == '\n' {
			return i + 3
		}
	}
	return -1
}

// rawHeader is a header line as the client sent it.
type rawHeader struct{ name, value string }

// rawHeaders returns the header lines of r as the client sent them, in order, and their size in bytes
// with line ends, when head is the head r was parsed from; ok is false otherwise (no head recorded,
// a request pipelined behind another, a folded line), and the caller falls back to r.Header.
func rawHeaders(head []byte, r *http.Request) (fields []rawHeader, size int, ok bool) {
	end := headEnd(head, 0)
	if end < 0 {
		return nil, 0, false
	}
	text := string(head[:end])
	text = strings.TrimLeft(text, "\r\n") // empty lines before a request line are allowed
	line, text, _ := strings.Cut(text, "\n")
	if !strings.HasPrefix(line, r.Method+" "+r.RequestURI+" ") {
		return nil, 0, false
	}
	counts := map[string]int{}
	for text != "" {
		line, text, _ = strings.Cut(text, "\n")
		if strings.TrimSuffix(line, "\r") == "" {
			break
		}
		size += len(line) + 1
		line = strings.TrimSuffix(line, "\r")
		if line[0] == ' ' || line[0] == '\t' {
			return nil, 0, false
		}
		name, value, found := strings.Cut(line, ":")
		if !found {
			return nil, 0, false
		}
		fields = append(fields, rawHeader{name, strings.Trim(value, " \t")})
		counts[http.CanonicalHeaderKey(name)]++
	}
	// The lines must be those net/http parsed: it keeps Host and Transfer-Encoding out of r.Header, and
	// Trailer too for a chunked body.
	delete(counts, "Host")
	delete(counts, "Transfer-Encoding")
	if _, kept := r.Header["Trailer"]; !kept {
		delete(counts, "Trailer")
	}
	n := 0
	for name, values := range r.Header {
		if counts[name] != len(values) {
			return nil, 0, false
		}
		n++
	}
	if n != len(counts) {
		return nil, 0, false
	}
	return fields, size, true
}
