package devserver

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/stelvio-go/stelvio/internal/authorizer"
	"github.com/stelvio-go/stelvio/internal/httpapi"
	"github.com/stelvio-go/stelvio/internal/route"
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
	// MaxEventSize is Lambda's payload limit of a synchronous invocation (6 MB); a request whose
	// event is larger gets 413.
	MaxEventSize = httpapi.MaxEventSize
	// MaxURLLength is API Gateway's limit on the length of a regional API's URL (10,240 characters)
	// and MaxHeaderSize its limit on the combined size of the request's header lines, names, values,
	// separators and line ends (10,240 bytes).
	MaxURLLength  = 10240
	MaxHeaderSize = 10240
	// AccountID is the AWS account of everything the local server makes up: the proxy events'
	// requestContext.accountId and the functions' ARNs. It is the account plans show.
	AccountID = "123456789012"
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
	// Unset, REST APIs time integrations out at IntegrationTimeout (29 s) and HTTP APIs at
	// httpapi.MaxTimeout (30 s); a shorter value applies to both.
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

	// Authorizers configure the authorizer engine (gateway.go): the Cognito development key's folder
	// (ProjectDir/.stelvio by default) and the credentials AWS_IAM signatures are checked with (the
	// AWS_* environment variables by default).
	Authorizers authorizer.Options

	// Streams are the table subscriptions to run (streams.go), read through the DynamoDB Streams
	// endpoint StreamsEndpoint with the credentials in Env.
	Streams         []Stream
	StreamsEndpoint string

	// AllowHosts are Host header names (without port) answered besides the loopback names while the
	// server listens on a loopback address (host.go); --allow-host.
	AllowHosts []string
}

// Server is the local API Gateway of an app: an http.Handler that runs the app's handlers.
type Server struct {
	table   *route.Table
	opts    Options
	builder Builder
	apis    []*mountedAPI
	// httpAPIs are the HTTP APIs (httpapi.go), httpTimeout their integration timeout when the options
	// shorten it (0: httpapi.MaxTimeout).
	httpAPIs    []*mountedHTTPAPI
	httpTimeout time.Duration
	log         *syncWriter

	notify *notifier // nil where unavailable

	gw *gateway // CORS and authorizers (gateway.go)

	lambda *lambdaFunctions // the local Lambda endpoint's functions (lambda.go)

	mu      sync.Mutex
	targets map[string]*target // by function and user function
	runners map[string]*runner // by function
	closed  bool
	// lambdaURL is the local Lambda endpoint, "" until ServeLambda, lambdaCtx its life, and
	// eventRetries the waits before an asynchronous invocation's retries (lambda.go).
	lambdaURL    string
	lambdaCtx    context.Context
	eventRetries []time.Duration
}

type mountedAPI struct {
	api    *route.Api
	prefix string // "" when the app has one API, "/<api name>" otherwise
	id     string
	router *router
}

