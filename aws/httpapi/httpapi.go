// Package httpapi declares HTTP APIs (API Gateway v2) and their routes.
//
//	api := httpapi.New(ctx, "my-api", httpapi.CORS(httpapi.CORSConfig{AllowOrigins: []string{"https://app.example.com"}}))
//	api.Route("GET", "/users/{id}", "functions/users.get")
//	api.Route("ANY", "/files/{proxy+}", "functions/files.Serve")
//	api.Route("ANY", "$default", "functions/fallback.handler")
//	tokens := api.JWTAuthorizer("tokens", "https://issuer.example.com", "my-client-id")
//	api.Route("GET", "/me", "functions/me.get").Auth(tokens).Scopes("profile")
//
// An HTTP API is API Gateway's lower-cost, lower-latency kind of API. Handlers receive the payload
// format 2.0 event (events.APIGatewayV2HTTPRequest in Go; rawPath, routeKey, requestContext.http in
// Python) and may return a plain JSON value instead of {"statusCode": ...}: API Gateway answers 200
// with it as application/json. API Gateway itself applies CORS (a list of origins is allowed), checks
// JWTs and IAM signatures (IAMAuthorizer); integrations time out after 30 seconds. A REST API
// (package apigateway) has TOKEN authorizers, binary media types, stages and edge endpoints instead.
// function.Link(api) gives a function the API's URL, as for a REST API.
//
// Each handler (file or Go package, and function) is one Lambda function; routes naming the same
// handler share it. Declaring only records: every problem (a bad route key, a missing handler, an
// authorizer without audience, a function timeout over 30 s) is reported with the others, with the
// file:line of its declaration, before anything is built or deployed. stelvio then makes an
// apigatewayv2 Api with an integration per function, a route per route key, the authorizers, a
// $default stage that deploys every change, and the permissions for API Gateway to call the
// functions; under dev it serves the same routes on localhost.
package httpapi

import (
	"fmt"
	"regexp"
	"slices"
	"strings"
	"time"

	"github.com/stelvio-go/stelvio"
	"github.com/stelvio-go/stelvio/aws/function"
	"github.com/stelvio-go/stelvio/internal/app"
	engine "github.com/stelvio-go/stelvio/internal/httpapi"
	"github.com/stelvio-go/stelvio/internal/route"
)

// DefaultRoute is the path of the catch-all route, which receives every request no other route
// matches: api.Route("ANY", httpapi.DefaultRoute, handler).
const DefaultRoute = "$default"

// Api is a declared HTTP API.
type Api struct {
	d     *route.HTTPApiDecl
	decls *route.Decls
	iam   *Authorizer
}

// Option configures an Api.
type Option interface {
	apply(d *route.HTTPApiDecl, report func(string))
}

type optionFunc func(d *route.HTTPApiDecl, report func(string))

func (f optionFunc) apply(d *route.HTTPApiDecl, report func(string)) { f(d, report) }

// CORSConfig is the CORS configuration of an HTTP API. API Gateway applies it itself: it answers
// browsers' preflight requests that no route matches, and sets the CORS headers of every response in
// place of the handler's own. Handlers add no CORS headers.
type CORSConfig struct {
	// AllowOrigins are the origins allowed ("https://app.example.com"), or "*" for every origin. An
	// HTTP API allows a list: the response names the request's origin when it is in the list.
	AllowOrigins []string
	// AllowMethods are the methods allowed ("GET", "POST", or "*"); empty allows none beyond simple
	// requests.
	AllowMethods []string
	// AllowHeaders are the request headers allowed ("authorization", "content-type", or "*").
	AllowHeaders []string
	// ExposeHeaders are the response headers a browser lets scripts read.
	ExposeHeaders []string
	// MaxAge is how long a browser may cache a preflight answer, in whole seconds, at most 86400 s.
	MaxAge time.Duration
	// AllowCredentials lets browsers send cookies and authorization headers; it needs a list of
	// origins, not "*".
	AllowCredentials bool
}

