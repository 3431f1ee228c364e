package runtime

import (
	"fmt"
	"sort"
	"strings"

	"github.com/stelvio-go/stelvio/internal/route"
)

// Rule is one line of a generated router: requests for Resource with one of Methods (any method when
// Methods is nil) go to Target.
type Rule struct {
	Resource string
	Methods  []string
	Target   route.Target
}

// Rules is the dispatch table of fn's generated router, from the route table: sorted by resource, a
// resource's method-specific rules before its ANY rule, so that the generated code does not change when
// routes are merely declared in another order. Two routes of the same resource and method (possible
// only across APIs) keep the first declared.
func Rules(fn *route.Function) []Rule {
	seen := map[string]bool{}
	var out []Rule
	for _, r := range fn.Routes {
		var methods []string
		for _, m := range r.Methods {
			key := r.Resource() + " " + m
			if seen[key] {
				continue
			}
			seen[key] = true
			if m != route.Any {
				methods = append(methods, m)
			}
		}
		switch {
		case len(r.Methods) == 1 && r.Methods[0] == route.Any:
			if !seen[r.Resource()+" "+route.Any+" rule"] {
				seen[r.Resource()+" "+route.Any+" rule"] = true
				out = append(out, Rule{Resource: r.Resource(), Target: r.Target})
			}
		case len(methods) > 0:
			sort.Strings(methods)
			out = append(out, Rule{Resource: r.Resource(), Methods: methods, Target: r.Target})
		}
	}
	sort.SliceStable(out, func(i, j int) bool {
		a, b := out[i], out[j]
		if a.Resource != b.Resource {
			return a.Resource < b.Resource
		}
		if (a.Methods == nil) != (b.Methods == nil) {
			return b.Methods == nil
		}
		return strings.Join(a.Methods, ",") < strings.Join(b.Methods, ",")
	})
	return out
}

// NoRouteMessage is the message of the JSON error a generated router answers with when a request
// matches none of its routes; the routers of every language print the same words.
func NoRouteMessage(fn *route.Function) string {
	return fmt.Sprintf("no route for %%s %%s in function %s; its routes are: %s", fn.Name, strings.Join(routeList(fn), ", "))
}

func routeList(fn *route.Function) []string {
	var out []string
	for _, r := range Rules(fn) {
		m := "ANY"
		if r.Methods != nil {
			m = strings.Join(r.Methods, ",")
		}
		out = append(out, m+" "+r.Resource)
	}
	return out
}

// RouteOf names the first route of fn that calls target, for error messages: `route GET /users` or,
// for a function.New instance without routes, `function "reports"`.
func RouteOf(fn *route.Function, target route.Target) string {
	for _, r := range fn.Routes {
		if r.Target == target {
			return "route " + r.String()
		}
	}
	return fmt.Sprintf("function %q", fn.Name)
}

// KeyRule is one line of the generated router of an HTTP API's function: events whose routeKey is Key
// ("GET /users/{id}", "ANY /files/{proxy+}", "$default") go to Target.
type KeyRule struct {
	Key    string
	Target route.Target
}

// KeyRules is the dispatch table of the generated router of fn, a function of HTTP API routes: one
// rule per route key, sorted by key so that the generated code does not change when routes are merely
// declared in another order. A route key routed by several APIs calls one target (the route table
// reports it otherwise).
func KeyRules(fn *route.Function) []KeyRule {
	seen := map[string]bool{}
	var out []KeyRule
	for _, r := range fn.HTTPRoutes {
		if !seen[r.Key] {
			seen[r.Key] = true
			out = append(out, KeyRule{Key: r.Key, Target: r.Target})
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Key < out[j].Key })
	return out
}

// NoRouteKeyMessage is the message of the JSON error the generated router of an HTTP API's function
// answers with when an event's routeKey is none of its routes', as NoRouteMessage is a REST API
// function's; the routers of every language print the same words.
func NoRouteKeyMessage(fn *route.Function) string {
	var keys []string
	for _, r := range KeyRules(fn) {
		keys = append(keys, r.Key)
	}
	// %s in quotes, not %q: Python's % operator formats the Python router's message.
	return fmt.Sprintf("no route for route key \"%%s\" in function %s; its routes are: %s", fn.Name, strings.Join(keys, ", "))
}
