// Package apigateway declares REST APIs (API Gateway v1) and their routes, and turns them into AWS
// resources.
package apigateway

import (
	"github.com/stelvio-go/stelvio/aws/function"
	"github.com/stelvio-go/stelvio/internal/app"
	"github.com/stelvio-go/stelvio/internal/route"
)

// Api is a declared REST API.
type Api struct {
	decl *route.ApiDecl
}

// Option configures an Api.
type Option func(*route.ApiDecl)

// StageName sets the stage the API is deployed to (default "v1"); it is part of the invoke URL.
func StageName(name string) Option { return func(d *route.ApiDecl) { d.StageName = name } }

// Regional makes a regional endpoint (the default).
func Regional() Option { return func(d *route.ApiDecl) { d.EndpointType = "REGIONAL" } }

// Edge makes an edge-optimized endpoint (through CloudFront).
func Edge() Option { return func(d *route.ApiDecl) { d.EndpointType = "EDGE" } }

// EndpointType sets the endpoint type by name, "regional" or "edge".
func EndpointType(t string) Option { return func(d *route.ApiDecl) { d.EndpointType = t } }

// DomainName serves the API on a custom domain, e.g. "api.example.com". The app needs a DNS provider
// (stelvio.WithDNS).
func DomainName(domain string) Option { return func(d *route.ApiDecl) { d.DomainName = domain } }

// New declares an API. Its name is part of its URL and of its name in the AWS console.
func New(ctx *app.Context, name string, opts ...Option) *Api {
	d := &route.ApiDecl{Name: name, Source: route.Caller(1)}
	for _, o := range opts {
		o(d)
	}
	decls := app.Decls(ctx)
	decls.Apis = append(decls.Apis, d)
	return &Api{decl: d}
}

// Route sends requests for method and path to handler.
//
// method is one verb ("GET", case-insensitive), a list ([]string{"GET", "POST"}), or "ANY" / "*".
// path is "/", "/users", "/users/{id}" or ends in a greedy "/{proxy+}".
// handler is a handler string ("functions/users.index", "functions/orders::handler.index", a Go
// "functions/hello.Handler"), a function.Config, a map[string]any (or map[string]string) with the keys
// handler, src, memory, timeout, runtime, architecture, environment and requirements, a
// *function.Function, or nil when opts name the handler. opts configure the function
// (function.Memory(512), ...).
//
// Problems are not returned here: they are all reported together before anything is deployed.
func (a *Api) Route(method any, path string, handler any, opts ...function.Option) {
	rd := &route.RouteDecl{Method: method, Path: path, Handler: handler, Source: route.Caller(1)}
	if o, ok := handler.(function.Option); ok {
		rd.Handler = nil
		opts = append([]function.Option{o}, opts...)
	}
	for _, o := range opts {
		if o != nil {
			o(&rd.Options)
			rd.HasOptions = true
		}
	}
	a.decl.Routes = append(a.decl.Routes, rd)
}

// Name is the API's name.
func (a *Api) Name() string { return a.decl.Name }
