package runtimeapi

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"strconv"
	"sync"
	"sync/atomic"
	"time"
)

// Runtime API paths, as AWS serves them.
const (
	apiVersion       = "2018-06-01"
	pathNext         = "/" + apiVersion + "/runtime/invocation/next"
	pathResponse     = "/" + apiVersion + "/runtime/invocation/{id}/response"
	pathError        = "/" + apiVersion + "/runtime/invocation/{id}/error"
	pathInitError    = "/" + apiVersion + "/runtime/init/error"
	pathExtRegister  = "/2020-01-01/extension/register"
	pathExtEventNext = "/2020-01-01/extension/event/next"
)

// Headers of the Runtime API.
const (
	HeaderRequestID          = "Lambda-Runtime-Aws-Request-Id"
	HeaderDeadlineMs         = "Lambda-Runtime-Deadline-Ms"
	HeaderInvokedFunctionArn = "Lambda-Runtime-Invoked-Function-Arn"
	HeaderTraceID            = "Lambda-Runtime-Trace-Id"
	HeaderFunctionErrorType  = "Lambda-Runtime-Function-Error-Type"
)

// MaxResponseSize is the largest response payload Lambda accepts from a synchronously invoked function
// (6 MB); a larger response fails the invocation.
const MaxResponseSize = 6 * 1024 * 1024

// Function describes the function an execution environment runs, as the Runtime API reports it.
type Function struct {
	// Name is the function name (AWS_LAMBDA_FUNCTION_NAME).
	Name string
	// Region is the AWS Region in the function ARN; "us-east-1" when empty.
	Region string
	// AccountID is the account in the function ARN; "012345678912" when empty, as aws-lambda-rie reports.
	AccountID string
	// Timeout is how long one invocation may run once the runtime has taken it; 3 s when zero,
	// Lambda's default.
	Timeout time.Duration
	// InitTimeout bounds how long a new runtime may take before it asks for its first invocation;
	// 10 s when zero, Lambda's init phase limit.
	InitTimeout time.Duration
}

func (f Function) withDefaults() Function {
	if f.Region == "" {
		f.Region = "us-east-1"
	}
	if f.AccountID == "" {
		f.AccountID = "012345678912"
	}
	if f.Timeout <= 0 {
		f.Timeout = 3 * time.Second
	}
	if f.InitTimeout <= 0 {
		f.InitTimeout = 10 * time.Second
	}
	return f
}

// ARN is the function's ARN, sent as Lambda-Runtime-Invoked-Function-Arn.
func (f Function) ARN() string {
	f = f.withDefaults()
	return fmt.Sprintf("arn:aws:lambda:%s:%s:function:%s", f.Region, f.AccountID, f.Name)
}

// ErrorKind says why an invocation failed.
type ErrorKind int

const (
	// KindFunction is an error the runtime reported for the invocation (the handler raised or
	// returned an error); the execution environment stays warm.
	KindFunction ErrorKind = iota + 1
	// KindInit is an error the runtime reported before it asked for an invocation (POST
	// .../runtime/init/error), such as a handler that cannot be imported.
	KindInit
	// KindTimeout is an invocation that ran past the function timeout.
	KindTimeout
	// KindExit is a runtime process that exited before it answered.
	KindExit
	// KindResponseTooLarge is a response larger than MaxResponseSize.
	KindResponseTooLarge
)

// FunctionError is a failed invocation, as Lambda reports it to the invoker.
type FunctionError struct {
	Kind ErrorKind
	// Type is errorType: the handler's error type, or Lambda's own (Runtime.ExitError, Sandbox.Timedout,
	// Runtime.ImportModuleError, ...).
	Type string
	// Message is errorMessage.
	Message string
}

func (e *FunctionError) Error() string {
	if e.Type == "" {
		return e.Message
	}
	return e.Type + ": " + e.Message
}

// Result is the outcome of one invocation.
type Result struct {
	// RequestID is the invocation's Lambda-Runtime-Aws-Request-Id.
	RequestID string
	// Payload is what Lambda's Invoke returns: the function's response, or when Err is set the error
	// document ({"errorMessage": ..., "errorType": ..., "stackTrace": ...}).
	Payload []byte
	// Err is set when the invocation failed.
	Err *FunctionError

	exits bool // the runtime ends its process after this result (a Go handler's panic)
}

// resetsEnvironment reports whether the execution environment must be replaced after this result.
func (r Result) resetsEnvironment() bool {
	return r.exits || r.Err != nil && r.Err.Kind != KindFunction && r.Err.Kind != KindResponseTooLarge
}

// ErrClosed is returned by Invoke on a closed Server or Pool.
var ErrClosed = errors.New("runtime api closed")

// errNotTaken is an invocation that never reached the runtime because the runtime had already exited.
var errNotTaken = errors.New("runtime exited before taking the invocation")

