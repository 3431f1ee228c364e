package devserver

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/stelvio-go/stelvio/internal/route"
	"github.com/stelvio-go/stelvio/internal/runtimeapi"
)

// Defaults of Options.
const (
	// DefaultPort is the port `dev` listens on unless --port says otherwise.
	DefaultPort = 3000
	// DefaultHost is the address `dev` listens on: this machine only.
	DefaultHost = "127.0.0.1"
	// IntegrationTimeout is API Gateway's cap on a Lambda integration (29 s); past it the client gets 504.
	IntegrationTimeout = 29 * time.Second
	// MaxBodySize is API Gateway's request payload limit (10 MB); larger bodies get 413.
	MaxBodySize = 10 * 1024 * 1024
)

// Options configure a Server.
type Options struct {
	// Host and Port are where Run listens; DefaultHost and DefaultPort when empty. Port -1 picks a free
	// port.
	Host string
	Port int
	// ProjectDir is the directory handler paths are relative to.
	ProjectDir string
	// Region is AWS_REGION of the functions; "us-east-1" when empty.
	Region string
	// Concurrency bounds the workers of each function; runtimeapi.DefaultConcurrency when zero.
	Concurrency int
	// Python is the interpreter for Python handlers; "python3" when empty.
	Python string
	// Log receives the access log, handler output (prefixed with the function name) and build errors;
	// os.Stderr when nil.
	Log io.Writer
	// IntegrationTimeout and MaxBodySize override API Gateway's limits (tests); the constants when zero.
	IntegrationTimeout time.Duration
	MaxBodySize        int64
	// Builder makes host workers; the built-in Go and Python builder when nil.
	Builder Builder
	// Env holds variables added to every function's environment (the function's own win), such as
	// credentials the handlers need locally.
	Env map[string]string
	// RuntimeAPI sends every invocation through the Lambda Runtime API over HTTP. Otherwise workers
	// take them over a pipe: the same runtime code paths, at a fraction of the cost per request.
	RuntimeAPI bool
}

// Server is the local API Gateway of an app: an http.Handler that runs the app's handlers.
type Server struct {
	table   *route.Table
	opts    Options
	builder Builder
	apis    []*mountedAPI
	log     *syncWriter

	notify *notifier // nil where unavailable

	mu      sync.Mutex
	targets map[string]*target
	closed  bool
}

type mountedAPI struct {
	api    *route.Api
	prefix string // "" when the app has one API, "/<api name>" otherwise
	id     string
	router *router
}

// New returns a server for table. Nothing runs until the first request.
func New(table *route.Table, opts Options) (*Server, error) {
	if table == nil || len(table.Apis) == 0 {
		return nil, errors.New("the app declares no api; add one with apigateway.New and api.Route")
	}
	if opts.ProjectDir == "" {
		opts.ProjectDir = "."
	}
	// Workers run in their function's directory, so every path handed to them must be absolute.
	dir, err := filepath.Abs(opts.ProjectDir)
	if err != nil {
		return nil, fmt.Errorf("project directory: %w", err)
	}
	opts.ProjectDir = dir
	if opts.Region == "" {
		opts.Region = "us-east-1"
	}
	if opts.IntegrationTimeout <= 0 {
		opts.IntegrationTimeout = IntegrationTimeout
	}
	if opts.MaxBodySize <= 0 {
		opts.MaxBodySize = MaxBodySize
	}
	if opts.Log == nil {
		opts.Log = os.Stderr
	}
	s := &Server{
		table:   table,
		opts:    opts,
		builder: opts.Builder,
		log:     &syncWriter{w: opts.Log},
		notify:  newNotifier(),
		targets: map[string]*target{},
	}
	if s.builder == nil {
		s.builder = newRuntimeBuilder(opts.ProjectDir, opts.Python)
	}
	for _, api := range table.Apis {
		m := &mountedAPI{api: api, id: apiID(table.App, table.Env, api.Name), router: newRouter(api), prefix: MountPath(table, api)}
		s.apis = append(s.apis, m)
	}
	return s, nil
}

