package httpapi

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"errors"
	"fmt"
	"io"
	"net/http"
	"slices"
	"time"

	"github.com/stelvio-go/stelvio/internal/authorizer"
)

// MaxTimeout is the "Maximum integration timeout | 30 seconds" quota, the default integration timeout.
// MaxPayload is the "Payload size | 10 MB" quota, MaxHead the "Total combined size of request line and
// header values | 10240 bytes" quota (the server that mounts the gateway checks it, as it has the
// request's head as sent).
// https://docs.aws.amazon.com/apigateway/latest/developerguide/http-api-quotas.html
//
// MaxEventSize is Lambda's: "For synchronous invocations, the maximum payload size is 6 MB"
// (https://docs.aws.amazon.com/lambda/latest/dg/API_Invoke.html). A body within MaxPayload whose event
// is larger cannot reach the function.
const (
	MaxTimeout   = 30 * time.Second
	MaxPayload   = 10 << 20
	MaxHead      = 10240
	MaxEventSize = 6 << 20
)

// Config is one HTTP API as the local server serves it.
type Config struct {
	// Name names the API in messages.
	Name      string
	APIID     string
	AccountID string
	Region    string
	Routes    []Route
	// JWTAuthorizers and LambdaAuthorizers are the API's authorizers; a route names one by Name.
	JWTAuthorizers    []*JWTAuthorizer
	LambdaAuthorizers []*LambdaAuthorizer
	// IAMAuthorizers name IAM authorization (AWS_IAM): a route naming one answers only requests with a
	// valid Signature Version 4 signature by one of Options.Keys' credentials.
	IAMAuthorizers []string
	// CORS is the API's CORS configuration; nil for none.
	CORS           *CORS
	StageVariables map[string]string
	// Timeout is the integration timeout; MaxTimeout when zero.
	Timeout time.Duration
}

// Options are what a Gateway needs from the server that runs it.
type Options struct {
	// Invoke runs a function (routes' integrations and Lambda authorizers).
	Invoke Invoker
	// Keys verifies JWTs (JWKS files and URLs, the local development key); a new engine with default
	// options when nil.
	Keys *authorizer.Engine
	// Now is the clock; time.Now when nil.
	Now func() time.Time
	// Log receives a line per refused request and per failed invocation; io.Discard when nil. Tokens
	// are never logged.
	Log io.Writer
}

// Gateway answers requests to one HTTP API. It is safe for concurrent use.
type Gateway struct {
	cfg    Config
	opts   Options
	router *Router
	jwt    map[string]*JWTAuthorizer
	lambda map[string]*LambdaAuthorizer
	iam    map[string]bool
	auths  *LambdaAuthorizers
}

