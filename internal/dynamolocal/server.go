package dynamolocal

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"hash/crc32"
	"io"
	"net"
	"net/http"
	"net/http/httputil"
	"net/url"
	"os"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/sivchari/kumo"
)

// Options configure Start.
type Options struct {
	// Dir holds the snapshot (dynamodb.json). Empty keeps the data in memory only.
	Dir string
	// Addr is the listen address; "127.0.0.1:0" (a free loopback port) when empty.
	Addr string
	// SnapshotInterval is how often changed data is written to Dir; one second when zero. A crash
	// loses at most the changes of the last interval.
	SnapshotInterval time.Duration
	// Logf reports background snapshot failures; nil drops them (Close still returns the last one).
	Logf func(format string, args ...any)
}

// Server is a running local DynamoDB endpoint.
type Server struct {
	opts     Options
	engine   *kumo.Server
	upstream string
	client   *http.Client
	listener net.Listener
	http     *http.Server
	served   chan error

	changes atomic.Uint64 // count of requests that changed data
	saved   atomic.Uint64 // value of changes covered by the last snapshot

	tables   sync.Map      // table name -> cachedTable (projection.go)
	shapeGen atomic.Uint64 // bumped by every CreateTable, DeleteTable, UpdateTable

	grantMu    sync.RWMutex
	principals map[string]Principal // access key id -> function (access.go)

	snapMu   sync.Mutex // one snapshot at a time
	lastErr  error
	stop     chan struct{}
	loopDone chan struct{}
	closed   bool
}

// running guards the process-wide engine: kumo's services are package-level state.
var running atomic.Bool

// Start starts the engine, restores the snapshot in opts.Dir if there is one, and listens on
// opts.Addr. The context bounds the start only.
func Start(ctx context.Context, opts Options) (*Server, error) {
	if opts.Addr == "" {
		opts.Addr = "127.0.0.1:0"
	}
	if opts.SnapshotInterval <= 0 {
		opts.SnapshotInterval = time.Second
	}
	if !running.CompareAndSwap(false, true) {
		return nil, errors.New("start local dynamodb: another local dynamodb is running in this process; close it first")
	}
	s, err := start(ctx, opts)
	if err != nil {
		running.Store(false)
		return nil, fmt.Errorf("start local dynamodb: %w", err)
	}
	return s, nil
}

func start(ctx context.Context, opts Options) (*Server, error) {
	engine := kumo.NewServer()
	s := &Server{
		opts:     opts,
		engine:   engine,
		upstream: engine.URL,
		client: &http.Client{Transport: &http.Transport{
			Proxy:               nil,
			MaxIdleConns:        64,
			MaxIdleConnsPerHost: 64,
			IdleConnTimeout:     90 * time.Second,
		}},
		stop:     make(chan struct{}),
		loopDone: make(chan struct{}),
		served:   make(chan error, 1),
	}
	fail := func(err error) (*Server, error) {
		s.client.CloseIdleConnections()
		engine.Close()
		return nil, err
	}
	// A Server closed earlier in this process leaves its tables in the shared engine.
	if err := s.deleteAllTables(ctx); err != nil {
		return fail(err)
	}
	if opts.Dir != "" {
		if err := s.restore(ctx); err != nil {
			return fail(err)
		}
	}
	ln, err := net.Listen("tcp", opts.Addr)
	if err != nil {
		return fail(fmt.Errorf("listen on %s: %w", opts.Addr, err))
	}
	s.listener = ln
	s.http = &http.Server{Handler: s.handler(), ReadHeaderTimeout: 10 * time.Second}
	go func() { s.served <- s.http.Serve(ln) }()
	go s.snapshotLoop()
	return s, nil
}

// Endpoint is the base URL clients use, e.g. "http://127.0.0.1:43123".
func (s *Server) Endpoint() string { return "http://" + s.listener.Addr().String() }

// Region is the region in the tables' ARNs, which Env hands to workers too: the engine reads
// AWS_DEFAULT_REGION once when the process starts, "us-east-1" without it.
func (s *Server) Region() string { return engineRegion }

// engineRegion is read the way the engine reads it, during package initialisation, which runs
// after the engine's own.
var engineRegion = func() string {
	if r := os.Getenv("AWS_DEFAULT_REGION"); r != "" {
		return r
	}
	return "us-east-1"
}()

// Close stops accepting requests, writes a last snapshot when data changed, and stops the engine.
// It returns the snapshot error, if any.
func (s *Server) Close() error {
	s.snapMu.Lock()
	if s.closed {
		s.snapMu.Unlock()
		return nil
	}
	s.closed = true
	s.snapMu.Unlock()

	close(s.stop)
	<-s.loopDone
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	errs := []error{}
	if err := s.http.Shutdown(ctx); err != nil {
		errs = append(errs, fmt.Errorf("stop listener: %w", err))
	}
	if err := s.Snapshot(ctx); err != nil {
		errs = append(errs, err)
	}
	s.client.CloseIdleConnections()
	s.engine.Close()
	running.Store(false)
	return errors.Join(errs...)
}

// dataTargets are the operations that change data or tables; after one succeeds a snapshot is due.
var dataTargets = map[string]bool{
	"CreateTable": true, "DeleteTable": true, "UpdateTable": true, "UpdateTimeToLive": true,
	"PutItem": true, "UpdateItem": true, "DeleteItem": true, "BatchWriteItem": true,
	"TransactWriteItems": true, "ExecuteStatement": true, "BatchExecuteStatement": true,
	"ExecuteTransaction": true,
}

