// Command devserver measures the local development server: requests per second and p50/p99 latency of a
// Go and a Python handler at 1 and 16 connections, beside a bare net/http server returning the same body
// in the same run, and a load run (100 connections) that counts errors and watches memory. It writes a
// Markdown report; it never fails on a number.
//
// The targets take turns in short rounds, so that a slow spell of a shared machine hits all of them;
// req/s is the median of the rounds, and the ratio to bare net/http the median of the rounds' ratios.
//
// It also times Go hot reloads: an edited handler, rebuilt and answering with the new code.
//
//	go run ./bench/devserver [-duration 10s] [-rounds 5] [-load 30s] [-reload 5] [-out bench/results/devserver.md]
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"runtime"
	"runtime/pprof"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/stelvio-go/stelvio"
	"github.com/stelvio-go/stelvio/aws/apigateway"
	"github.com/stelvio-go/stelvio/internal/app"
	"github.com/stelvio-go/stelvio/internal/devserver"
	"github.com/stelvio-go/stelvio/internal/route"
)

// withHTTPAPI is the -httpapi flag.
var withHTTPAPI *bool

func main() {
	if err := run(); err != nil {
		fmt.Fprintln(os.Stderr, "error:", err)
		os.Exit(1)
	}
}

type result struct {
	name     string
	conns    int
	requests int
	errors   int
	elapsed  time.Duration
	lat      []time.Duration
	rounds   []float64 // req/s of each round
	ratios   []float64 // each round's req/s over bare net/http's in the same round
}

func (r result) rps() float64 {
	if len(r.rounds) > 0 {
		return median(r.rounds)
	}
	return float64(r.requests) / r.elapsed.Seconds()
}

func median(xs []float64) float64 {
	s := slices.Clone(xs)
	slices.Sort(s)
	if len(s) == 0 {
		return 0
	}
	if len(s)%2 == 1 {
		return s[len(s)/2]
	}
	return (s[len(s)/2-1] + s[len(s)/2]) / 2
}

// add merges a round into r.
func (r *result) add(round result, bare float64) {
	r.name, r.conns = round.name, round.conns
	r.requests += round.requests
	r.errors += round.errors
	r.elapsed += round.elapsed
	r.lat = append(r.lat, round.lat...)
	r.rounds = append(r.rounds, round.rps())
	r.ratios = append(r.ratios, round.rps()/bare)
}

func (r result) pct(p float64) time.Duration {
	if len(r.lat) == 0 {
		return 0
	}
	return r.lat[min(len(r.lat)-1, int(float64(len(r.lat))*p))]
}

