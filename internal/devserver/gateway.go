package devserver

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"sync"

	"github.com/stelvio-go/stelvio/internal/authorizer"
	"github.com/stelvio-go/stelvio/internal/route"
)

// This file is the API Gateway behaviour around the handlers: CORS (the preflight answer and the
// CORS headers of every answer the gateway makes itself) and the authorizers. serve calls it in the
// request path: preflight, then the gateway writer, then authorize once the event is built.

// gateway holds the authorizer engine of each API of the server (each keeps its own result caches,
// as each deployed API does).
type gateway struct {
	engines map[*route.Api]*authorizer.Engine

	mu sync.Mutex
	// sources are the last seen source fingerprints of the authorizers' functions, by function name.
	sources map[string]string
}

func newGateway(s *Server) *gateway {
	g := &gateway{engines: map[*route.Api]*authorizer.Engine{}, sources: map[string]string{}}
	opts := s.authorizerOptions()
	for _, m := range s.apis {
		if len(m.api.Authorizers) > 0 {
			g.engines[m.api] = authorizer.NewEngine(opts)
		}
	}
	return g
}

// authorizerOptions are the options of the server's authorizer engines: the Authorizers option with
// the log, the development key's folder and the credentials filled in.
func (s *Server) authorizerOptions() authorizer.Options {
	opts := s.opts.Authorizers
	if opts.Log == nil {
		opts.Log = &prefixWriter{w: s.log, prefix: "[authorizer] "}
	}
	if opts.DevKeyDir == "" {
		opts.DevKeyDir = filepath.Join(s.opts.ProjectDir, ".stelvio")
	}
	if opts.Credentials == nil {
		opts.Credentials = authorizer.CredentialsFromEnv(os.Getenv)
	}
	return opts
}

// preflight answers an OPTIONS request on a path of an API with CORS as the API's OPTIONS mock
// method does (API Gateway runs no authorizer for it); done is false for every other request. An
// OPTIONS request on a path without routes falls through to the 403 of a missing resource.
func (s *Server) preflight(w http.ResponseWriter, r *http.Request, m *mountedAPI, path, requestID string) (status int, done bool) {
	if m == nil || m.api.CORS == nil || r.Method != http.MethodOptions {
		return 0, false
	}
	res := m.router.resourceFor(path)
	if res == nil || res.methods["OPTIONS"] != nil {
		return 0, false
	}
	methods := make([]string, 0, len(res.methods))
	for verb := range res.methods {
		methods = append(methods, verb)
	}
	pre := m.api.CORS.Preflight(methods)
	for k, v := range pre.Headers {
		w.Header()[k] = v
	}
	w.Header().Set("x-amzn-RequestId", requestID)
	w.Header().Set("Content-Length", strconv.Itoa(len(pre.Body)))
	w.WriteHeader(pre.Status)
	w.Write(pre.Body) //nolint:errcheck // The client may have gone; nothing to do about it.
	return pre.Status, true
}

// resourceFor is the resource the path selects, whatever the method; nil when none.
func (rt *router) resourceFor(path string) *resource {
	segs := splitPath(path)
	var best *resource
	for _, res := range rt.resources {
		if _, ok := matchPath(res.path, segs); ok && (best == nil || moreSpecific(res.path, best.path)) {
			best = res
		}
	}
	return best
}

// gatewayWriter is the ResponseWriter of every answer the gateway makes itself for an API with CORS:
// it adds the API's CORS gateway-response headers (its DEFAULT_4XX and DEFAULT_5XX gateway responses
// carry them). A handler's response is written through handlerWriter, untouched.
type gatewayWriter struct {
	http.ResponseWriter
	headers http.Header
	wrote   bool
}

// gatewayWriter wraps w for the API m; w itself when the API has no CORS.
func (s *Server) gatewayWriter(w http.ResponseWriter, m *mountedAPI) http.ResponseWriter {
	if m == nil || m.api.CORS == nil {
		return w
	}
	return &gatewayWriter{ResponseWriter: w, headers: m.api.CORS.GatewayResponseHeaders()}
}

func (g *gatewayWriter) WriteHeader(status int) {
	if !g.wrote {
		g.wrote = true
		for k, v := range g.headers {
			g.ResponseWriter.Header()[k] = v
		}
	}
	g.ResponseWriter.WriteHeader(status)
}

func (g *gatewayWriter) Write(b []byte) (int, error) {
	if !g.wrote {
		g.WriteHeader(http.StatusOK)
	}
	return g.ResponseWriter.Write(b)
}

