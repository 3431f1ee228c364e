package devserver

import (
	"strings"

	"github.com/stelvio-go/stelvio/internal/route"
)

// resource is one API Gateway resource: a path and the methods configured on it.
type resource struct {
	path    route.Path
	methods map[string]*route.Route // by verb; route.Any for ANY
}

// router matches request paths to the resources of one API.
type router struct {
	resources []*resource
}

func newRouter(api *route.Api) *router {
	byPath := map[string]*resource{}
	rt := &router{}
	for _, r := range api.Routes {
		key := r.Path.String()
		res := byPath[key]
		if res == nil {
			res = &resource{path: r.Path, methods: map[string]*route.Route{}}
			byPath[key] = res
			rt.resources = append(rt.resources, res)
		}
		for _, m := range r.Methods {
			res.methods[m] = r
		}
	}
	return rt
}

// match finds the resource for a request path and the route configured for method on it. API Gateway
// first selects the most specific resource for the path (at the first segment where two candidates
// differ, a literal beats {param}, which beats {proxy+}), then the method on that resource (or ANY); a
// method the selected resource lacks is not looked up on less specific resources. ok is false when no
// resource matches the path or the resource lacks the method.
func (rt *router) match(method, path string) (r *route.Route, params map[string]string, ok bool) {
	segs := splitPath(path)
	var best *resource
	var bestParams map[string]string
	for _, res := range rt.resources {
		p, matched := matchPath(res.path, segs)
		if !matched {
			continue
		}
		if best == nil || moreSpecific(res.path, best.path) {
			best, bestParams = res, p
		}
	}
	if best == nil {
		return nil, nil, false
	}
	if r := best.methods[method]; r != nil {
		return r, bestParams, true
	}
	if r := best.methods[route.Any]; r != nil {
		return r, bestParams, true
	}
	return nil, nil, false
}

// splitPath splits a request path into its segments; "/" and "" have none and a trailing slash is
// ignored, as API Gateway ignores it. Segments stay percent-encoded.
func splitPath(p string) []string {
	p = strings.Trim(p, "/")
	if p == "" {
		return nil
	}
	return strings.Split(p, "/")
}

// matchPath matches request segments against a resource path and returns its path parameters
// (percent-decoded, as API Gateway passes them).
func matchPath(p route.Path, segs []string) (map[string]string, bool) {
	var params map[string]string
	for i, s := range p.Segments {
		switch s.Kind {
		case route.Greedy:
			if i >= len(segs) {
				return nil, false // {proxy+} needs at least one segment
			}
			if params == nil {
				params = map[string]string{}
			}
			params[s.Value] = unescape(strings.Join(segs[i:], "/"))
			return params, true
		case route.Param:
			if i >= len(segs) || segs[i] == "" {
				return nil, false
			}
			if params == nil {
				params = map[string]string{}
			}
			params[s.Value] = unescape(segs[i])
		default:
			if i >= len(segs) || unescape(segs[i]) != s.Value {
				return nil, false
			}
		}
	}
	if len(segs) != len(p.Segments) {
		return nil, false
	}
	return params, true
}

// moreSpecific reports whether a beats b for a path both match.
func moreSpecific(a, b route.Path) bool {
	for i := 0; i < len(a.Segments) && i < len(b.Segments); i++ {
		ka, kb := a.Segments[i].Kind, b.Segments[i].Kind
		if ka != kb {
			return rank(ka) < rank(kb)
		}
	}
	return len(a.Segments) > len(b.Segments)
}

func rank(k route.SegmentKind) int {
	switch k {
	case route.Literal:
		return 0
	case route.Param:
		return 1
	}
	return 2
}
