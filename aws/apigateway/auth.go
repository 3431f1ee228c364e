package apigateway

import (
	"fmt"
	"slices"
	"time"

	"github.com/stelvio-go/stelvio/aws/function"
	"github.com/stelvio-go/stelvio/internal/app"
	"github.com/stelvio-go/stelvio/internal/authorizer"
	"github.com/stelvio-go/stelvio/internal/route"
)

// CORSConfig is the CORS configuration of a REST API. With it, API Gateway answers the browser's
// preflight (OPTIONS on every path that has routes) itself, and its own error answers (403, 401, 502,
// ...) carry the CORS headers; a handler's response is passed through untouched, so handlers add
// Access-Control-Allow-Origin themselves — with package github.com/stelvio-go/stelvio/lambda/cors
// (Go) or the module stelvio_cors (Python), which read the environment variables stelvio gives every
// function of the API.
type CORSConfig struct {
	// AllowOrigin is the one origin allowed, "https://app.example.com", or "*" for every origin. A REST
	// API answers CORS with static headers, so it cannot allow a list.
	AllowOrigin string
	// AllowMethods are the methods allowed ("GET", "POST", ...); empty allows every method.
	AllowMethods []string
	// AllowHeaders are the request headers allowed; empty allows every header ("*").
	AllowHeaders []string
	// AllowCredentials lets browsers send cookies and authorization headers; it needs one origin, not
	// "*".
	AllowCredentials bool
	// ExposeHeaders are the response headers a browser lets scripts read; empty exposes none.
	ExposeHeaders []string
	// MaxAge is how long a browser may cache a preflight answer, in whole seconds; zero sends no
	// Access-Control-Max-Age.
	MaxAge time.Duration
}

// CORS turns on CORS for the API. Its problems (several origins, credentials with "*", an unknown
// method) are reported with the api's other problems.
func CORS(c CORSConfig) Option {
	cfg := route.CORSDecl{MaxAge: c.MaxAge}
	if c.AllowOrigin != "" {
		cfg.Config.AllowOrigins = []string{c.AllowOrigin}
	}
	cfg.Config.AllowMethods = slices.Clone(c.AllowMethods)
	cfg.Config.AllowHeaders = slices.Clone(c.AllowHeaders)
	cfg.Config.AllowCredentials = c.AllowCredentials
	cfg.Config.ExposeHeaders = slices.Clone(c.ExposeHeaders)
	return optionFunc(func(d *route.ApiDecl) {
		c := cfg
		d.CORS = &c
	})
}

// Authorizer is an authorizer declared on an Api: pass it to Route.Auth or Api.SetDefaultAuthorizer
// of the same Api.
type Authorizer struct {
	d *route.AuthorizerDecl
}

// Name is the authorizer's name in its Api.
func (a *Authorizer) Name() string { return a.d.Name }

// AuthorizerOption configures an authorizer. TTL, ValidationRegex, TokenHeader, IdentitySource and
// UserPoolARN values are AuthorizerOptions themselves.
type AuthorizerOption interface {
	applyAuthorizer(d *route.AuthorizerDecl)
}

type authorizerOptionFunc func(d *route.AuthorizerDecl)

func (f authorizerOptionFunc) applyAuthorizer(d *route.AuthorizerDecl) { f(d) }

// TTL is how long API Gateway caches an authorizer's answer for the same identity, 0 (no cache) to 1
// hour in whole seconds; 5 minutes when not given.
type TTL time.Duration

func (t TTL) applyAuthorizer(d *route.AuthorizerDecl) { d.TTL, d.TTLSet = time.Duration(t), true }

// ValidationRegex is a regular expression a token must match: a TOKEN authorizer answers 401 without
// calling its function for a token that does not match; a Cognito authorizer matches it against the
// token's aud claim.
type ValidationRegex string

func (v ValidationRegex) applyAuthorizer(d *route.AuthorizerDecl) { d.ValidationExpression = string(v) }

// TokenHeader is the request header a TOKEN or Cognito authorizer reads the token from;
// "Authorization" when not given.
type TokenHeader string

func (h TokenHeader) applyAuthorizer(d *route.AuthorizerDecl) { d.TokenHeader = string(h) }

// IdentitySource is a value a REQUEST authorizer needs, as API Gateway writes it:
// "method.request.header.NAME", "method.request.querystring.NAME", "stageVariables.NAME" or
// "context.NAME". A request missing one gets 401 without calling the function; with caching on, the
// values are the cache key. IdentityHeader and IdentityQuery write the common ones.
type IdentitySource string

func (s IdentitySource) applyAuthorizer(d *route.AuthorizerDecl) {
	d.IdentitySources = append(d.IdentitySources, string(s))
}

// IdentityHeader is the identity source of a request header: "method.request.header.NAME".
func IdentityHeader(name string) IdentitySource {
	return IdentitySource("method.request.header." + name)
}

// IdentityQuery is the identity source of a query string parameter:
// "method.request.querystring.NAME".
func IdentityQuery(name string) IdentitySource {
	return IdentitySource("method.request.querystring." + name)
}

// UserPoolARN is the ARN of a Cognito user pool whose tokens a Cognito authorizer accepts,
// "arn:aws:cognito-idp:us-east-1:123456789012:userpool/us-east-1_AbCdEf123". Give one or more.
type UserPoolARN string

func (u UserPoolARN) applyAuthorizer(d *route.AuthorizerDecl) {
	d.UserPoolARNs = append(d.UserPoolARNs, string(u))
}

// DevJWKS is where `dev` finds the keys that sign a Cognito authorizer's tokens: a JWKS file in the
// project ("testdata/jwks.json") or a URL ("https://cognito-idp.REGION.amazonaws.com/POOL_ID/.well-known/jwks.json"),
// fetched once and again when a token names a key it does not hold. Without it `dev` accepts tokens
// signed with the local development key (`go run . token`). It changes nothing deployed: API Gateway
// reads the pool's keys itself.
type DevJWKS string

