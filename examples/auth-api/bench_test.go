package main

import (
	"io"
	"net/http"
	"testing"

	"github.com/stelvio-go/stelvio/internal/devserver"
)

// BenchmarkDev measures a request under dev through each kind of gateway work: an open route, a route
// whose TOKEN authorizer answers from the cache, and a preflight.
func BenchmarkDev(b *testing.B) {
	table, err := load(b, Run)
	if err != nil {
		b.Fatal(err)
	}
	s := start(b, table, devserver.Options{})
	for _, c := range []struct {
		name, method, path, token string
	}{
		{"public", "GET", "/public", ""},
		{"cached-token-authorizer", "GET", "/me", "allow"},
		{"preflight", "OPTIONS", "/me", ""},
	} {
		b.Run(c.name, func(b *testing.B) {
			req := func() {
				r, _ := http.NewRequest(c.method, s.url+c.path, nil)
				if c.token != "" {
					r.Header.Set("Authorization", c.token)
				}
				resp, err := http.DefaultClient.Do(r)
				if err != nil {
					b.Fatal(err)
				}
				io.Copy(io.Discard, resp.Body)
				resp.Body.Close()
				if resp.StatusCode != 200 {
					b.Fatalf("%s %s: %d", c.method, c.path, resp.StatusCode)
				}
			}
			req() // starts the workers and fills the cache
			b.ResetTimer()
			for b.Loop() {
				req()
			}
		})
	}
}