func run() error {
	duration := flag.Duration("duration", 10*time.Second, "time each target is measured at each connection count, split into rounds")
	rounds := flag.Int("rounds", 5, "rounds the targets take turns in")
	reload := flag.Int("reload", 5, "Go hot reloads to time; 0 skips them")
	load := flag.Duration("load", 30*time.Second, "length of the 100-connection load run; 0 skips it")
	out := flag.String("out", filepath.Join("bench", "results", "devserver.md"), "report file")
	cpuProfile := flag.String("cpuprofile", "", "write a CPU profile of the whole run to this file")
	withHTTPAPI = flag.Bool("httpapi", true, "also measure the Python handler behind an HTTP API (payload format 2.0)")
	flag.Parse()
	if *cpuProfile != "" {
		f, err := os.Create(*cpuProfile)
		if err != nil {
			return err
		}
		defer f.Close()
		if err := pprof.StartCPUProfile(f); err != nil {
			return err
		}
		defer pprof.StopCPUProfile()
	}

	projectDir, err := filepath.Abs(filepath.Join("internal", "devserver", "testdata", "app"))
	if err != nil {
		return err
	}
	// A REST API and, with -httpapi, an HTTP API serving the same Python handler (each API is then
	// mounted under /{name}).
	p := app.ProgramOf(stelvio.New("bench"), func(ctx *stelvio.Context) error {
		api := apigateway.New(ctx, "api")
		api.Route("GET", "/hello", "functions/hello.Handler")
		api.Route("GET", "/users/{id}", "functions/users.get")
		if *withHTTPAPI {
			apigateway.NewHTTP(ctx, "web").Route("GET", "/users/{id}", "functions/users.get")
		}
		return nil
	})
	p.Dir = projectDir
	table, err := p.Load("dev", projectDir)
	if err != nil {
		return err
	}
	restPrefix := devserver.MountPath(table, table.Apis[0])
	srv, err := devserver.New(table, devserver.Options{ProjectDir: projectDir, Log: io.Discard, Region: "eu-west-1"})
	if err != nil {
		return err
	}
	defer srv.Close()
	srv.Prepare(context.Background())
	devURL, stopDev, err := serveDev(srv)
	if err != nil {
		return err
	}
	defer stopDev()

	// The bare server answers what the Go handler answers, byte for byte.
	goBody, err := get(devURL + restPrefix + "/hello")
	if err != nil {
		return fmt.Errorf("warm up the go handler: %w", err)
	}
	if _, err := get(devURL + restPrefix + "/users/7"); err != nil {
		return fmt.Errorf("warm up the python handler: %w", err)
	}
	bareURL, stopBare, err := serve(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.Header().Set("X-Handler", "go")
		w.Write(goBody)
	}))
	if err != nil {
		return err
	}
	defer stopBare()

	targets := []struct{ name, url string }{
		{"bare net/http", bareURL + "/hello"},
		{"go handler", devURL + restPrefix + "/hello"},
		{"python handler", devURL + restPrefix + "/users/7"},
	}
	if *withHTTPAPI {
		// The same Python handler behind an HTTP API (payload format 2.0).
		if _, err := get(devURL + "/web/users/7"); err != nil {
			return fmt.Errorf("warm up the python handler of the HTTP API: %w", err)
		}
		targets = append(targets, struct{ name, url string }{"python handler, HTTP API", devURL + "/web/users/7"})
	}
	offline := startOffline(*out, projectDir, devURL+restPrefix+"/users/7") // serverless-offline, same handler: offline.go
	defer offline.stop()
	targets = append(targets, offline.targets()...)
	var results []result
	for _, conns := range []int{1, 16} {
		merged := make([]result, len(targets))
		for _, target := range targets { // every worker started and warm before measuring
			hammer(target.name, target.url, conns, 500*time.Millisecond)
		}
		for range *rounds {
			var bare float64
			for i, target := range targets {
				r := hammer(target.name, target.url, conns, *duration/time.Duration(*rounds))
				if i == 0 {
					bare = r.rps()
				}
				merged[i].add(r, bare)
				offline.observe(r)
			}
		}
		for _, r := range merged {
			slices.Sort(r.lat)
			fmt.Fprintf(os.Stderr, "%-15s conns=%-3d %8.0f req/s p50=%v p99=%v errors=%d rounds=%.0f\n", r.name, conns, r.rps(), r.pct(0.50), r.pct(0.99), r.errors, r.rounds)
			results = append(results, r)
		}
	}

	var loadRes *result
	var memBefore, memAfter runtime.MemStats
	if *load > 0 {
		runtime.GC()
		runtime.ReadMemStats(&memBefore)
		r := hammer("go handler", devURL+restPrefix+"/hello", 100, *load)
		runtime.GC()
		runtime.ReadMemStats(&memAfter)
		loadRes = &r
		fmt.Fprintf(os.Stderr, "load: 100 conns %v: %d requests, %d errors, heap %d -> %d KiB\n", *load, r.requests, r.errors, memBefore.HeapInuse/1024, memAfter.HeapInuse/1024)
	}
	var reloads []time.Duration
	if *reload > 0 {
		reloads, err = measureReload(*reload)
		if err != nil {
			return fmt.Errorf("reload: %w", err)
		}
		fmt.Fprintf(os.Stderr, "go hot reload: %v\n", reloads)
	}
	if err := report(*out, results, loadRes, memBefore, memAfter, *duration, *rounds, reloads); err != nil {
		return err
	}
	return offline.writeSection(*out, results, *duration, *rounds)
}