// CORS turns on CORS for the API. Its problems (an origin with a path, credentials with "*") are
// reported with the app's other problems.
func CORS(c CORSConfig) Option {
	return optionFunc(func(d *route.HTTPApiDecl, report func(string)) {
		cfg := &route.HTTPCORS{
			AllowOrigins:     slices.Clone(c.AllowOrigins),
			AllowMethods:     slices.Clone(c.AllowMethods),
			AllowHeaders:     slices.Clone(c.AllowHeaders),
			ExposeHeaders:    slices.Clone(c.ExposeHeaders),
			MaxAge:           int(c.MaxAge / time.Second),
			AllowCredentials: c.AllowCredentials,
		}
		if c.MaxAge%time.Second != 0 {
			report(fmt.Sprintf("CORS max age %s is not a whole number of seconds; browsers count it in seconds, e.g. 10*time.Minute", c.MaxAge))
		}
		check := engine.CORS{AllowOrigins: cfg.AllowOrigins, AllowMethods: cfg.AllowMethods, AllowHeaders: cfg.AllowHeaders,
			ExposeHeaders: cfg.ExposeHeaders, MaxAge: cfg.MaxAge, AllowCredentials: cfg.AllowCredentials}
		for _, err := range check.Validate() {
			report(err.Error())
		}
		d.CORS = cfg
	})
}

// DomainName serves the API on a custom domain, e.g. "api.example.com": stelvio makes its TLS
// certificate, the regional API Gateway domain and the DNS record. The app needs a DNS provider
// (route53.Use, cloudflare.Use or extend.DNS).
func DomainName(domain string) Option {
	return optionFunc(func(d *route.HTTPApiDecl, _ func(string)) { d.DomainName = domain })
}

// New declares an HTTP API. Its name (unique among the app's APIs) is part of its physical name
// "{app}-{env}-{name}".
func New(ctx *stelvio.Context, name string, opts ...Option) *Api {
	d := &route.HTTPApiDecl{Name: name, Source: route.Caller(1)}
	decls := app.Declare(ctx, d.Source, fmt.Sprintf("api %q", name))
	a := &Api{d: d, decls: decls}
	for _, o := range opts {
		if o != nil {
			o.apply(d, func(msg string) { a.report(d.Source, fmt.Sprintf("api %q", name), msg) })
		}
	}
	decls.HTTPApis = append(decls.HTTPApis, d)
	return a
}

func (a *Api) report(source, subject, message string) {
	if a == nil || a.decls == nil {
		app.Report(source, subject, message)
		return
	}
	a.decls.Problems = append(a.decls.Problems, route.Problem{Source: source, Subject: subject, Message: message})
}

// Name is the API's name.
func (a *Api) Name() string { return a.d.Name }

// Route sends requests for method and path to the function running handler.
//
// method is "GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS" or "ANY" (every method),
// upper case. path is "/", "/users", "/users/{id}", or ends in a greedy parameter such as
// "/files/{proxy+}"; DefaultRoute ("$default", with method "ANY") catches every request no other route
// matches. handler is "functions/users.get" (Python file and function), "functions/orders::handler.index"
// (a folder packaged whole) or "functions/hello.Hello" (a Go package and its exported function, which
// takes events.APIGatewayV2HTTPRequest). opts configure the handler's function (on one of its
// routes); its timeout is 30 s unless given, and may not be longer: HTTP API integrations time out
// after 30 s.
//
// The returned Route sets the route's authorization (Route.Auth, Route.Public, Route.Scopes).
func (a *Api) Route(method, path, handler string, opts ...function.Option) *Route {
	rd, problem := newRoute(method, path, route.Caller(1))
	rd.Handler = handler
	rd.HasConfig = app.ApplyFunctionOptions(&rd.Config, opts)
	a.add(rd, problem)
	return &Route{d: rd, api: a}
}

// RouteFunction sends requests for method and path to fn, a function made with function.New, which
// may serve several routes of HTTP APIs (and no REST API route: the events differ). Its timeout must
// be at most 30 s. The returned Route sets the route's authorization, as for Route.
func (a *Api) RouteFunction(method, path string, fn *function.Function) *Route {
	rd, problem := newRoute(method, path, route.Caller(1))
	rd.Function = app.FunctionDeclOf(fn)
	if rd.Function == nil {
		a.report(rd.Source, "route "+describe(method, path), "the function is nil; create it with function.New(ctx, name, handler, ...) before passing it to the route")
		return &Route{d: rd, api: a}
	}
	a.add(rd, problem)
	return &Route{d: rd, api: a}
}

