package route

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"maps"
	"os"
	"path"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"time"

	"github.com/stelvio-go/stelvio/internal/authorizer"
	"github.com/stelvio-go/stelvio/internal/cors"
	"github.com/stelvio-go/stelvio/internal/handler"
)

// CORSDecl is an api's CORS configuration as declared. MaxAge is kept as the duration given (Config's
// MaxAge is set from it when it is a whole number of seconds); zero sends no Access-Control-Max-Age.
type CORSDecl struct {
	Config cors.Config
	MaxAge time.Duration
}

// AuthorizerDecl is one authorizer as declared on an api (api.TokenAuthorizer, RequestAuthorizer,
// CognitoAuthorizer, IAMAuthorizer).
type AuthorizerDecl struct {
	// Api is the api it was declared on.
	Api  *ApiDecl
	Name string
	Kind authorizer.Kind
	// Handler and Config are the function of a TOKEN or REQUEST authorizer.
	Handler string
	Config  FunctionConfig
	// TTL is the result cache time when TTLSet (the default otherwise: 300 s).
	TTL                  time.Duration
	TTLSet               bool
	TokenHeader          string
	ValidationExpression string
	IdentitySources      []string
	UserPoolARNs         []string
	// DevJWKS is the JWKS file or URL dev verifies a Cognito authorizer's tokens with.
	DevJWKS string
	Source  string
}

// DefaultAuthDecl is an api's default authorizer: every route without its own authorizer that is not
// public uses it.
type DefaultAuthDecl struct {
	Authorizer *AuthorizerDecl
	Source     string
}

// RouteAuthDecl is a route's authorization as declared on its handle.
type RouteAuthDecl struct {
	// Authorizer is the route's own authorizer; nil leaves the api's default.
	Authorizer *AuthorizerDecl
	// Public gives the route no authorizer, whatever the api's default.
	Public bool
	// Scopes are the OAuth scopes a Cognito token must carry one of.
	Scopes []string
}

// userPoolARN is a Cognito user pool ARN; its last part is the pool id.
var userPoolARN = regexp.MustCompile(`^arn:aws[a-z-]*:cognito-idp:[a-z0-9-]+:\d{12}:userpool/([a-z]{2}(-[a-z]+)+-\d_[0-9A-Za-z]+)$`)

// authState is what the builder keeps of an api's authorization while resolving its routes.
type authState struct {
	configs map[*AuthorizerDecl]*authorizer.Config
	// defaults holds each api's default authorizer, once resolved.
	defaults map[*Api]*authorizer.Config
	// decls maps an api to its declaration.
	decls map[*Api]*ApiDecl
}

func (b *builder) authOf() *authState {
	if b.auth == nil {
		b.auth = &authState{configs: map[*AuthorizerDecl]*authorizer.Config{}, defaults: map[*Api]*authorizer.Config{}, decls: map[*Api]*ApiDecl{}}
	}
	return b.auth
}

