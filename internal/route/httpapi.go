package route

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/stelvio-go/stelvio/internal/authorizer"
	"github.com/stelvio-go/stelvio/internal/handler"
)

// HTTP API (API Gateway v2) declarations and their part of the route table. They are kept apart from
// the REST APIs (Decls.Apis, Table.Apis): an HTTP API has route keys instead of resources, a payload
// format 2.0 event, JWT and payload-2.0 Lambda authorizers and CORS applied by API Gateway itself.

// HTTPIntegrationTimeout is the longest an HTTP API waits for a Lambda integration: "Maximum
// integration timeout | 30 seconds", which is also the default.
// https://docs.aws.amazon.com/apigateway/latest/developerguide/http-api-quotas.html
const HTTPIntegrationTimeout = 30

// HTTPMaxScopes is the HTTP API quota "Scopes per route | 10".
// https://docs.aws.amazon.com/apigateway/latest/developerguide/http-api-quotas.html
const HTTPMaxScopes = 10

// Authorizer kinds of an HTTP API, as the apigatewayv2 Authorizer's authorizerType names them, and
// AWS_IAM, a route's authorizationType that needs no authorizer resource: the caller signs the request
// with Signature Version 4.
// https://docs.aws.amazon.com/apigateway/latest/developerguide/http-api-access-control-iam.html
const (
	HTTPAuthJWT     = "JWT"
	HTTPAuthRequest = "REQUEST"
	HTTPAuthIAM     = "AWS_IAM"
)

// HTTPMatchKey is what decides which requests a route key of an HTTP API matches: its method and the
// shape of its path ("GET /users/{}"). Two route keys with the same HTTPMatchKey, such as
// GET /users/{id} and GET /users/{name}, match the same requests, and the documented routing
// priorities (a full match, then a greedy variable, then $default) cannot choose between them: the
// route table and dev's router both refuse such a pair by this key.
// https://docs.aws.amazon.com/apigateway/latest/developerguide/http-api-develop-routes.html
func HTTPMatchKey(method string, p Path) string {
	return method + " " + p.Shape()
}

// HTTPApiDecl is one apigateway.NewHTTP declaration.
type HTTPApiDecl struct {
	Name        string
	DomainName  string
	CORS        *HTTPCORS
	Routes      []*HTTPRouteDecl
	Authorizers []*HTTPAuthorizerDecl
	// DefaultAuth is the authorizer of every route without its own that is not public.
	DefaultAuth       *HTTPAuthorizerDecl
	DefaultAuthSource string
	Source            string
}

// HTTPRouteDecl is one route of an HTTP API as declared. The declaring package parses the route key
// (KeyOK false when it did not parse; its problem is already reported).
type HTTPRouteDecl struct {
	// Key is the route key as API Gateway names it: "GET /users/{id}" or "$default".
	Key     string
	KeyOK   bool
	Default bool
	Method  string
	Path    Path
	// Handler is the handler string; Function the function.New instance of RouteFunction.
	Handler   string
	Function  *FunctionDecl
	Config    FunctionConfig
	HasConfig bool
	Source    string
	// Authorizer is the route's own authorizer; Public gives it none; Scopes are the JWT scopes.
	Authorizer *HTTPAuthorizerDecl
	Public     bool
	Scopes     []string
}

// HTTPAuthorizerDecl is one authorizer of an HTTP API as declared; the declaring package has checked
// its settings.
type HTTPAuthorizerDecl struct {
	Api  *HTTPApiDecl
	Name string
	// Kind is HTTPAuthJWT, HTTPAuthRequest or HTTPAuthIAM.
	Kind string
	// Issuer and Audience are a JWT authorizer's; IdentitySources its (one header) or a Lambda
	// authorizer's selection expressions ("$request.header.Authorization").
	Issuer          string
	Audience        []string
	IdentitySources []string
	// UserPoolID is set on the JWT authorizer of a Cognito user pool (CognitoAuthorizer).
	UserPoolID string
	// DevJWKS is the JWKS file (in the project) or URL dev verifies a JWT authorizer's tokens with;
	// empty for the local development key. DevJWKSSource is where it was set (the authorizer's
	// Source when empty).
	DevJWKS       string
	DevJWKSSource string
	// Handler and Config are a Lambda authorizer's function.
	Handler         string
	Config          FunctionConfig
	TTL             time.Duration
	SimpleResponses bool
	Source          string
}