// newRoute parses the route key of method and path; problem says what is wrong with it.
func newRoute(method, path, source string) (rd *route.HTTPRouteDecl, problem string) {
	rd = &route.HTTPRouteDecl{Source: source, Key: describe(method, path)}
	if path == DefaultRoute {
		if method != route.Any {
			return rd, fmt.Sprintf("the $default route catches every method; write api.Route(\"ANY\", %q, ...) instead of method %q", DefaultRoute, method)
		}
		rd.Key, rd.KeyOK, rd.Default = DefaultRoute, true, true
		return rd, ""
	}
	k, err := engine.ParseRouteKey(method + " " + path)
	if err != nil {
		return rd, err.Error()
	}
	rd.Key, rd.KeyOK, rd.Method, rd.Path = k.String(), true, k.Method, k.Path
	return rd, ""
}

func (a *Api) add(rd *route.HTTPRouteDecl, problem string) {
	if problem != "" {
		a.report(rd.Source, "route "+rd.Key, problem)
	}
	if a == nil || a.d == nil {
		a.report(rd.Source, "route "+rd.Key, "the api is nil; declare it with httpapi.New(ctx, name) and call Route on what it returns")
		return
	}
	a.d.Routes = append(a.d.Routes, rd)
}

func describe(method, path string) string { return strings.TrimSpace(method + " " + path) }

// Authorizer is an authorizer declared on an Api: pass it to Route.Auth or Api.SetDefaultAuthorizer
// of the same Api.
type Authorizer struct {
	d *route.HTTPAuthorizerDecl
}

// Name is the authorizer's name in its Api.
func (a *Authorizer) Name() string { return a.d.Name }

// JWTAuthorizer declares an authorizer that accepts JSON Web Tokens of issuer (its iss claim, an
// https URL whose /.well-known/openid-configuration names the signing keys) whose aud, or client_id
// when there is no aud, is one of audiences. The token is read from the Authorization header, alone
// or after "Bearer ". A handler finds the token's claims in requestContext.authorizer.jwt.claims.
func (a *Api) JWTAuthorizer(name, issuer string, audiences ...string) *Authorizer {
	d := &route.HTTPAuthorizerDecl{Name: name, Kind: route.HTTPAuthJWT, Issuer: issuer, Audience: slices.Clone(audiences),
		IdentitySources: []string{engine.DefaultIdentitySource}, Source: route.Caller(1)}
	return a.addAuthorizer(d)
}

// userPoolARN is a Cognito user pool ARN; its last part is the pool id.
var userPoolARN = regexp.MustCompile(`^arn:aws[a-z-]*:cognito-idp:[a-z0-9-]+:\d{12}:userpool/([a-z]{2}(-[a-z]+)+-\d_[0-9A-Za-z]+)$`)

// CognitoAuthorizer declares a JWT authorizer for the tokens of an Amazon Cognito user pool,
// userPoolARN "arn:aws:cognito-idp:us-east-1:123456789012:userpool/us-east-1_AbCdEf123": its issuer
// is the pool's, and clientIDs are the app clients whose tokens it accepts. Under dev, tokens minted
// with the token command are accepted (their client id is "stelvio-dev-client").
func (a *Api) CognitoAuthorizer(name, userPoolARN string, clientIDs ...string) *Authorizer {
	source := route.Caller(1)
	d := &route.HTTPAuthorizerDecl{Name: name, Kind: route.HTTPAuthJWT, Audience: slices.Clone(clientIDs),
		IdentitySources: []string{engine.DefaultIdentitySource}, Source: source}
	if m := userPoolARNRE(userPoolARN); m != "" {
		d.Issuer, d.UserPoolID = engine.CognitoIssuer(m), m
	} else {
		a.report(source, fmt.Sprintf("authorizer %q", name), fmt.Sprintf("user pool ARN %q is not of the form arn:aws:cognito-idp:REGION:ACCOUNT:userpool/POOL_ID (e.g. arn:aws:cognito-idp:us-east-1:123456789012:userpool/us-east-1_AbCdEf123)", userPoolARN))
		d.Issuer = "https://cognito-idp.invalid/"
	}
	return a.addAuthorizer(d)
}

func userPoolARNRE(arn string) string {
	m := userPoolARN.FindStringSubmatch(arn)
	if m == nil {
		return ""
	}
	return m[1]
}

