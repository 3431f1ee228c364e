package devserver

import (
	"testing"

	"github.com/stelvio-go/stelvio/internal/route"
)

// TestRoutesOfAFunctionShareEnvironments checks that the routes of one function run in the same
// execution environments: on Lambda a function's routes are one function, whose warm environments are
// reused by later invocations and keep module-level state between them.
// https://docs.aws.amazon.com/lambda/latest/operatorguide/global-scope.html ("Global variables retain
// their value between invocations in the same execution environment.")
func TestRoutesOfAFunctionShareEnvironments(t *testing.T) {
	dir := t.TempDir()
	write(t, dir, "functions/counter.py", `calls = 0


def _count(name):
    global calls
    calls += 1
    return {"statusCode": 200, "body": "%s %d" % (name, calls)}


def first(event, context):
    return _count("first")


def second(event, context):
    return _count("second")
`)
	d := &route.Decls{Apis: []*route.ApiDecl{{Name: "api", Routes: []*route.RouteDecl{
		{Methods: "GET", Path: "/first", Handler: "functions/counter.first"},
		{Methods: "GET", Path: "/second", Handler: "functions/counter.second"},
	}}}}
	table, err := route.Build(d, "count", "dev", dir)
	if err != nil {
		t.Fatal(err)
	}
	ts := startServer(t, table, Options{ProjectDir: dir})
	for _, step := range []struct{ path, want string }{
		{"/first", "first 1"}, {"/second", "second 2"}, {"/first", "first 3"},
	} {
		if got := ts.do(t, "GET", step.path, nil); got.status != 200 || got.body != step.want {
			t.Errorf("GET %s = %d %q, want 200 %q", step.path, got.status, got.body, step.want)
		}
	}
	workers := 0
	for _, r := range ts.srv.runners {
		workers += r.pool.Workers()
	}
	if workers != 1 {
		t.Errorf("%d workers after three sequential requests, want 1", workers)
	}
}