// HTTPCORS is an HTTP API's CORS configuration (the apigatewayv2 Api's corsConfiguration).
type HTTPCORS struct {
	AllowOrigins     []string
	AllowMethods     []string
	AllowHeaders     []string
	ExposeHeaders    []string
	MaxAge           int // seconds; 0 sends none
	AllowCredentials bool
}

// HTTPApi is one HTTP API of the table.
type HTTPApi struct {
	Name       string
	DomainName string
	CORS       *HTTPCORS
	// Routes are in declaration order.
	Routes      []*HTTPRoute
	Authorizers []*HTTPAuthorizer
	Source      string
}

// HTTPRoute is one route key of an HTTP API, served by one function.
type HTTPRoute struct {
	Api *HTTPApi
	// Key is "GET /users/{id}", "ANY /{proxy+}" or "$default".
	Key     string
	Default bool
	Method  string
	Path    Path
	// Function is the Lambda function; Target the user function it calls.
	Function *Function
	Target   Target
	// Auth is the route's authorizer, nil for none; Scopes its JWT authorization scopes.
	Auth   *HTTPAuthorizer
	Scopes []string
	Source string
}

// HTTPAuthorizer is one authorizer of an HTTP API.
type HTTPAuthorizer struct {
	Name string
	// Kind is HTTPAuthJWT, HTTPAuthRequest or HTTPAuthIAM.
	Kind            string
	Issuer          string
	Audience        []string
	IdentitySources []string
	// UserPoolID is the Cognito user pool of a CognitoAuthorizer ("us-east-1_AbCdEf123"), "" otherwise.
	UserPoolID string
	// DevJWKS is the DevJWKS setting as declared; JWKS where dev finds the keys of a JWT authorizer
	// (the file's absolute path, or the URL), the local development key when zero.
	DevJWKS string
	JWKS    authorizer.JWKSSource
	// Function runs a Lambda (REQUEST) authorizer; its handler receives payload format 2.0
	// authorizer events.
	Function        *Function
	TTL             int // seconds
	SimpleResponses bool
	Source          string
}

// httpGroup is the routes of HTTP APIs whose handlers are in one Python file, one folder or one Go
// package: one Lambda function, with generated routing code when it serves several routes.
type httpGroup struct {
	fn         *Function
	configured []*HTTPRoute
	// configs are the configurations of the configured routes, in the same order.
	configs []FunctionConfig
	config  FunctionConfig
	// keys are the route keys of the group's routes, each with the first route declaring it: the
	// generated router tells routes apart by their route key alone.
	keys map[string]*HTTPRoute
}

