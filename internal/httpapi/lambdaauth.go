package httpapi

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/textproto"
	"strings"
	"sync"
	"time"

	"github.com/aws/aws-lambda-go/events"

	"github.com/stelvio-go/stelvio/internal/authorizer"
)

// Invoker runs a function and returns its result payload; a function that fails returns an error.
type Invoker func(ctx context.Context, function string, event []byte) ([]byte, error)

// LambdaAuthorizer is a Lambda authorizer of an HTTP API with payload format 2.0.
// https://docs.aws.amazon.com/apigateway/latest/developerguide/http-api-lambda-authorizer.html
type LambdaAuthorizer struct {
	Name     string
	Function string
	// IdentitySources: $request.header.NAME, $request.querystring.NAME, $context.NAME or
	// $stageVariables.NAME. A request missing one gets 401 without the function being called.
	IdentitySources []string
	// TTL is authorizerResultTtlInSeconds: 0 disables the cache; at most MaxTTL.
	TTL int
	// SimpleResponses: the function returns {"isAuthorized": bool, "context": {...}}; otherwise an
	// IAM policy.
	SimpleResponses bool
}

// MaxTTL is the largest authorizerResultTtlInSeconds: "The maximum value is 3600, or 1 hour".
// https://docs.aws.amazon.com/apigatewayv2/latest/api-reference/apis-apiid-authorizers.html
const MaxTTL = 3600

// Validate returns every problem of the configuration.
func (a *LambdaAuthorizer) Validate() []error {
	var errs []error
	add := func(format string, args ...any) {
		errs = append(errs, fmt.Errorf("Lambda authorizer %q: "+format, append([]any{a.Name}, args...)...))
	}
	if a.Name == "" {
		errs = append(errs, errors.New("Lambda authorizer with no name; give every authorizer of an API a unique name"))
	}
	if a.Function == "" {
		add("no function; name the function that decides")
	}
	if a.TTL < 0 || a.TTL > MaxTTL {
		add("cache TTL %d is out of range; use 0 (no cache) to %d seconds", a.TTL, MaxTTL)
	}
	// "To enable caching, your authorizer must have at least one identity source."
	if a.TTL > 0 && len(a.IdentitySources) == 0 {
		add("caching needs at least one identity source (the cache key); add one, or set the TTL to 0")
	}
	for _, s := range a.IdentitySources {
		if _, _, err := parseIdentitySource(s); err != nil {
			add("%v", err)
		}
	}
	return errs
}

// parseIdentitySource reads a selection expression.
func parseIdentitySource(s string) (kind, name string, err error) {
	for _, k := range []string{"$request.header.", "$request.querystring.", "$context.", "$stageVariables."} {
		if n, ok := strings.CutPrefix(s, k); ok && n != "" {
			return k, n, nil
		}
	}
	return "", "", fmt.Errorf("identity source %q: use $request.header.NAME, $request.querystring.NAME, $context.NAME or $stageVariables.NAME", s)
}

// LambdaAuthorizers decides requests with Lambda authorizers and keeps their result caches. It is safe
// for concurrent use.
type LambdaAuthorizers struct {
	Invoke Invoker
	// Now is the clock; time.Now when nil.
	Now func() time.Time
	// Cached, when set, is told of every request a cached result decided (the server logs it, as
	// authorizer.Engine.LogCached does for REST APIs).
	Cached func(name, method, path string, left time.Duration, ttl int)

	mu    sync.Mutex
	cache map[string]cached
}

type cached struct {
	out     *authOutput
	expires time.Time
}

// authOutput is a parsed authorizer result.
type authOutput struct {
	simple     bool
	authorized bool
	policy     authorizer.Policy
	context    map[string]any
}