// New returns a server for table. Nothing runs until the first request.
func New(table *route.Table, opts Options) (*Server, error) {
	if table == nil || len(table.Apis) == 0 && len(table.HTTPApis) == 0 {
		return nil, errors.New("the app declares no api; add one with apigateway.New or apigateway.NewHTTP, and api.Route")
	}
	if opts.Concurrency < 0 {
		return nil, fmt.Errorf("concurrency %d: not a number of workers; use a positive number, or 0 for the default", opts.Concurrency)
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
	var httpTimeout time.Duration
	if opts.IntegrationTimeout > 0 && opts.IntegrationTimeout < httpapi.MaxTimeout {
		httpTimeout = opts.IntegrationTimeout
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
		table:        table,
		opts:         opts,
		httpTimeout:  httpTimeout,
		builder:      opts.Builder,
		log:          &syncWriter{w: opts.Log},
		notify:       newNotifier(),
		targets:      map[string]*target{},
		runners:      map[string]*runner{},
		lambda:       newLambdaFunctions(table),
		eventRetries: eventRetries,
	}
	if s.builder == nil {
		s.builder = newRuntimeBuilder(opts.ProjectDir, opts.Python)
	}
	for _, api := range table.Apis {
		m := &mountedAPI{api: api, id: apiID(table.App, table.Env, api.Name), router: newRouter(api), prefix: MountPath(table, api)}
		s.apis = append(s.apis, m)
	}
	s.gw = newGateway(s)
	if s.httpAPIs, err = s.newHTTPAPIs(); err != nil {
		return nil, err
	}
	return s, nil
}

// Prepare builds every Go handler ahead of the first request and reports each build failure in the
// log. The server still starts: a route whose handler does not compile answers 502 until it does.
func (s *Server) Prepare(ctx context.Context) {
	// Functions are prepared side by side: a Go build does not hold up the Python functions.
	var wg sync.WaitGroup
	for _, m := range s.apis {
		for _, r := range m.api.Routes {
			t := s.target(r)
			wg.Go(func() {
				if _, err := t.current(ctx); err != nil && !errors.As(err, new(*BuildError)) {
					s.logf("[%s] %s\n", t.name, err)
				}
			})
		}
	}
	wg.Go(func() { s.prepareAuthorizers(ctx) }) // gateway.go
	wg.Go(func() { s.prepareHTTPAPIs(ctx) })    // httpapi.go
	wg.Wait()
}

// Close stops every worker of every function.
func (s *Server) Close() error {
	s.mu.Lock()
	s.closed = true
	runners := make([]*runner, 0, len(s.runners))
	for _, r := range s.runners {
		runners = append(runners, r)
	}
	s.mu.Unlock()
	var wg sync.WaitGroup
	for _, t := range runners {
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
			line := fmt.Sprintf("%-7s %s  →  %s (%s)", strings.Join(r.Methods, ","), m.prefix+r.Path.String(), r.Function.Name, r.Target)
			if r.Auth != nil {
				line += authNote(r.Auth.Name, string(r.Auth.Kind), r.Scopes)
			}
			out = append(out, line)
		}
	}
	return append(out, s.httpRoutes()...)
}

// authNote is the banner's note of a route's authorizer: "  [auth users COGNITO_USER_POOLS, scopes read]".
func authNote(name, kind string, scopes []string) string {
	note := fmt.Sprintf("  [auth %s %s", name, kind)
	if len(scopes) > 0 {
		note += ", scopes " + strings.Join(scopes, " ")
	}
	return note + "]"
}

func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	start := time.Now()
	requestID := newRequestID()
	var raw []rawHeader
	rawSize, haveRaw := 0, false
	if hc, ok := r.Context().Value(headConnKey{}).(*headConn); ok {
		head := hc.take()
		defer hc.release(head)
		raw, rawSize, haveRaw = rawHeaders(head, r)
	}
	if !s.hostAllowed(w, r, requestID, start) { // host.go
		return
	}
	if s.serveHTTPAPI(w, r, start, raw, rawSize, haveRaw) { // httpapi.go
		return
	}
	status, fn := s.serve(w, r, requestID, start, raw, rawSize, haveRaw)
	s.logf("%s %s %d %s %s\n", r.Method, loggedURI(r.URL), status, formatDuration(time.Since(start)), fn)
}

