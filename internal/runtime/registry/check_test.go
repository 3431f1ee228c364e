package registry_test

import (
	"context"
	"fmt"
	"os"
	"path"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stelvio-go/stelvio/internal/handler"
	"github.com/stelvio-go/stelvio/internal/route"
	"github.com/stelvio-go/stelvio/internal/runtime"
	"github.com/stelvio-go/stelvio/internal/runtime/registry"
	"github.com/stelvio-go/stelvio/internal/runtime/runtimetest"
)

// table is a route table of one API whose routes are "METHOD /path -> handler": Python single-file
// handlers ("functions/users.index") and Go packages ("functions/hello.Hello"). Each route's Source is
// main.go:<line>, its line in routes counted from 10.
func table(t *testing.T, routes ...string) *route.Table {
	t.Helper()
	api := &route.Api{Name: "api", StageName: "v1", EndpointType: "REGIONAL"}
	tb := &route.Table{App: "app", Env: "test", Apis: []*route.Api{api}}
	fns := map[string]*route.Function{}
	for i, line := range routes {
		f := strings.Fields(line)
		method, p, h := f[0], f[1], f[3]
		dot := strings.LastIndex(h, ".")
		file, fnName := h[:dot], h[dot+1:]
		key := "file:" + file + ".py"
		fn := &route.Function{Name: strings.ReplaceAll(file, "/", "-"), Runtime: handler.Python, RuntimeID: handler.PythonRuntime,
			Dir: path.Dir(file), File: file + ".py", Architecture: "x86_64"}
		target := route.Target{Module: path.Base(file), Func: fnName}
		if fnName[0] >= 'A' && fnName[0] <= 'Z' {
			key = "go:" + file
			fn = &route.Function{Name: strings.ReplaceAll(file, "/", "-"), Runtime: handler.Go, RuntimeID: handler.GoRuntime,
				Dir: file, Architecture: "x86_64"}
			target = route.Target{Func: fnName}
		}
		if existing := fns[key]; existing != nil {
			fn = existing
		} else {
			fn.Key = key
			fns[key] = fn
			tb.Functions = append(tb.Functions, fn)
		}
		pp, err := route.ParsePath(p)
		if err != nil {
			t.Fatal(err)
		}
		r := &route.Route{Api: api, Methods: []string{method}, Path: pp, Function: fn, Target: target, Source: fmt.Sprintf("main.go:%d", 10+i)}
		fn.Routes = append(fn.Routes, r)
		api.Routes = append(api.Routes, r)
	}
	return tb
}

