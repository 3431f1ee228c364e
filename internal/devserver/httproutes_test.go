package devserver_test

import (
	"context"
	"errors"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stelvio-go/stelvio/internal/devserver"
	"github.com/stelvio-go/stelvio/internal/devserver/devtest"
	"github.com/stelvio-go/stelvio/internal/route"
	"github.com/stelvio-go/stelvio/internal/runtime/runtimetest"
)

// TestHTTPRoutesShareAFunction serves an HTTP API whose routes' handlers are in one Python file and
// in one Go package: each is one function, whose generated router calls the handler of the route the
// request matched (by the event's routeKey), and whose routes run in the same warm environment, so
// module-level state is shared between them as on Lambda, where they are one function.
// https://docs.aws.amazon.com/lambda/latest/operatorguide/global-scope.html ("Global variables retain
// their value between invocations in the same execution environment.")
// A result without statusCode is answered 200 with the value as the JSON body:
// https://docs.aws.amazon.com/apigateway/latest/developerguide/http-api-develop-integrations-lambda.html
func TestHTTPRoutesShareAFunction(t *testing.T) {
	if testing.Short() {
		t.Skip("runs Python and Go handlers")
	}
	dir := t.TempDir()
	runtimetest.WriteModule(t, dir)
	for name, src := range map[string]string{
		"functions/users.py": `calls = 0


def _count(name, event):
    global calls
    calls += 1
    return {"handler": name, "calls": calls, "routeKey": event["routeKey"]}


def get(event, context):
    return _count("get", event)


def create(event, context):
    return _count("create", event)


def fallback(event, context):
    return _count("fallback", event)
`,
		"functions/hello/hello.go": `package hello

import (
	"context"
	"sync/atomic"

	"github.com/aws/aws-lambda-go/events"
)

var calls atomic.Int64

type answer struct {
	Handler  string ` + "`json:\"handler\"`" + `
	Calls    int64  ` + "`json:\"calls\"`" + `
	RouteKey string ` + "`json:\"routeKey\"`" + `
}

func Hello(ctx context.Context, req events.APIGatewayV2HTTPRequest) (answer, error) {
	return answer{"Hello", calls.Add(1), req.RouteKey}, nil
}

func Bye(req events.APIGatewayV2HTTPRequest) (events.APIGatewayV2HTTPResponse, error) {
	return events.APIGatewayV2HTTPResponse{StatusCode: 202, Body: "Bye " + req.PathParameters["proxy"]}, nil
}
`,
	} {
		p := filepath.Join(dir, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(src), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	// The Go handler is built from the module cache only.
	t.Setenv("GOFLAGS", "-mod=mod")
	t.Setenv("GOPROXY", "off")
	t.Setenv("GOWORK", "off")

	web := &route.HTTPApiDecl{Name: "web", Routes: []*route.HTTPRouteDecl{
		runtimetest.HTTPRoute(t, "GET /users/{id}", "functions/users.get"),
		runtimetest.HTTPRoute(t, "POST /users", "functions/users.create"),
		runtimetest.HTTPRoute(t, "$default", "functions/users.fallback"),
		runtimetest.HTTPRoute(t, "GET /hello", "functions/hello.Hello"),
		runtimetest.HTTPRoute(t, "ANY /hello/{proxy+}", "functions/hello.Bye"),
	}}
	table, err := route.Build(&route.Decls{HTTPApis: []*route.HTTPApiDecl{web}}, "shared", "dev", dir)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, fn := range table.Functions {
		names = append(names, fn.Name)
	}
	if got := strings.Join(names, ","); got != "functions-users,functions-hello" {
		t.Fatalf("functions %s, want functions-users,functions-hello", got)
	}

	s := devtest.Start(t, table, devserver.Options{ProjectDir: dir})
	client := &http.Client{Timeout: 2 * time.Minute} // the first request to the Go function builds it
	for _, step := range []struct {
		method, path string
		status       int
		body         string
	}{
		{"GET", "/users/7", 200, `{"handler": "get", "calls": 1, "routeKey": "GET /users/{id}"}`},
		{"POST", "/users", 200, `{"handler": "create", "calls": 2, "routeKey": "POST /users"}`},
		{"GET", "/nowhere", 200, `{"handler": "fallback", "calls": 3, "routeKey": "$default"}`},
		{"GET", "/users/8", 200, `{"handler": "get", "calls": 4, "routeKey": "GET /users/{id}"}`},
		{"GET", "/hello", 200, `{"handler":"Hello","calls":1,"routeKey":"GET /hello"}`},
		{"DELETE", "/hello/ada", 202, `Bye ada`},
		{"GET", "/hello", 200, `{"handler":"Hello","calls":2,"routeKey":"GET /hello"}`},
	} {
		req, err := http.NewRequest(step.method, s.URL+step.path, nil)
		if err != nil {
			t.Fatal(err)
		}
		resp, err := client.Do(req)
		if err != nil {
			t.Fatalf("%s %s: %v", step.method, step.path, err)
		}
		body, err := io.ReadAll(resp.Body)
		resp.Body.Close()
		if err != nil {
			t.Fatal(err)
		}
		if resp.StatusCode != step.status || string(body) != step.body {
			t.Errorf("%s %s = %d %s, want %d %s", step.method, step.path, resp.StatusCode, body, step.status, step.body)
		}
	}
}

// failingBuilder is a Builder whose workers cannot be made, counting its calls.
type failingBuilder struct{ calls atomic.Int64 }

func (b *failingBuilder) Worker(ctx context.Context, fn *route.Function) (devserver.Worker, error) {
	b.calls.Add(1)
	return devserver.Worker{}, errors.New("no interpreter for " + fn.Name)
}

func (b *failingBuilder) Sources(fn *route.Function) (string, []string, bool) {
	return fn.Dir, []string{"*.py"}, false
}

// TestHTTPPrepareOncePerFunction: Prepare makes the worker of a function serving several HTTP API
// routes once, and reports its failure once, not once per route.
func TestHTTPPrepareOncePerFunction(t *testing.T) {
	dir := t.TempDir()
	if err := os.MkdirAll(filepath.Join(dir, "functions"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "functions", "users.py"), []byte("def get(e, c):\n    pass\n\ndef create(e, c):\n    pass\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	web := &route.HTTPApiDecl{Name: "web", Routes: []*route.HTTPRouteDecl{
		runtimetest.HTTPRoute(t, "GET /users/{id}", "functions/users.get"),
		runtimetest.HTTPRoute(t, "POST /users", "functions/users.create"),
		runtimetest.HTTPRoute(t, "GET /users", "functions/users.get"),
	}}
	table, err := route.Build(&route.Decls{HTTPApis: []*route.HTTPApiDecl{web}}, "shared", "dev", dir)
	if err != nil {
		t.Fatal(err)
	}
	b := &failingBuilder{}
	log := &devtest.Log{}
	s, err := devserver.New(table, devserver.Options{ProjectDir: dir, Builder: b, Log: log})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	s.Prepare(context.Background())
	if n := b.calls.Load(); n != 1 {
		t.Errorf("%d workers made, want 1", n)
	}
	if got, want := log.String(), "[functions-users] no interpreter for functions-users\n"; got != want {
		t.Errorf("log %q, want %q", got, want)
	}
}