// serve answers r and returns the status sent and the function that ran ("-" when none).
//
// raw holds the header lines as the client sent them and rawSize their size, when haveRaw.
func (s *Server) serve(w http.ResponseWriter, r *http.Request, requestID string, start time.Time, raw []rawHeader, rawSize int, haveRaw bool) (int, string) {
	// Routes are matched on the path as the client escaped it and path parameters are decoded once,
	// so an escaped slash or percent sign stays inside its segment.
	if !haveRaw {
		rawSize = headerSize(r)
	}
	m, escaped := s.mount(r.URL.EscapedPath())
	// CORS (gateway.go): the preflight is answered here, and every answer of the gateway itself below
	// gets the API's CORS headers.
	if status, done := s.preflight(w, r, m, unescape(escaped), requestID); done {
		return status, "-"
	}
	w = s.gatewayWriter(w, m)
	if g := checkLimits(r, rawSize, 0, false); g != nil {
		g.write(w, requestID)
		return g.status, "-"
	}
	if m == nil {
		// The app has several APIs and the path is under none of them (mount.go).
		s.notMounted(w)
		return http.StatusNotFound, "-"
	}
	path := unescape(escaped)
	rt, params, ok := m.router.match(r.Method, escaped)
	if !ok {
		if stage := "/" + m.api.StageName; strings.HasPrefix(escaped, stage+"/") {
			// A deployed URL has the stage in its path; dev serves the API without it.
			if _, _, ok := m.router.match(r.Method, strings.TrimPrefix(escaped, stage)); ok {
				s.logf("%s %s: no route; dev serves api %s without its stage %s: %s%s\n",
					r.Method, loggedURI(r.URL), m.api.Name, stage, m.prefix, strings.TrimPrefix(escaped, stage))
			}
		}
		missingToken.write(w, requestID)
		return missingToken.status, "-"
	}
	t := s.target(rt)

	if r.ContentLength > s.opts.MaxBodySize {
		requestTooLong.write(w, requestID)
		return requestTooLong.status, t.name
	}
	body, err := httpapi.ReadBody(r, s.opts.MaxBodySize)
	switch {
	case errors.Is(err, httpapi.ErrClientGone):
		s.logf("[%s] %v\n", t.name, httpapi.ErrClientGone)
		return 499, t.name
	case err != nil:
		s.logf("[%s] %v\n", t.name, err)
		badRequest.write(w, requestID)
		return badRequest.status, t.name
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
	payload, err := marshalEvent(req, eventInput{
		resource:         rt.Resource(),
		stage:            m.api.StageName,
		apiID:            m.id,
		accountID:        AccountID,
		params:           params,
		body:             body,
		binaryMediaTypes: m.api.BinaryMediaTypes,
		rawHeaders:       raw,
		requestID:        requestID,
		now:              start,
	})
	if err != nil {
		s.logf("[%s] encode the event: %v\n", t.name, err)
		internalError.write(w, requestID)
		return internalError.status, t.name
	}
	if len(payload) > MaxEventSize {
		s.logf("[%s] the event of this request is %d bytes, more than Lambda's %d-byte invocation payload limit\n", t.name, len(payload), MaxEventSize)
		requestTooLong.write(w, requestID)
		return requestTooLong.status, t.name
	}
	// The route's authorizer (gateway.go) answers a refused request; otherwise the event gets
	// requestContext.authorizer.
	payload, refused := s.authorize(ctx, w, req, m, rt, params, body, payload, requestID)
	if refused != 0 {
		return refused, t.name
	}

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
	resp, err := parseResponse(res.Payload, mediaTypeIn(firstAccept(r.Header), m.api.BinaryMediaTypes))
	if err != nil {
		s.logf("[%s] %v\n", t.name, err)
		internalError.write(w, requestID)
		return internalError.status, t.name
	}
	resp.write(handlerWriter(w), requestID)
	return resp.status, t.name
}

// checkLimits returns the answer API Gateway gives a request whose head is over its quotas, nil for a
// request within them: for a REST API a URL, counted as http://host/path?query, over MaxURLLength
// characters or header lines (headerSize bytes) over MaxHeaderSize; for an HTTP API (httpAPI) a request
// line and header values (valuesSize bytes) together over httpapi.MaxHead, 414 when the request line
// alone is.
func checkLimits(r *http.Request, headerSize, valuesSize int, httpAPI bool) *gatewayResponse {
	if httpAPI {
		line := len(r.Method) + len(" ") + len(r.RequestURI) + len(" ") + len(r.Proto)
		switch {
		case line > httpapi.MaxHead:
			return &uriTooLong
		case line+valuesSize > httpapi.MaxHead:
			return &headersTooLarge
		}
		return nil
	}
	if len("http://")+len(r.Host)+len(r.RequestURI) > MaxURLLength {
		return &uriTooLong
	}
	if headerSize > MaxHeaderSize {
		return &headersTooLarge
	}
	return nil
}

// headerValuesSize is the size of the values of r's header lines (Host's included), from the lines as
// the client sent them when haveRaw.
func headerValuesSize(r *http.Request, raw []rawHeader, haveRaw bool) int {
	size := 0
	if haveRaw {
		for _, h := range raw {
			size += len(h.value)
		}
		return size
	}
	size = len(r.Host)
	for _, values := range r.Header {
		for _, v := range values {
			size += len(v)
		}
	}
	return size
}

// notMounted answers a request whose path is under none of the app's APIs. It cannot happen on AWS,
// where each API has its own host; the answer names the paths the APIs are served under.
func (s *Server) notMounted(w http.ResponseWriter) {
	var prefixes []string
	for _, m := range s.apis {
		prefixes = append(prefixes, m.prefix)
	}
	for _, m := range s.httpAPIs {
		prefixes = append(prefixes, m.prefix)
	}
	slices.Sort(prefixes)
	list := strings.Join(prefixes, ", ")
	if n := len(prefixes); n > 1 {
		list = strings.Join(prefixes[:n-1], ", ") + " and " + prefixes[n-1]
	}
	body, _ := json.Marshal(map[string]string{"message": "Not Found: no API of this app is served at this path; its APIs are under " + list})
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Content-Length", strconv.Itoa(len(body)))
	w.WriteHeader(http.StatusNotFound)
	w.Write(body) //nolint:errcheck // The client may have gone; nothing to do about it.
}

// headerSize is the size of r's header lines written as "Name: value\r\n", for a request whose head
// the server did not keep.
func headerSize(r *http.Request) int {
	size := len("Host: \r\n") + len(r.Host)
	for name, values := range r.Header {
		for _, v := range values {
			size += len(name) + len(": \r\n") + len(v)
		}
	}
	return size
}

// mount finds the API serving a request path and the path within it.
func (s *Server) mount(path string) (*mountedAPI, string) {
	if len(s.apis) == 1 && s.apis[0].prefix == "" {
		return s.apis[0], path
	}
	for _, m := range s.apis {
		if path == m.prefix || strings.HasPrefix(path, m.prefix+"/") {
			return m, strings.TrimPrefix(path, m.prefix)
		}
	}
	return nil, ""
}

// target returns what runs a route: its function's runner, shared by every route of the function as
// on Lambda, where the routes of one function run in the same execution environments.
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
		run := s.runners[r.Function.Name]
		if run == nil {
			run = s.newRunner(r.Function)
			s.runners[r.Function.Name] = run
		}
		t = &target{runner: run, name: name}
		s.targets[key] = t
	}
	return t
}

