package authorizer

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"regexp"
	"strings"
	"sync"
	"time"

	"github.com/aws/aws-lambda-go/events"

	"github.com/stelvio-go/stelvio/internal/runtimeapi"
)

// requestEvent is the event of a REQUEST authorizer. aws-lambda-go's
// events.APIGatewayCustomAuthorizerRequestTypeRequest has the same fields, but its requestContext type
// holds only a few of the fields API Gateway sends; here requestContext is the handler event's.
// https://docs.aws.amazon.com/apigateway/latest/developerguide/api-gateway-lambda-authorizer-input.html
type requestEvent struct {
	Type                            string              `json:"type"`
	MethodArn                       string              `json:"methodArn"`
	Resource                        string              `json:"resource"`
	Path                            string              `json:"path"`
	HTTPMethod                      string              `json:"httpMethod"`
	Headers                         map[string]string   `json:"headers"`
	MultiValueHeaders               map[string][]string `json:"multiValueHeaders"`
	QueryStringParameters           map[string]string   `json:"queryStringParameters"`
	MultiValueQueryStringParameters map[string][]string `json:"multiValueQueryStringParameters"`
	PathParameters                  map[string]string   `json:"pathParameters"`
	StageVariables                  map[string]string   `json:"stageVariables"`
	RequestContext                  any                 `json:"requestContext"`
}

// requestContext is the requestContext of a REQUEST event when the caller gives none, with the fields
// of the documented example.
type requestContext struct {
	Path         string          `json:"path"`
	AccountID    string          `json:"accountId"`
	ResourceID   string          `json:"resourceId"`
	Stage        string          `json:"stage"`
	RequestID    string          `json:"requestId"`
	Identity     contextIdentity `json:"identity"`
	ResourcePath string          `json:"resourcePath"`
	HTTPMethod   string          `json:"httpMethod"`
	APIID        string          `json:"apiId"`
}

type contextIdentity struct {
	APIKey   *string `json:"apiKey"`
	SourceIP string  `json:"sourceIp"`
}

// identityValues returns the values of the authorizer's identity sources and whether all of them are
// present and non-empty. A TOKEN authorizer's single source is its token header.
func identityValues(cfg *Config, req *Request) ([]string, bool) {
	if cfg.Kind == KindToken {
		v := req.HTTP.Header.Get(cfg.tokenHeader())
		return []string{v}, v != ""
	}
	values := make([]string, 0, len(cfg.IdentitySources))
	ok := true
	for _, expr := range cfg.IdentitySources {
		s, err := parseSource(expr)
		var v string
		if err == nil {
			v = sourceValue(s, req)
		}
		if v == "" {
			ok = false
		}
		values = append(values, v)
	}
	return values, ok
}

func sourceValue(s source, req *Request) string {
	switch s.kind {
	case "header":
		return last(req.HTTP.Header.Values(s.name))
	case "querystring":
		return last(req.HTTP.URL.Query()[s.name])
	case "stageVariables":
		return req.StageVariables[s.name]
	case "context":
		if v, ok := req.ContextVariables[s.name]; ok {
			return v
		}
		switch s.name {
		case "httpMethod":
			return req.HTTP.Method
		case "stage":
			return req.Stage
		case "apiId":
			return req.APIID
		case "accountId":
			return req.AccountID
		case "resourcePath":
			return req.Resource
		case "path":
			return "/" + req.Stage + req.path()
		}
	}
	return ""
}

func last(v []string) string {
	if len(v) == 0 {
		return ""
	}
	return v[len(v)-1]
}

// cacheKey joins identity source values unambiguously.
func cacheKey(values []string) string {
	if len(values) == 1 {
		return values[0]
	}
	b, _ := json.Marshal(values)
	return string(b)
}

// authorizeLambda decides a request with a TOKEN or REQUEST authorizer.
//
// Identity checks come first, without calling the function: a TOKEN request without its token, or
// whose token does not match the validation expression, and a REQUEST request missing an identity
// source while caching is on, get 401.
// https://docs.aws.amazon.com/apigateway/latest/api/API_CreateAuthorizer.html
func (e *Engine) authorizeLambda(ctx context.Context, cfg *Config, req *Request, invoke Invoker) Result {
	values, present := identityValues(cfg, req)
	ttl := cfg.ttl()
	if cfg.Kind == KindToken {
		if !present {
			return Result{Answer: Unauthorized()}
		}
		if cfg.ValidationExpression != "" && !matchesWhole(cfg.ValidationExpression, values[0]) {
			return Result{Answer: Unauthorized()}
		}
	} else if ttl > 0 && !present {
		return Result{Answer: Unauthorized()}
	}

	methodARN := req.MethodARN()
	now := e.opts.Now()
	var c *cache
	key := cacheKey(values)
	if ttl > 0 {
		c = e.cacheOf(cfg.Name)
		if out, expires, ok := c.get(key, now); ok {
			e.LogCached(cfg.Name, req.HTTP.Method, req.path(), expires.Sub(now), ttl)
			res := decide(out, methodARN, 0)
			res.Cached = true
			return res
		}
	}

	event, err := e.event(cfg, req, methodARN, values)
	if err != nil {
		e.logf("authorizer %q: build event: %v", cfg.Name, err)
		return Result{Answer: ConfigurationError()}
	}
	start := time.Now()
	payload, err := invoke(ctx, cfg.Function, event)
	latency := time.Since(start)
	if err != nil {
		if IsUnauthorized(err) {
			return Result{Answer: Unauthorized()}
		}
		e.logf("authorizer %q: function %s failed: %v", cfg.Name, cfg.Function, err)
		return Result{Answer: ConfigurationError()}
	}
	out, err := ParseOutput(payload)
	if err != nil {
		e.logf("authorizer %q: function %s: %v", cfg.Name, cfg.Function, err)
		return Result{Answer: ConfigurationError()}
	}
	if c != nil {
		c.put(key, out, now.Add(time.Duration(ttl)*time.Second), now)
	}
	return decide(out, methodARN, latency.Milliseconds())
}