// Prepare builds every Go handler ahead of the first request and reports each build failure in the
// log. The server still starts: a route whose handler does not compile answers 502 until it does.
func (s *Server) Prepare(ctx context.Context) {
	for _, m := range s.apis {
		for _, r := range m.api.Routes {
			t := s.target(r)
			if _, err := t.current(ctx); err != nil && !errors.As(err, new(*BuildError)) {
				s.logf("[%s] %s\n", t.name, err)
			}
		}
	}
}

// Close stops every worker of every function.
func (s *Server) Close() error {
	s.mu.Lock()
	s.closed = true
	targets := make([]*target, 0, len(s.targets))
	for _, t := range s.targets {
		targets = append(targets, t)
	}
	s.mu.Unlock()
	var wg sync.WaitGroup
	for _, t := range targets {
		wg.Add(1)
		go func() {
			defer wg.Done()
			t.close()
		}()
	}
	wg.Wait()
	s.notify.close()
	return nil
}

// Routes lists the routes as "METHOD URL-path -> function", for the startup banner.
func (s *Server) Routes() []string {
	var out []string
	for _, m := range s.apis {
		for _, r := range m.api.Routes {
			out = append(out, fmt.Sprintf("%-7s %s  →  %s (%s)", strings.Join(r.Methods, ","), m.prefix+r.Path.String(), r.Function.Name, r.Target))
		}
	}
	return out
}

func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	start := time.Now()
	requestID := newRequestID()
	status, fn := s.serve(w, r, requestID, start)
	s.logf("%s %s %d %s %s\n", r.Method, r.URL.RequestURI(), status, formatDuration(time.Since(start)), fn)
}

// serve answers r and returns the status sent and the function that ran ("-" when none).
func (s *Server) serve(w http.ResponseWriter, r *http.Request, requestID string, start time.Time) (int, string) {
	m, path := s.mount(r.URL.Path)
	if m == nil {
		missingToken.write(w, requestID)
		return missingToken.status, "-"
	}
	rt, params, ok := m.router.match(r.Method, path)
	if !ok {
		missingToken.write(w, requestID)
		return missingToken.status, "-"
	}
	t := s.target(rt)

	if r.ContentLength > s.opts.MaxBodySize {
		requestTooLong.write(w, requestID)
		return requestTooLong.status, t.name
	}
	body, err := io.ReadAll(io.LimitReader(r.Body, s.opts.MaxBodySize+1))
	if err != nil {
		return 0, t.name // the client went away
	}
	if int64(len(body)) > s.opts.MaxBodySize {
		requestTooLong.write(w, requestID)
		return requestTooLong.status, t.name
	}

	ctx, cancel := context.WithTimeout(r.Context(), s.opts.IntegrationTimeout)
	defer cancel()
	pool, err := t.current(ctx)
	if be := (*BuildError)(nil); errors.As(err, &be) {
		internalError.write(w, requestID)
		return internalError.status, t.name
	}
	if err != nil {
		s.logf("[%s] %s\n", t.name, err)
		internalError.write(w, requestID)
		return internalError.status, t.name
	}

	req := r.Clone(ctx)
	req.URL.Path = path
	payload := appendEvent(nil, req, eventInput{
		resource:  rt.Resource(),
		stage:     m.api.StageName,
		apiID:     m.id,
		accountID: "012345678912",
		params:    params,
		body:      body,
		requestID: requestID,
		now:       start,
	})

	res, err := pool.Invoke(ctx, payload)
	switch {
	case err != nil && ctx.Err() == context.DeadlineExceeded:
		s.logf("[%s] integration timed out after %s; the function keeps running until its own timeout\n", t.name, s.opts.IntegrationTimeout)
		timedOut.write(w, requestID)
		return timedOut.status, t.name
	case err != nil && r.Context().Err() != nil:
		return 499, t.name // the client went away
	case err != nil:
		s.logf("[%s] %v\n", t.name, err)
		internalError.write(w, requestID)
		return internalError.status, t.name
	case res.Err != nil:
		s.logf("[%s] %s\n", t.name, strings.TrimSpace(res.Err.Error()))
		internalError.write(w, requestID)
		return internalError.status, t.name
	}
	resp, err := parseResponse(res.Payload)
	if err != nil {
		s.logf("[%s] %v\n", t.name, err)
		internalError.write(w, requestID)
		return internalError.status, t.name
	}
	resp.write(w, requestID)
	return resp.status, t.name
}