// handlerWriter is the writer of a handler's response: the client's own, without the gateway's CORS
// headers.
func handlerWriter(w http.ResponseWriter) http.ResponseWriter {
	if g, ok := w.(*gatewayWriter); ok {
		return g.ResponseWriter
	}
	return w
}

// authorize runs the route's authorizer for the request whose handler event is payload. A refused
// request (or a failed authorizer) is answered here with the gateway's answer, and status is its
// status; otherwise status is 0 and the returned payload carries requestContext.authorizer (and, for
// AWS_IAM, the caller in requestContext.identity).
func (s *Server) authorize(ctx context.Context, w http.ResponseWriter, r *http.Request, m *mountedAPI, rt *route.Route,
	params map[string]string, body, payload []byte, requestID string) ([]byte, int) {
	if rt.Auth == nil {
		return payload, 0
	}
	engine := s.gw.engines[m.api]
	s.flushChanged(m, rt.Auth)
	areq := &authorizer.Request{
		HTTP: r, Body: body, Resource: rt.Resource(), PathParameters: params,
		Region: s.opts.Region, AccountID: AccountID, APIID: m.id, Stage: m.api.StageName,
		Scopes: rt.Scopes,
	}
	if rt.Auth.Kind == authorizer.KindRequest {
		// A REQUEST authorizer's event has the handler event's headers and requestContext.
		var ev struct {
			MultiValueHeaders map[string][]string `json:"multiValueHeaders"`
			RequestContext    json.RawMessage     `json:"requestContext"`
		}
		if err := json.Unmarshal(payload, &ev); err != nil {
			return s.authorizerFailed(w, requestID, fmt.Errorf("read the event: %w", err))
		}
		var rc struct {
			RequestID string `json:"requestId"`
			Identity  struct {
				SourceIP  string  `json:"sourceIp"`
				UserAgent *string `json:"userAgent"`
			} `json:"identity"`
		}
		json.Unmarshal(ev.RequestContext, &rc) //nolint:errcheck // The event was made by the server itself.
		vars := map[string]string{"requestId": rc.RequestID, "identity.sourceIp": rc.Identity.SourceIP}
		if rc.Identity.UserAgent != nil {
			vars["identity.userAgent"] = *rc.Identity.UserAgent
		}
		areq.MultiValueHeaders, areq.RequestContext, areq.ContextVariables = ev.MultiValueHeaders, ev.RequestContext, vars
	}
	res := engine.Authorize(ctx, rt.Auth, areq, s.invokeAuthorizer)
	if res.Answer != nil {
		res.Answer.Headers.Set("x-amzn-RequestId", requestID)
		res.Answer.Headers.Set("Content-Length", strconv.Itoa(len(res.Answer.Body)))
		res.Answer.Write(w)
		return nil, res.Answer.Status
	}
	out, err := withAuthorizer(payload, res)
	if err != nil {
		return s.authorizerFailed(w, requestID, err)
	}
	return out, 0
}

// flushChanged empties the API's authorizer caches when the sources of a Lambda authorizer's function
// changed since its last request: a changed authorizer is a new deployment, and API Gateway flushes
// the caches on redeployment.
func (s *Server) flushChanged(m *mountedAPI, cfg *authorizer.Config) {
	if cfg.Kind != authorizer.KindToken && cfg.Kind != authorizer.KindRequest {
		return
	}
	fn := s.table.FunctionByName(cfg.Function)
	if fn == nil {
		return
	}
	fp, err := s.functionRunner(fn).sources.fingerprint()
	if err != nil {
		return // the invocation reports it
	}
	s.gw.mu.Lock()
	prev, seen := s.gw.sources[fn.Name]
	s.gw.sources[fn.Name] = fp
	s.gw.mu.Unlock()
	if seen && prev != fp {
		s.logf("[authorizer] %s changed; the authorizer result caches of api %s are flushed\n", fn.Name, m.api.Name)
		s.gw.engines[m.api].Flush()
	}
}

func (s *Server) authorizerFailed(w http.ResponseWriter, requestID string, err error) ([]byte, int) {
	s.logf("[authorizer] %v\n", err)
	a := authorizer.ConfigurationError()
	a.Headers.Set("x-amzn-RequestId", requestID)
	a.Write(w)
	return nil, a.Status
}