type invocation struct {
	id       string
	traceID  string
	payload  []byte
	deadline time.Time
	readyBy  time.Time     // pipe workers: when waiting for the runtime to start ends
	taken    chan struct{} // closed by /next once deadline is set
	once     sync.Once
	done     chan Result // buffered 1
}

func (inv *invocation) finish(r Result) {
	inv.once.Do(func() {
		r.RequestID = inv.id
		inv.done <- r
	})
}

// Server is the Runtime API of one execution environment, listening on 127.0.0.1.
type Server struct {
	fn   Function
	arn  string
	ln   net.Listener
	http *http.Server

	next chan *invocation

	mu        sync.Mutex
	current   *invocation
	initErr   *Result
	exitErr   error
	exited    chan struct{}
	initFail  chan struct{}
	closed    chan struct{}
	closeOnce sync.Once
	exitOnce  sync.Once
	initOnce  sync.Once
	polled    chan struct{} // closed at the first /next
	pollOnce  sync.Once
	readyAt   atomic.Int64 // Unix ns of the first /next
}

// NewServer starts the Runtime API of one execution environment for fn on a free 127.0.0.1 port.
func NewServer(fn Function) (*Server, error) {
	fn = fn.withDefaults()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, fmt.Errorf("listen for the runtime api of function %q: %w", fn.Name, err)
	}
	s := &Server{
		fn:       fn,
		arn:      fn.ARN(),
		ln:       ln,
		next:     make(chan *invocation),
		exited:   make(chan struct{}),
		initFail: make(chan struct{}),
		closed:   make(chan struct{}),
		polled:   make(chan struct{}),
	}
	mux := http.NewServeMux()
	mux.HandleFunc("GET "+pathNext, s.handleNext)
	mux.HandleFunc("POST "+pathResponse, s.handleResponse)
	mux.HandleFunc("POST "+pathError, s.handleError)
	mux.HandleFunc("POST "+pathInitError, s.handleInitError)
	mux.HandleFunc("POST "+pathExtRegister, s.handleExtensionRegister)
	mux.HandleFunc("GET "+pathExtEventNext, s.handleExtensionNext)
	s.http = &http.Server{Handler: mux, ReadHeaderTimeout: 10 * time.Second}
	go s.http.Serve(ln) //nolint:errcheck // Serve returns only when Close is called.
	return s, nil
}

// Addr is the host:port of the Runtime API, the value of AWS_LAMBDA_RUNTIME_API.
func (s *Server) Addr() string { return s.ln.Addr().String() }

// Close stops the Runtime API. An invocation still waiting fails with ErrClosed.
func (s *Server) Close() error {
	s.closeOnce.Do(func() { close(s.closed) })
	return s.http.Close()
}

// Exited tells the server that the runtime process has exited with err (nil for a clean exit): an
// invocation in progress fails with Runtime.ExitError.
func (s *Server) Exited(err error) {
	s.exitOnce.Do(func() {
		s.mu.Lock()
		s.exitErr = err
		s.mu.Unlock()
		close(s.exited)
	})
}

// Invoke hands payload to the runtime's next GET .../invocation/next and waits for its response or
// error. The function timeout counts from the moment the runtime takes the invocation; a runtime that
// has not asked for an invocation within InitTimeout + Timeout fails it with Sandbox.Timedout. Invoke
// returns an error only when the invocation could not be run (ctx done, server closed); a failed
// invocation is a Result with Err set.
func (s *Server) Invoke(ctx context.Context, payload []byte) (Result, error) {
	id := newRequestID()
	r, err := s.invoke(ctx, id, payload)
	if errors.Is(err, errNotTaken) {
		return s.exitResult(&invocation{id: id}), nil
	}
	return r, err
}

// readySince returns when the runtime first asked for an invocation (its initialisation was done); zero
// before.
func (s *Server) readySince() time.Time { return unixNano(s.readyAt.Load()) }

// awaitReady waits until the runtime asked for its first invocation, reported an initialisation error
// or exited, at most until by.
func (s *Server) awaitReady(by time.Time) {
	t := time.NewTimer(time.Until(by))
	defer t.Stop()
	select {
	case <-s.polled:
	case <-s.initFail:
	case <-s.exited:
	case <-s.closed:
	case <-t.C:
	}
}

func unixNano(ns int64) time.Time {
	if ns == 0 {
		return time.Time{}
	}
	return time.Unix(0, ns)
}