// httpApis resolves the HTTP APIs. As for REST APIs, the routes whose handlers are in the same
// Python file, the same folder or the same Go package share one Lambda function, whose generated
// router dispatches each payload format 2.0 event on its routeKey; a function.New function serves the
// routes it is given without routing code.
func (b *builder) httpApis(d *Decls) {
	names := map[string]string{}
	domains := map[string]string{}
	for _, ad := range d.Apis {
		names[strings.ToLower(ad.Name)] = fmt.Sprintf("api %q at %s", ad.Name, ad.Source)
		if ad.DomainName != "" {
			domains[strings.ToLower(ad.DomainName)] = fmt.Sprintf("api %q at %s", ad.Name, ad.Source)
		}
	}
	groups := map[string]*httpGroup{}
	var order []*httpGroup
	for _, ad := range d.HTTPApis {
		subject := fmt.Sprintf("api %q", ad.Name)
		if !nameRE.MatchString(ad.Name) {
			b.add(ad.Source, subject, "name must start with a letter or digit and contain only letters, digits, - and _")
		} else if prev, ok := names[strings.ToLower(ad.Name)]; ok {
			b.add(ad.Source, subject, "%s has the same name; give each api its own name (names are not case-sensitive)", prev)
		} else {
			names[strings.ToLower(ad.Name)] = fmt.Sprintf("api %q at %s", ad.Name, ad.Source)
		}
		api := &HTTPApi{Name: ad.Name, DomainName: strings.ToLower(ad.DomainName), CORS: ad.CORS, Source: ad.Source}
		if api.DomainName != "" {
			if err := checkDomain(api.DomainName); err != nil {
				b.add(ad.Source, subject, "%v", err)
			} else if prev, ok := domains[api.DomainName]; ok {
				b.add(ad.Source, subject, "domain %s is already used by %s; one domain can serve only one api, so give this api another domain (e.g. a subdomain)", api.DomainName, prev)
			} else {
				domains[api.DomainName] = fmt.Sprintf("api %q at %s", ad.Name, ad.Source)
			}
		}
		auths := map[*HTTPAuthorizerDecl]*HTTPAuthorizer{}
		seen := map[string]*HTTPAuthorizerDecl{}
		for _, a := range ad.Authorizers {
			if prev, ok := seen[strings.ToLower(a.Name)]; ok {
				b.add(a.Source, fmt.Sprintf("authorizer %q", a.Name), "authorizer %q is already declared on api %q at %s; give each authorizer of an api its own name", prev.Name, ad.Name, prev.Source)
				continue
			}
			seen[strings.ToLower(a.Name)] = a
			if cfg := b.httpAuthorizer(api, a); cfg != nil {
				auths[a] = cfg
				api.Authorizers = append(api.Authorizers, cfg)
			}
		}
		if da := ad.DefaultAuth; da != nil && da.Api != ad {
			b.add(ad.DefaultAuthSource, subject, "default authorizer %q belongs to api %q; declare the authorizer on this api and make that one the default", da.Name, da.Api.Name)
		}
		keys := map[string]*HTTPRoute{}
		matches := map[string]*HTTPRoute{} // by HTTPMatchKey
		for _, rd := range ad.Routes {
			if !rd.KeyOK {
				continue
			}
			rsubject := "route " + rd.Key
			r := &HTTPRoute{Api: api, Key: rd.Key, Default: rd.Default, Method: rd.Method, Path: rd.Path, Source: rd.Source}
			if prev, ok := keys[rd.Key]; ok {
				b.add(rd.Source, rsubject, "route key %s is already routed at %s; each route key may be routed once", rd.Key, prev.Source)
				continue
			}
			if !rd.Default {
				mk := HTTPMatchKey(rd.Method, rd.Path)
				if prev, ok := matches[mk]; ok {
					b.add(rd.Source, rsubject, "matches the same requests as route %s at %s (the paths differ only in parameter names); use the same parameter names or different paths", prev.Key, prev.Source)
					continue
				}
				matches[mk] = r
			}
			keys[rd.Key] = r
			b.httpRouteAuth(ad, r, rd, auths, rsubject)
			api.Routes = append(api.Routes, r)
			b.httpRouteFunction(r, rd, rsubject, groups, &order)
		}
		b.table.HTTPApis = append(b.table.HTTPApis, api)
		if b.table.httpApiByDecl == nil {
			b.table.httpApiByDecl = map[*HTTPApiDecl]*HTTPApi{}
		}
		b.table.httpApiByDecl[ad] = api
	}
	for _, g := range order {
		b.settleHTTP(g)
	}
}

// httpRouteAuth settles a route's authorizer and scopes.
func (b *builder) httpRouteAuth(ad *HTTPApiDecl, r *HTTPRoute, rd *HTTPRouteDecl, auths map[*HTTPAuthorizerDecl]*HTTPAuthorizer, subject string) {
	switch {
	case rd.Public && rd.Authorizer != nil:
		b.add(rd.Source, subject, "the route is both Public and has the authorizer %q; keep one", rd.Authorizer.Name)
		return
	case rd.Authorizer != nil && rd.Authorizer.Api != ad:
		b.add(rd.Source, subject, "authorizer %q belongs to api %q; declare an authorizer on this api and use that one", rd.Authorizer.Name, rd.Authorizer.Api.Name)
		return
	case rd.Authorizer != nil:
		r.Auth = auths[rd.Authorizer]
		if r.Auth == nil {
			return // its own problems are reported
		}
	case !rd.Public && ad.DefaultAuth != nil:
		if ad.DefaultAuth.Api != ad {
			return // reported once, for the api
		}
		r.Auth = auths[ad.DefaultAuth]
	}
	for _, s := range rd.Scopes {
		if s == "" || strings.ContainsAny(s, " \t") {
			b.add(rd.Source, subject, "scope %q is not a scope name; give names such as \"read\" or \"orders/write\"", s)
		}
	}
	if len(rd.Scopes) > 0 {
		switch {
		case r.Auth == nil && rd.Authorizer == nil && !rd.Public && ad.DefaultAuth != nil:
			// The default authorizer has problems of its own.
		case r.Auth == nil:
			b.add(rd.Source, subject, "scopes need a JWT authorizer, and the route has no authorizer; give it one made with api.JWTAuthorizer or api.CognitoAuthorizer")
		case r.Auth.Kind == HTTPAuthIAM:
			b.add(rd.Source, subject, "scopes need a JWT authorizer, and the route uses IAM authorization (api.IAMAuthorizer), which checks the caller's signature and has no scopes; remove the scopes or use api.JWTAuthorizer")
		case r.Auth.Kind != HTTPAuthJWT:
			b.add(rd.Source, subject, "scopes need a JWT authorizer, and the route's authorizer %q is a Lambda authorizer; remove the scopes or use api.JWTAuthorizer", r.Auth.Name)
		case len(rd.Scopes) > HTTPMaxScopes:
			b.add(rd.Source, subject, "%d scopes; an HTTP API route takes at most %d (https://docs.aws.amazon.com/apigateway/latest/developerguide/http-api-quotas.html)", len(rd.Scopes), HTTPMaxScopes)
		}
	}
	r.Scopes = slices.Clone(rd.Scopes)
}

