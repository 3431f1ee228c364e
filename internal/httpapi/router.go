package httpapi

import (
	"errors"
	"fmt"
	"net/url"
	"strings"

	"github.com/stelvio-go/stelvio/internal/route"
)

// Route is one route of an HTTP API.
type Route struct {
	Key RouteKey
	// Function is the function the route's Lambda integration invokes.
	Function string
	// Authorizer is the name of one of the API's authorizers; "" for none (authorization type NONE).
	Authorizer string
	// Scopes are the route's authorization scopes (JWT authorizers): a token must carry one of them.
	Scopes []string
}

// Router selects the route of a request.
type Router struct {
	routes []*Route
	def    *Route
}

// NewRouter checks the routes and returns a Router. Every problem is reported, joined: duplicate route
// keys, and two keys whose paths differ only in parameter names ("/users/{id}" and "/users/{name}"),
// which would match the same requests (route.HTTPMatchKey, the rule the route table applies too).
func NewRouter(routes []Route) (*Router, error) {
	r := &Router{}
	var errs []error
	seen := map[string]string{}
	for i := range routes {
		rt := &routes[i]
		if rt.Function == "" {
			errs = append(errs, fmt.Errorf("route %q has no function; name the function it invokes", rt.Key))
		}
		if rt.Key.Default {
			if r.def != nil {
				errs = append(errs, fmt.Errorf("route %q is declared twice; keep one", DefaultRouteKey))
				continue
			}
			r.def = rt
			continue
		}
		if rt.Key.Method == "" {
			errs = append(errs, fmt.Errorf("route %d has an empty route key; parse it with ParseRouteKey", i))
			continue
		}
		shape := route.HTTPMatchKey(rt.Key.Method, rt.Key.Path)
		if prev, ok := seen[shape]; ok {
			if prev == rt.Key.String() {
				errs = append(errs, fmt.Errorf("route %q is declared twice; keep one", rt.Key))
			} else {
				errs = append(errs, fmt.Errorf("routes %q and %q match the same requests; use the same parameter names or different paths", prev, rt.Key))
			}
			continue
		}
		seen[shape] = rt.Key.String()
		r.routes = append(r.routes, rt)
	}
	if len(errs) > 0 {
		return nil, errors.Join(errs...)
	}
	return r, nil
}

// Match is the route a request was sent to, with its path parameters.
type Match struct {
	Route *Route
	// PathParameters are the values of the route's path variables, URL-decoded ("API Gateway decodes
	// URL-encoded request parameters before passing them to your backend integration"); nil when the
	// route has none.
	PathParameters map[string]string
}

// Match selects the route for method and the request's escaped path (r.URL.EscapedPath()), with the
// documented priorities: "1. Full match for a route and method. 2. Match for a route and method with a
// greedy path variable ({proxy+}). 3. The $default route." Among full matches the most specific path
// wins (a literal segment beats a variable, left to right: GET /pets/dog/1 before GET /pets/dog/{id});
// among greedy routes the longest, most specific prefix wins (GET /pets/{proxy+} before
// ANY /{proxy+}); for the same path a route naming the method beats ANY, which matches "all methods
// that you haven't defined for a resource". ok is false when no route matches: the client gets
// 404 {"message":"Not Found"}.
// https://docs.aws.amazon.com/apigateway/latest/developerguide/http-api-develop-routes.html
func (r *Router) Match(method, escapedPath string) (Match, bool) {
	segs := splitPath(escapedPath)
	var best *Route
	var bestParams []string
	for _, rt := range r.routes {
		if rt.Key.Method != route.Any && rt.Key.Method != method {
			continue
		}
		vals, ok := matchPath(rt.Key.Path, segs)
		if !ok {
			continue
		}
		if best == nil || better(rt, best) {
			best, bestParams = rt, vals
		}
	}
	if best != nil {
		return Match{Route: best, PathParameters: params(best.Key.Path, bestParams)}, true
	}
	if r.def != nil {
		return Match{Route: r.def}, true
	}
	return Match{}, false
}

// Routes lists the routes in declaration order, $default last.
func (r *Router) Routes() []*Route {
	out := append([]*Route(nil), r.routes...)
	if r.def != nil {
		out = append(out, r.def)
	}
	return out
}

func splitPath(p string) []string {
	p = strings.TrimPrefix(p, "/")
	if p == "" {
		return nil
	}
	return strings.Split(p, "/")
}

// matchPath matches the request's segments against a route path; it returns the raw (escaped) values
// of the path's variables in order. A greedy variable takes one or more segments.
func matchPath(p route.Path, segs []string) ([]string, bool) {
	var vals []string
	for i, s := range p.Segments {
		if s.Kind == route.Greedy {
			if i >= len(segs) {
				return nil, false
			}
			return append(vals, strings.Join(segs[i:], "/")), true
		}
		if i >= len(segs) {
			return nil, false
		}
		switch s.Kind {
		case route.Literal:
			if segs[i] != s.Value {
				return nil, false
			}
		case route.Param:
			if segs[i] == "" {
				return nil, false
			}
			vals = append(vals, segs[i])
		}
	}
	return vals, len(segs) == len(p.Segments)
}

func greedy(p route.Path) bool {
	n := len(p.Segments)
	return n > 0 && p.Segments[n-1].Kind == route.Greedy
}

// better reports whether a beats b for a request both match.
func better(a, b *Route) bool {
	ga, gb := greedy(a.Key.Path), greedy(b.Key.Path)
	if ga != gb {
		return !ga
	}
	as, bs := a.Key.Path.Segments, b.Key.Path.Segments
	for i := 0; i < len(as) && i < len(bs); i++ {
		if as[i].Kind != bs[i].Kind {
			return as[i].Kind < bs[i].Kind // Literal < Param < Greedy
		}
	}
	if len(as) != len(bs) {
		return len(as) > len(bs) // the longer greedy prefix
	}
	return a.Key.Method != route.Any && b.Key.Method == route.Any
}

func params(p route.Path, vals []string) map[string]string {
	if len(vals) == 0 {
		return nil
	}
	out := make(map[string]string, len(vals))
	i := 0
	for _, s := range p.Segments {
		if s.Kind == route.Literal {
			continue
		}
		v, err := url.PathUnescape(vals[i])
		if err != nil {
			v = vals[i]
		}
		out[s.Value] = v
		i++
	}
	return out
}