// New checks cfg and returns its Gateway; every problem of the configuration is reported, joined.
func New(cfg Config, opts Options) (*Gateway, error) {
	if opts.Keys == nil {
		opts.Keys = authorizer.NewEngine(authorizer.Options{})
	}
	if opts.Now == nil {
		opts.Now = time.Now
	}
	if opts.Log == nil {
		opts.Log = io.Discard
	}
	if cfg.Timeout == 0 {
		cfg.Timeout = MaxTimeout
	}
	var errs []error
	if opts.Invoke == nil {
		errs = append(errs, errors.New("no invoker; the gateway needs a way to run functions"))
	}
	if cfg.Timeout < 50*time.Millisecond || cfg.Timeout > MaxTimeout {
		errs = append(errs, fmt.Errorf("integration timeout %s is out of range; use 50ms to %s", cfg.Timeout, MaxTimeout))
	}
	router, err := NewRouter(cfg.Routes)
	if err != nil {
		errs = append(errs, err)
	}
	g := &Gateway{cfg: cfg, opts: opts, router: router, jwt: map[string]*JWTAuthorizer{}, lambda: map[string]*LambdaAuthorizer{}, iam: map[string]bool{},
		auths: &LambdaAuthorizers{Invoke: opts.Invoke, Now: opts.Now, Cached: opts.Keys.LogCached}}
	names := map[string]bool{}
	for _, a := range cfg.JWTAuthorizers {
		errs = append(errs, a.Validate()...)
		if names[a.Name] {
			errs = append(errs, fmt.Errorf("authorizer %q is declared twice; give each authorizer a unique name", a.Name))
		}
		names[a.Name] = true
		g.jwt[a.Name] = a
	}
	for _, a := range cfg.LambdaAuthorizers {
		errs = append(errs, a.Validate()...)
		if names[a.Name] {
			errs = append(errs, fmt.Errorf("authorizer %q is declared twice; give each authorizer a unique name", a.Name))
		}
		names[a.Name] = true
		g.lambda[a.Name] = a
	}
	for _, name := range cfg.IAMAuthorizers {
		if names[name] {
			errs = append(errs, fmt.Errorf("authorizer %q is declared twice; give each authorizer a unique name", name))
		}
		names[name] = true
		g.iam[name] = true
	}
	for _, r := range cfg.Routes {
		if r.Authorizer == "" {
			if len(r.Scopes) > 0 {
				errs = append(errs, fmt.Errorf("route %q has scopes but no authorizer; add a JWT authorizer or remove the scopes", r.Key))
			}
			continue
		}
		if !names[r.Authorizer] {
			errs = append(errs, fmt.Errorf("route %q names authorizer %q, which the API does not have", r.Key, r.Authorizer))
			continue
		}
		if len(r.Scopes) > 0 && g.iam[r.Authorizer] {
			errs = append(errs, fmt.Errorf("route %q: authorization scopes need a JWT authorizer; %q is IAM authorization", r.Key, r.Authorizer))
		} else if len(r.Scopes) > 0 && g.jwt[r.Authorizer] == nil {
			errs = append(errs, fmt.Errorf("route %q: authorization scopes need a JWT authorizer; %q is a Lambda authorizer", r.Key, r.Authorizer))
		}
		if len(r.Scopes) > MaxScopes {
			errs = append(errs, fmt.Errorf("route %q has %d scopes; a route takes at most %d", r.Key, len(r.Scopes), MaxScopes))
		}
	}
	if cfg.CORS != nil {
		errs = append(errs, cfg.CORS.Validate()...)
	}
	if len(errs) > 0 {
		return nil, fmt.Errorf("HTTP API %q: %w", cfg.Name, errors.Join(errs...))
	}
	return g, nil
}

// Flush empties the Lambda authorizers' result caches.
func (g *Gateway) Flush() { g.auths.Flush() }

// Timeout is the API's integration timeout.
func (g *Gateway) Timeout() time.Duration { return g.cfg.Timeout }

// Answer writes an answer of the gateway itself to r, as Handle writes its own: with a new
// apigw-requestid and, with CORS configured, the CORS headers. The server uses it for a request it
// refuses before Handle (one over the MaxHead quota).
func (g *Gateway) Answer(w http.ResponseWriter, r *http.Request, a *Answer) {
	w.Header().Set("Apigw-Requestid", newRequestID())
	if g.cfg.CORS != nil {
		g.cfg.CORS.Apply(r, a.Headers)
	}
	a.Write(w)
}