// mount finds the API serving a request path and the path within it.
func (s *Server) mount(path string) (*mountedAPI, string) {
	if len(s.apis) == 1 {
		return s.apis[0], path
	}
	for _, m := range s.apis {
		if path == m.prefix || strings.HasPrefix(path, m.prefix+"/") {
			return m, strings.TrimPrefix(path, m.prefix)
		}
	}
	return nil, ""
}

// target returns the runner of a route's user function.
func (s *Server) target(r *route.Route) *target {
	key := r.Function.Name + "\x00" + r.Target.String()
	s.mu.Lock()
	defer s.mu.Unlock()
	t := s.targets[key]
	if t == nil {
		name := r.Function.Name
		if len(r.Function.Targets()) > 1 {
			name += "." + r.Target.Func
		}
		dir, patterns, recursive := s.builder.Sources(r.Function)
		t = &target{server: s, fn: r.Function, tgt: r.Target, name: name,
			sources: &sources{project: s.opts.ProjectDir, dir: pathJoin(s.opts.ProjectDir, dir), patterns: patterns, recursive: recursive, notify: s.notify}}
		s.targets[key] = t
	}
	return t
}

func (s *Server) logf(format string, args ...any) {
	fmt.Fprintf(s.log, format, args...)
}

// target runs one user function: a pool of workers, rebuilt when the function's sources change.
type target struct {
	server *Server
	fn     *route.Function
	tgt    route.Target
	name   string

	sources *sources

	mu          sync.Mutex
	pool        *runtimeapi.Pool
	fingerprint string
	buildErr    error
}

// current returns the pool running the function's current sources, building and starting it first
// when the sources changed since the last request.
func (t *target) current(ctx context.Context) (*runtimeapi.Pool, error) {
	fp, err := t.sources.fingerprint()
	if err != nil {
		return nil, fmt.Errorf("read sources of function %q: %w", t.fn.Name, err)
	}
	t.mu.Lock()
	defer t.mu.Unlock()
	if fp == t.fingerprint {
		if t.buildErr != nil {
			return nil, t.buildErr
		}
		return t.pool, nil
	}
	reload := t.fingerprint != ""
	w, err := t.server.builder.Worker(ctx, t.fn, t.tgt)
	t.fingerprint = fp
	if be := (*BuildError)(nil); errors.As(err, &be) {
		// The compiler output is shown once; later requests point back to it until the code changes.
		t.server.logf("[%s] %s\n", t.name, be)
		t.buildErr = fmt.Errorf("function %q does not build; fix the compiler errors printed above", t.fn.Name)
		return nil, err
	}
	if err != nil {
		t.buildErr = err
		return nil, err
	}
	t.buildErr = nil
	cfg := t.config(w)
	if t.pool == nil {
		t.pool, err = runtimeapi.NewPool(cfg)
		if err != nil {
			return nil, err
		}
		return t.pool, nil
	}
	if err := t.pool.Reload(cfg); err != nil {
		return nil, err
	}
	if reload {
		t.server.logf("[%s] sources changed; new workers start with the next request\n", t.name)
	}
	return t.pool, nil
}