// Authorize decides one request: ev is the request's event (BuildEvent's, before the authorizer
// fills requestContext.authorizer), region makes the route ARN.
//
// The documented answers: a missing identity source is 401 {"message":"Unauthorized"} without calling
// the function; a function that fails or answers in another format is 500 {"message":"Internal Server
// Error"}, except a failure with the message "Unauthorized", which is 401 as on REST APIs; isAuthorized
// false, or a policy that does not allow the route ARN, is 403 {"message":"Forbidden"}. Otherwise the context reaches the handler as
// requestContext.authorizer.lambda. With a TTL the result is cached by identity source values and
// used for every route of the API ("To cache responses per route, add $context.routeKey").
func (l *LambdaAuthorizers) Authorize(ctx context.Context, a *LambdaAuthorizer, ev *events.APIGatewayV2HTTPRequest, region string) AuthResult {
	values, ok := identityValues(a, ev)
	if !ok {
		return AuthResult{Answer: Unauthorized(), Reason: "identity source missing"}
	}
	now := l.now()
	routeARN := authorizer.MethodARN(region, ev.RequestContext.AccountID, ev.RequestContext.APIID, Stage, ev.RequestContext.HTTP.Method, ev.RawPath)
	key := a.Name + "\x00" + strings.Join(values, "\x00")
	if a.TTL > 0 {
		l.mu.Lock()
		c, hit := l.cache[key]
		l.mu.Unlock()
		if hit && now.Before(c.expires) {
			if l.Cached != nil {
				l.Cached(a.Name, ev.RequestContext.HTTP.Method, ev.RawPath, c.expires.Sub(now), a.TTL)
			}
			return decideLambda(c.out, routeARN)
		}
	}
	payload, err := marshal(authorizerEvent(ev, routeARN, values))
	if err != nil {
		return AuthResult{Answer: InternalServerError(), Reason: fmt.Sprintf("build authorizer event: %v", err)}
	}
	res, err := l.Invoke(ctx, a.Function, payload)
	if authorizer.IsUnauthorized(err) {
		// The HTTP API guide does not say what a function failing with "Unauthorized" gets (only that
		// an invalid response is a 500); the answer is the REST APIs' documented one, 401.
		return AuthResult{Answer: Unauthorized(), Reason: fmt.Sprintf("authorizer function %s failed with \"Unauthorized\"", a.Function)}
	}
	if err != nil {
		return AuthResult{Answer: InternalServerError(), Reason: fmt.Sprintf("authorizer function %s failed: %v", a.Function, err)}
	}
	out, err := parseAuthOutput(res, a.SimpleResponses)
	if err != nil {
		return AuthResult{Answer: InternalServerError(), Reason: fmt.Sprintf("authorizer function %s: %v", a.Function, err)}
	}
	if a.TTL > 0 {
		l.mu.Lock()
		if l.cache == nil {
			l.cache = map[string]cached{}
		}
		l.cache[key] = cached{out: out, expires: now.Add(time.Duration(a.TTL) * time.Second)}
		l.mu.Unlock()
	}
	return decideLambda(out, routeARN)
}

// Flush empties the result caches (API Gateway starts empty on a new deployment).
func (l *LambdaAuthorizers) Flush() {
	l.mu.Lock()
	l.cache = nil
	l.mu.Unlock()
}

func (l *LambdaAuthorizers) now() time.Time {
	if l.Now == nil {
		return time.Now()
	}
	return l.Now()
}

func decideLambda(out *authOutput, routeARN string) AuthResult {
	if out.simple {
		if !out.authorized {
			return AuthResult{Answer: Forbidden(), Reason: "isAuthorized is false"}
		}
	} else if d := out.policy.Evaluate(routeARN); d != authorizer.Allowed {
		return AuthResult{Answer: Forbidden(), Reason: "the policy does not allow " + routeARN}
	}
	return AuthResult{Authorizer: &events.APIGatewayV2HTTPRequestContextAuthorizerDescription{Lambda: out.context}}
}

// identityValues are the values of the identity sources, in order; ok is false when one is missing or
// empty.
func identityValues(a *LambdaAuthorizer, ev *events.APIGatewayV2HTTPRequest) ([]string, bool) {
	values := make([]string, 0, len(a.IdentitySources))
	for _, s := range a.IdentitySources {
		kind, name, err := parseIdentitySource(s)
		if err != nil {
			return nil, false
		}
		var v string
		switch kind {
		case "$request.header.":
			// "Header names are case-insensitive."
			v = ev.Headers[strings.ToLower(textproto.CanonicalMIMEHeaderKey(name))]
		case "$request.querystring.":
			// "Query string names are case-sensitive."
			v = ev.QueryStringParameters[name]
		case "$stageVariables.":
			v = ev.StageVariables[name]
		case "$context.":
			v = contextVariable(ev, name)
		}
		if v == "" {
			return nil, false
		}
		values = append(values, v)
	}
	return values, true
}

