// Package apigateway declares REST APIs (API Gateway v1) and their routes.
//
//	api := apigateway.New(ctx, "my-api")
//	api.Route("GET", "/users/{id}", "functions/users.get")
//	api.Route("GET,POST", "/orders", "functions/orders::handler.index", function.Memory(256))
//	api.RouteFunction("GET", "/reports", reports) // reports made with function.New
//
// Declaring only records: every problem of the app (a bad path, a missing handler file, two routes on
// the same method and path) is reported together, with the file:line of its declaration, before anything
// is built or deployed. stelvio then makes one RestApi with a resource per path, a method and a Lambda
// proxy integration per route, the permissions for API Gateway to call each function, a deployment and
// its stage; under dev it serves the same routes on localhost.
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
	d *route.ApiDecl
}

// Option configures an Api.
type Option interface {
	apply(d *route.ApiDecl)
}

type optionFunc func(d *route.ApiDecl)

func (f optionFunc) apply(d *route.ApiDecl) { f(d) }

// StageName sets the stage the API is deployed to (default "v1"); it is part of the invoke URL,
// https://{id}.execute-api.{region}.amazonaws.com/{stage}.
func StageName(name string) Option { return optionFunc(func(d *route.ApiDecl) { d.StageName = name }) }

// EndpointType is where the API's endpoint lives; it is an Option.
type EndpointType string

// The endpoint types of a REST API.
const (
	// Regional is an endpoint in the app's region (the default).
	Regional EndpointType = "REGIONAL"
	// Edge is an edge-optimized endpoint, served through CloudFront; a custom domain's certificate is
	// then made in us-east-1.
	Edge EndpointType = "EDGE"
)

func (e EndpointType) apply(d *route.ApiDecl) { d.EndpointType = string(e) }

// DomainName serves the API on a custom domain, e.g. "api.example.com": stelvio makes its TLS
// certificate and DNS records. The app needs a DNS provider (route53.Use, cloudflare.Use or extend.DNS).
func DomainName(domain string) Option {
	return optionFunc(func(d *route.ApiDecl) { d.DomainName = domain })
}

// BinaryMediaTypes are the content types API Gateway passes to and from functions as binary
// ("image/png", "image/*", "*/*"): a request body of such a type reaches the handler base64-encoded,
// and a response the handler marks isBase64Encoded is decoded to raw bytes when the client accepts
// such a type. Without them bodies are text.
func BinaryMediaTypes(types ...string) Option {
	return optionFunc(func(d *route.ApiDecl) { d.BinaryMediaTypes = append(d.BinaryMediaTypes, types...) })
}

// New declares a REST API. Its name (unique in the app) is part of its physical name
// "{app}-{env}-{name}".
func New(ctx *stelvio.Context, name string, opts ...Option) *Api {
	d := &route.ApiDecl{Name: name, Source: route.Caller(1)}
	for _, o := range opts {
		if o != nil {
			o.apply(d)
		}
	}
	decls := app.Declare(ctx, d.Source, fmt.Sprintf("api %q", name))
	decls.Apis = append(decls.Apis, d)
	return &Api{d: d}
}

// Route sends requests for method and path to the function running handler.
//
// method is one verb ("GET"), several joined by commas ("GET,POST"), or "ANY" (also "*") for every
// method. path is "/", "/users", "/users/{id}", or ends in a greedy parameter such as "/files/{path+}".
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
	return &Route{d: rd}
}

// RouteFunction sends requests for method and path to fn, a function made with function.New. Any
// number of routes may share one function; its handler receives all of their requests.
// The returned Route sets the route's authorization, as for Route.
func (a *Api) RouteFunction(method, path string, fn *function.Function) *Route {
	rd := &route.RouteDecl{Methods: method, Path: path, Source: route.Caller(1)}
	rd.Function = app.FunctionDeclOf(fn)
	if rd.Function == nil {
		app.Report(rd.Source, "route "+describe(method, path), "the function is nil; create it with function.New(ctx, name, handler, ...) before passing it to the route")
		return &Route{d: rd}
	}
	a.add(rd)
	return &Route{d: rd}
}

func (a *Api) add(rd *route.RouteDecl) {
	if a == nil || a.d == nil {
		app.Report(rd.Source, "route "+describe(rd.Methods, rd.Path), "the api is nil; declare it with apigateway.New(ctx, name) and call Route on what it returns")
		return
	}
	a.d.Routes = append(a.d.Routes, rd)
}

func describe(method, path string) string { return strings.TrimSpace(method + " " + path) }

// Name is the API's name.
func (a *Api) Name() string { return a.d.Name }
