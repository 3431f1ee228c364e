// Package apigateway declares the app's APIs on Amazon API Gateway — REST APIs (New) and HTTP APIs
// (NewHTTP) — their routes, authorizers and CORS.
//
//	api := apigateway.New(ctx, "my-api")                 // a REST API (API Gateway v1)
//	api.Route("GET", "/users/{id}", "functions/users.get")
//	api.Route("GET,POST", "/orders", "functions/orders::handler.index", function.Memory(256))
//	api.RouteFunction("GET", "/reports", reports) // reports made with function.New
//
//	web := apigateway.NewHTTP(ctx, "web", apigateway.CORS(apigateway.CORSConfig{AllowOrigins: []string{"https://app.example.com"}}))
//	users := web.CognitoAuthorizer("users", apigateway.UserPoolARN(pool), apigateway.Audience(clientID))
//	web.Route("GET", "/me", "functions/me.get").Auth(users).Scopes("profile")
//	web.Route("ANY", apigateway.DefaultRoute, "functions/fallback.handler")
//
// Both kinds of API are declared the same way: Route and RouteFunction with the same method, path and
// handler forms, one Route type to set authorization (Auth, Public, Scopes), one Authorizer concept
// with one set of options, one CORS option, DomainName. What differs is what API Gateway offers for
// each:
//
//   - A REST API (New) sends handlers the payload format 1.0 event (events.APIGatewayProxyRequest);
//     it has TOKEN, REQUEST, Cognito and IAM authorizers with a 5-minute result cache by default,
//     binary media types, named stages and edge endpoints. Its CORS answers preflights and its own
//     errors; handlers add the CORS headers to their responses (package lambda/cors helps).
//   - An HTTP API (NewHTTP) is the lower-cost, lower-latency kind: handlers get the payload format 2.0
//     event (events.APIGatewayV2HTTPRequest) and may return a plain JSON value instead of
//     {"statusCode": ...}; it has JWT (and Cognito as JWT), payload 2.0 request and IAM authorizers,
//     applies CORS to every response itself (a list of origins is allowed), has the catch-all route
//     DefaultRoute, and integrations time out after 30 seconds.
//
// Routes whose handlers are in the same Python file, folder or Go package share one Lambda function,
// with generated routing code; configure that function with function options on one of its routes.
//
// Declaring only records: every problem of the app (a bad path, a missing handler file, two routes on
// the same method and path, an option that does not apply to the kind of api or authorizer) is
// reported together, with the file:line of its declaration, before anything is built or deployed.
// stelvio then makes the API Gateway resources (for a REST API a RestApi with a resource per path, a
// method and a Lambda proxy integration per route, a deployment and its stage; for an HTTP API an
// apigatewayv2 Api with an integration per function, a route per route key and a $default stage that
// deploys every change), the permissions for API Gateway to call each function, and custom domains;
// under dev it serves the same routes on localhost.
package apigateway

import (
	"fmt"
	"strings"

	"github.com/stelvio-go/stelvio"
	"github.com/stelvio-go/stelvio/aws/function"
	"github.com/stelvio-go/stelvio/internal/app"
	"github.com/stelvio-go/stelvio/internal/route"
)

// Api is a declared REST API.
type Api struct {
	d     *route.ApiDecl
	decls *route.Decls
}

// Option configures an Api or an HTTPApi. An option that does not apply to the kind of api it is
// given to (StageName on an HTTP API, say) is reported as a problem naming what to do instead.
type Option interface {
	applyREST(d *route.ApiDecl, report func(string))
	applyHTTP(d *route.HTTPApiDecl, report func(string))
}

// optionFunc is an option of both kinds of api.
type optionFunc struct {
	rest func(d *route.ApiDecl, report func(string))
	http func(d *route.HTTPApiDecl, report func(string))
}

func (f optionFunc) applyREST(d *route.ApiDecl, report func(string))     { f.rest(d, report) }
func (f optionFunc) applyHTTP(d *route.HTTPApiDecl, report func(string)) { f.http(d, report) }

// restOnly is an option of REST APIs; given to an HTTP API it reports why.
func restOnly(name, why string, apply func(d *route.ApiDecl)) Option {
	return optionFunc{
		rest: func(d *route.ApiDecl, _ func(string)) { apply(d) },
		http: func(_ *route.HTTPApiDecl, report func(string)) {
			report(fmt.Sprintf("apigateway.%s is an option of REST APIs (apigateway.New); remove it: %s", name, why))
		},
	}
}

// StageName sets the stage the API is deployed to (default "v1"); it is part of the invoke URL,
// https://{id}.execute-api.{region}.amazonaws.com/{stage}. REST APIs only: an HTTP API serves its
// $default stage at the root of its URL.
func StageName(name string) Option {
	return restOnly("StageName", "an HTTP API serves its $default stage at the root of its URL", func(d *route.ApiDecl) { d.StageName = name })
}

// EndpointType is where a REST API's endpoint lives; it is an Option. HTTP APIs are regional.
type EndpointType string

// The endpoint types of a REST API.
const (
	// Regional is an endpoint in the app's region (the default).
	Regional EndpointType = "REGIONAL"
	// Edge is an edge-optimized endpoint, served through CloudFront; a custom domain's certificate is
	// then made in us-east-1.
	Edge EndpointType = "EDGE"
)

