package devserver

import (
	"io"
	"net/http/httptest"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/stelvio-go/stelvio/internal/route"
)

// BenchmarkColdBurst measures a burst of 20 parallel requests to a Python handler that takes 200 ms,
// on a server that has no warm worker yet: the time until the last response. On Lambda each request of
// such a burst gets an execution environment of its own (a function scales by up to 1,000
// environments every 10 seconds, https://docs.aws.amazon.com/lambda/latest/dg/scaling-behavior.html),
// so the burst takes one cold start plus 200 ms. "cap 8" is the old default of 8 workers per function.
func BenchmarkColdBurst(b *testing.B) {
	dir := b.TempDir()
	file := filepath.Join(dir, "functions", "slow.py")
	if err := os.MkdirAll(filepath.Dir(file), 0o755); err != nil {
		b.Fatal(err)
	}
	src := "import time\n\n\ndef handler(event, context):\n    time.sleep(0.2)\n    return {\"statusCode\": 200, \"body\": \"ok\"}\n"
	if err := os.WriteFile(file, []byte(src), 0o644); err != nil {
		b.Fatal(err)
	}
	d := &route.Decls{Apis: []*route.ApiDecl{{Name: "api", Routes: []*route.RouteDecl{
		{Methods: "GET", Path: "/slow", Handler: "functions/slow.handler"},
	}}}}
	table, err := route.Build(d, "burst", "dev", dir)
	if err != nil {
		b.Fatal(err)
	}
	const burst = 20
	for _, bc := range []struct {
		name        string
		concurrency int
	}{{"default", 0}, {"cap 8", 8}} {
		b.Run(bc.name, func(b *testing.B) {
			var total time.Duration
			for b.Loop() {
				srv, err := New(table, Options{ProjectDir: dir, Log: io.Discard, Concurrency: bc.concurrency})
				if err != nil {
					b.Fatal(err)
				}
				start := time.Now()
				var wg sync.WaitGroup
				codes := make([]int, burst)
				for i := range burst {
					wg.Add(1)
					go func() {
						defer wg.Done()
						w := httptest.NewRecorder()
						srv.ServeHTTP(w, httptest.NewRequest("GET", "/slow", nil))
						codes[i] = w.Code
					}()
				}
				wg.Wait()
				total += time.Since(start)
				b.StopTimer()
				srv.Close()
				b.StartTimer()
				for _, c := range codes {
					if c != 200 {
						b.Fatalf("a request of the burst got %d", c)
					}
				}
			}
			b.ReportMetric(float64(total.Milliseconds())/float64(b.N), "ms/burst")
		})
	}
}
