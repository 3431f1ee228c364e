// Package devtest starts the local server in the tests of apps: on a free loopback port, until the test
// ends, with its log kept and shown when the test fails.
package devtest

import (
	"bytes"
	"context"
	"net"
	"sync"
	"testing"

	"github.com/stelvio-go/stelvio/internal/devserver"
	"github.com/stelvio-go/stelvio/internal/route"
)

// Log is the server's log, safe to read while the server writes it.
type Log struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *Log) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *Log) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

// Server is a running local server.
type Server struct {
	// URL is "http://127.0.0.1:PORT".
	URL string
	Log *Log
}

// Start serves table with opts (its Log is replaced) until the test ends.
func Start(t testing.TB, table *route.Table, opts devserver.Options) *Server {
	t.Helper()
	log := &Log{}
	opts.Log = log
	s, err := devserver.New(table, opts)
	if err != nil {
		t.Fatal(err)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- s.Serve(ctx, ln) }()
	t.Cleanup(func() {
		cancel()
		<-done
		if t.Failed() {
			t.Logf("server log:\n%s", log.String())
		}
	})
	return &Server{URL: "http://" + ln.Addr().String(), Log: log}
}
