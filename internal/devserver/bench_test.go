package devserver

import (
	"context"
	"io"
	"net/http/httptest"
	"path/filepath"
	"testing"

	"github.com/stelvio-go/stelvio/internal/route"
)

// BenchmarkServeHTTP measures the local server without a network client: matching, the proxy event,
// the invocation on a warm worker and the response, for a Go and a Python handler.
func BenchmarkServeHTTP(b *testing.B) {
	projectDir, err := filepath.Abs(filepath.Join("testdata", "app"))
	if err != nil {
		b.Fatal(err)
	}
	d := &route.Decls{Apis: []*route.ApiDecl{{Name: "api", Routes: []*route.RouteDecl{
		{Methods: "GET", Path: "/hello", Handler: "functions/hello.Handler"},
		{Methods: "GET", Path: "/users/{id}", Handler: "functions/users.get"},
	}}}}
	table, err := route.Build(d, "bench", "dev", projectDir)
	if err != nil {
		b.Fatal(err)
	}
	srv, err := New(table, Options{ProjectDir: projectDir, Log: io.Discard})
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { srv.Close() })
	srv.Prepare(context.Background())
	for _, tt := range []struct{ name, path string }{{"go", "/hello"}, {"python", "/users/7"}} {
		b.Run(tt.name, func(b *testing.B) {
			for b.Loop() {
				w := httptest.NewRecorder()
				srv.ServeHTTP(w, httptest.NewRequest("GET", tt.path, nil))
				if w.Code != 200 {
					b.Fatalf("GET %s: %d %s", tt.path, w.Code, w.Body)
				}
			}
		})
	}
}
