package httpapi

import (
	"fmt"
	"slices"
	"strings"

	"github.com/stelvio-go/stelvio/internal/route"
)

// DefaultRouteKey is the route key of the catch-all route.
const DefaultRouteKey = "$default"

// Methods are the methods an HTTP API route key may name: ANY and the HTTP verbs.
var Methods = append([]string{route.Any}, route.Methods...)

// RouteKey is a parsed route key: "$default", or a method and a path ("GET /users/{id}").
// https://docs.aws.amazon.com/apigateway/latest/developerguide/http-api-develop-routes.html
type RouteKey struct {
	// Default is set for the $default route; Method and Path are empty then.
	Default bool
	// Method is "ANY" or an HTTP verb, upper case.
	Method string
	Path   route.Path
}

// String prints the key as API Gateway names it in routeKey: "GET /users/{id}" or "$default".
func (k RouteKey) String() string {
	if k.Default {
		return DefaultRouteKey
	}
	return k.Method + " " + k.Path.String()
}

// ParseRouteKey reads a route key. The path follows the route table's path rules (route.ParsePath:
// parameters are whole segments, a greedy {name+} only last, no duplicate names).
func ParseRouteKey(s string) (RouteKey, error) {
	if s == DefaultRouteKey {
		return RouteKey{Default: true}, nil
	}
	method, path, ok := strings.Cut(s, " ")
	if !ok {
		if strings.HasPrefix(s, "/") {
			return RouteKey{}, fmt.Errorf("route key %q has no method; write %q, or %q for every method", s, "GET "+s, "ANY "+s)
		}
		return RouteKey{}, fmt.Errorf("route key %q: write a method and a path separated by one space (%q) or %q", s, "GET /users/{id}", DefaultRouteKey)
	}
	if path == DefaultRouteKey {
		return RouteKey{}, fmt.Errorf("route key %q: the $default route has no method; write %q alone", s, DefaultRouteKey)
	}
	if strings.ContainsAny(path, " \t") || strings.HasPrefix(path, " ") {
		return RouteKey{}, fmt.Errorf("route key %q: write a method and a path separated by one space, with no space in the path", s)
	}
	if !slices.Contains(Methods, method) {
		up := strings.ToUpper(method)
		if slices.Contains(Methods, up) {
			return RouteKey{}, fmt.Errorf("route key %q: method %q must be upper case; write %q", s, method, up+" "+path)
		}
		return RouteKey{}, fmt.Errorf("route key %q: unknown method %q; use one of %s", s, method, strings.Join(Methods, ", "))
	}
	p, err := route.ParsePath(path)
	if err != nil {
		return RouteKey{}, fmt.Errorf("route key %q: %w", s, err)
	}
	return RouteKey{Method: method, Path: p}, nil
}
