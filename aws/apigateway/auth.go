package apigateway

import (
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/stelvio-go/stelvio/aws/function"
	"github.com/stelvio-go/stelvio/internal/app"
	"github.com/stelvio-go/stelvio/internal/authorizer"
	"github.com/stelvio-go/stelvio/internal/route"
)

// Authorizer is an authorizer declared on an Api or an HTTPApi: pass it to Route.Auth or
// SetDefaultAuthorizer of the same api. The same concept serves both kinds of API; which authorizers
// an api can declare follows what API Gateway offers for it:
//
//	REST API (New)      TokenAuthorizer, RequestAuthorizer, CognitoAuthorizer, IAMAuthorizer
//	HTTP API (NewHTTP)  JWTAuthorizer, RequestAuthorizer, CognitoAuthorizer, IAMAuthorizer
type Authorizer struct {
	rest *route.AuthorizerDecl
	http *route.HTTPAuthorizerDecl
}

// Name is the authorizer's name in its api.
func (a *Authorizer) Name() string {
	if a.http != nil {
		return a.http.Name
	}
	return a.rest.Name
}

func (a *Authorizer) valid() bool { return a != nil && (a.rest != nil || a.http != nil) }

// AuthorizerOption configures an authorizer. TTL, ValidationRegex, TokenHeader, IdentitySource,
// UserPoolARN, Audience and DevJWKS values are AuthorizerOptions themselves. An option that does not
// apply to the kind of authorizer it is given to is reported as a problem, naming what to use instead.
type AuthorizerOption interface {
	applyAuthorizer(s *authSettings)
}

// authSettings collects an authorizer's options before they are mapped onto the declaration of its
// kind; used names the options given, for reporting those the kind has no use for.
type authSettings struct {
	ttl         time.Duration
	ttlSet      bool
	validation  string
	tokenHeader string
	identity    []IdentitySource
	userPools   []string
	audiences   []string
	devJWKS     string
	functions   []function.Option
	iamPolicy   bool
	used        []string
}

func (s *authSettings) use(name string) {
	if !slices.Contains(s.used, name) {
		s.used = append(s.used, name)
	}
}

type authorizerOptionFunc func(s *authSettings)

func (f authorizerOptionFunc) applyAuthorizer(s *authSettings) { f(s) }

// TTL is how long API Gateway caches an authorizer's answer for the same identity, 0 (no cache) to 1
// hour in whole seconds. A REST API caches for 5 minutes when it is not given; an HTTP API does not
// cache unless it is given (AWS's defaults for each).
type TTL time.Duration

func (t TTL) applyAuthorizer(s *authSettings) { s.ttl, s.ttlSet = time.Duration(t), true; s.use("TTL") }

// ValidationRegex is a regular expression a token must match: a TOKEN authorizer answers 401 without
// calling its function for a token that does not match; a Cognito authorizer of a REST API matches it
// against the token's aud claim. REST APIs only.
type ValidationRegex string

func (v ValidationRegex) applyAuthorizer(s *authSettings) {
	s.validation = string(v)
	s.use("ValidationRegex")
}

// TokenHeader is the request header a TOKEN, Cognito or JWT authorizer reads the token from;
// "Authorization" when not given.
type TokenHeader string

func (h TokenHeader) applyAuthorizer(s *authSettings) {
	s.tokenHeader = string(h)
	s.use("TokenHeader")
}

// IdentitySource is a value a request authorizer needs. IdentityHeader and IdentityQuery write the
// common ones for either kind of API; it may also be written as API Gateway writes it, in the syntax
// of either kind, and is translated to the api's: "method.request.header.NAME" or
// "$request.header.NAME", "method.request.querystring.NAME" or "$request.querystring.NAME",
// "context.NAME" or "$context.NAME", "stageVariables.NAME" or "$stageVariables.NAME". A request
// missing one gets 401 without the function being called; with caching on, the values are the cache
// key.
type IdentitySource string

func (i IdentitySource) applyAuthorizer(s *authSettings) {
	s.identity = append(s.identity, i)
	s.use("IdentitySource")
}

// IdentityHeader is the identity source of a request header.
func IdentityHeader(name string) IdentitySource { return IdentitySource("$request.header." + name) }