// invoke is Invoke, but reports errNotTaken when the runtime had exited before taking the invocation,
// so that a Pool can retry on a fresh worker.
func (s *Server) invoke(ctx context.Context, id string, payload []byte) (Result, error) {
	inv := &invocation{
		id:      id,
		traceID: newTraceID(),
		payload: payload,
		taken:   make(chan struct{}),
		done:    make(chan Result, 1),
	}
	s.mu.Lock()
	initErr := s.initErr
	s.mu.Unlock()
	if initErr != nil {
		r := *initErr
		r.RequestID = inv.id
		return r, nil
	}

	waitTake := time.NewTimer(s.fn.InitTimeout + s.fn.Timeout)
	defer waitTake.Stop()
	select {
	case s.next <- inv:
		<-inv.taken
	case <-s.exited:
		return Result{}, errNotTaken
	case <-s.initFail:
		s.mu.Lock()
		r := *s.initErr
		s.mu.Unlock()
		r.RequestID = inv.id
		return r, nil
	case <-waitTake.C:
		return s.timeoutResult(inv), nil
	case <-s.closed:
		return Result{}, ErrClosed
	case <-ctx.Done():
		return Result{}, ctx.Err()
	}

	timer := time.NewTimer(time.Until(inv.deadline))
	defer timer.Stop()
	select {
	case r := <-inv.done:
		return r, nil
	case <-s.exited:
		// A response that raced the exit wins.
		select {
		case r := <-inv.done:
			return r, nil
		default:
		}
		return s.exitResult(inv), nil
	case <-s.initFail:
		s.mu.Lock()
		r := *s.initErr
		s.mu.Unlock()
		r.RequestID = inv.id
		return r, nil
	case <-timer.C:
		return s.timeoutResult(inv), nil
	case <-s.closed:
		return Result{}, ErrClosed
	case <-ctx.Done():
		return Result{}, ctx.Err()
	}
}

func (s *Server) timeoutResult(inv *invocation) Result { return timeoutResult(inv.id, s.fn.Timeout) }

// timeoutResult is the Sandbox.Timedout of invocation id, which ran past timeout.
func timeoutResult(id string, timeout time.Duration) Result {
	msg := fmt.Sprintf("RequestId: %s Error: Task timed out after %.2f seconds", id, timeout.Seconds())
	return errorResult(id, KindTimeout, "Sandbox.Timedout", msg)
}

func (s *Server) exitResult(inv *invocation) Result {
	s.mu.Lock()
	err := s.exitErr
	s.mu.Unlock()
	return exitErrorResult(inv.id, err)
}

// exitErrorResult is the Runtime.ExitError of a runtime that exited with err during invocation id.
func exitErrorResult(id string, err error) Result {
	reason := "Runtime exited without providing a reason"
	if err != nil {
		reason = "Runtime exited with error: " + err.Error()
	}
	typ := "Runtime.ExitError"
	if oom := (*outOfMemoryError)(nil); errors.As(err, &oom) {
		typ = "Runtime.OutOfMemory"
	}
	return errorResult(id, KindExit, typ, fmt.Sprintf("RequestId: %s Error: %s", id, reason))
}

func errorResult(id string, kind ErrorKind, typ, msg string) Result {
	doc, _ := json.Marshal(struct {
		Type    string `json:"errorType"`
		Message string `json:"errorMessage"`
	}{typ, msg})
	return Result{RequestID: id, Payload: doc, Err: &FunctionError{Kind: kind, Type: typ, Message: msg}}
}

func (s *Server) handleNext(w http.ResponseWriter, r *http.Request) {
	s.pollOnce.Do(func() {
		s.readyAt.Store(time.Now().UnixNano())
		close(s.polled)
	})
	var inv *invocation
	select {
	case inv = <-s.next:
	case <-r.Context().Done():
		return
	case <-s.closed:
		return
	}
	inv.deadline = time.Now().Add(s.fn.Timeout)
	s.mu.Lock()
	s.current = inv
	s.mu.Unlock()
	close(inv.taken)

	h := w.Header()
	h.Set("Content-Type", "application/json")
	h.Set(HeaderRequestID, inv.id)
	h.Set(HeaderDeadlineMs, strconv.FormatInt(inv.deadline.UnixMilli(), 10))
	h.Set(HeaderInvokedFunctionArn, s.arn)
	h.Set(HeaderTraceID, inv.traceID)
	h.Set("Content-Length", strconv.Itoa(len(inv.payload)))
	w.WriteHeader(http.StatusOK)
	w.Write(inv.payload) //nolint:errcheck // A runtime that hung up times out like on AWS.
}

// take returns the current invocation if id names it, and forgets it.
func (s *Server) take(id string) *invocation {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.current == nil || s.current.id != id {
		return nil
	}
	inv := s.current
	s.current = nil
	return inv
}