func (t *target) config(w Worker) runtimeapi.Config {
	env := map[string]string{}
	for k, v := range w.Env {
		env[k] = v
	}
	for k, v := range t.server.opts.Env {
		if k == "PYTHONPATH" && env[k] != "" {
			v += string(os.PathListSeparator) + env[k] // dev's folders (links, endpoint shim) first
		}
		env[k] = v
	}
	for k, v := range t.fn.LocalEnvironment() {
		env[k] = v
	}
	out := &prefixWriter{w: t.server.log, prefix: "[" + t.name + "] "}
	return runtimeapi.Config{
		Function: runtimeapi.Function{
			Name:    t.fn.Name,
			Region:  t.server.opts.Region,
			Timeout: time.Duration(t.fn.Timeout) * time.Second,
		},
		Command:      w.Command,
		Dir:          w.Dir,
		Handler:      w.Handler,
		MemoryMB:     t.fn.Memory,
		ExecutionEnv: w.ExecutionEnv,
		Env:          env,
		Concurrency:  t.server.opts.Concurrency,
		Pipe:         w.Pipe && !t.server.opts.RuntimeAPI,
		Stdout:       out,
		Stderr:       out,
	}
}

func (t *target) close() {
	t.mu.Lock()
	p := t.pool
	t.mu.Unlock()
	if p != nil {
		p.Close()
	}
}

// Run serves table on opts.Host:opts.Port until ctx is done, then stops every worker. It prints the
// URL and the routes to opts.Log first.
func Run(ctx context.Context, table *route.Table, opts Options) error {
	s, err := New(table, opts)
	if err != nil {
		return err
	}
	defer s.Close()
	host, port := opts.Host, opts.Port
	if host == "" {
		host = DefaultHost
	}
	switch {
	case port == 0:
		port = DefaultPort
	case port < 0:
		port = 0
	}
	ln, err := net.Listen("tcp", net.JoinHostPort(host, strconv.Itoa(port)))
	if err != nil {
		return fmt.Errorf("listen on %s:%d: %w; choose another port with --port", host, port, err)
	}
	s.Prepare(ctx)
	return s.Serve(ctx, ln)
}

// Serve answers requests on ln until ctx is done. It prints the URL and the routes first.
func (s *Server) Serve(ctx context.Context, ln net.Listener) error {
	url := "http://" + ln.Addr().String()
	s.logf("stelvio dev: %s serving %s (stage %s)\n", url, s.table.App, s.table.Env)
	for _, line := range s.Routes() {
		s.logf("  %s\n", line)
	}
	srv := &http.Server{Handler: s, ReadHeaderTimeout: 10 * time.Second}
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	select {
	case err := <-errc:
		return fmt.Errorf("serve %s: %w", url, err)
	case <-ctx.Done():
	}
	shutdown, cancel := context.WithTimeout(context.Background(), 2*time.Second)
	defer cancel()
	srv.Shutdown(shutdown) //nolint:errcheck // Connections still open after 2 s are dropped by Close.
	srv.Close()
	return s.Close()
}

// syncWriter serializes writes to the log.
type syncWriter struct {
	mu sync.Mutex
	w  io.Writer
}

func (s *syncWriter) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.w.Write(p)
}

// prefixWriter prefixes each line of handler output (runtimeapi writes whole lines) with the function.
type prefixWriter struct {
	w      io.Writer
	prefix string
}

func (p *prefixWriter) Write(b []byte) (int, error) {
	var buf bytes.Buffer
	for _, line := range bytes.SplitAfter(b, []byte("\n")) {
		if len(line) == 0 {
			continue
		}
		buf.WriteString(p.prefix)
		buf.Write(line)
	}
	if _, err := p.w.Write(buf.Bytes()); err != nil {
		return 0, err
	}
	return len(b), nil
}

func formatDuration(d time.Duration) string {
	switch {
	case d < time.Millisecond:
		return fmt.Sprintf("%dµs", d.Microseconds())
	case d < time.Second:
		return fmt.Sprintf("%.1fms", float64(d.Microseconds())/1000)
	}
	return fmt.Sprintf("%.2fs", d.Seconds())
}

func newRequestID() string {
	var b [16]byte
	rand.Read(b[:]) //nolint:errcheck // crypto/rand.Read never fails.
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	h := hex.EncodeToString(b[:])
	return h[0:8] + "-" + h[8:12] + "-" + h[12:16] + "-" + h[16:20] + "-" + h[20:32]
}

func pathJoin(base, rel string) string {
	if rel == "" {
		return base
	}
	return filepath.Join(base, filepath.FromSlash(rel))
}