// apiAuth resolves an api's CORS configuration and its authorizers (with their functions), before its
// routes.
func (b *builder) apiAuth(api *Api, ad *ApiDecl) {
	st := b.authOf()
	st.decls[api] = ad
	subject := fmt.Sprintf("api %q", ad.Name)
	if c := ad.CORS; c != nil {
		cfg := cors.Config{
			AllowOrigins:     slices.Clone(c.Config.AllowOrigins),
			AllowMethods:     slices.Clone(c.Config.AllowMethods),
			AllowHeaders:     slices.Clone(c.Config.AllowHeaders),
			AllowCredentials: c.Config.AllowCredentials,
			ExposeHeaders:    slices.Clone(c.Config.ExposeHeaders),
		}
		if c.MaxAge != 0 {
			if c.MaxAge%time.Second != 0 {
				b.add(ad.Source, subject, "CORS max age %s is not a whole number of seconds; browsers count it in seconds, e.g. 10*time.Minute", c.MaxAge)
			}
			secs := int(c.MaxAge / time.Second)
			cfg.MaxAge = &secs
		}
		for _, err := range cfg.Validate() {
			b.add(ad.Source, subject, "%v", err)
		}
		api.CORS = &cfg
	}
	names := map[string]*AuthorizerDecl{}
	for _, d := range ad.Authorizers {
		if prev, ok := names[strings.ToLower(d.Name)]; ok {
			b.add(d.Source, fmt.Sprintf("authorizer %q", d.Name), "authorizer %q is already declared on api %q at %s; give each authorizer of an api its own name", prev.Name, ad.Name, prev.Source)
			continue
		}
		names[strings.ToLower(d.Name)] = d
		if cfg := b.authorizer(api, d); cfg != nil {
			st.configs[d] = cfg
			api.Authorizers = append(api.Authorizers, cfg)
		}
	}
	if da := ad.DefaultAuth; da != nil {
		switch {
		case da.Authorizer.Api != ad:
			b.add(da.Source, subject, "default authorizer %q belongs to api %q; declare the authorizer on this api and make that one the default", da.Authorizer.Name, da.Authorizer.Api.Name)
		default:
			st.defaults[api] = st.configs[da.Authorizer] // nil when the authorizer has problems of its own
		}
	}
}

// authorizer resolves one authorizer; nil when it cannot be used (its problems are reported).
func (b *builder) authorizer(api *Api, d *AuthorizerDecl) *authorizer.Config {
	subject := fmt.Sprintf("authorizer %q", d.Name)
	ok := true
	bad := func(format string, args ...any) {
		b.add(d.Source, subject, format, args...)
		ok = false
	}
	if !nameRE.MatchString(d.Name) {
		bad("name must start with a letter or digit and contain only letters, digits, - and _")
	}
	cfg := &authorizer.Config{
		Name:                 d.Name,
		Kind:                 d.Kind,
		TokenHeader:          d.TokenHeader,
		ValidationExpression: d.ValidationExpression,
		IdentitySources:      slices.Clone(d.IdentitySources),
	}
	if d.TTLSet {
		switch {
		case d.TTL%time.Second != 0:
			bad("TTL %s is not a whole number of seconds; API Gateway caches authorizer results for whole seconds, e.g. apigateway.TTL(5*time.Minute)", d.TTL)
		case d.TTL < 0 || d.TTL > authorizer.MaxTTL*time.Second:
			bad("TTL %s is out of range; API Gateway caches authorizer results for 0 (no cache) to 1h0m0s (3600 seconds)", d.TTL)
		default:
			ttl := int(d.TTL / time.Second)
			cfg.TTL = &ttl
		}
	}
	if d.Kind == authorizer.KindCognito {
		if len(d.UserPoolARNs) == 0 {
			bad("a Cognito authorizer needs the ARN of at least one user pool; pass apigateway.UserPoolARN(\"arn:aws:cognito-idp:REGION:ACCOUNT:userpool/POOL_ID\")")
		}
		for _, arn := range d.UserPoolARNs {
			m := userPoolARN.FindStringSubmatch(arn)
			if m == nil {
				bad("user pool ARN %q is not of the form arn:aws:cognito-idp:REGION:ACCOUNT:userpool/POOL_ID (e.g. arn:aws:cognito-idp:us-east-1:123456789012:userpool/us-east-1_AbCdEf123)", arn)
				continue
			}
			if cfg.UserPoolID == "" {
				cfg.UserPoolID = m[1]
			}
			cfg.ProviderARNs = append(cfg.ProviderARNs, arn)
		}
		cfg.JWKS = b.devJWKS(d.DevJWKS, bad)
	} else if len(d.UserPoolARNs) > 0 {
		bad("only Cognito authorizers have user pools; remove apigateway.UserPoolARN")
	} else if d.DevJWKS != "" {
		bad("only Cognito authorizers verify tokens with a JWKS; remove apigateway.DevJWKS")
	}
	if d.Kind == authorizer.KindToken || d.Kind == authorizer.KindRequest {
		// The function is named now so that the configuration's own checks do not also report it missing.
		cfg.Function = d.Handler
		if fn := b.authorizerFunction(api, d, subject); fn != nil {
			fn.Authorizer = cfg
			cfg.Function = fn.Name
		} else {
			ok = false
		}
	} else if d.Config.configured() || d.Handler != "" {
		bad("a %s authorizer runs no function; remove the function options", d.Kind)
	}
	for _, err := range cfg.Validate() {
		msg := strings.TrimPrefix(err.Error(), subject+": ")
		if d.Kind == authorizer.KindCognito && cfg.UserPoolID == "" && strings.HasPrefix(msg, "a COGNITO_USER_POOLS authorizer needs its user pool id") {
			continue // the user pool ARNs are reported above
		}
		bad("%s", msg)
	}
	if !ok {
		return nil
	}
	return cfg
}