// TestCheckAll finds every problem of every function's handler code in one run, each with the route
// that declares the handler, so that they can be reported with the declaration problems.
func TestCheckAll(t *testing.T) {
	dir := t.TempDir()
	runtimetest.WriteModule(t, dir)
	for name, body := range map[string]string{
		"functions/users.py":   "def index(event, context):\n    return {}\n",
		"functions/broken.py":  "def index(event, context):\n    return {\n",
		"functions/consts.py":  "notfunc = 5\n",
		"functions/gobad/g.go": "package gobad\n\nfunc Wrong(name string) string { return name }\n",
		"functions/gosyn/g.go": "package gosyn\n\nfunc Handler( {\n",
		"functions/gocomp/g.go": "package gocomp\n\nimport (\n\t\"context\"\n\n\t\"github.com/aws/aws-lambda-go/events\"\n)\n\n" +
			"func Handler(ctx context.Context, req events.APIGatewayProxyRequest) (events.APIGatewayProxyResponse, error) {\n\treturn events.APIGatewayProxyResponse{}, missing\n}\n",
	} {
		p := filepath.Join(dir, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	tb := table(t,
		"GET /users -> functions/users.index",
		"GET /users/{id} -> functions/users.get",
		"GET /broken -> functions/broken.index",
		"GET /consts -> functions/consts.notfunc",
		"GET /gone -> functions/gone.index",
		"GET /wrong -> functions/gobad.Wrong",
		"GET /syn -> functions/gosyn.Handler",
		"GET /comp -> functions/gocomp.Handler",
	)
	got := registry.Packager(dir).CheckAll(context.Background(), tb)
	type want struct{ function, source, message string }
	wants := []want{
		{"functions-broken", "main.go:12", "functions/broken.py:2: syntax error: '{' was never closed"},
		{"functions-consts", "main.go:13", `functions/consts.py:1: notfunc is not a function (it is an int); Lambda calls the handler as notfunc(event, context): define "def notfunc(event, context):" or fix the handler string`},
		{"functions-gobad", "main.go:15", `functions/gobad/g.go:3: Wrong has the signature func(name string) string; it does not take events.APIGatewayProxyRequest nor return (events.APIGatewayProxyResponse, error). aws-lambda-go accepts func([context.Context][, TIn]) [error | (TOut, error)]; an API route's handler takes TIn events.APIGatewayProxyRequest and returns (events.APIGatewayProxyResponse, error): write "func Wrong(ctx context.Context, req events.APIGatewayProxyRequest) (events.APIGatewayProxyResponse, error)" (the context is optional; events is github.com/aws/aws-lambda-go/events)`},
		{"functions-gocomp", "", "functions/gocomp/g.go:10:43: undefined: missing"},
		{"functions-gone", "main.go:14", "handler file functions/gone.py not found; create it or fix the handler string"},
		{"functions-gosyn", "", "functions/gosyn/g.go:3:15: expected ')', found '{'"},
		{"functions-users", "main.go:11", `functions/users.py has no function "get"; add "def get(event, context):" or fix the handler string`},
	}
	if len(got) != len(wants) {
		t.Fatalf("got %d problems, want %d:\n%v", len(got), len(wants), got)
	}
	for i, w := range wants {
		g := got[i]
		source := ""
		if g.Route != nil {
			source = g.Route.Source
		}
		if g.Function != w.function || source != w.source || g.Message != w.message {
			t.Errorf("problem %d:\n%s %s %s\nwant:\n%s %s %s", i, g.Function, source, g.Message, w.function, w.source, w.message)
		}
	}
}

// BenchmarkCheckAllQuickstart measures CheckAll on examples/quickstart: "cold" with no .stelvio (each
// Python file is parsed by a python3 process), "warm" with the parse results cached.
func BenchmarkCheckAllQuickstart(b *testing.B) {
	ctx := context.Background()
	for _, mode := range []string{"cold", "warm"} {
		b.Run(mode, func(b *testing.B) {
			dir := runtimetest.Project(b, "examples/quickstart")
			tb := quickstartTable(b, dir)
			p := registry.Packager(dir)
			if mode == "warm" {
				if problems := p.CheckAll(ctx, tb); len(problems) > 0 {
					b.Fatal(problems)
				}
			}
			b.ResetTimer()
			for range b.N {
				if mode == "cold" {
					b.StopTimer()
					os.RemoveAll(filepath.Join(dir, ".stelvio"))
					b.StartTimer()
				}
				if problems := p.CheckAll(ctx, tb); len(problems) > 0 {
					b.Fatal(problems)
				}
			}
		})
	}
}

// quickstartTable is examples/quickstart's route table, as its main.go declares it.
func quickstartTable(b *testing.B, dir string) *route.Table {
	reports := &route.FunctionDecl{Name: "reports", Config: route.FunctionConfig{Handler: "functions/reports.handler", Memory: 512}}
	r := func(methods, path, h string) *route.RouteDecl {
		return &route.RouteDecl{Methods: methods, Path: path, Handler: h}
	}
	return runtimetest.Table(b, dir, &route.Decls{
		Functions: []*route.FunctionDecl{reports},
		Apis: []*route.ApiDecl{{Name: "my-api", Routes: []*route.RouteDecl{
			r("GET", "/users", "functions/users.index"),
			r("GET", "/users/{id}", "functions/users.get"),
			r("POST", "/users", "functions/users.create"),
			r("GET", "/orders", "functions/orders.index"),
			{Methods: "GET", Path: "/inventory", Handler: "functions/inventory::handler.index", Config: route.FunctionConfig{Timeout: 10 * time.Second}, HasConfig: true},
			r("GET", "/inventory/{sku}", "functions/inventory::handler.get"),
			{Methods: "GET", Path: "/reports", Function: reports},
			r("GET,POST", "/hello/{name}", "functions/hello.Hello"),
			r("ANY", "/hello", "functions/hello.Any"),
		}}},
	})
}

// CheckAll parses the Python handler files of all functions with one python process, and none once
// they are cached.
func TestCheckAllStartsOnePython(t *testing.T) {
	dir := t.TempDir()
	count := filepath.Join(dir, "starts")
	wrapper := filepath.Join(dir, "python-wrapper")
	if err := os.WriteFile(wrapper, []byte("#!/bin/sh\necho x >> "+count+"\nexec python3 \"$@\"\n"), 0o755); err != nil {
		t.Fatal(err)
	}
	var routes []string
	for i := range 5 {
		name := fmt.Sprintf("functions/f%d.py", i)
		if err := os.MkdirAll(filepath.Join(dir, "functions"), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, name), []byte("def index(event, context):\n    return {}\n"), 0o644); err != nil {
			t.Fatal(err)
		}
		routes = append(routes, fmt.Sprintf("GET /f%d -> functions/f%d.index", i, i))
	}
	tb := table(t, routes...)
	starts := func() int {
		data, _ := os.ReadFile(count)
		return strings.Count(string(data), "x")
	}
	for run, want := range []int{1, 1} {
		if problems := runtime.CheckAll(context.Background(), dir, registry.Default(wrapper), tb); len(problems) > 0 {
			t.Fatal(problems)
		}
		if got := starts(); got != want {
			t.Errorf("after run %d: python started %d times, want %d", run+1, got, want)
		}
	}
}

// A problem that is not about one handler (here: the Go package folder is gone) is one problem of the
// function, without repeating the function's name.
func TestCheckAllOtherErrors(t *testing.T) {
	dir := t.TempDir()
	runtimetest.WriteModule(t, dir)
	tb := table(t, "GET /x -> functions/gone.Handler")
	got := runtime.CheckAll(context.Background(), dir, registry.Default(""), tb)
	want := "Go package directory functions/gone: open " + filepath.Join(dir, "functions", "gone") + ": no such file or directory"
	if len(got) != 1 || got[0].Function != "functions-gone" || got[0].Route != nil || got[0].Message != want {
		t.Fatalf("problems %+v, want one of functions-gone: %s", got, want)
	}
}

// TestCheckerHTTPRoutes: a problem of a handler of a function shared by HTTP API routes is reported at
// the route that calls it.
func TestCheckerHTTPRoutes(t *testing.T) {
	dir := t.TempDir()
	if err := os.MkdirAll(filepath.Join(dir, "functions"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "functions", "users.py"), []byte("def get(event, context):\n    return {}\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	get := runtimetest.HTTPRoute(t, "GET /users/{id}", "functions/users.get")
	get.Source = "main.go:10"
	remove := runtimetest.HTTPRoute(t, "DELETE /users/{id}", "functions/users.remove")
	remove.Source = "main.go:11"
	tb := runtimetest.Table(t, dir, &route.Decls{HTTPApis: []*route.HTTPApiDecl{{Name: "web", Routes: []*route.HTTPRouteDecl{get, remove}}}})
	var got []string
	for _, p := range registry.Checker(dir)(context.Background(), tb) {
		got = append(got, p.String())
	}
	want := `main.go:11: route DELETE /users/{id}: functions/users.py has no function "remove"; add "def remove(event, context):" or fix the handler string`
	if strings.Join(got, "\n") != want {
		t.Errorf("problems:\n%s\nwant:\n%s", strings.Join(got, "\n"), want)
	}
}