func (e EndpointType) applyREST(d *route.ApiDecl, _ func(string)) { d.EndpointType = string(e) }

func (e EndpointType) applyHTTP(_ *route.HTTPApiDecl, report func(string)) {
	if e != Regional {
		report(fmt.Sprintf("endpoint type %s is an option of REST APIs (apigateway.New); remove it: an HTTP API's endpoint is regional", e))
	}
}

// DomainName serves the API on a custom domain, e.g. "api.example.com": stelvio makes its TLS
// certificate, API Gateway's domain name and mapping, and the DNS record. The app needs a DNS
// provider (route53.Use, cloudflare.Use or extend.DNS).
func DomainName(domain string) Option {
	return optionFunc{
		rest: func(d *route.ApiDecl, _ func(string)) { d.DomainName = domain },
		http: func(d *route.HTTPApiDecl, _ func(string)) { d.DomainName = domain },
	}
}

// BinaryMediaTypes are the content types API Gateway passes to and from functions as binary
// ("image/png", "image/*", "*/*"): a request body of such a type reaches the handler base64-encoded,
// and a response the handler marks isBase64Encoded is decoded to raw bytes when the client accepts
// such a type. Without them bodies are text. REST APIs only: an HTTP API base64-encodes bodies that
// are not text itself (isBase64Encoded).
func BinaryMediaTypes(types ...string) Option {
	return restOnly("BinaryMediaTypes", "an HTTP API base64-encodes bodies that are not text itself (isBase64Encoded)",
		func(d *route.ApiDecl) { d.BinaryMediaTypes = append(d.BinaryMediaTypes, types...) })
}

// New declares a REST API (API Gateway v1). Its name (unique among the app's APIs) is part of its
// physical name "{app}-{env}-{name}".
func New(ctx *stelvio.Context, name string, opts ...Option) *Api {
	d := &route.ApiDecl{Name: name, Source: route.Caller(1)}
	decls := app.Declare(ctx, d.Source, fmt.Sprintf("api %q", name))
	a := &Api{d: d, decls: decls}
	for _, o := range opts {
		if o != nil {
			o.applyREST(d, func(msg string) { a.report(d.Source, fmt.Sprintf("api %q", name), msg) })
		}
	}
	decls.Apis = append(decls.Apis, d)
	return a
}

// report records a problem of the api's declarations.
func (a *Api) report(source, subject, message string) {
	var decls *route.Decls
	if a != nil {
		decls = a.decls
	}
	report(decls, source, subject, message)
}

func report(decls *route.Decls, source, subject, message string) {
	if decls == nil {
		app.Report(source, subject, message)
		return
	}
	decls.Problems = append(decls.Problems, route.Problem{Source: source, Subject: subject, Message: message})
}

// Route sends requests for method and path to the function running handler.
//
// method is one verb ("GET"), several joined by commas ("GET,POST"), or "ANY" (also "*") for every
// method; a path may have ANY and other methods, which then take their own requests (ANY gets the
// rest), as in API Gateway. path is "/", "/users", "/users/{id}", or ends in a greedy parameter such as "/files/{path+}".
// handler is "functions/users.index" (Python file and function), "functions/orders::handler.index"
// (a folder packaged whole, then file and function) or "functions/hello.Hello" (a Go package and its
// exported function). Routes whose handlers are in the same file, folder or Go package share one Lambda
// function, with generated routing code; configure that function with opts on one of its routes.
//
// The returned Route sets the route's authorization (Route.Auth, Route.Public, Route.Scopes); a
// program that needs none ignores it.
func (a *Api) Route(method, path, handler string, opts ...function.Option) *Route {
	rd := &route.RouteDecl{Methods: method, Path: path, Handler: handler, Source: route.Caller(1)}
	rd.HasConfig = app.ApplyFunctionOptions(&rd.Config, opts)
	a.add(rd)
	return &Route{rest: rd, report: a.report}
}

// RouteFunction sends requests for method and path to fn, a function made with function.New. Any
// number of routes may share one function; its handler receives all of their requests.
// The returned Route sets the route's authorization, as for Route.
func (a *Api) RouteFunction(method, path string, fn *function.Function) *Route {
	rd := &route.RouteDecl{Methods: method, Path: path, Source: route.Caller(1)}
	rd.Function = app.FunctionDeclOf(fn)
	if rd.Function == nil {
		a.report(rd.Source, "route "+describe(method, path), "the function is nil; create it with function.New(ctx, name, handler, ...) before passing it to the route")
		return &Route{rest: rd, report: a.report}
	}
	a.add(rd)
	return &Route{rest: rd, report: a.report}
}

func (a *Api) add(rd *route.RouteDecl) {
	if a == nil || a.d == nil {
		a.report(rd.Source, "route "+describe(rd.Methods, rd.Path), "the api is nil; declare it with apigateway.New(ctx, name) and call Route on what it returns")
		return
	}
	a.d.Routes = append(a.d.Routes, rd)
}

func describe(method, path string) string { return strings.TrimSpace(method + " " + path) }

// Name is the API's name.
func (a *Api) Name() string { return a.d.Name }