func (s *Server) handleResponse(w http.ResponseWriter, r *http.Request) {
	body, err := io.ReadAll(io.LimitReader(r.Body, MaxResponseSize+1))
	if err != nil {
		writeStatus(w, http.StatusBadRequest, "InvalidRequest", "read response body: "+err.Error())
		return
	}
	inv := s.take(r.PathValue("id"))
	if inv == nil {
		writeStatus(w, http.StatusBadRequest, "InvalidRequestID", "Invalid request ID")
		return
	}
	if len(body) > MaxResponseSize {
		msg := fmt.Sprintf("Response payload size exceeded maximum allowed payload size (%d bytes).", MaxResponseSize)
		inv.finish(errorResult(inv.id, KindResponseTooLarge, "Function.ResponseSizeTooLarge", msg))
		writeStatus(w, http.StatusRequestEntityTooLarge, "RequestEntityTooLarge", msg)
		return
	}
	inv.finish(Result{Payload: body})
	writeAccepted(w)
}

func (s *Server) handleError(w http.ResponseWriter, r *http.Request) {
	body, err := io.ReadAll(io.LimitReader(r.Body, MaxResponseSize))
	if err != nil {
		writeStatus(w, http.StatusBadRequest, "InvalidRequest", "read error body: "+err.Error())
		return
	}
	inv := s.take(r.PathValue("id"))
	if inv == nil {
		writeStatus(w, http.StatusBadRequest, "InvalidRequestID", "Invalid request ID")
		return
	}
	inv.finish(runtimeErrorResult(KindFunction, r.Header.Get(HeaderFunctionErrorType), body))
	writeAccepted(w)
}

func (s *Server) handleInitError(w http.ResponseWriter, r *http.Request) {
	body, err := io.ReadAll(io.LimitReader(r.Body, MaxResponseSize))
	if err != nil {
		writeStatus(w, http.StatusBadRequest, "InvalidRequest", "read error body: "+err.Error())
		return
	}
	res := runtimeErrorResult(KindInit, r.Header.Get(HeaderFunctionErrorType), body)
	s.initOnce.Do(func() {
		s.mu.Lock()
		s.initErr = &res
		s.mu.Unlock()
		close(s.initFail)
	})
	writeAccepted(w)
}

// runtimeErrorResult turns an error document posted by a runtime into a Result. The document is kept
// as Lambda returns it; when it is not JSON, Lambda's own shape is used with the header's type.
func runtimeErrorResult(kind ErrorKind, headerType string, body []byte) Result {
	var doc struct {
		Type    string `json:"errorType"`
		Message string `json:"errorMessage"`
	}
	if err := json.Unmarshal(body, &doc); err != nil || (doc.Type == "" && doc.Message == "") {
		typ := headerType
		if typ == "" {
			typ = "Runtime.Unknown"
		}
		return errorResult("", kind, typ, string(body))
	}
	if doc.Type == "" {
		doc.Type = headerType
	}
	return Result{Payload: body, Err: &FunctionError{Kind: kind, Type: doc.Type, Message: doc.Message}}
}

// handleExtensionRegister accepts the internal extension aws-lambda-go registers to receive SIGTERM;
// no events are ever sent to it.
func (s *Server) handleExtensionRegister(w http.ResponseWriter, r *http.Request) {
	io.Copy(io.Discard, r.Body) //nolint:errcheck // The registration body is not used.
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Lambda-Extension-Identifier", newRequestID())
	json.NewEncoder(w).Encode(map[string]string{ //nolint:errcheck // Best effort, like any HTTP reply.
		"functionName":    s.fn.Name,
		"functionVersion": "$LATEST",
	})
}

func (s *Server) handleExtensionNext(w http.ResponseWriter, r *http.Request) {
	select {
	case <-r.Context().Done():
	case <-s.closed:
	}
}

func writeAccepted(w http.ResponseWriter) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(http.StatusAccepted)
	io.WriteString(w, `{"status":"OK"}`) //nolint:errcheck // Best effort, like any HTTP reply.
}

func writeStatus(w http.ResponseWriter, code int, typ, msg string) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(code)
	json.NewEncoder(w).Encode(struct { //nolint:errcheck // Best effort, like any HTTP reply.
		Message string `json:"errorMessage"`
		Type    string `json:"errorType"`
	}{msg, typ})
}

// newRequestID returns a random UUID (version 4), the shape of Lambda request IDs.
func newRequestID() string {
	var b [16]byte
	rand.Read(b[:]) //nolint:errcheck // crypto/rand.Read never fails.
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	h := hex.EncodeToString(b[:])
	return h[0:8] + "-" + h[8:12] + "-" + h[12:16] + "-" + h[16:20] + "-" + h[20:32]
}

// newTraceID returns an X-Ray trace header: Root=1-{epoch hex}-{96-bit id};Parent={64-bit id};Sampled=0.
func newTraceID() string {
	var b [20]byte
	rand.Read(b[:]) //nolint:errcheck // crypto/rand.Read never fails.
	return fmt.Sprintf("Root=1-%08x-%s;Parent=%s;Sampled=0",
		time.Now().Unix(), hex.EncodeToString(b[:12]), hex.EncodeToString(b[12:]))
}