// Handle answers one request as the HTTP API does: a CORS preflight no route matches is answered by
// the gateway; another request no route matches gets 404 {"message":"Not Found"}; a route's authorizer decides; the route's
// function is invoked with the payload format 2.0 event under the integration timeout, and its result
// becomes the response. Every response carries the apigw-requestid header and, with CORS configured,
// the CORS headers in place of the function's own.
func (g *Gateway) Handle(w http.ResponseWriter, r *http.Request) {
	requestID := newRequestID()
	w.Header().Set("Apigw-Requestid", requestID)
	now := g.opts.Now()
	cors := func(h http.Header) {
		if g.cfg.CORS != nil {
			g.cfg.CORS.Apply(r, h)
		}
	}
	fail := func(a *Answer, format string, args ...any) {
		if format != "" {
			fmt.Fprintf(g.opts.Log, "%s %s %s: "+format+"\n", append([]any{g.cfg.Name, r.Method, r.URL.Path}, args...)...)
		}
		cors(a.Headers)
		a.Write(w)
	}

	body, err := ReadBody(r, MaxPayload)
	switch {
	case errors.Is(err, ErrClientGone):
		// Nothing can be answered: the server that mounts the gateway logs the request as the client's.
		fmt.Fprintf(g.opts.Log, "%s %s %s: %v\n", g.cfg.Name, r.Method, r.URL.Path, ErrClientGone)
		return
	case err != nil:
		fail(BadRequest(), "%v", err)
		return
	}
	if len(body) > MaxPayload {
		fail(RequestTooLarge(), "request body over %d bytes", MaxPayload)
		return
	}

	m, matched := g.router.Match(r.Method, r.URL.EscapedPath())
	if g.cfg.CORS != nil && IsPreflight(r) && !matched {
		// "API Gateway automatically sends a response to preflight OPTIONS requests, even if there isn't
		// an OPTIONS route configured for your API." A preflight that a route does match (an OPTIONS or
		// ANY route, or $default, which "catches requests for all methods ... including OPTIONS
		// requests") goes to that route, its authorizer included, like any request.
		// https://docs.aws.amazon.com/apigateway/latest/developerguide/http-api-cors.html
		status, h := g.cfg.CORS.Preflight(r)
		for k, v := range h {
			w.Header()[k] = v
		}
		w.Header().Set("Content-Length", "0")
		w.WriteHeader(status)
		return
	}
	if !matched {
		fail(NotFound(), "")
		return
	}

	ev := newEvent(&Request{HTTP: r, Body: body, RequestID: requestID, Time: now, Match: m}, g.context(r))
	if m.Route.Authorizer != "" {
		res := g.authorizeEvent(r.Context(), m.Route, r, body, ev)
		if res.Answer != nil {
			fail(res.Answer, "refused by authorizer %q: %s", m.Route.Authorizer, res.Reason)
			return
		}
		ev.setAuthorizer(res.Authorizer)
	}
	payload, err := marshal(ev)
	if err != nil {
		fail(InternalServerError(), "build event: %v", err)
		return
	}
	if len(payload) > MaxEventSize {
		// The documentation does not say what API Gateway answers when Lambda refuses the event; the
		// answer is the payload quota's, as the local server answers it for REST APIs.
		fail(RequestTooLarge(), "the event of this request is %d bytes, more than Lambda's %d-byte invocation payload limit", len(payload), MaxEventSize)
		return
	}
	ctx, cancel := context.WithTimeout(r.Context(), g.cfg.Timeout)
	defer cancel()
	result, err := g.opts.Invoke(ctx, m.Route.Function, payload)
	if err != nil {
		if errors.Is(err, context.DeadlineExceeded) || ctx.Err() == context.DeadlineExceeded {
			fail(ServiceUnavailable(), "function %s did not answer within the integration timeout (%s)", m.Route.Function, g.cfg.Timeout)
			return
		}
		fail(InternalServerError(), "function %s failed: %v", m.Route.Function, err)
		return
	}
	resp, err := ParseResponse(result)
	if err != nil {
		fail(InternalServerError(), "function %s: %v", m.Route.Function, err)
		return
	}
	cors(resp.Headers)
	resp.Write(w, nil)
}

func (g *Gateway) context(r *http.Request) Context {
	return Context{AccountID: g.cfg.AccountID, APIID: g.cfg.APIID, DomainName: r.Host, StageVariables: g.cfg.StageVariables}
}

func (g *Gateway) authorizeEvent(ctx context.Context, rt *Route, r *http.Request, body []byte, ev *event) AuthResult {
	if g.iam[rt.Authorizer] {
		return AuthorizeIAM(ctx, g.opts.Keys, rt.Authorizer, r, body, g.cfg.Region)
	}
	if a := g.jwt[rt.Authorizer]; a != nil {
		return AuthorizeJWT(ctx, g.opts.Keys, a, r, rt.Scopes, g.opts.Now())
	}
	a := g.lambda[rt.Authorizer]
	e := ev.APIGatewayV2HTTPRequest
	e.RequestContext = ev.RequestContext.APIGatewayV2HTTPRequestContext
	return g.auths.Authorize(ctx, a, &e, g.cfg.Region)
}

// Routes lists the API's routes, $default last.
func (g *Gateway) Routes() []*Route { return slices.Clone(g.router.Routes()) }

// newRequestID makes an id of the shape of HTTP APIs' apigw-requestid ("Mc7UVioPPHcEKPA="): 10 random
// bytes, base64.
func newRequestID() string {
	var b [10]byte
	_, _ = rand.Read(b[:])
	return base64.StdEncoding.EncodeToString(b[:])
}