// IdentityQuery is the identity source of a query string parameter.
func IdentityQuery(name string) IdentitySource {
	return IdentitySource("$request.querystring." + name)
}

// identityPrefixes pair each identity source prefix of a REST API with an HTTP API's.
var identityPrefixes = [][2]string{
	{"method.request.header.", "$request.header."},
	{"method.request.querystring.", "$request.querystring."},
	{"stageVariables.", "$stageVariables."},
	{"context.", "$context."},
}

// rest is the source in a REST API's syntax; a source in neither syntax is kept as written, for the
// checks to name.
func (i IdentitySource) rest() string {
	for _, p := range identityPrefixes {
		if rest, ok := strings.CutPrefix(string(i), p[1]); ok {
			return p[0] + rest
		}
	}
	return string(i)
}

// http is the source in an HTTP API's syntax.
func (i IdentitySource) http() string {
	for _, p := range identityPrefixes {
		if rest, ok := strings.CutPrefix(string(i), p[0]); ok {
			return p[1] + rest
		}
	}
	return string(i)
}

// UserPoolARN is the ARN of a Cognito user pool whose tokens a Cognito authorizer accepts,
// "arn:aws:cognito-idp:us-east-1:123456789012:userpool/us-east-1_AbCdEf123". A REST API's authorizer
// takes one or more; an HTTP API's exactly one (its issuer).
type UserPoolARN string

func (u UserPoolARN) applyAuthorizer(s *authSettings) {
	s.userPools = append(s.userPools, string(u))
	s.use("UserPoolARN")
}

// Audience is a client id whose tokens a JWT or Cognito authorizer of an HTTP API accepts: the
// token's aud claim, or client_id when it has no aud (Cognito access tokens), must be one of them.
// Give one or more; HTTP APIs only (a REST API's Cognito authorizer matches aud with ValidationRegex).
type Audience string

func (a Audience) applyAuthorizer(s *authSettings) {
	s.audiences = append(s.audiences, string(a))
	s.use("Audience")
}

// DevJWKS is where `dev` finds the keys that sign a Cognito or JWT authorizer's tokens: a JWKS file in
// the project ("testdata/jwks.json") or a URL ("https://cognito-idp.REGION.amazonaws.com/POOL_ID/.well-known/jwks.json"),
// fetched once and again when a token names a key it does not hold. Without it `dev` accepts tokens
// signed with the local development key (`go run . token`). It changes nothing deployed: API Gateway
// reads the issuer's keys itself.
type DevJWKS string

func (j DevJWKS) applyAuthorizer(s *authSettings) { s.devJWKS = string(j); s.use("DevJWKS") }

// FunctionOptions configure the Lambda function of a TOKEN or REQUEST authorizer (memory, timeout,
// environment, permissions), as function options configure a route's function.
func FunctionOptions(opts ...function.Option) AuthorizerOption {
	return authorizerOptionFunc(func(s *authSettings) {
		s.functions = append(s.functions, opts...)
		s.use("FunctionOptions")
	})
}

// IAMPolicyResponses makes the function of an HTTP API's RequestAuthorizer return an IAM policy
// ({"principalId", "policyDocument", "context"}, events.APIGatewayCustomAuthorizerResponse) instead
// of the simple response {"isAuthorized": bool, "context": {...}}. A REST API's authorizers always
// return policies.
func IAMPolicyResponses() AuthorizerOption {
	return authorizerOptionFunc(func(s *authSettings) { s.iamPolicy = true; s.use("IAMPolicyResponses") })
}

// settings applies opts; allowed names the options the kind of authorizer has a use for, and misuse
// gets the others reported (with hint, what to do instead).
func settings(opts []AuthorizerOption, allowed ...string) (s *authSettings, misused []string) {
	s = &authSettings{}
	for _, o := range opts {
		if o != nil {
			o.applyAuthorizer(s)
		}
	}
	for _, u := range s.used {
		if !slices.Contains(allowed, u) {
			misused = append(misused, u)
		}
	}
	return s, misused
}

