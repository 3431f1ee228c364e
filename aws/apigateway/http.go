package apigateway

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

// DefaultRoute is the path of an HTTP API's catch-all route, which receives every request no other
// route matches: api.Route("ANY", apigateway.DefaultRoute, handler).
const DefaultRoute = "$default"

// HTTPApi is a declared HTTP API (API Gateway v2).
type HTTPApi struct {
	d     *route.HTTPApiDecl
	decls *route.Decls
	iam   *Authorizer
}

// NewHTTP declares an HTTP API (API Gateway v2): handlers receive the payload format 2.0 event, CORS
// and JWT checks are API Gateway's own, integrations time out after 30 s. Its name (unique among the
// app's APIs) is part of its physical name "{app}-{env}-{name}". Options: CORS, DomainName.
func NewHTTP(ctx *stelvio.Context, name string, opts ...Option) *HTTPApi {
	d := &route.HTTPApiDecl{Name: name, Source: route.Caller(1)}
	decls := app.Declare(ctx, d.Source, fmt.Sprintf("api %q", name))
	a := &HTTPApi{d: d, decls: decls}
	for _, o := range opts {
		if o != nil {
			o.applyHTTP(d, func(msg string) { a.report(d.Source, fmt.Sprintf("api %q", name), msg) })
		}
	}
	decls.HTTPApis = append(decls.HTTPApis, d)
	return a
}

func (a *HTTPApi) report(source, subject, message string) {
	var decls *route.Decls
	if a != nil {
		decls = a.decls
	}
	report(decls, source, subject, message)
}

// Name is the API's name.
func (a *HTTPApi) Name() string { return a.d.Name }

// Route sends requests for method and path to the function running handler.
//
// method is one of "GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS", or "ANY" (also "*",
// every method), in any case; unlike a REST API's, an HTTP API route has one method. path is "/",
// "/users", "/users/{id}", or ends in a greedy parameter such as
// "/files/{proxy+}"; DefaultRoute ("$default", with method "ANY") catches every request no other route
// matches. handler is "functions/users.get" (Python file and function), "functions/orders::handler.index"
// (a folder packaged whole) or "functions/hello.Hello" (a Go package and its exported function, which
// takes events.APIGatewayV2HTTPRequest). Routes whose handlers are in the same file, folder or Go
// package share one Lambda function, with generated routing code that dispatches on the event's
// routeKey; configure that function with opts on one of its routes. Its timeout is 30 s unless given,
// and may not be longer: HTTP API integrations time out after 30 s.
//
// The returned Route sets the route's authorization (Route.Auth, Route.Public, Route.Scopes).
func (a *HTTPApi) Route(method, path, handler string, opts ...function.Option) *Route {
	rd, problem := newHTTPRoute(method, path, route.Caller(1))
	rd.Handler = handler
	rd.HasConfig = app.ApplyFunctionOptions(&rd.Config, opts)
	a.add(rd, problem)
	return &Route{http: rd, report: a.report}
}

// RouteFunction sends requests for method and path to fn, a function made with function.New, which
// may serve several routes of HTTP APIs (and no REST API route: the events differ); its handler
// receives all of their requests. Its timeout must be at most 30 s, and function.New's default is
// 60 s: make it with function.Timeout(30*time.Second) or less. The returned Route sets the route's
// authorization, as for Route.
func (a *HTTPApi) RouteFunction(method, path string, fn *function.Function) *Route {
	rd, problem := newHTTPRoute(method, path, route.Caller(1))
	rd.Function = app.FunctionDeclOf(fn)
	if rd.Function == nil {
		a.report(rd.Source, "route "+describe(method, path), "the function is nil; create it with function.New(ctx, name, handler, ...) before passing it to the route")
		return &Route{http: rd, report: a.report}
	}
	a.add(rd, problem)
	return &Route{http: rd, report: a.report}
}

