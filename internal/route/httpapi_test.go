package route_test

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stelvio-go/stelvio/internal/route"
)

// httpProject writes the handler files the HTTP API tests resolve against: a Python file with three
// functions, a folder-based Python function with two modules, a Go package with two exported
// functions and a second Python file.
func httpProject(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	for name, src := range map[string]string{
		"functions/users.py":          "def get(event, context):\n    pass\n\ndef create(event, context):\n    pass\n\ndef fallback(event, context):\n    pass\n",
		"functions/other.py":          "def handler(event, context):\n    pass\n",
		"functions/orders/handler.py": "def index(event, context):\n    pass\n",
		"functions/orders/refunds.py": "def create(event, context):\n    pass\n",
		"functions/hello/hello.go":    "package hello\n",
	} {
		p := filepath.Join(dir, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(src), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

// httpRoute declares api.Route(method, path, handler) of an HTTP API ("$default" as the path is the
// default route) at source.
func httpRoute(t *testing.T, method, path, handler, source string) *route.HTTPRouteDecl {
	t.Helper()
	if path == "$default" {
		return &route.HTTPRouteDecl{Key: "$default", KeyOK: true, Default: true, Method: route.Any, Handler: handler, Source: source}
	}
	p, err := route.ParsePath(path)
	if err != nil {
		t.Fatal(err)
	}
	return &route.HTTPRouteDecl{Key: method + " " + p.String(), KeyOK: true, Method: method, Path: p, Handler: handler, Source: source}
}

// configured gives a route a function configuration, as function.Memory and friends do.
func configured(rd *route.HTTPRouteDecl, c route.FunctionConfig) *route.HTTPRouteDecl {
	rd.Config, rd.HasConfig = c, true
	return rd
}

// TestHTTPRoutesShareFunctions: as for REST APIs, the routes of an HTTP API whose handlers are in one
// Python file, one folder or one Go package are one Lambda function, named after that code, with
// generated routing code when it serves several routes; its configuration is given on one route and
// its timeout is the 30 s of HTTP API integrations; a function.New function serves its routes without
// routing code.
func TestHTTPRoutesShareFunctions(t *testing.T) {
	dir := httpProject(t)
	shared := &route.FunctionDecl{Name: "shared", Config: route.FunctionConfig{Handler: "functions/other.handler", Timeout: 30 * time.Second, TimeoutSet: true}, Source: "main.go:1"}
	web := &route.HTTPApiDecl{Name: "web", Source: "main.go:2", Routes: []*route.HTTPRouteDecl{
		httpRoute(t, "GET", "/users/{id}", "functions/users.get", "main.go:3"),
		configured(httpRoute(t, "POST", "/users", "functions/users.create", "main.go:4"), route.FunctionConfig{Memory: 256}),
		httpRoute(t, "ANY", "$default", "functions/users.fallback", "main.go:5"),
		httpRoute(t, "GET", "/orders", "functions/orders::handler.index", "main.go:6"),
		httpRoute(t, "POST", "/orders/refunds", "functions/orders::refunds.create", "main.go:7"),
		httpRoute(t, "GET", "/hello", "functions/hello.Hello", "main.go:8"),
		httpRoute(t, "ANY", "/hello/{proxy+}", "functions/hello.Any", "main.go:9"),
		{Key: "GET /a", KeyOK: true, Method: "GET", Path: mustPath(t, "/a"), Function: shared, Source: "main.go:10"},
		{Key: "GET /b", KeyOK: true, Method: "GET", Path: mustPath(t, "/b"), Function: shared, Source: "main.go:11"},
		httpRoute(t, "GET", "/single", "functions/other.handler", "main.go:12"),
	}}
	// A second API whose route reuses the users file: the same function.
	admin := &route.HTTPApiDecl{Name: "admin", Source: "main.go:13", Routes: []*route.HTTPRouteDecl{
		httpRoute(t, "GET", "/users/{id}", "functions/users.get", "main.go:14"),
	}}
	table, err := route.Build(&route.Decls{Functions: []*route.FunctionDecl{shared}, HTTPApis: []*route.HTTPApiDecl{web, admin}}, "app", "dev", dir)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, api := range table.HTTPApis {
		for _, r := range api.Routes {
			got = append(got, api.Name+" "+r.Key+" -> "+r.Function.Name+" "+r.Target.String())
		}
	}
	want := []string{
		"web GET /users/{id} -> functions-users users.get",
		"web POST /users -> functions-users users.create",
		"web $default -> functions-users users.fallback",
		"web GET /orders -> functions-orders handler.index",
		"web POST /orders/refunds -> functions-orders refunds.create",
		"web GET /hello -> functions-hello Hello",
		"web ANY /hello/{proxy+} -> functions-hello Any",
		"web GET /a -> shared other.handler",
		"web GET /b -> shared other.handler",
		"web GET /single -> functions-other other.handler",
		"admin GET /users/{id} -> functions-users users.get",
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("routes:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}

	type fnWant struct {
		key, runtime     string
		memory, timeout  int
		router, instance bool
		targets          string
		routes           int
	}
	for name, w := range map[string]fnWant{
		"functions-users":  {"http:file:functions/users.py", "python3.12", 256, 30, true, false, "users.create,users.fallback,users.get", 4},
		"functions-orders": {"http:folder:functions/orders", "python3.12", 128, 30, true, false, "handler.index,refunds.create", 2},
		"functions-hello":  {"http:go:functions/hello", "provided.al2023", 128, 30, true, false, "Any,Hello", 2},
		"functions-other":  {"http:file:functions/other.py", "python3.12", 128, 30, false, false, "other.handler", 1},
		"shared":           {"instance:shared", "python3.12", 128, 30, false, true, "other.handler", 2},
	} {
		fn := table.FunctionByName(name)
		if fn == nil {
			t.Errorf("no function %s", name)
			continue
		}
		var targets []string
		for _, tg := range fn.Targets() {
			targets = append(targets, tg.String())
		}
		g := fnWant{fn.Key, fn.RuntimeID, fn.Memory, fn.Timeout, fn.NeedsRouter(), fn.Instance, strings.Join(targets, ","), len(fn.HTTPRoutes)}
		if g != w {
			t.Errorf("function %s = %+v, want %+v", name, g, w)
		}
	}
	if n := len(table.Functions); n != 5 {
		t.Errorf("%d functions, want 5", n)
	}
}

// TestHTTPAndRESTShareNoFunction: a file serving routes of a REST API and of an HTTP API is two
// functions (payload format 1.0 and 2.0 events); the HTTP API's gets a short hash after the name
// (the first 6 hex digits of sha256("http:file:functions/users.py")).
func TestHTTPAndRESTShareNoFunction(t *testing.T) {
	dir := httpProject(t)
	d := &route.Decls{
		Apis: []*route.ApiDecl{{Name: "rest", Routes: []*route.RouteDecl{{Methods: "GET", Path: "/users/{id}", Handler: "functions/users.get", Source: "main.go:1"}}}},
		HTTPApis: []*route.HTTPApiDecl{{Name: "web", Routes: []*route.HTTPRouteDecl{
			httpRoute(t, "GET", "/users/{id}", "functions/users.get", "main.go:2"),
			httpRoute(t, "POST", "/users", "functions/users.create", "main.go:3"),
		}}},
	}
	table, err := route.Build(d, "app", "dev", dir)
	if err != nil {
		t.Fatal(err)
	}
	rest, web := table.Apis[0].Routes[0].Function, table.HTTPApis[0].Routes[0].Function
	if rest.Name != "functions-users" || rest.Key != "file:functions/users.py" || len(rest.HTTPRoutes) != 0 {
		t.Errorf("REST function %s (%s), %d HTTP routes", rest.Name, rest.Key, len(rest.HTTPRoutes))
	}
	if web.Name != "functions-users-ed95d6" || web.Key != "http:file:functions/users.py" || len(web.Routes) != 0 || len(web.HTTPRoutes) != 2 {
		t.Errorf("HTTP function %s (%s), %d REST routes, %d HTTP routes", web.Name, web.Key, len(web.Routes), len(web.HTTPRoutes))
	}
}

func mustPath(t *testing.T, p string) route.Path {
	t.Helper()
	parsed, err := route.ParsePath(p)
	if err != nil {
		t.Fatal(err)
	}
	return parsed
}

// TestHTTPFunctionProblems: the problems of the functions of HTTP API routes, with their exact text.
func TestHTTPFunctionProblems(t *testing.T) {
	dir := httpProject(t)
	tests := []struct {
		name string
		decl func() *route.Decls
		want []string
	}{
		{"configured on two routes of one file", func() *route.Decls {
			return &route.Decls{HTTPApis: []*route.HTTPApiDecl{{Name: "web", Routes: []*route.HTTPRouteDecl{
				configured(httpRoute(t, "GET", "/users/{id}", "functions/users.get", "main.go:2"), route.FunctionConfig{Memory: 256}),
				configured(httpRoute(t, "POST", "/users", "functions/users.create", "main.go:3"), route.FunctionConfig{Memory: 512}),
			}}}}
		}, []string{
			`main.go:3: function functions/users.py: configured on more than one route: GET /users/{id} (main.go:2), POST /users (main.go:3); configure it on one route only (the others share it), or create it once with function.New and pass it to each route`,
		}},
		{"configured on two routes of one Go package", func() *route.Decls {
			return &route.Decls{HTTPApis: []*route.HTTPApiDecl{{Name: "web", Routes: []*route.HTTPRouteDecl{
				configured(httpRoute(t, "GET", "/hello", "functions/hello.Hello", "main.go:2"), route.FunctionConfig{Memory: 256}),
				configured(httpRoute(t, "ANY", "/hello/{proxy+}", "functions/hello.Any", "main.go:3"), route.FunctionConfig{Architecture: "arm64"}),
			}}}}
		}, []string{
			`main.go:3: function functions/hello: configured on more than one route: GET /hello (main.go:2), ANY /hello/{proxy+} (main.go:3); configure it on one route only (the others share it), or create it once with function.New and pass it to each route`,
		}},
		{"configured on two routes, each with a bad value", func() *route.Decls {
			return &route.Decls{HTTPApis: []*route.HTTPApiDecl{{Name: "web", Routes: []*route.HTTPRouteDecl{
				configured(httpRoute(t, "GET", "/users/{id}", "functions/users.get", "main.go:2"), route.FunctionConfig{Memory: 10241}),
				configured(httpRoute(t, "POST", "/users", "functions/users.create", "main.go:3"), route.FunctionConfig{TimeoutSet: true}),
			}}}}
		}, []string{
			`main.go:2: function functions/users.py: memory 10241 MB is out of range; Lambda allows 128 to 10240 MB`,
			`main.go:3: function functions/users.py: configured on more than one route: GET /users/{id} (main.go:2), POST /users (main.go:3); configure it on one route only (the others share it), or create it once with function.New and pass it to each route`,
			`main.go:3: function functions/users.py: timeout 0s is out of range; Lambda allows 1s to 15m0s (900 seconds)`,
		}},
		{"timeout above 30 s on a shared function", func() *route.Decls {
			return &route.Decls{HTTPApis: []*route.HTTPApiDecl{{Name: "web", Routes: []*route.HTTPRouteDecl{
				httpRoute(t, "GET", "/users/{id}", "functions/users.get", "main.go:2"),
				configured(httpRoute(t, "POST", "/users", "functions/users.create", "main.go:3"), route.FunctionConfig{Timeout: 31 * time.Second}),
			}}}}
		}, []string{
			`main.go:3: function functions/users.py: timeout 31s is longer than HTTP API integrations wait: they time out after 30 s; set function.Timeout(30 * time.Second) or less (https://docs.aws.amazon.com/apigateway/latest/developerguide/http-api-quotas.html)`,
		}},
		{"one route key of two apis to two functions of one file", func() *route.Decls {
			return &route.Decls{HTTPApis: []*route.HTTPApiDecl{
				{Name: "web", Routes: []*route.HTTPRouteDecl{httpRoute(t, "GET", "/users/{id}", "functions/users.get", "main.go:2")}},
				{Name: "admin", Routes: []*route.HTTPRouteDecl{httpRoute(t, "GET", "/users/{id}", "functions/users.create", "main.go:4")}},
			}}
		}, []string{
			`main.go:4: route GET /users/{id}: api "web" routes the same route key to users.get in functions/users.py (main.go:2), and the function's generated router tells routes apart by their route key alone; give this route the same handler, or put one of the two handlers in another file`,
		}},
		{"function.New serving REST and HTTP routes", func() *route.Decls {
			fd := &route.FunctionDecl{Name: "both", Config: route.FunctionConfig{Handler: "functions/other.handler"}, Source: "main.go:1"}
			return &route.Decls{
				Functions: []*route.FunctionDecl{fd},
				Apis:      []*route.ApiDecl{{Name: "rest", Routes: []*route.RouteDecl{{Methods: "GET", Path: "/x", Function: fd, Source: "main.go:2"}}}},
				HTTPApis: []*route.HTTPApiDecl{{Name: "web", Routes: []*route.HTTPRouteDecl{
					{Key: "GET /y", KeyOK: true, Method: "GET", Path: mustPath(t, "/y"), Function: fd, Source: "main.go:3"},
				}}},
			}
		}, []string{
			`main.go:3: route GET /y: function "both" also serves REST API route GET /x (main.go:2); a REST API sends payload format 1.0 events and an HTTP API format 2.0, so give each API its own function`,
		}},
		{"function.New timeout above 30 s", func() *route.Decls {
			fd := &route.FunctionDecl{Name: "slow", Config: route.FunctionConfig{Handler: "functions/other.handler", Timeout: time.Minute}, Source: "main.go:1"}
			return &route.Decls{Functions: []*route.FunctionDecl{fd}, HTTPApis: []*route.HTTPApiDecl{{Name: "web", Routes: []*route.HTTPRouteDecl{
				{Key: "GET /y", KeyOK: true, Method: "GET", Path: mustPath(t, "/y"), Function: fd, Source: "main.go:2"},
			}}}}
		}, []string{
			`main.go:2: route GET /y: function "slow" has a timeout of 60s, and HTTP API integrations time out after 30 s; set function.Timeout(30 * time.Second) or less (https://docs.aws.amazon.com/apigateway/latest/developerguide/http-api-quotas.html)`,
		}},
		// function.New gives a function stelvio's default timeout, 60 s, unless told otherwise: longer
		// than an HTTP API integration waits ("Maximum integration timeout | 30 seconds",
		// https://docs.aws.amazon.com/apigateway/latest/developerguide/http-api-quotas.html). The
		// timeout is the function's, so it is reported once, at its first route, naming where the
		// function is made (where the fix goes).
		{"function.New default timeout", func() *route.Decls {
			fd := &route.FunctionDecl{Name: "plain", Config: route.FunctionConfig{Handler: "functions/other.handler"}, Source: "main.go:1"}
			return &route.Decls{Functions: []*route.FunctionDecl{fd}, HTTPApis: []*route.HTTPApiDecl{{Name: "web", Routes: []*route.HTTPRouteDecl{
				{Key: "GET /y", KeyOK: true, Method: "GET", Path: mustPath(t, "/y"), Function: fd, Source: "main.go:2"},
				{Key: "GET /z", KeyOK: true, Method: "GET", Path: mustPath(t, "/z"), Function: fd, Source: "main.go:3"},
			}}}}
		}, []string{
			`main.go:2: route GET /y: function "plain" has the default timeout of function.New, 60s, and HTTP API integrations time out after 30 s; give it function.Timeout(30 * time.Second) or less at main.go:1 (https://docs.aws.amazon.com/apigateway/latest/developerguide/http-api-quotas.html)`,
		}},
		// Two route keys whose paths differ only in parameter names match the same requests, and the
		// routing priorities of https://docs.aws.amazon.com/apigateway/latest/developerguide/http-api-develop-routes.html
		// ("1. Full match for a route and method. 2. Match for a route and method with a greedy path
		// variable ({proxy+}). 3. The $default route.") cannot choose between them. That page (and the
		// CreateRoute reference, whose only conflict is 409 "The resource already exists") does not say
		// whether API Gateway refuses such a pair, so the table refuses it before any cloud call, with
		// the rule dev's router applies (route.HTTPMatchKey). The same method on another path shape,
		// another method, or ANY beside a method are different requests and pass.
		{"routes matching the same requests", func() *route.Decls {
			return &route.Decls{HTTPApis: []*route.HTTPApiDecl{{Name: "h5", Routes: []*route.HTTPRouteDecl{
				httpRoute(t, "GET", "/s/{id}", "functions/users.get", "main.go:2"),
				httpRoute(t, "GET", "/s/{other}", "functions/users.get", "main.go:3"),
				httpRoute(t, "POST", "/s/{other}", "functions/users.create", "main.go:4"),
				httpRoute(t, "ANY", "/s/{any}", "functions/users.fallback", "main.go:5"),
				httpRoute(t, "GET", "/s/{id}/{rest+}", "functions/users.get", "main.go:6"),
				httpRoute(t, "GET", "/s/{other}/{proxy+}", "functions/users.get", "main.go:7"),
				httpRoute(t, "GET", "/s/{id}/x", "functions/users.get", "main.go:8"),
			}}}}
		}, []string{
			`main.go:3: route GET /s/{other}: matches the same requests as route GET /s/{id} at main.go:2 (the paths differ only in parameter names); use the same parameter names or different paths`,
			`main.go:7: route GET /s/{other}/{proxy+}: matches the same requests as route GET /s/{id}/{rest+} at main.go:6 (the paths differ only in parameter names); use the same parameter names or different paths`,
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := route.Build(tt.decl(), "app", "dev", dir)
			var ps route.Problems
			if !errors.As(err, &ps) {
				t.Fatalf("err = %v, want problems", err)
			}
			var got []string
			for _, p := range ps {
				got = append(got, p.String())
			}
			if strings.Join(got, "\n") != strings.Join(tt.want, "\n") {
				t.Errorf("problems:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(tt.want, "\n"))
			}
		})
	}
}