// AuthorizerOption configures a Lambda authorizer. TTL and IdentitySource values are
// AuthorizerOptions themselves.
type AuthorizerOption interface {
	applyAuthorizer(d *route.HTTPAuthorizerDecl)
}

type authorizerOptionFunc func(d *route.HTTPAuthorizerDecl)

func (f authorizerOptionFunc) applyAuthorizer(d *route.HTTPAuthorizerDecl) { f(d) }

// TTL is how long API Gateway caches a Lambda authorizer's answer for the same identity sources, in
// whole seconds up to 1 hour; without it answers are not cached. Caching needs an IdentitySource.
type TTL time.Duration

func (t TTL) applyAuthorizer(d *route.HTTPAuthorizerDecl) { d.TTL = time.Duration(t) }

// IdentitySource is a value a Lambda authorizer needs, as API Gateway writes it:
// "$request.header.NAME", "$request.querystring.NAME", "$context.NAME" or "$stageVariables.NAME". A
// request missing one gets 401 without the function being called; with caching on, the values are the
// cache key.
type IdentitySource string

func (s IdentitySource) applyAuthorizer(d *route.HTTPAuthorizerDecl) {
	d.IdentitySources = append(d.IdentitySources, string(s))
}

// IAMPolicyResponses makes a Lambda authorizer's function return an IAM policy
// ({"principalId", "policyDocument", "context"}) instead of the simple response
// {"isAuthorized": bool, "context": {...}}.
func IAMPolicyResponses() AuthorizerOption {
	return authorizerOptionFunc(func(d *route.HTTPAuthorizerDecl) { d.SimpleResponses = false })
}

// FunctionOptions configure the Lambda function of a Lambda authorizer (memory, timeout,
// environment, permissions), as function options configure a route's function.
func FunctionOptions(opts ...function.Option) AuthorizerOption {
	return authorizerOptionFunc(func(d *route.HTTPAuthorizerDecl) { app.ApplyFunctionOptions(&d.Config, opts) })
}

// LambdaAuthorizer declares an authorizer that runs a function with payload format 2.0: handler is a
// handler string as for Route; the function receives the request
// (events.APIGatewayV2CustomAuthorizerV2Request) and returns the simple response
// {"isAuthorized": true|false, "context": {...}} (events.APIGatewayV2CustomAuthorizerSimpleResponse),
// or an IAM policy with IAMPolicyResponses. A handler finds the context in
// requestContext.authorizer.lambda.
func (a *Api) LambdaAuthorizer(name, handler string, opts ...AuthorizerOption) *Authorizer {
	d := &route.HTTPAuthorizerDecl{Name: name, Kind: route.HTTPAuthRequest, Handler: handler, SimpleResponses: true, Source: route.Caller(1)}
	for _, o := range opts {
		if o != nil {
			o.applyAuthorizer(d)
		}
	}
	subject := fmt.Sprintf("authorizer %q", name)
	if d.TTL%time.Second != 0 {
		a.report(d.Source, subject, fmt.Sprintf("TTL %s is not a whole number of seconds; API Gateway caches authorizer results for whole seconds, e.g. httpapi.TTL(5*time.Minute)", d.TTL))
	}
	return a.addAuthorizer(d)
}

// IAMAuthorizer is IAM authorization, named "iam": a route using it (Route.Auth, or
// SetDefaultAuthorizer) answers only requests signed with Signature Version 4 by AWS credentials
// allowed to call it (execute-api:Invoke); API Gateway checks the signature, without a function or an
// authorizer resource. A handler finds the caller in requestContext.authorizer.iam (accessKey,
// accountId, callerId, userArn, userId, ...). Every call returns the same authorizer. Under dev,
// requests signed with the developer's credentials (AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY) pass.
// https://docs.aws.amazon.com/apigateway/latest/developerguide/http-api-access-control-iam.html
func (a *Api) IAMAuthorizer() *Authorizer {
	if a != nil && a.iam != nil {
		return a.iam
	}
	auth := a.addAuthorizer(&route.HTTPAuthorizerDecl{Name: "iam", Kind: route.HTTPAuthIAM, Source: route.Caller(1)})
	if a != nil {
		a.iam = auth
	}
	return auth
}