// authorizerFunction makes the Lambda function of a TOKEN or REQUEST authorizer: a function of its
// own (no generated routing code) whose handler receives the authorizer's events.
func (b *builder) authorizerFunction(api *Api, d *AuthorizerDecl, subject string) *Function {
	return b.routelessFunction("authorizer:"+api.Name+"/"+d.Name, api.Name+"-"+d.Name, d.Handler, d.Config, d.Source, subject)
}

// routelessFunction adds a function that no route calls (an authorizer, a table's subscriber), keyed
// key and named name (lowercase, with a short hash when the name is taken), with its own handler and
// configuration; nil when they have problems (reported).
func (b *builder) routelessFunction(key, name, handler string, cfg FunctionConfig, source, subject string) *Function {
	cfg.Handler = handler
	res, ok := b.resolve(source, subject, cfg)
	if !ok {
		return nil
	}
	fn := &Function{Key: key, Instance: true, Source: source}
	b.fill(fn, res)
	if !b.configure(fn, cfg, source, subject) {
		return nil
	}
	name = strings.ToLower(name)
	if _, taken := b.names[name]; taken {
		sum := sha256.Sum256([]byte(fn.Key))
		name += "-" + hex.EncodeToString(sum[:])[:6]
	}
	b.names[name] = fn.Key
	fn.Name = name
	b.table.Functions = append(b.table.Functions, fn)
	return fn
}

// routeAuth settles a route's authorizer and scopes, and checks the route against the api's CORS.
func (b *builder) routeAuth(api *Api, r *Route, rd *RouteDecl, subject string) {
	st := b.authOf()
	a := rd.Auth
	if api.CORS != nil && slices.Contains(r.Methods, "OPTIONS") {
		b.add(rd.Source, subject, "the api answers OPTIONS on every path itself because CORS is on (the preflight); remove this route, or turn CORS off and answer OPTIONS in the handler")
	}
	var cfg *authorizer.Config
	switch {
	case a.Public && a.Authorizer != nil:
		b.add(rd.Source, subject, "the route is both Public and has the authorizer %q; keep one", a.Authorizer.Name)
		return
	case a.Authorizer != nil && a.Authorizer.Api != st.decls[api]:
		b.add(rd.Source, subject, "authorizer %q belongs to api %q; declare an authorizer on this api (api.TokenAuthorizer, ...) and use that one", a.Authorizer.Name, a.Authorizer.Api.Name)
		return
	case a.Authorizer != nil:
		cfg = st.configs[a.Authorizer]
		if cfg == nil {
			return // the authorizer's own problems are reported
		}
	case !a.Public:
		cfg = st.defaults[api]
	}
	for _, s := range a.Scopes {
		if s == "" || strings.ContainsAny(s, " \t") {
			b.add(rd.Source, subject, "scope %q is not a scope name; give names such as \"read\" or \"orders/write\"", s)
		}
	}
	if len(a.Scopes) > 0 {
		switch {
		case cfg == nil && a.Authorizer == nil && !a.Public && st.decls[api].DefaultAuth != nil:
			// The default authorizer has problems of its own.
		case cfg == nil:
			b.add(rd.Source, subject, "scopes %s need a Cognito authorizer, and the route has no authorizer; give it one made with api.CognitoAuthorizer", quoteScopes(a.Scopes))
		case cfg.Kind != authorizer.KindCognito:
			b.add(rd.Source, subject, "scopes %s need a Cognito authorizer, and the route's authorizer %q is %s; remove the scopes or use an authorizer made with api.CognitoAuthorizer", quoteScopes(a.Scopes), cfg.Name, cfg.Kind)
		}
	}
	r.Auth = cfg
	r.Scopes = slices.Clone(a.Scopes)
}