// IsUnauthorized reports whether err, from an authorizer's function, is the function's own error with
// the message "Unauthorized" (callback("Unauthorized"), raise Exception("Unauthorized")), which API
// Gateway answers 401 Unauthorized rather than as a failed authorizer.
// https://docs.aws.amazon.com/apigateway/latest/developerguide/apigateway-use-lambda-authorizer.html
func IsUnauthorized(err error) bool {
	var fe *runtimeapi.FunctionError
	return errors.As(err, &fe) && fe.Kind == runtimeapi.KindFunction && fe.Message == "Unauthorized"
}

// LogCached logs that the result cache of the authorizer name decided a request (method and path),
// with the time left of the entry's ttl seconds: REST and HTTP APIs' Lambda authorizers say it alike.
func (e *Engine) LogCached(name, method, path string, left time.Duration, ttl int) {
	e.logf("authorizer %q: %s %s answered from the cache (%ds left of %ds)", name, method, path, int(left.Truncate(time.Second)/time.Second), ttl)
}

// decide applies an authorizer's output to a method ARN.
func decide(out *Output, methodARN string, latencyMillis int64) Result {
	switch out.Policy.Evaluate(methodARN) {
	case Denied:
		return Result{Answer: ExplicitDeny()}
	case NotAllowed:
		return Result{Answer: NotAuthorized()}
	}
	auth := make(map[string]any, len(out.Context)+2)
	for k, v := range out.Context {
		auth[k] = v
	}
	auth["principalId"] = out.PrincipalID
	auth["integrationLatency"] = latencyMillis
	return Result{Authorizer: auth}
}

// regexps holds the compiled validation expressions (*regexp.Regexp, nil for one that does not compile).
var regexps sync.Map

// matchesWhole reports whether s matches the validation expression as a whole, as Java's
// String.matches does.
func matchesWhole(expr, s string) bool {
	v, ok := regexps.Load(expr)
	if !ok {
		re, _ := regexp.Compile(`^(?:` + expr + `)$`)
		v, _ = regexps.LoadOrStore(expr, re)
	}
	re := v.(*regexp.Regexp)
	return re != nil && re.MatchString(s)
}

// event builds the authorizer's event.
func (e *Engine) event(cfg *Config, req *Request, methodARN string, values []string) ([]byte, error) {
	if cfg.Kind == KindToken {
		return json.Marshal(events.APIGatewayCustomAuthorizerRequest{
			Type:               "TOKEN",
			AuthorizationToken: values[0],
			MethodArn:          methodARN,
		})
	}
	ev := requestEvent{
		Type:           "REQUEST",
		MethodArn:      methodARN,
		Resource:       req.Resource,
		Path:           req.path(),
		HTTPMethod:     req.HTTP.Method,
		PathParameters: req.PathParameters,
		StageVariables: req.StageVariables,
		RequestContext: req.RequestContext,
	}
	mv := req.MultiValueHeaders
	if mv == nil {
		mv = map[string][]string{}
		for k, v := range req.HTTP.Header {
			mv[k] = append([]string(nil), v...)
		}
		if req.HTTP.Host != "" {
			mv["Host"] = []string{req.HTTP.Host}
		}
	}
	if len(mv) > 0 {
		ev.MultiValueHeaders = mv
		ev.Headers = make(map[string]string, len(mv))
		for k, v := range mv {
			ev.Headers[k] = last(v)
		}
	}
	if q := req.HTTP.URL.Query(); len(q) > 0 {
		ev.MultiValueQueryStringParameters = q
		ev.QueryStringParameters = make(map[string]string, len(q))
		for k, v := range q {
			ev.QueryStringParameters[k] = last(v)
		}
	}
	if ev.RequestContext == nil {
		ip := req.HTTP.RemoteAddr
		if i := strings.LastIndexByte(ip, ':'); i > 0 {
			ip = strings.Trim(ip[:i], "[]")
		}
		ev.RequestContext = requestContext{
			Path:         "/" + req.Stage + req.path(),
			AccountID:    req.AccountID,
			Stage:        req.Stage,
			Identity:     contextIdentity{SourceIP: ip},
			ResourcePath: req.Resource,
			HTTPMethod:   req.HTTP.Method,
			APIID:        req.APIID,
		}
	}
	b, err := json.Marshal(ev)
	if err != nil {
		return nil, fmt.Errorf("encode REQUEST event: %w", err)
	}
	return b, nil
}