// httpAuthorizer resolves an authorizer; nil when it has problems (reported).
func (b *builder) httpAuthorizer(api *HTTPApi, d *HTTPAuthorizerDecl) *HTTPAuthorizer {
	subject := fmt.Sprintf("authorizer %q", d.Name)
	if !nameRE.MatchString(d.Name) {
		b.add(d.Source, subject, "name must start with a letter or digit and contain only letters, digits, - and _")
		return nil
	}
	a := &HTTPAuthorizer{Name: d.Name, Kind: d.Kind, Issuer: d.Issuer, Audience: slices.Clone(d.Audience),
		IdentitySources: slices.Clone(d.IdentitySources), UserPoolID: d.UserPoolID, TTL: int(d.TTL / time.Second), SimpleResponses: d.SimpleResponses, Source: d.Source}
	if d.DevJWKS != "" {
		source := d.DevJWKSSource
		if source == "" {
			source = d.Source
		}
		if d.Kind != HTTPAuthJWT {
			b.add(source, subject, "only JWT authorizers verify tokens with a JWKS; remove DevJWKS")
			return nil
		}
		ok := true
		a.DevJWKS = d.DevJWKS
		a.JWKS = b.devJWKS(d.DevJWKS, func(format string, args ...any) {
			b.add(source, subject, format, args...)
			ok = false
		})
		if !ok {
			return nil
		}
	}
	if d.Kind != HTTPAuthRequest {
		return a
	}
	cfg := d.Config
	cfg.Handler = d.Handler
	res, ok := b.resolve(d.Source, subject, cfg)
	if !ok {
		return nil
	}
	fn := &Function{Key: "httpauthorizer:" + api.Name + "/" + d.Name, Instance: true, Source: d.Source}
	b.fill(fn, res)
	if !b.configure(fn, cfg, d.Source, subject) {
		return nil
	}
	fn.Name = b.httpName(strings.ToLower(api.Name+"-"+d.Name), fn.Key)
	fn.HTTPAuthorizer = a
	a.Function = fn
	b.table.Functions = append(b.table.Functions, fn)
	return a
}