func (s *Server) logf(format string, args ...any) {
	fmt.Fprintf(s.log, format, args...)
}

// target is a route's user function: the runner of the function that holds it, and the name the log
// gives the route ("functions-users.get").
type target struct {
	*runner
	name string
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
	ln, err := listen(host, port)
	if err != nil {
		return err
	}
	// The local Lambda endpoint (lambda.go) listens before any worker starts: workers get its URL.
	lln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		ln.Close()
		return fmt.Errorf("local lambda endpoint: %w", err)
	}
	lctx, stopLambda := context.WithCancel(ctx)
	defer stopLambda()
	s.ServeLambda(lctx, lln)
	// The server answers while the workers start: a request to a function still starting waits for it,
	// the others are answered at once.
	prepared := make(chan struct{})
	go func() {
		defer close(prepared)
		s.Prepare(ctx)
	}()
	defer func() { <-prepared }()
	defer s.startStreams(ctx)() // streams.go
	return s.Serve(ctx, ln)
}

// Serve answers requests on ln until ctx is done. It prints the URL and the routes first.
func (s *Server) Serve(ctx context.Context, ln net.Listener) error {
	url := "http://" + ln.Addr().String()
	s.logf("stelvio dev: %s serving %s (%s)\n", url, s.table.App, s.stages())
	for _, line := range s.Routes() {
		s.logf("  %s\n", line)
	}
	if u := s.LambdaEndpoint(); u != "" {
		s.logf("stelvio dev: the app's functions answer Lambda's Invoke at %s (the workers' AWS_ENDPOINT_URL_LAMBDA)\n", u)
	}
	// A listener on an address that is not loopback answers every Host (host.go).
	anyHost := !loopbackAddr(ln.Addr())
	srv := &http.Server{Handler: s, ReadHeaderTimeout: 10 * time.Second, ConnContext: func(ctx context.Context, c net.Conn) context.Context {
		return context.WithValue(connContext(ctx, c), anyHostKey{}, anyHost)
	}}
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(headListener{ln}) }()
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

// stages names the stage the events carry: "stage v1", or "stages: api v1, admin prod" when the APIs
// of the app differ.
func (s *Server) stages() string {
	if len(s.apis) == 0 {
		return "stage $default"
	}
	same := true
	for _, m := range s.apis {
		same = same && m.api.StageName == s.apis[0].api.StageName
	}
	if same {
		return "stage " + s.apis[0].api.StageName
	}
	parts := make([]string, len(s.apis))
	for i, m := range s.apis {
		parts[i] = m.api.Name + " " + m.api.StageName
	}
	return "stages: " + strings.Join(parts, ", ")
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