// misuseMessage says that option does not apply to an authorizer of kind, and what to do instead.
func misuseMessage(option, kind string) string {
	hint := map[string]string{
		"ValidationRegex":    "it is an option of REST API TOKEN and Cognito authorizers",
		"Audience":           "it is an option of HTTP API JWT and Cognito authorizers; a REST API's Cognito authorizer matches the aud claim with apigateway.ValidationRegex",
		"IAMPolicyResponses": "a REST API's authorizers always return IAM policies; it is an option of HTTP API request authorizers",
		"UserPoolARN":        "it is an option of Cognito authorizers",
		"DevJWKS":            "it is an option of Cognito and JWT authorizers",
		"FunctionOptions":    "it configures the function of a token or request authorizer, and this one runs none",
		"IdentitySource":     "it is an option of request authorizers",
		"TokenHeader":        "it is an option of token, Cognito and JWT authorizers",
		"TTL":                "it is an option of token and request authorizers",
	}[option]
	return fmt.Sprintf("apigateway.%s does not apply to %s; remove it (%s)", option, kind, hint)
}

// TokenAuthorizer declares a Lambda authorizer of a REST API that receives a token, the value of the
// Authorization header (see TokenHeader). handler is a handler string as for Route
// ("functions/auth.check", or a Go package "functions/auth.Check"); the function receives the TOKEN
// authorizer event (events.APIGatewayCustomAuthorizerRequest) and returns a policy
// (events.APIGatewayCustomAuthorizerResponse); raising or returning the error "Unauthorized" answers
// 401. A request without the header gets 401 without calling the function. Options: TTL,
// ValidationRegex, TokenHeader, FunctionOptions.
func (a *Api) TokenAuthorizer(name, handler string, opts ...AuthorizerOption) *Authorizer {
	return a.authorizer(route.Caller(1), name, authorizer.KindToken, handler, opts)
}

// RequestAuthorizer declares a Lambda authorizer of a REST API that receives the request's headers,
// query string, path parameters, stage variables and context
// (events.APIGatewayCustomAuthorizerRequestTypeRequest), and returns a policy. Give its
// IdentitySource values: with caching on (the default) at least one is needed, as the cache key.
// Options: IdentitySource, TTL, FunctionOptions.
func (a *Api) RequestAuthorizer(name, handler string, opts ...AuthorizerOption) *Authorizer {
	return a.authorizer(route.Caller(1), name, authorizer.KindRequest, handler, opts)
}

// CognitoAuthorizer declares an authorizer of a REST API that accepts the tokens of Amazon Cognito
// user pools (give their UserPoolARN values): the token of the Authorization header must be a valid
// ID or access token of one of the pools; routes may require scopes of access tokens (Route.Scopes).
// Under dev, tokens minted with the token command are accepted, or those of DevJWKS. Options:
// UserPoolARN, TokenHeader, ValidationRegex, TTL, DevJWKS.
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
				return &Authorizer{rest: d}
			}
		}
	}
	return a.authorizer(route.Caller(1), "iam", authorizer.KindIAM, "", nil)
}

// restOptions are the authorizer options of REST APIs; which kind of REST authorizer takes which is
// checked with the authorizer's configuration (internal/authorizer), with API Gateway's words.
var restOptions = []string{"TTL", "ValidationRegex", "TokenHeader", "IdentitySource", "UserPoolARN", "DevJWKS", "FunctionOptions"}

func (a *Api) authorizer(source, name string, kind authorizer.Kind, handler string, opts []AuthorizerOption) *Authorizer {
	s, misused := settings(opts, restOptions...)
	d := &route.AuthorizerDecl{Name: name, Kind: kind, Handler: handler, Source: source,
		TTL: s.ttl, TTLSet: s.ttlSet, ValidationExpression: s.validation, TokenHeader: s.tokenHeader,
		UserPoolARNs: s.userPools, DevJWKS: s.devJWKS}
	for _, i := range s.identity {
		d.IdentitySources = append(d.IdentitySources, i.rest())
	}
	app.ApplyFunctionOptions(&d.Config, s.functions)
	subject := fmt.Sprintf("authorizer %q", name)
	if a == nil || a.d == nil {
		app.Report(source, subject, "the api is nil; declare it with apigateway.New(ctx, name) and declare the authorizer on what it returns")
		d.Api = &route.ApiDecl{Name: "(nil)"}
		return &Authorizer{rest: d}
	}
	for _, m := range misused {
		a.report(source, subject, misuseMessage(m, fmt.Sprintf("a %s authorizer of a REST API", kind)))
	}
	d.Api = a.d
	a.d.Authorizers = append(a.d.Authorizers, d)
	return &Authorizer{rest: d}
}