const (
	dynamoPrefix  = "DynamoDB_20120810."
	streamsPrefix = "DynamoDBStreams_20120810."
)

// handler forwards the DynamoDB and DynamoDB Streams protocols to the engine.
func (s *Server) handler() http.Handler {
	target, _ := url.Parse(s.upstream)
	proxy := &httputil.ReverseProxy{
		Rewrite: func(r *httputil.ProxyRequest) {
			r.SetURL(target)
			r.Out.Host = target.Host
		},
		Transport:      s.client.Transport,
		ModifyResponse: s.modifyResponse,
		ErrorHandler: func(w http.ResponseWriter, _ *http.Request, err error) {
			writeError(w, http.StatusInternalServerError, "InternalServerError", "local dynamodb engine: "+err.Error())
		},
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		op := r.Header.Get("X-Amz-Target")
		if r.Method != http.MethodPost || !(strings.HasPrefix(op, dynamoPrefix) || strings.HasPrefix(op, streamsPrefix)) {
			writeError(w, http.StatusBadRequest, "UnknownOperationException",
				"this endpoint serves only DynamoDB and DynamoDB Streams (POST with X-Amz-Target)")
			return
		}
		if strings.HasPrefix(op, streamsPrefix) {
			proxy.ServeHTTP(w, r)
			return
		}
		op = strings.TrimPrefix(op, dynamoPrefix)
		body, err := readBody(r)
		if err != nil {
			writeError(w, http.StatusBadRequest, "SerializationException", "read request: "+err.Error())
			return
		}
		if p, ok := s.principalOf(r); ok {
			if need, denied := denial(p, op, body); denied {
				writeAccessDenied(w, p, need)
				return
			}
		}
		if shapeOps[op] {
			s.shapeChanged() // before the change and, in modifyResponse, after it
		}
		r = noteFailureItem(r, op, body)
		if op == "Query" || op == "Scan" {
			plan, out, written := s.planRead(r.Context(), w, op, body)
			if written {
				return
			}
			if plan != nil {
				r = r.WithContext(context.WithValue(r.Context(), readKey{}, plan))
			}
			if out != nil {
				r.Body = io.NopCloser(bytes.NewReader(out))
				r.ContentLength = int64(len(out))
				r.Header.Set("Content-Length", strconv.Itoa(len(out)))
			}
		}
		proxy.ServeHTTP(w, r)
	})
}

// modifyResponse adds X-Amz-Crc32 and counts successful changes.
func (s *Server) modifyResponse(resp *http.Response) error {
	body, err := io.ReadAll(resp.Body)
	resp.Body.Close()
	if err != nil {
		return fmt.Errorf("read engine response: %w", err)
	}
	if resp.StatusCode == http.StatusBadRequest {
		if bytes.Contains(body, []byte("TransactionCanceledException")) {
			body = fixCancellation(body)
		}
		body = s.addFailureItem(resp.Request.Context(), body)
		body = s.fixPutKeyMessage(resp.Request.Context(), body)
	}
	if plan, ok := resp.Request.Context().Value(readKey{}).(*readPlan); ok && resp.StatusCode == http.StatusOK {
		body = applyRead(plan, body)
	}
	resp.Body = io.NopCloser(bytes.NewReader(body))
	resp.ContentLength = int64(len(body))
	resp.Header.Set("Content-Length", strconv.Itoa(len(body)))
	resp.Header.Set("X-Amz-Crc32", strconv.FormatUint(uint64(crc32.ChecksumIEEE(body)), 10))
	if resp.StatusCode == http.StatusOK {
		op := strings.TrimPrefix(resp.Request.Header.Get("X-Amz-Target"), dynamoPrefix)
		if dataTargets[op] {
			s.changes.Add(1)
		}
		if shapeOps[op] {
			s.shapeChanged()
		}
	}
	return nil
}

// readBody reads r's body and puts it back for the engine.
func readBody(r *http.Request) ([]byte, error) {
	if r.Body == nil {
		return nil, nil
	}
	body, err := io.ReadAll(r.Body)
	r.Body.Close()
	if err != nil {
		return nil, err
	}
	r.Body = io.NopCloser(bytes.NewReader(body))
	return body, nil
}

func writeError(w http.ResponseWriter, status int, code, message string) {
	body, _ := json.Marshal(map[string]string{"__type": "com.amazonaws.dynamodb.v20120810#" + code, "message": message})
	writeRaw(w, status, body)
}

func writeRaw(w http.ResponseWriter, status int, body []byte) {
	w.Header().Set("Content-Type", "application/x-amz-json-1.0")
	w.Header().Set("X-Amz-Crc32", strconv.FormatUint(uint64(crc32.ChecksumIEEE(body)), 10))
	w.WriteHeader(status)
	_, _ = w.Write(body)
}

func (s *Server) snapshotLoop() {
	defer close(s.loopDone)
	if s.opts.Dir == "" {
		<-s.stop
		return
	}
	tick := time.NewTicker(s.opts.SnapshotInterval)
	defer tick.Stop()
	for {
		select {
		case <-s.stop:
			return
		case <-tick.C:
			ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
			err := s.Snapshot(ctx)
			cancel()
			if err != nil && s.opts.Logf != nil {
				s.opts.Logf("local dynamodb: %v", err)
			}
		}
	}
}