func (j DevJWKS) applyAuthorizer(d *route.AuthorizerDecl) { d.DevJWKS = string(j) }

// FunctionOptions configure the Lambda function of a TOKEN or REQUEST authorizer (memory, timeout,
// environment, permissions), as function options configure a route's function.
func FunctionOptions(opts ...function.Option) AuthorizerOption {
	return authorizerOptionFunc(func(d *route.AuthorizerDecl) {
		app.ApplyFunctionOptions(&d.Config, opts)
	})
}

// TokenAuthorizer declares a Lambda authorizer that receives a token, the value of the Authorization
// header (see TokenHeader). handler is a handler string as for Route ("functions/auth.check", or a Go
// package "functions/auth.Check"); the function receives the TOKEN authorizer event
// (events.APIGatewayCustomAuthorizerRequest) and returns a policy
// (events.APIGatewayCustomAuthorizerResponse); raising or returning the error "Unauthorized" answers
// 401. A request without the header gets 401 without calling the function.
func (a *Api) TokenAuthorizer(name, handler string, opts ...AuthorizerOption) *Authorizer {
	return a.authorizer(route.Caller(1), name, authorizer.KindToken, handler, opts)
}

// RequestAuthorizer declares a Lambda authorizer that receives the request's headers, query string,
// path parameters, stage variables and context (events.APIGatewayCustomAuthorizerRequestTypeRequest),
// and returns a policy. Give its IdentitySource values: with caching on (the default) at least one is
// needed, as the cache key.
func (a *Api) RequestAuthorizer(name, handler string, opts ...AuthorizerOption) *Authorizer {
	return a.authorizer(route.Caller(1), name, authorizer.KindRequest, handler, opts)
}

// CognitoAuthorizer declares an authorizer that accepts the tokens of Amazon Cognito user pools (give
// their UserPoolARN values): the token of the Authorization header must be a valid ID or access token
// of one of the pools; routes may require scopes of access tokens (Route.Scopes). Under dev, tokens
// minted with the token command are accepted.
func (a *Api) CognitoAuthorizer(name string, opts ...AuthorizerOption) *Authorizer {
	return a.authorizer(route.Caller(1), name, authorizer.KindCognito, "", opts)
}

// IAMAuthorizer is the API's IAM authorization (AWS_IAM): a route using it accepts only requests
// signed with Signature Version 4 by an AWS identity allowed to call it. Every call returns the same
// authorizer, named "iam".
func (a *Api) IAMAuthorizer() *Authorizer {
	if a != nil && a.d != nil {
		for _, d := range a.d.Authorizers {
			if d.Kind == authorizer.KindIAM {
				return &Authorizer{d: d}
			}
		}
	}
	return a.authorizer(route.Caller(1), "iam", authorizer.KindIAM, "", nil)
}

func (a *Api) authorizer(source, name string, kind authorizer.Kind, handler string, opts []AuthorizerOption) *Authorizer {
	d := &route.AuthorizerDecl{Name: name, Kind: kind, Handler: handler, Source: source}
	for _, o := range opts {
		if o != nil {
			o.applyAuthorizer(d)
		}
	}
	if a == nil || a.d == nil {
		app.Report(source, fmt.Sprintf("authorizer %q", name), "the api is nil; declare it with apigateway.New(ctx, name) and declare the authorizer on what it returns")
		d.Api = &route.ApiDecl{Name: "(nil)"}
		return &Authorizer{d: d}
	}
	d.Api = a.d
	a.d.Authorizers = append(a.d.Authorizers, d)
	return &Authorizer{d: d}
}

// SetDefaultAuthorizer makes auth the authorizer of every route of the API that has none of its own
// and is not Public, whether declared before or after.
func (a *Api) SetDefaultAuthorizer(auth *Authorizer) {
	source := route.Caller(1)
	if a == nil || a.d == nil {
		app.Report(source, "default authorizer", "the api is nil; declare it with apigateway.New(ctx, name)")
		return
	}
	if auth == nil || auth.d == nil {
		app.Report(source, fmt.Sprintf("api %q", a.d.Name), "the default authorizer is nil; pass one made with api.TokenAuthorizer, RequestAuthorizer, CognitoAuthorizer or IAMAuthorizer")
		return
	}
	a.d.DefaultAuth = &route.DefaultAuthDecl{Authorizer: auth.d, Source: source}
}

// Route is a declared route: its methods set the route's authorization. They return the Route, so that
// calls chain: api.Route("GET", "/me", "functions/me.get").Auth(tokens).
type Route struct {
	d *route.RouteDecl
}

// Auth makes auth, an authorizer of the same Api, decide every request to the route, instead of the
// API's default authorizer.
func (r *Route) Auth(auth *Authorizer) *Route {
	if auth == nil || auth.d == nil {
		app.Report(route.Caller(1), "route "+describe(r.d.Methods, r.d.Path), "the authorizer is nil; pass one made with api.TokenAuthorizer, RequestAuthorizer, CognitoAuthorizer or IAMAuthorizer")
		return r
	}
	r.d.Auth.Authorizer = auth.d
	return r
}

// Public makes the route open to every request, whatever the API's default authorizer.
func (r *Route) Public() *Route {
	r.d.Auth.Public = true
	return r
}

// Scopes are OAuth scopes of which a Cognito access token must carry one for the route ("read",
// "orders/write"); the route's authorizer must be a Cognito authorizer.
func (r *Route) Scopes(scopes ...string) *Route {
	r.d.Auth.Scopes = append(r.d.Auth.Scopes, scopes...)
	return r
}