// contextVariable is the value of a $context variable the local server knows.
// https://docs.aws.amazon.com/apigateway/latest/developerguide/http-api-logging-variables.html
func contextVariable(ev *events.APIGatewayV2HTTPRequest, name string) string {
	c := &ev.RequestContext
	switch name {
	case "routeKey":
		return c.RouteKey
	case "stage":
		return c.Stage
	case "apiId":
		return c.APIID
	case "accountId":
		return c.AccountID
	case "domainName":
		return c.DomainName
	case "domainPrefix":
		return c.DomainPrefix
	case "requestId":
		return c.RequestID
	case "httpMethod":
		return c.HTTP.Method
	case "path":
		return c.HTTP.Path
	case "protocol":
		return c.HTTP.Protocol
	case "identity.sourceIp":
		return c.HTTP.SourceIP
	case "identity.userAgent":
		return c.HTTP.UserAgent
	case "requestTime":
		return c.Time
	}
	return ""
}

// authEvent is the authorizer's 2.0 event: aws-lambda-go's type, with requestContext.authentication
// only when there is one (see event).
type authEvent struct {
	events.APIGatewayV2CustomAuthorizerV2Request
	RequestContext requestContext `json:"requestContext"`
}

func authorizerEvent(ev *events.APIGatewayV2HTTPRequest, routeARN string, values []string) *authEvent {
	out := &authEvent{}
	e := &out.APIGatewayV2CustomAuthorizerV2Request
	e.Version = "2.0"
	e.Type = "REQUEST"
	e.RouteArn = routeARN
	e.IdentitySource = values
	e.RouteKey = ev.RouteKey
	e.RawPath = ev.RawPath
	e.RawQueryString = ev.RawQueryString
	e.Cookies = ev.Cookies
	e.Headers = ev.Headers
	e.QueryStringParameters = ev.QueryStringParameters
	e.PathParameters = ev.PathParameters
	e.StageVariables = ev.StageVariables
	out.RequestContext.APIGatewayV2HTTPRequestContext = ev.RequestContext
	out.RequestContext.APIGatewayV2HTTPRequestContext.Authorizer = nil
	return out
}

// parseAuthOutput reads the function's result in the authorizer's response format.
// https://docs.aws.amazon.com/apigateway/latest/developerguide/http-api-lambda-authorizer.html
func parseAuthOutput(payload []byte, simple bool) (*authOutput, error) {
	var raw map[string]json.RawMessage
	if err := json.Unmarshal(bytes.TrimSpace(payload), &raw); err != nil || raw == nil {
		return nil, fmt.Errorf("the result %s is not a JSON object", abbreviate(payload))
	}
	out := &authOutput{simple: simple}
	if c, ok := raw["context"]; ok && string(c) != "null" {
		if err := json.Unmarshal(c, &out.context); err != nil {
			return nil, fmt.Errorf("context must be an object, got %s", abbreviate(c))
		}
	}
	if simple {
		v, ok := raw["isAuthorized"]
		if !ok {
			return nil, errors.New(`simple responses are enabled but the result has no "isAuthorized"; return {"isAuthorized": true|false, "context": {...}}`)
		}
		if err := json.Unmarshal(v, &out.authorized); err != nil {
			return nil, fmt.Errorf("isAuthorized must be true or false, got %s", v)
		}
		return out, nil
	}
	// An IAM policy response: the policy is read by the REST engine's parser, the context (which in
	// format 2.0 may hold lists and objects) here.
	delete(raw, "context")
	stripped, _ := json.Marshal(raw)
	parsed, err := authorizer.ParseOutput(stripped)
	if err != nil {
		return nil, fmt.Errorf("%v (simple responses are off: return an IAM policy with principalId and policyDocument)", err)
	}
	out.policy = parsed.Policy
	return out, nil
}