// httpRouteFunction finds or makes the function of a route.
func (b *builder) httpRouteFunction(r *HTTPRoute, rd *HTTPRouteDecl, subject string, groups map[string]*httpGroup, order *[]*httpGroup) {
	if rd.Function != nil {
		fd := rd.Function
		fn, ok := b.routedInstance(fd, rd.Source, subject)
		if !ok {
			return
		}
		if len(fn.Routes) > 0 {
			b.add(rd.Source, subject, "function %q also serves REST API route %s (%s); a REST API sends payload format 1.0 events and an HTTP API format 2.0, so give each API its own function", fn.Name, fn.Routes[0], fn.Routes[0].Source)
			return
		}
		// The timeout is the function's own, so it is reported once, at its first HTTP API route. A
		// function.New function given none has DefaultTimeout (60 s), longer than an HTTP API
		// integration waits; unlike the functions of Route, it is not lowered to 30 s, since the
		// function may be invoked otherwise too.
		if fn.Timeout > HTTPIntegrationTimeout && len(fn.HTTPRoutes) == 0 {
			if fd.Config.TimeoutSet || fd.Config.Timeout != 0 {
				b.add(rd.Source, subject, "function %q has a timeout of %ds, and HTTP API integrations time out after 30 s; set function.Timeout(30 * time.Second) or less (https://docs.aws.amazon.com/apigateway/latest/developerguide/http-api-quotas.html)", fn.Name, fn.Timeout)
			} else {
				b.add(rd.Source, subject, "function %q has the default timeout of function.New, %ds, and HTTP API integrations time out after 30 s; give it function.Timeout(30 * time.Second) or less at %s (https://docs.aws.amazon.com/apigateway/latest/developerguide/http-api-quotas.html)", fn.Name, fn.Timeout, fd.Source)
			}
		}
		r.Function, r.Target = fn, fn.Entry
		fn.HTTPRoutes = append(fn.HTTPRoutes, r)
		return
	}
	cfg := rd.Config
	cfg.Handler = rd.Handler
	res, ok := b.resolve(rd.Source, subject, cfg)
	if !ok {
		return
	}
	target := Target{Func: res.Ref.Func}
	if res.Runtime == handler.Python {
		target.Module = res.Ref.Module()
	}
	// The key differs from a REST API's function of the same code: a REST API sends payload format
	// 1.0 events, an HTTP API format 2.0, so the two never share a function.
	key := "http:" + res.Key()
	g := groups[key]
	if g == nil {
		fn := &Function{Key: key, Source: rd.Source}
		b.fill(fn, res)
		g = &httpGroup{fn: fn, keys: map[string]*HTTPRoute{}}
		groups[key] = g
		*order = append(*order, g)
	}
	if prev, ok := g.keys[r.Key]; ok && prev.Target != target {
		b.add(rd.Source, subject, "api %q routes the same route key to %s in %s (%s), and the function's generated router tells routes apart by their route key alone; give this route the same handler, or put one of the two handlers in another file",
			prev.Api.Name, prev.Target, codeLocation(key), prev.Source)
		return
	} else if !ok {
		g.keys[r.Key] = r
	}
	r.Function, r.Target = g.fn, target
	if cfg.configured() {
		g.configured = append(g.configured, r)
		g.configs = append(g.configs, cfg)
		g.config = cfg
	}
	g.fn.HTTPRoutes = append(g.fn.HTTPRoutes, r)
}

// settleHTTP configures and names the function of HTTP API routes, as settle does a REST API's. Its
// timeout is the integration timeout, 30 s, unless given.
func (b *builder) settleHTTP(g *httpGroup) {
	fn := g.fn
	subject := "function " + codeLocation(fn.Key)
	if len(g.configured) > 1 {
		var where []string
		for _, r := range g.configured {
			where = append(where, fmt.Sprintf("%s (%s)", r.Key, r.Source))
		}
		b.add(g.configured[1].Source, subject,
			"configured on more than one route: %s; configure it on one route only (the others share it), or create it once with function.New and pass it to each route",
			strings.Join(where, ", "))
		b.configureEach(fn, g.configs, func(i int) string { return g.configured[i].Source }, subject)
		b.unbuilt(fn, b.uniqueName(fn))
		return
	}
	source := fn.Source
	if len(g.configured) == 1 {
		source = g.configured[0].Source
	}
	if !b.configure(fn, g.config, source, subject) {
		b.unbuilt(fn, b.uniqueName(fn))
		return
	}
	if !g.config.TimeoutSet && g.config.Timeout == 0 {
		fn.Timeout = HTTPIntegrationTimeout
	} else if fn.Timeout > HTTPIntegrationTimeout {
		b.add(source, subject, "timeout %ds is longer than HTTP API integrations wait: they time out after 30 s; set function.Timeout(30 * time.Second) or less (https://docs.aws.amazon.com/apigateway/latest/developerguide/http-api-quotas.html)", fn.Timeout)
		b.unbuilt(fn, b.uniqueName(fn))
		return
	}
	fn.Name = b.uniqueName(fn)
	b.table.Functions = append(b.table.Functions, fn)
}

// httpName makes name unique among the app's functions with a short hash of key.
func (b *builder) httpName(name, key string) string {
	if _, taken := b.names[name]; taken || name == "" {
		sum := sha256.Sum256([]byte(key))
		name = strings.TrimSuffix(name+"-"+hex.EncodeToString(sum[:])[:6], "-")
	}
	b.names[name] = key
	return name
}
