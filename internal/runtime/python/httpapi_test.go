package python_test

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"slices"
	"testing"
	"time"

	"github.com/stelvio-go/stelvio/internal/route"
	"github.com/stelvio-go/stelvio/internal/runtime/python"
	"github.com/stelvio-go/stelvio/internal/runtime/python/pyloop"
	"github.com/stelvio-go/stelvio/internal/runtime/runtimetest"
)

// webApp declares testdata/app's functions/web.py on an HTTP API: two route keys of one handler, a
// greedy path, $default and a handler returning a plain value. The routes are declared out of order:
// the generated router does not depend on it.
func webApp(t *testing.T) *route.Decls {
	return &route.Decls{HTTPApis: []*route.HTTPApiDecl{{Name: "web", Routes: []*route.HTTPRouteDecl{
		runtimetest.HTTPRoute(t, "POST /users", "functions/web.create"),
		runtimetest.HTTPRoute(t, "GET /users/{id}", "functions/web.get"),
		runtimetest.HTTPRoute(t, "GET /users", "functions/web.get"),
		runtimetest.HTTPRoute(t, "ANY /files/{proxy+}", "functions/web.plain"),
		runtimetest.HTTPRoute(t, "$default", "functions/web.fallback"),
	}}}}
}

// TestHTTPRouting packages the function of an HTTP API's routes whose handlers are in one file and
// runs the package with python3 under the Runtime API: the generated router calls each route's own
// handler by the event's routeKey (payload format 2.0 carries the matched route key, "$default" for
// the default route: https://docs.aws.amazon.com/apigateway/latest/developerguide/http-api-develop-integrations-lambda.html),
// and answers an event of no route of the function with a 404 JSON message, as a REST API's router does.
func TestHTTPRouting(t *testing.T) {
	dir := runtimetest.Project(t, "internal/runtime/python/testdata/app")
	table := runtimetest.Table(t, dir, webApp(t))
	fn := runtimetest.Function(t, table, "http:file:functions/web.py")
	if fn.Name != "functions-web" || len(table.Functions) != 1 {
		t.Fatalf("function %s, %d functions; want one, functions-web", fn.Name, len(table.Functions))
	}
	rt := python.New("")
	ctx := context.Background()
	if err := rt.Check(ctx, dir, fn); err != nil {
		t.Fatal(err)
	}
	pkg, err := rt.Package(ctx, dir, fn)
	if err != nil {
		t.Fatal(err)
	}
	if got, want := runtimetest.Names(t, pkg.Path), []string{"stelvio_router.py 644", "web.py 644"}; !slices.Equal(got, want) {
		t.Errorf("package files = %q, want %q", got, want)
	}
	if pkg.Handler != "stelvio_router.handler" {
		t.Errorf("handler = %q, want stelvio_router.handler", pkg.Handler)
	}
	loop, err := pyloop.Write(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	pool := runtimetest.Pool(t, fn.Name, pyloop.Command("python3", loop), runtimetest.Unzip(t, pkg.Path), pkg.Handler, nil)
	noRoute := `no route for route key "GET /nothing" in function functions-web; its routes are: $default, ANY /files/{proxy+}, GET /users, GET /users/{id}, POST /users`
	for _, c := range []struct {
		key, path string
		params    map[string]string
		status    int
		function  string
		message   string
	}{
		{"GET /users/{id}", "/users/7", map[string]string{"id": "7"}, 200, "web.get", ""},
		{"GET /users", "/users", nil, 200, "web.get", ""},
		{"POST /users", "/users", nil, 200, "web.create", ""},
		{"$default", "/anything/else", nil, 200, "web.fallback", ""},
		{"GET /nothing", "/nothing", nil, 404, "", noRoute},
	} {
		t.Run(c.key, func(t *testing.T) {
			got := runtimetest.Invoke(t, pool, runtimetest.EventV2(t, c.key, c.path, c.params))
			if got.Status != c.status || got.Function != c.function || got.Message != c.message {
				t.Errorf("answer = %d %q %q, want %d %q %q", got.Status, got.Function, got.Message, c.status, c.function, c.message)
			}
			want := c.params
			if want == nil {
				want = map[string]string{}
			}
			if c.function != "" && !mapsEqual(got.PathParameters, want) {
				t.Errorf("pathParameters = %v, want %v", got.PathParameters, want)
			}
		})
	}
	t.Run("plain value", func(t *testing.T) {
		ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
		defer cancel()
		res, err := pool.Invoke(ctx, runtimetest.EventV2(t, "ANY /files/{proxy+}", "/files/a/b", map[string]string{"proxy": "a/b"}))
		if err != nil || res.Err != nil {
			t.Fatalf("invoke: %v %v", err, res.Err)
		}
		// The router returns the handler's value as it is; API Gateway turns it into a 200 JSON answer.
		if got, want := string(res.Payload), `{"function": "web.plain", "routeKey": "ANY /files/{proxy+}"}`; got != want {
			t.Errorf("payload = %s, want %s", got, want)
		}
	})
}

// TestHTTPRouterGolden: the generated router of a function of HTTP API routes.
func TestHTTPRouterGolden(t *testing.T) {
	dir := runtimetest.Project(t, "internal/runtime/python/testdata/app")
	fn := runtimetest.Function(t, runtimetest.Table(t, dir, webApp(t)), "http:file:functions/web.py")
	got := python.Router(fn)
	golden := filepath.Join("testdata", "stelvio_router_http.py.golden")
	if *update {
		if err := os.WriteFile(golden, got, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(golden)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("generated router differs from %s (run go test -update):\n%s", golden, got)
	}
}

// TestHTTPSingleRoute: the function of one HTTP API route has no router; Lambda calls its handler.
func TestHTTPSingleRoute(t *testing.T) {
	dir := runtimetest.Project(t, "internal/runtime/python/testdata/app")
	table := runtimetest.Table(t, dir, &route.Decls{HTTPApis: []*route.HTTPApiDecl{{Name: "web", Routes: []*route.HTTPRouteDecl{
		runtimetest.HTTPRoute(t, "GET /users", "functions/web.get"),
	}}}})
	fn := runtimetest.Function(t, table, "http:file:functions/web.py")
	pkg, err := python.New("").Package(context.Background(), dir, fn)
	if err != nil {
		t.Fatal(err)
	}
	if got, want := runtimetest.Names(t, pkg.Path), []string{"web.py 644"}; !slices.Equal(got, want) || pkg.Handler != "web.get" {
		t.Errorf("package files %q, handler %q; want %q, web.get", got, pkg.Handler, want)
	}
}

// TestHTTPCheckNamesTheRoute: a problem of a handler of a shared function names the HTTP route that
// calls it.
func TestHTTPCheckNamesTheRoute(t *testing.T) {
	dir := runtimetest.Project(t, "internal/runtime/python/testdata/app")
	table := runtimetest.Table(t, dir, &route.Decls{HTTPApis: []*route.HTTPApiDecl{{Name: "web", Routes: []*route.HTTPRouteDecl{
		runtimetest.HTTPRoute(t, "GET /users", "functions/web.get"),
		runtimetest.HTTPRoute(t, "DELETE /users/{id}", "functions/web.remove"),
	}}}})
	fn := runtimetest.Function(t, table, "http:file:functions/web.py")
	const want = "function \"functions-web\":\n  route DELETE /users/{id}: functions/web.py has no function \"remove\"; add \"def remove(event, context):\" or fix the handler string"
	if err := python.New("").Check(context.Background(), dir, fn); err == nil || err.Error() != want {
		t.Errorf("error =\n%v\nwant\n%s", err, want)
	}
}