// SetDefaultAuthorizer makes auth the authorizer of every route of the API that has none of its own
// and is not Public, whether declared before or after.
func (a *Api) SetDefaultAuthorizer(auth *Authorizer) {
	source := route.Caller(1)
	switch {
	case a == nil || a.d == nil:
		app.Report(source, "default authorizer", "the api is nil; declare it with apigateway.New(ctx, name)")
	case !auth.valid():
		a.report(source, fmt.Sprintf("api %q", a.d.Name), "the default authorizer is nil; pass one made with api.TokenAuthorizer, RequestAuthorizer, CognitoAuthorizer or IAMAuthorizer")
	case auth.rest == nil:
		a.report(source, fmt.Sprintf("api %q", a.d.Name), fmt.Sprintf("default authorizer %q belongs to HTTP API %q; declare the authorizer on this api and make that one the default", auth.http.Name, auth.http.Api.Name))
	default:
		a.d.DefaultAuth = &route.DefaultAuthDecl{Authorizer: auth.rest, Source: source}
	}
}

// Route is a declared route of an Api or an HTTPApi: its methods set the route's authorization. They
// return the Route, so that calls chain: api.Route("GET", "/me", "functions/me.get").Auth(tokens).
type Route struct {
	rest   *route.RouteDecl
	http   *route.HTTPRouteDecl
	report func(source, subject, message string)
}

func (r *Route) subject() string {
	if r.http != nil {
		return "route " + r.http.Key
	}
	return "route " + describe(r.rest.Methods, r.rest.Path)
}

// Auth makes auth, an authorizer of the same api, decide every request to the route, instead of the
// api's default authorizer.
func (r *Route) Auth(auth *Authorizer) *Route {
	source := route.Caller(1)
	switch {
	case !auth.valid() && r.http != nil:
		r.report(source, r.subject(), "the authorizer is nil; pass one made with api.JWTAuthorizer, CognitoAuthorizer, RequestAuthorizer or IAMAuthorizer")
	case !auth.valid():
		r.report(source, r.subject(), "the authorizer is nil; pass one made with api.TokenAuthorizer, RequestAuthorizer, CognitoAuthorizer or IAMAuthorizer")
	case r.http != nil && auth.http == nil:
		r.report(source, r.subject(), fmt.Sprintf("authorizer %q belongs to REST API %q; declare an authorizer on this api and use that one", auth.rest.Name, auth.rest.Api.Name))
	case r.rest != nil && auth.rest == nil:
		r.report(source, r.subject(), fmt.Sprintf("authorizer %q belongs to HTTP API %q; declare an authorizer on this api and use that one", auth.http.Name, auth.http.Api.Name))
	case r.http != nil:
		r.http.Authorizer = auth.http
	default:
		r.rest.Auth.Authorizer = auth.rest
	}
	return r
}

// Public makes the route open to every request, whatever the api's default authorizer.
func (r *Route) Public() *Route {
	if r.http != nil {
		r.http.Public = true
	} else {
		r.rest.Auth.Public = true
	}
	return r
}

// Scopes are OAuth scopes of which a token must carry one for the route ("read", "orders/write"): on
// a REST API the route's authorizer must be a Cognito authorizer (access tokens' scope claim); on an
// HTTP API a JWT or Cognito authorizer (scope or scp claim; at most 10 scopes, a valid token without
// any of them is answered 403).
func (r *Route) Scopes(scopes ...string) *Route {
	if r.http != nil {
		r.http.Scopes = append(r.http.Scopes, scopes...)
	} else {
		r.rest.Auth.Scopes = append(r.rest.Auth.Scopes, scopes...)
	}
	return r
}