func serve(h http.Handler) (string, func(), error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", nil, err
	}
	s := &http.Server{Handler: h}
	go s.Serve(ln) //nolint:errcheck // Serve ends with Close below.
	return "http://" + ln.Addr().String(), func() { s.Close() }, nil
}

// serveDev serves srv as `dev` does, with its own listener handling (header names as sent).
func serveDev(srv *devserver.Server) (string, func(), error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", nil, err
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() {
		srv.Serve(ctx, ln) //nolint:errcheck // Serve ends with cancel below.
		close(done)
	}()
	return "http://" + ln.Addr().String(), func() { cancel(); <-done }, nil
}

func get(url string) ([]byte, error) {
	resp, err := http.Get(url)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		return nil, err
	}
	if resp.StatusCode != 200 {
		return nil, fmt.Errorf("GET %s: %d %s", url, resp.StatusCode, b)
	}
	return b, nil
}

// hammer sends requests on conns keep-alive connections, each one after the other, for d.
func hammer(name, url string, conns int, d time.Duration) result {
	client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: conns, MaxConnsPerHost: conns}, Timeout: 60 * time.Second}
	defer client.CloseIdleConnections()
	var (
		mu    sync.Mutex
		lat   []time.Duration
		count atomic.Int64
		errs  atomic.Int64
		wg    sync.WaitGroup
	)
	start := time.Now()
	deadline := start.Add(d)
	for range conns {
		wg.Add(1)
		go func() {
			defer wg.Done()
			local := make([]time.Duration, 0, 4096)
			for time.Now().Before(deadline) {
				t0 := time.Now()
				resp, err := client.Get(url)
				if err == nil {
					_, err = io.Copy(io.Discard, resp.Body)
					resp.Body.Close()
					if err == nil && resp.StatusCode != 200 {
						err = errors.New(resp.Status)
					}
				}
				local = append(local, time.Since(t0))
				count.Add(1)
				if err != nil {
					errs.Add(1)
				}
			}
			mu.Lock()
			lat = append(lat, local...)
			mu.Unlock()
		}()
	}
	wg.Wait()
	elapsed := time.Since(start)
	slices.Sort(lat)
	return result{name: name, conns: conns, requests: int(count.Load()), errors: int(errs.Load()), elapsed: elapsed, lat: lat}
}

// measureReload times n edits of a Go handler in a module of its own: from the file written to the
// first response of the new code (rebuild, new workers, the request itself).
func measureReload(n int) ([]time.Duration, error) {
	dir, err := os.MkdirTemp("", "stelvio-reload-")
	if err != nil {
		return nil, err
	}
	defer os.RemoveAll(dir)
	gosum, err := os.ReadFile("go.sum")
	if err != nil {
		return nil, err
	}
	var sum []string
	for _, line := range strings.Split(string(gosum), "\n") {
		if strings.HasPrefix(line, "github.com/aws/aws-lambda-go ") {
			sum = append(sum, line)
		}
	}
	src := filepath.Join(dir, "functions", "hello", "hello.go")
	code := func(version int) string {
		return fmt.Sprintf("package hello\n\nimport \"github.com/aws/aws-lambda-go/events\"\n\n"+
			"func Handler(req events.APIGatewayProxyRequest) (events.APIGatewayProxyResponse, error) {\n"+
			"\treturn events.APIGatewayProxyResponse{StatusCode: 200, Body: \"v%d\"}, nil\n}\n", version)
	}
	for name, content := range map[string]string{
		"go.mod": "module example.com/reload\n\ngo 1.26\n\nrequire github.com/aws/aws-lambda-go v1.55.1\n",
		"go.sum": strings.Join(sum, "\n") + "\n",
		src:      code(0),
	} {
		p := name
		if !filepath.IsAbs(p) {
			p = filepath.Join(dir, name)
		}
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			return nil, err
		}
		if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
			return nil, err
		}
	}
	os.Setenv("GOFLAGS", "-mod=mod")
	d := &route.Decls{Apis: []*route.ApiDecl{{Name: "api", Routes: []*route.RouteDecl{
		{Methods: "GET", Path: "/hello", Handler: "functions/hello.Handler"},
	}}}}
	table, err := route.Build(d, "reload", "dev", dir)
	if err != nil {
		return nil, err
	}
	srv, err := devserver.New(table, devserver.Options{ProjectDir: dir, Log: io.Discard})
	if err != nil {
		return nil, err
	}
	defer srv.Close()
	url, stop, err := serve(srv)
	if err != nil {
		return nil, err
	}
	defer stop()
	if b, err := get(url + "/hello"); err != nil || string(b) != "v0" {
		return nil, fmt.Errorf("first build: %q %v", b, err)
	}
	var times []time.Duration
	for v := 1; v <= n; v++ {
		t0 := time.Now()
		if err := os.WriteFile(src, []byte(code(v)), 0o644); err != nil {
			return nil, err
		}
		b, err := get(url + "/hello")
		if err != nil || string(b) != fmt.Sprintf("v%d", v) {
			return nil, fmt.Errorf("after edit %d: %q %v", v, b, err)
		}
		times = append(times, time.Since(t0))
	}
	return times, nil
}

