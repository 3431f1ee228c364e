package devserver

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stelvio-go/stelvio/internal/route"
)

// testApp declares the app of testdata/app.
func testApp(t *testing.T, projectDir string) *route.Table {
	t.Helper()
	r := func(method, path, handler string) *route.RouteDecl {
		return &route.RouteDecl{Methods: method, Path: path, Handler: handler}
	}
	d := &route.Decls{Apis: []*route.ApiDecl{{
		Name: "api",
		Routes: []*route.RouteDecl{
			r("GET", "/users", "functions/users.index"),
			r("GET", "/users/{id}", "functions/users.get"),
			r("GET", "/users/me", "functions/users.me"),
			r("POST", "/users", "functions/users.create"),
			r("ANY", "/files/{proxy+}", "functions/users.files"),
			r("GET", "/crash", "functions/users.crash"),
			r("GET", "/error", "functions/users.error"),
			r("GET", "/malformed", "functions/users.malformed"),
			r("GET", "/version", "functions/users.version"),
			{Methods: "GET", Path: "/slow", Handler: "functions/slow.handler", Config: route.FunctionConfig{Timeout: time.Second}, HasConfig: true},
			r("GET", "/hello", "functions/hello.Handler"),
			r("ANY", "/hello/{name}", "functions/hello.Handler"),
			r("GET", "/gopanic", "functions/hello.Panic"),
		},
	}}}
	table, err := route.Build(d, "quick", "dev", projectDir)
	if err != nil {
		t.Fatal(err)
	}
	table.Apis[0].BinaryMediaTypes = []string{"application/octet-stream", "image/png"}
	return table
}

type testServer struct {
	url string
	srv *Server
	log *lockedBuffer
}

type lockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

func startServer(t *testing.T, table *route.Table, opts Options) *testServer {
	t.Helper()
	log := &lockedBuffer{}
	opts.Log = log
	s, err := New(table, opts)
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
	return &testServer{url: "http://" + ln.Addr().String(), srv: s, log: log}
}

type response struct {
	status int
	header http.Header
	body   string
}