// withAuthorizer sets requestContext.authorizer of the event payload (and the AWS_IAM caller's fields
// of requestContext.identity), leaving every other field as the event builder wrote it.
func withAuthorizer(payload []byte, res authorizer.Result) ([]byte, error) {
	if res.Identity == nil {
		return insertAuthorizer(payload, res.Authorizer)
	}
	var ev map[string]json.RawMessage
	if err := json.Unmarshal(payload, &ev); err != nil {
		return nil, fmt.Errorf("read the event: %w", err)
	}
	var rc map[string]json.RawMessage
	if err := json.Unmarshal(ev["requestContext"], &rc); err != nil {
		return nil, fmt.Errorf("read the event's requestContext: %w", err)
	}
	if res.Authorizer != nil {
		a, err := json.Marshal(res.Authorizer)
		if err != nil {
			return nil, fmt.Errorf("encode requestContext.authorizer: %w", err)
		}
		rc["authorizer"] = a
	}
	if id := res.Identity; id != nil {
		var identity map[string]json.RawMessage
		if err := json.Unmarshal(rc["identity"], &identity); err != nil {
			return nil, fmt.Errorf("read the event's requestContext.identity: %w", err)
		}
		for k, v := range map[string]string{"accessKey": id.AccessKey, "accountId": id.AccountID, "caller": id.Caller, "user": id.User, "userArn": id.UserArn} {
			identity[k], _ = json.Marshal(v)
		}
		b, err := json.Marshal(identity)
		if err != nil {
			return nil, err
		}
		rc["identity"] = b
	}
	var err error
	if ev["requestContext"], err = json.Marshal(rc); err != nil {
		return nil, err
	}
	return json.Marshal(ev)
}

// requestContextKey opens the event's requestContext object. Inside a JSON string its quotes would be
// escaped, and no other object of the event has a key requestContext whose value is an object (query
// parameters' values are strings and lists), so it occurs once, at the top level.
var requestContextKey = []byte(`"requestContext":{`)

// insertAuthorizer is withAuthorizer for a result without identity fields: requestContext.authorizer,
// encoded by encoding/json, is inserted as the first member of requestContext without decoding the
// rest of the event (a Lambda authorizer's answer from the cache then costs microseconds, not a
// decode and encode of the whole event).
func insertAuthorizer(payload []byte, auth map[string]any) ([]byte, error) {
	if auth == nil {
		return payload, nil
	}
	i := bytes.Index(payload, requestContextKey)
	if i < 0 {
		return nil, errors.New("the event has no requestContext")
	}
	a, err := json.Marshal(auth)
	if err != nil {
		return nil, fmt.Errorf("encode requestContext.authorizer: %w", err)
	}
	at := i + len(requestContextKey)
	out := make([]byte, 0, len(payload)+len(a)+16)
	out = append(out, payload[:at]...)
	out = append(out, `"authorizer":`...)
	out = append(out, a...)
	if payload[at] != '}' {
		out = append(out, ',')
	}
	return append(out, payload[at:]...), nil
}

// invokeAuthorizer runs an authorizer's function on its workers, as routes' functions run. A failed
// invocation is returned as its *runtimeapi.FunctionError, whose message decides the answer.
func (s *Server) invokeAuthorizer(ctx context.Context, function string, event []byte) ([]byte, error) {
	fn := s.table.FunctionByName(function)
	if fn == nil {
		return nil, fmt.Errorf("authorizer function %q is not in the app", function)
	}
	run := s.functionRunner(fn)
	pool, err := run.current(ctx)
	if err != nil {
		return nil, err
	}
	res, err := pool.Invoke(ctx, event)
	if err != nil {
		return nil, fmt.Errorf("invoke %s: %w", run.label, err)
	}
	if res.Err != nil {
		// The worker's own output has shown the error; the engine decides what it means.
		return nil, fmt.Errorf("function %s: %w", run.label, res.Err)
	}
	return res.Payload, nil
}

// prepareAuthorizers builds the functions of the Lambda authorizers ahead of the first request, as
// Prepare builds the routes'.
func (s *Server) prepareAuthorizers(ctx context.Context) {
	for _, m := range s.apis {
		for _, cfg := range m.api.Authorizers {
			fn := s.table.FunctionByName(cfg.Function)
			if fn == nil || cfg.Kind != authorizer.KindToken && cfg.Kind != authorizer.KindRequest {
				continue
			}
			run := s.functionRunner(fn)
			if _, err := run.current(ctx); err != nil && !errors.As(err, new(*BuildError)) {
				s.logf("[%s] %s\n", run.label, err)
			}
		}
	}
}

// functionRunner returns the runner of a function with no routes of its own (an authorizer's).
func (s *Server) functionRunner(fn *route.Function) *runner {
	s.mu.Lock()
	defer s.mu.Unlock()
	run := s.runners[fn.Name]
	if run == nil {
		run = s.newRunner(fn)
		s.runners[fn.Name] = run
	}
	return run
}