func report(path string, results []result, load *result, before, after runtime.MemStats, d time.Duration, rounds int, reloads []time.Duration) error {
	var b strings.Builder
	fmt.Fprintf(&b, "# Local development server benchmark\n\n")
	fmt.Fprintf(&b, "`go run ./bench/devserver` on %s/%s, %d CPUs, %s; each target %v per connection count, in %d rounds taken in turns; "+
		"client, server and workers share the machine. req/s is the median round; \"vs bare\" the median of the rounds' ratios to bare net/http; "+
		"p50 and p99 over every request.\n\n",
		runtime.GOOS, runtime.GOARCH, runtime.NumCPU(), runtime.Version(), d, rounds)
	fmt.Fprintf(&b, "| target | conns | req/s | p50 | p99 | errors | vs bare | rounds (req/s) |\n|---|---|---|---|---|---|---|---|\n")
	for _, r := range results {
		rs := make([]string, len(r.rounds))
		for i, x := range r.rounds {
			rs[i] = fmt.Sprintf("%.0f", x)
		}
		fmt.Fprintf(&b, "| %s | %d | %.0f | %s | %s | %d | %.0f %% | %s |\n", r.name, r.conns, r.rps(), ms(r.pct(0.50)), ms(r.pct(0.99)), r.errors, 100*median(r.ratios), strings.Join(rs, " "))
	}
	if load != nil {
		fmt.Fprintf(&b, "\nLoad: go handler, 100 connections for %v: %d requests (%.0f req/s), %d errors; server heap in use %d KiB before, %d KiB after (after GC).\n",
			load.elapsed.Round(time.Second), load.requests, load.rps(), load.errors, before.HeapInuse/1024, after.HeapInuse/1024)
	}
	if len(reloads) > 0 {
		sorted := slices.Clone(reloads)
		slices.Sort(sorted)
		fmt.Fprintf(&b, "\nGo hot reload (file written → first response of the new code: rebuild, new worker, request), %d edits: median %s, max %s.\n",
			len(reloads), ms(sorted[len(sorted)/2]), ms(sorted[len(sorted)-1]))
	}
	fmt.Fprintf(&b, "\nTargets: go handler ≥ 50 %% of bare net/http; p99 < 5 ms at 16 connections; Go hot reload < 3 s. Reported, never enforced.\n")
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return err
	}
	if err := os.WriteFile(path, []byte(b.String()), 0o644); err != nil {
		return err
	}
	fmt.Fprintf(os.Stderr, "wrote %s\n", path)
	return nil
}

func ms(d time.Duration) string { return fmt.Sprintf("%.2f ms", float64(d.Microseconds())/1000) }
