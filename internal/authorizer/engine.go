package authorizer

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"sync"
	"time"
)

// Invoker runs a function in the local server and returns its response payload. A function that
// fails returns an error; when the error is (or wraps) a *runtimeapi.FunctionError, its errorMessage
// decides the answer ("Unauthorized" gives 401, anything else 500).
type Invoker func(ctx context.Context, function string, event []byte) ([]byte, error)

// Request is one request to a method that has an authorizer.
type Request struct {
	// HTTP is the client's request; its body is not read (Body carries it).
	HTTP *http.Request
	// Body is the request body, needed to verify an AWS_IAM signature.
	Body []byte
	// Resource is the route's resource path ("/users/{id}"), PathParameters its values.
	Resource       string
	PathParameters map[string]string
	// Region, AccountID, APIID and Stage make the method ARN.
	Region    string
	AccountID string
	APIID     string
	Stage     string
	// StageVariables are the stage's variables (nil when none).
	StageVariables map[string]string
	// Scopes are the route's authorization scopes (Cognito): a token must carry one of them.
	Scopes []string
	// MultiValueHeaders are the headers as the handler's event has them; derived from HTTP when nil.
	MultiValueHeaders map[string][]string
	// RequestContext is the requestContext the handler's event has, passed to a REQUEST authorizer; a
	// context built from the other fields when nil.
	RequestContext any
	// ContextVariables resolve context.NAME identity sources ("requestId", "identity.sourceIp", ...);
	// httpMethod, stage, apiId, accountId, resourcePath and path are known without it.
	ContextVariables map[string]string
}

// path is the request's path as API Gateway passes it ("/" for the root).
func (r *Request) path() string {
	if r.HTTP.URL.Path == "" {
		return "/"
	}
	return r.HTTP.URL.Path
}

// MethodARN is the request's method ARN.
func (r *Request) MethodARN() string {
	return MethodARN(r.Region, r.AccountID, r.APIID, r.Stage, r.HTTP.Method, r.path())
}

// Identity is what AWS_IAM authorization adds to requestContext.identity.
// https://docs.aws.amazon.com/apigateway/latest/developerguide/api-gateway-mapping-template-reference.html#context-variable-reference
type Identity struct {
	AccessKey string
	AccountID string
	Caller    string
	User      string
	UserArn   string
}

// Result is the outcome of authorizing one request: either Answer, a response the gateway writes
// instead of calling the handler, or the values the handler's event carries.
type Result struct {
	// Answer is set when the request is refused (or the authorizer failed).
	Answer *Answer
	// Authorizer is requestContext.authorizer of the handler's event: for a Lambda authorizer
	// principalId, integrationLatency and the context values; for Cognito {"claims": {...}}; nil for
	// AWS_IAM.
	Authorizer map[string]any
	// Identity is set for AWS_IAM: the fields it adds to requestContext.identity.
	Identity *Identity
	// Cached reports that a cached authorizer result decided.
	Cached bool
}

// Options configure an Engine.
type Options struct {
	// Log receives one line per cached answer and per authorizer failure; io.Discard when nil. Tokens
	// and signatures are never logged.
	Log io.Writer
	// Now is the clock; time.Now when nil.
	Now func() time.Time
	// Credentials verify AWS_IAM signatures: access key id to secret. Usually the developer's
	// AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY (see CredentialsFromEnv).
	Credentials []Credential
	// DevKeyDir is where the local development signing key of Cognito authorizers is kept
	// (DevKeyFile in it); ".stelvio" in the working directory when empty.
	DevKeyDir string
	// HTTPClient fetches JWKS URLs; http.DefaultClient when nil.
	HTTPClient *http.Client
}

// Engine authorizes requests for the local server. It keeps the authorizers' result caches and the
// Cognito keys; it is safe for concurrent use.
type Engine struct {
	opts   Options
	mu     sync.Mutex
	caches map[string]*cache
	keys   *keyStore
}

// NewEngine returns an Engine.
func NewEngine(opts Options) *Engine {
	if opts.Log == nil {
		opts.Log = io.Discard
	}
	if opts.Now == nil {
		opts.Now = time.Now
	}
	if opts.HTTPClient == nil {
		opts.HTTPClient = http.DefaultClient
	}
	return &Engine{opts: opts, caches: map[string]*cache{}, keys: newKeyStore(opts)}
}

// Authorize decides one request for the authorizer cfg (already validated), calling invoke for
// Lambda authorizers.
func (e *Engine) Authorize(ctx context.Context, cfg *Config, req *Request, invoke Invoker) Result {
	switch cfg.Kind {
	case KindToken, KindRequest:
		return e.authorizeLambda(ctx, cfg, req, invoke)
	case KindCognito:
		return e.authorizeCognito(ctx, cfg, req)
	case KindIAM:
		return e.authorizeIAM(req)
	}
	e.logf("authorizer %q: unknown kind %q", cfg.Name, cfg.Kind)
	return Result{Answer: ConfigurationError()}
}

func (e *Engine) logf(format string, args ...any) {
	fmt.Fprintf(e.opts.Log, format+"\n", args...)
}

// cacheOf returns the result cache of the authorizer named name.
func (e *Engine) cacheOf(name string) *cache {
	e.mu.Lock()
	defer e.mu.Unlock()
	c := e.caches[name]
	if c == nil {
		c = &cache{entries: map[string]cacheEntry{}}
		e.caches[name] = c
	}
	return c
}

// Flush empties every authorizer's result cache (API Gateway flushes it on redeployment).
func (e *Engine) Flush() {
	e.mu.Lock()
	defer e.mu.Unlock()
	e.caches = map[string]*cache{}
}