// newHTTPRoute parses the route key of method and path; problem says what is wrong with it.
func newHTTPRoute(method, path, source string) (rd *route.HTTPRouteDecl, problem string) {
	rd = &route.HTTPRouteDecl{Source: source, Key: describe(method, path)}
	// The method is written as for a REST API ("get" and "*" too), but a route key has one method.
	ms, err := route.ParseMethods(method)
	switch {
	case err != nil:
		return rd, err.Error()
	case len(ms) > 1:
		return rd, fmt.Sprintf("an HTTP API route has one method; declare a route per method (api.Route(%q, %q, ...), ...) or use ANY", ms[0], path)
	}
	method = ms[0]
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

func (a *HTTPApi) add(rd *route.HTTPRouteDecl, problem string) {
	if problem != "" {
		a.report(rd.Source, "route "+rd.Key, problem)
	}
	if a == nil || a.d == nil {
		a.report(rd.Source, "route "+rd.Key, "the api is nil; declare it with apigateway.NewHTTP(ctx, name) and call Route on what it returns")
		return
	}
	a.d.Routes = append(a.d.Routes, rd)
}

// JWTAuthorizer declares an authorizer of an HTTP API that accepts JSON Web Tokens of issuer (their
// iss claim, an https URL whose /.well-known/openid-configuration names the signing keys) whose aud,
// or client_id when there is no aud, is one of the Audience values given (at least one). The token is
// read from the Authorization header (see TokenHeader), alone or after "Bearer ". A handler finds the
// token's claims in requestContext.authorizer.jwt.claims. Under dev, tokens minted with the token
// command are accepted, or those signed by the keys of DevJWKS. Options: Audience, TokenHeader,
// DevJWKS.
func (a *HTTPApi) JWTAuthorizer(name, issuer string, opts ...AuthorizerOption) *Authorizer {
	source := route.Caller(1)
	return a.jwtAuthorizer(source, name, issuer, "", opts, "Audience", "TokenHeader", "DevJWKS")
}

// userPoolARN is a Cognito user pool ARN; its last part is the pool id.
var userPoolARN = regexp.MustCompile(`^arn:aws[a-z-]*:cognito-idp:[a-z0-9-]+:\d{12}:userpool/([a-z]{2}(-[a-z]+)+-\d_[0-9A-Za-z]+)$`)

// CognitoAuthorizer declares a JWT authorizer of an HTTP API for the tokens of one Amazon Cognito
// user pool, given as UserPoolARN("arn:aws:cognito-idp:us-east-1:123456789012:userpool/us-east-1_AbCdEf123"):
// its issuer is the pool's, and the Audience values are the app clients whose tokens it accepts.
// Under dev, tokens minted with the token command are accepted (their client id is
// "stelvio-dev-client"), or those signed by the keys of DevJWKS. Options: UserPoolARN, Audience,
// TokenHeader, DevJWKS.
func (a *HTTPApi) CognitoAuthorizer(name string, opts ...AuthorizerOption) *Authorizer {
	source := route.Caller(1)
	s, _ := settings(opts)
	subject := fmt.Sprintf("authorizer %q", name)
	issuer, pool := "https://cognito-idp.invalid/", ""
	switch {
	case len(s.userPools) == 0:
		a.report(source, subject, "a Cognito authorizer needs the ARN of its user pool; pass apigateway.UserPoolARN(\"arn:aws:cognito-idp:REGION:ACCOUNT:userpool/POOL_ID\")")
	case len(s.userPools) > 1:
		a.report(source, subject, fmt.Sprintf("%d user pools; an HTTP API's Cognito authorizer is a JWT authorizer with one issuer, so give one apigateway.UserPoolARN and declare an authorizer per pool", len(s.userPools)))
	default:
		if m := userPoolARN.FindStringSubmatch(s.userPools[0]); m != nil {
			issuer, pool = engine.CognitoIssuer(m[1]), m[1]
		} else {
			a.report(source, subject, fmt.Sprintf("user pool ARN %q is not of the form arn:aws:cognito-idp:REGION:ACCOUNT:userpool/POOL_ID (e.g. arn:aws:cognito-idp:us-east-1:123456789012:userpool/us-east-1_AbCdEf123)", s.userPools[0]))
		}
	}
	return a.jwtAuthorizer(source, name, issuer, pool, opts, "UserPoolARN", "Audience", "TokenHeader", "DevJWKS")
}

func (a *HTTPApi) jwtAuthorizer(source, name, issuer, pool string, opts []AuthorizerOption, allowed ...string) *Authorizer {
	s, misused := settings(opts, allowed...)
	d := &route.HTTPAuthorizerDecl{Name: name, Kind: route.HTTPAuthJWT, Issuer: issuer, UserPoolID: pool,
		Audience: slices.Clone(s.audiences), IdentitySources: []string{engine.DefaultIdentitySource}, Source: source}
	if s.tokenHeader != "" {
		d.IdentitySources = []string{"$request.header." + s.tokenHeader}
	}
	d.DevJWKS = s.devJWKS
	kind := "a JWT authorizer of an HTTP API"
	if pool != "" || slices.Contains(allowed, "UserPoolARN") {
		kind = "a Cognito authorizer of an HTTP API"
	}
	for _, m := range misused {
		a.report(source, fmt.Sprintf("authorizer %q", name), misuseMessage(m, kind))
	}
	return a.addAuthorizer(d)
}

// RequestAuthorizer declares a Lambda authorizer of an HTTP API, which runs a function with payload
// format 2.0: handler is a handler string as for Route; the function receives the request
// (events.APIGatewayV2CustomAuthorizerV2Request) and returns the simple response
// {"isAuthorized": true|false, "context": {...}} (events.APIGatewayV2CustomAuthorizerSimpleResponse),
// or an IAM policy with IAMPolicyResponses. A handler finds the context in
// requestContext.authorizer.lambda. Answers are cached only with a TTL, keyed by the IdentitySource
// values (then required). Options: IdentitySource, TTL, IAMPolicyResponses, FunctionOptions.
func (a *HTTPApi) RequestAuthorizer(name, handler string, opts ...AuthorizerOption) *Authorizer {
	source := route.Caller(1)
	s, misused := settings(opts, "IdentitySource", "TTL", "IAMPolicyResponses", "FunctionOptions")
	d := &route.HTTPAuthorizerDecl{Name: name, Kind: route.HTTPAuthRequest, Handler: handler, SimpleResponses: !s.iamPolicy,
		TTL: s.ttl, Source: source}
	for _, i := range s.identity {
		d.IdentitySources = append(d.IdentitySources, i.http())
	}
	app.ApplyFunctionOptions(&d.Config, s.functions)
	subject := fmt.Sprintf("authorizer %q", name)
	for _, m := range misused {
		a.report(source, subject, misuseMessage(m, "a request authorizer of an HTTP API"))
	}
	if d.TTL%time.Second != 0 {
		a.report(source, subject, fmt.Sprintf("TTL %s is not a whole number of seconds; API Gateway caches authorizer results for whole seconds, e.g. apigateway.TTL(5*time.Minute)", d.TTL))
	}
	return a.addAuthorizer(d)
}

// IAMAuthorizer is the API's IAM authorization (AWS_IAM), named "iam": a route using it (Route.Auth,
// or SetDefaultAuthorizer) answers only requests signed with Signature Version 4 by AWS credentials
// allowed to call it (execute-api:Invoke); API Gateway checks the signature, without a function or an
// authorizer resource. A handler finds the caller in requestContext.authorizer.iam (accessKey,
// accountId, callerId, userArn, userId, ...). Every call returns the same authorizer. Under dev,
// requests signed with the developer's credentials (AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY) pass.
// https://docs.aws.amazon.com/apigateway/latest/developerguide/http-api-access-control-iam.html
func (a *HTTPApi) IAMAuthorizer() *Authorizer {
	if a != nil && a.iam != nil {
		return a.iam
	}
	auth := a.addAuthorizer(&route.HTTPAuthorizerDecl{Name: "iam", Kind: route.HTTPAuthIAM, Source: route.Caller(1)})
	if a != nil {
		a.iam = auth
	}
	return auth
}

// addAuthorizer checks an authorizer with the rules of API Gateway and adds it to the api.
func (a *HTTPApi) addAuthorizer(d *route.HTTPAuthorizerDecl) *Authorizer {
	subject := fmt.Sprintf("authorizer %q", d.Name)
	var errs []error
	switch d.Kind {
	case route.HTTPAuthJWT:
		errs = (&engine.JWTAuthorizer{Name: d.Name, Issuer: d.Issuer, Audience: d.Audience,
			IdentitySource: strings.Join(d.IdentitySources, ",")}).Validate()
	case route.HTTPAuthRequest:
		errs = (&engine.LambdaAuthorizer{Name: d.Name, Function: d.Handler, IdentitySources: d.IdentitySources,
			TTL: int(d.TTL / time.Second), SimpleResponses: d.SimpleResponses}).Validate()
	}
	for _, err := range errs {
		// The subject names the authorizer already.
		msg := strings.TrimPrefix(err.Error(), fmt.Sprintf("JWT authorizer %q: ", d.Name))
		msg = strings.TrimPrefix(msg, fmt.Sprintf("Lambda authorizer %q: ", d.Name))
		a.report(d.Source, subject, msg)
	}
	if a == nil || a.d == nil {
		a.report(d.Source, subject, "the api is nil; declare it with apigateway.NewHTTP(ctx, name) and declare the authorizer on what it returns")
		d.Api = &route.HTTPApiDecl{Name: "(nil)"}
		return &Authorizer{http: d}
	}
	d.Api = a.d
	a.d.Authorizers = append(a.d.Authorizers, d)
	return &Authorizer{http: d}
}

// SetDefaultAuthorizer makes auth the authorizer of every route of the API that has none of its own
// and is not Public, whether declared before or after.
func (a *HTTPApi) SetDefaultAuthorizer(auth *Authorizer) {
	source := route.Caller(1)
	switch {
	case a == nil || a.d == nil:
		a.report(source, "default authorizer", "the api is nil; declare it with apigateway.NewHTTP(ctx, name)")
	case !auth.valid():
		a.report(source, fmt.Sprintf("api %q", a.d.Name), "the default authorizer is nil; pass one made with api.JWTAuthorizer, CognitoAuthorizer, RequestAuthorizer or IAMAuthorizer")
	case auth.http == nil:
		a.report(source, fmt.Sprintf("api %q", a.d.Name), fmt.Sprintf("default authorizer %q belongs to REST API %q; declare the authorizer on this api and make that one the default", auth.rest.Name, auth.rest.Api.Name))
	default:
		a.d.DefaultAuth, a.d.DefaultAuthSource = auth.http, source
	}
}