// DevJWKS sets where `dev` finds the keys that sign a JWT authorizer's tokens (JWTAuthorizer,
// CognitoAuthorizer): a JWKS file in the project ("testdata/jwks.json") or a URL
// ("https://cognito-idp.REGION.amazonaws.com/POOL_ID/.well-known/jwks.json"), fetched once and again
// when a token names a key it does not hold. Without it `dev` accepts tokens signed with the local
// development key (`go run . token`). It changes nothing deployed: API Gateway reads the issuer's keys
// itself. It returns the authorizer, so that it chains:
// api.CognitoAuthorizer("users", poolARN, clientID).DevJWKS("testdata/jwks.json").
func (a *Authorizer) DevJWKS(src string) *Authorizer {
	if a == nil || a.d == nil {
		app.Report(route.Caller(1), "authorizer", "the authorizer is nil; declare it with api.JWTAuthorizer or api.CognitoAuthorizer")
		return a
	}
	a.d.DevJWKS, a.d.DevJWKSSource = src, route.Caller(1)
	return a
}

// addAuthorizer checks an authorizer with the rules of API Gateway and adds it to the api.
func (a *Api) addAuthorizer(d *route.HTTPAuthorizerDecl) *Authorizer {
	subject := fmt.Sprintf("authorizer %q", d.Name)
	var errs []error
	switch d.Kind {
	case route.HTTPAuthIAM:
	case route.HTTPAuthJWT:
		errs = (&engine.JWTAuthorizer{Name: d.Name, Issuer: d.Issuer, Audience: d.Audience}).Validate()
	default:
		errs = (&engine.LambdaAuthorizer{Name: d.Name, Function: d.Handler, IdentitySources: d.IdentitySources,
			TTL: int(d.TTL / time.Second), SimpleResponses: d.SimpleResponses}).Validate()
	}
	for _, err := range errs {
		a.report(d.Source, subject, err.Error())
	}
	if a == nil || a.d == nil {
		a.report(d.Source, subject, "the api is nil; declare it with httpapi.New(ctx, name) and declare the authorizer on what it returns")
		d.Api = &route.HTTPApiDecl{Name: "(nil)"}
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
		a.report(source, "default authorizer", "the api is nil; declare it with httpapi.New(ctx, name)")
		return
	}
	if auth == nil || auth.d == nil {
		a.report(source, fmt.Sprintf("api %q", a.d.Name), "the default authorizer is nil; pass one made with api.JWTAuthorizer, CognitoAuthorizer, LambdaAuthorizer or IAMAuthorizer")
		return
	}
	a.d.DefaultAuth, a.d.DefaultAuthSource = auth.d, source
}

// Route is a declared route: its methods set the route's authorization and return the Route, so that
// calls chain: api.Route("GET", "/me", "functions/me.get").Auth(tokens).Scopes("profile").
type Route struct {
	d   *route.HTTPRouteDecl
	api *Api
}

// Auth makes auth, an authorizer of the same Api, decide every request to the route, instead of the
// API's default authorizer.
func (r *Route) Auth(auth *Authorizer) *Route {
	if auth == nil || auth.d == nil {
		r.api.report(route.Caller(1), "route "+r.d.Key, "the authorizer is nil; pass one made with api.JWTAuthorizer, CognitoAuthorizer, LambdaAuthorizer or IAMAuthorizer")
		return r
	}
	r.d.Authorizer = auth.d
	return r
}

// Public makes the route open to every request, whatever the API's default authorizer.
func (r *Route) Public() *Route {
	r.d.Public = true
	return r
}

// Scopes are OAuth scopes of which a JWT must carry one (in its scope or scp claim) for the route
// ("read", "orders/write"), at most 10; the route's authorizer must be a JWT authorizer. A valid token
// without any of them is answered 403.
func (r *Route) Scopes(scopes ...string) *Route {
	r.d.Scopes = append(r.d.Scopes, scopes...)
	return r
}

// LinkKind is "api": an Api can be linked to functions it does not call (function.Link), which then
// get its URL in STELVIO_API_<NAME>_URL, as for a REST API.
func (a *Api) LinkKind() string { return "api" }

func init() {
	app.HTTPApiDeclOf = func(a any) *route.HTTPApiDecl {
		api, _ := a.(*Api)
		if api == nil {
			return nil
		}
		return api.d
	}
}