func (ts *testServer) do(t *testing.T, method, path string, body []byte, header ...string) response {
	t.Helper()
	req, err := http.NewRequest(method, ts.url+path, bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Add(header[i], header[i+1])
	}
	client := &http.Client{Timeout: 90 * time.Second}
	resp, err := client.Do(req)
	if err != nil {
		t.Fatalf("%s %s: %v", method, path, err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return response{resp.StatusCode, resp.Header, string(b)}
}

func appDir(t *testing.T) string {
	t.Helper()
	dir, err := filepath.Abs("testdata/app")
	if err != nil {
		t.Fatal(err)
	}
	return dir
}

func TestEndToEnd(t *testing.T) {
	dir := appDir(t)
	marker := filepath.Join(t.TempDir(), "crash-once")
	ts := startServer(t, testApp(t, dir), Options{
		ProjectDir: dir,
		Region:     "eu-west-1",
		Env:        map[string]string{"GREETING": "hello", "CRASH_MARKER": marker},
	})

	tests := []struct {
		name       string
		method     string
		path       string
		body       []byte
		header     []string
		wantStatus int
		wantBody   string
		wantHeader map[string]string
	}{
		{"list with query and headers", "GET", "/users?limit=5&tag=a&tag=b", nil, []string{"X-Custom", "one", "X-Custom", "two"}, 200,
			`{"function": "quick-dev-functions-users", "greeting": "hello", "header": "two", "method": "GET", "multiHeader": ["one", "two"], "multiQuery": {"limit": ["5"], "tag": ["a", "b"]}, "path": "/users", "query": {"limit": "5", "tag": "b"}, "resource": "/users", "shout": "HI!", "sourceIp": "127.0.0.1", "stage": "v1"}`,
			map[string]string{"Content-Type": "application/json"}},
		{"trailing slash", "GET", "/users/", nil, nil, 200,
			`{"function": "quick-dev-functions-users", "greeting": "hello", "header": null, "method": "GET", "multiHeader": null, "multiQuery": null, "path": "/users/", "query": null, "resource": "/users", "shout": "HI!", "sourceIp": "127.0.0.1", "stage": "v1"}`, nil},
		{"path parameter", "GET", "/users/42", nil, nil, 200, `{"params": {"id": "42"}, "resource": "/users/{id}"}`, nil},
		{"encoded path parameter", "GET", "/users/a%20b", nil, nil, 200, `{"params": {"id": "a b"}, "resource": "/users/{id}"}`, nil},
		{"literal beats parameter", "GET", "/users/me", nil, nil, 200, `{"me": true, "resource": "/users/me"}`, nil},
		{"json body", "POST", "/users", []byte(`{"name":"ada"}`), []string{"Content-Type", "application/json"}, 201, `{"created": {"name": "ada"}}`, nil},
		{"binary body both ways", "POST", "/users", []byte{0, 1, 2, 0xfe, 0xff}, []string{"Content-Type", "application/octet-stream", "Accept", "application/octet-stream"}, 201,
			string([]byte{0xff, 0xfe, 2, 1, 0}), map[string]string{"Content-Type": "application/octet-stream"}},
		{"greedy path", "DELETE", "/files/a/b/c.txt", nil, nil, 200, `{"method": "DELETE", "proxy": "a/b/c.txt"}`, nil},
		{"greedy needs a segment", "GET", "/files", nil, nil, 403, `{"message":"Missing Authentication Token"}`, nil},
		{"unknown path", "GET", "/nope", nil, nil, 403, `{"message":"Missing Authentication Token"}`,
			map[string]string{"x-amzn-ErrorType": "MissingAuthenticationTokenException"}},
		{"unconfigured method", "DELETE", "/users", nil, nil, 403, `{"message":"Missing Authentication Token"}`, nil},
		{"function error", "GET", "/error", nil, nil, 502, `{"message": "Internal server error"}`, nil},
		{"malformed response", "GET", "/malformed", nil, nil, 502, `{"message": "Internal server error"}`, nil},
		{"function timeout", "GET", "/slow?s=5", nil, nil, 502, `{"message": "Internal server error"}`, nil},
		{"go handler", "GET", "/hello", nil, nil, 200,
			`{"function":"quick-dev-functions-hello","hello":"world","method":"GET","region":"eu-west-1","requestId":true,"resource":"/hello","version":1}`,
			map[string]string{"X-Handler": "go"}},
		{"go handler with parameter, ANY", "PUT", "/hello/ada", nil, nil, 200,
			`{"function":"quick-dev-functions-hello","hello":"ada","method":"PUT","region":"eu-west-1","requestId":true,"resource":"/hello/{name}","version":1}`, nil},
		{"body over 10 MB", "POST", "/users", bytes.Repeat([]byte("a"), MaxBodySize+1), []string{"Content-Type", "text/plain"}, 413, `{"message":"Request Too Long"}`, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := ts.do(t, tt.method, tt.path, tt.body, tt.header...)
			if got.status != tt.wantStatus || got.body != tt.wantBody {
				t.Errorf("%s %s = %d %q\nwant %d %q", tt.method, tt.path, got.status, got.body, tt.wantStatus, tt.wantBody)
			}
			for k, v := range tt.wantHeader {
				if got.header.Get(k) != v {
					t.Errorf("header %s = %q, want %q", k, got.header.Get(k), v)
				}
			}
			if got.header.Get("x-amzn-RequestId") == "" {
				t.Errorf("no x-amzn-RequestId header")
			}
		})
	}

	t.Run("multi-value response headers", func(t *testing.T) {
		got := ts.do(t, "POST", "/users", []byte{1}, "Content-Type", "image/png")
		if c := got.header.Values("Set-Cookie"); strings.Join(c, ";") != "a=1;b=2" {
			t.Errorf("Set-Cookie = %q, want a=1 and b=2", c)
		}
	})

	t.Run("crash then success", func(t *testing.T) {
		if err := os.WriteFile(marker, nil, 0o644); err != nil {
			t.Fatal(err)
		}
		if got := ts.do(t, "GET", "/crash", nil); got.status != 502 || got.body != `{"message": "Internal server error"}` {
			t.Errorf("crashing request = %d %s, want 502", got.status, got.body)
		}
		if got := ts.do(t, "GET", "/crash", nil); got.status != 200 || got.body != `{"crashed": false}` {
			t.Errorf("request after the crash = %d %s, want 200", got.status, got.body)
		}
	})

	t.Run("parallel requests", func(t *testing.T) {
		const n = 24
		var wg sync.WaitGroup
		errs := make(chan string, n)
		for i := range n {
			wg.Add(1)
			go func() {
				defer wg.Done()
				path := fmt.Sprintf("/users/%d", i)
				if i%2 == 1 {
					path = fmt.Sprintf("/hello/n%d", i)
				}
				got := ts.do(t, "GET", path, nil)
				want := fmt.Sprintf(`{"params": {"id": "%d"}, "resource": "/users/{id}"}`, i)
				if i%2 == 1 {
					want = fmt.Sprintf(`{"function":"quick-dev-functions-hello","hello":"n%d","method":"GET","region":"eu-west-1","requestId":true,"resource":"/hello/{name}","version":1}`, i)
				}
				if got.status != 200 || got.body != want {
					errs <- fmt.Sprintf("%s = %d %s", path, got.status, got.body)
				}
			}()
		}
		wg.Wait()
		close(errs)
		for e := range errs {
			t.Error(e)
		}
	})

	t.Run("access log and handler output", func(t *testing.T) {
		log := ts.log.String()
		for _, want := range []string{
			"GET /users/42 200 ", "functions-users.get\n", "GET /nope 403 ", "GET /error 502 ",
			"[functions-users.error] ValueError: something broke",
			"[functions-users] [ERROR] ValueError: something broke",
			"[functions-users.malformed] malformed Lambda proxy response: the handler returned \"not a proxy response\"",
			"[functions-slow] Sandbox.Timedout: RequestId: ",
		} {
			if !strings.Contains(log, want) {
				t.Errorf("log lacks %q", want)
			}
		}
	})
}

func TestIntegrationTimeoutIs504(t *testing.T) {
	dir := appDir(t)
	ts := startServer(t, testApp(t, dir), Options{ProjectDir: dir, IntegrationTimeout: 300 * time.Millisecond})
	got := ts.do(t, "GET", "/slow?s=0.9", nil)
	if got.status != 504 || got.body != `{"message": "Endpoint request timed out"}` {
		t.Errorf("GET /slow = %d %s, want 504", got.status, got.body)
	}
}

func TestPythonHotReload(t *testing.T) {
	dir := t.TempDir()
	if err := os.CopyFS(dir, os.DirFS(filepath.Join(appDir(t), ""))); err != nil {
		t.Fatal(err)
	}
	os.RemoveAll(filepath.Join(dir, ".stelvio"))
	ts := startServer(t, testApp(t, dir), Options{ProjectDir: dir})
	if got := ts.do(t, "GET", "/version", nil); got.body != `{"version": 1}` {
		t.Fatalf("GET /version = %d %s", got.status, got.body)
	}
	file := filepath.Join(dir, "functions", "users.py")
	src, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	src = bytes.Replace(src, []byte(`{"version": 1}`), []byte(`{"version": 2}`), 1)
	if err := os.WriteFile(file, src, 0o644); err != nil {
		t.Fatal(err)
	}
	bumpMtime(t, file)
	if got := ts.do(t, "GET", "/version", nil); got.body != `{"version": 2}` {
		t.Errorf("GET /version after the edit = %d %s, want version 2", got.status, got.body)
	}
}

// bumpMtime moves a file's modification time forward, so an edit within the file system's timestamp
// granularity is still seen.
func bumpMtime(t *testing.T, file string) {
	t.Helper()
	later := time.Now().Add(2 * time.Second)
	if err := os.Chtimes(file, later, later); err != nil {
		t.Fatal(err)
	}
}

func TestGoHotReloadAndCompileErrors(t *testing.T) {
	// A module of its own, like a user's project, built from the module cache only.
	dir := t.TempDir()
	gosum, err := os.ReadFile("../../go.sum")
	if err != nil {
		t.Fatal(err)
	}
	var sum []string
	for _, line := range strings.Split(string(gosum), "\n") {
		if strings.HasPrefix(line, "github.com/aws/aws-lambda-go ") {
			sum = append(sum, line)
		}
	}
	files := map[string]string{
		"go.mod": "module example.com/reload\n\ngo 1.26\n\nrequire github.com/aws/aws-lambda-go v1.55.1\n",
		"go.sum": strings.Join(sum, "\n") + "\n",
		"functions/hello/hello.go": `package hello

import "github.com/aws/aws-lambda-go/events"

func Handler(req events.APIGatewayProxyRequest) (events.APIGatewayProxyResponse, error) {
	return events.APIGatewayProxyResponse{StatusCode: 200, Body: "v1"}, nil
}
`,
	}
	for name, content := range files {
		p := filepath.Join(dir, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	t.Setenv("GOFLAGS", "-mod=mod")
	t.Setenv("GOPROXY", "off")
	t.Setenv("GOWORK", "off")
	d := &route.Decls{Apis: []*route.ApiDecl{{Name: "api", Routes: []*route.RouteDecl{
		{Methods: "GET", Path: "/hello", Handler: "functions/hello.Handler"},
	}}}}
	table, err := route.Build(d, "reload", "dev", dir)
	if err != nil {
		t.Fatal(err)
	}
	ts := startServer(t, table, Options{ProjectDir: dir})
	src := filepath.Join(dir, "functions", "hello", "hello.go")
	edit := func(old, new string) {
		b, err := os.ReadFile(src)
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(src, bytes.Replace(b, []byte(old), []byte(new), 1), 0o644); err != nil {
			t.Fatal(err)
		}
		bumpMtime(t, src)
	}

	steps := []struct {
		name       string
		edit       func()
		wantStatus int
		wantBody   string
	}{
		{"first build", func() {}, 200, "v1"},
		{"compile error", func() { edit(`Body: "v1"`, `Body: v2`) }, 502, `{"message": "Internal server error"}`},
		{"still broken", func() {}, 502, `{"message": "Internal server error"}`},
		{"fixed", func() { edit(`Body: v2`, `Body: "v2"`) }, 200, "v2"},
	}
	for _, st := range steps {
		st.edit()
		if got := ts.do(t, "GET", "/hello", nil); got.status != st.wantStatus || got.body != st.wantBody {
			t.Errorf("%s: GET /hello = %d %s, want %d %s", st.name, got.status, got.body, st.wantStatus, st.wantBody)
		}
	}
	if log := ts.log.String(); strings.Count(log, "functions/hello/hello.go:6:63: undefined: v2") != 1 || !strings.Contains(log, "does not build; fix the compiler errors printed above") {
		t.Errorf("the compiler error should be printed once, log:\n%s", log)
	}
}

// TestShutdownKillsWorkers checks that no worker outlives the server.
func TestShutdownKillsWorkers(t *testing.T) {
	dir := appDir(t)
	table := testApp(t, dir)
	s, err := New(table, Options{ProjectDir: dir, Log: io.Discard})
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
	ts := &testServer{url: "http://" + ln.Addr().String()}
	ts.do(t, "GET", "/users/1", nil)
	ts.do(t, "GET", "/hello", nil)
	workers := 0
	for _, tg := range s.targets {
		if tg.pool != nil {
			workers += tg.pool.Workers()
		}
	}
	if workers != 2 {
		t.Errorf("%d workers before shutdown, want 2", workers)
	}
	cancel()
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	for _, tg := range s.targets {
		if tg.pool != nil && tg.pool.Workers() != 0 {
			t.Errorf("%s has %d workers after shutdown", tg.name, tg.pool.Workers())
		}
	}
}

// TestGoHandlerPanic checks a Go handler's panic over both transports: 502, the error logged as
// aws-lambda-go logs it, a fresh worker for the next request.
func TestGoHandlerPanic(t *testing.T) {
	for _, runtimeAPI := range []bool{false, true} {
		t.Run(fmt.Sprintf("runtime api %v", runtimeAPI), func(t *testing.T) {
			dir := appDir(t)
			ts := startServer(t, testApp(t, dir), Options{ProjectDir: dir, Region: "eu-west-1", RuntimeAPI: runtimeAPI})
			for i := 0; i < 2; i++ { // the second request runs on a new worker, which panics again
				if got := ts.do(t, "GET", "/gopanic", nil); got.status != 502 || got.body != `{"message": "Internal server error"}` {
					t.Errorf("GET /gopanic = %d %q, want 502 Internal server error", got.status, got.body)
				}
			}
			if got := ts.do(t, "GET", "/hello", nil); got.status != 200 {
				t.Errorf("GET /hello after a panic = %d %q, want 200", got.status, got.body)
			}
			log := ts.log.String()
			for _, want := range []string{
				`[functions-hello.Panic] `,
				`"errorMessage":"assignment to entry in nil map"`,
				`calling the handler function resulted in a panic, the process should exit`,
				"GET /gopanic 502 ",
			} {
				if !strings.Contains(log, want) {
					t.Errorf("log lacks %q:\n%s", want, log)
				}
			}
		})
	}
}