func quoteScopes(s []string) string {
	q := make([]string, len(s))
	for i, v := range s {
		q[i] = fmt.Sprintf("%q", v)
	}
	return "[" + strings.Join(q, " ") + "]"
}

// corsFunctions gives the functions of the routes of APIs with CORS the CORS environment variables
// (the handler helpers read them) and, for Python, the helper module stelvio_cors.py.
func (b *builder) corsFunctions() {
	for _, fn := range b.table.Functions {
		var cfg *cors.Config
		var from *Api
		for _, r := range fn.Routes {
			c := r.Api.CORS
			if c == nil || from == r.Api {
				continue
			}
			if cfg != nil && !maps.Equal(cfg.Environment(), c.Environment()) {
				b.add(fn.Source, fmt.Sprintf("function %s", fn.Name), "serves routes of api %q and api %q, whose CORS settings differ; its handlers get one set of CORS variables, so give the apis the same CORS settings or use one function per api", from.Name, r.Api.Name)
				break
			}
			cfg, from = c, r.Api
		}
		if cfg == nil {
			continue
		}
		env := cfg.Environment()
		if fn.Environment == nil {
			fn.Environment = map[string]string{}
		}
		for k, v := range env {
			if _, own := fn.Environment[k]; !own {
				fn.Environment[k] = v
			}
		}
		if fn.Runtime == handler.Python {
			fn.ExtraFiles = map[string][]byte{cors.PythonModuleName: cors.PythonModule}
		}
	}
}

// authLines are the fingerprint lines of an API's CORS and authorization.
func (a *Api) authLines() []string {
	var lines []string
	if c := a.CORS; c != nil {
		lines = append(lines, fmt.Sprintf("cors %s", envString(c.Environment())))
	}
	for _, c := range a.Authorizers {
		ttl := "default"
		if c.TTL != nil {
			ttl = fmt.Sprint(*c.TTL)
		}
		lines = append(lines, fmt.Sprintf("authorizer %s kind=%s function=%s header=%q validation=%q sources=%q ttl=%s pools=%q",
			c.Name, c.Kind, c.Function, c.TokenHeader, c.ValidationExpression, c.IdentitySources, ttl, c.ProviderARNs))
	}
	for _, r := range a.Routes {
		if r.Auth != nil {
			lines = append(lines, fmt.Sprintf("auth %s %s -> %s scopes=%q", strings.Join(r.Methods, ","), r.Path, r.Auth.Name, r.Scopes))
		}
	}
	return lines
}

// devJWKS resolves a DevJWKS setting: an http(s) URL, or a file inside the project (its absolute path);
// the zero source for "". A path that leaves the project or names no file is reported with bad.
func (b *builder) devJWKS(j string, bad func(format string, args ...any)) authorizer.JWKSSource {
	switch {
	case j == "":
		return authorizer.JWKSSource{}
	case strings.HasPrefix(j, "https://") || strings.HasPrefix(j, "http://"):
		return authorizer.JWKSSource{URL: j}
	}
	p := path.Clean(filepath.ToSlash(j))
	if path.IsAbs(p) || filepath.IsAbs(j) || p == ".." || strings.HasPrefix(p, "../") {
		bad("JWKS file %q is outside the project; give a path relative to the project directory", j)
		return authorizer.JWKSSource{}
	}
	file := filepath.Join(b.dir, filepath.FromSlash(p))
	if fi, err := os.Stat(file); err != nil || fi.IsDir() {
		bad("JWKS file %s not found in the project", p)
		return authorizer.JWKSSource{}
	}
	return authorizer.JWKSSource{File: file}
}
