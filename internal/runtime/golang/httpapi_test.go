package golang

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"slices"
	"testing"
	"time"

	"github.com/stelvio-go/stelvio/internal/route"
	"github.com/stelvio-go/stelvio/internal/runtime/runtimetest"
)

// webApp declares testdata/app's package functions/web on an HTTP API: two route keys of one
// function, a greedy path, $default and a function returning a plain value, declared out of order.
func webApp(t *testing.T) (string, *route.Table) {
	dir := runtimetest.Project(t, "internal/runtime/golang/testdata/app")
	return dir, runtimetest.Table(t, dir, &route.Decls{HTTPApis: []*route.HTTPApiDecl{{Name: "web", Routes: []*route.HTTPRouteDecl{
		runtimetest.HTTPRoute(t, "POST /users", "functions/web.Create"),
		runtimetest.HTTPRoute(t, "GET /users/{id}", "functions/web.Get"),
		runtimetest.HTTPRoute(t, "GET /users", "functions/web.Get"),
		runtimetest.HTTPRoute(t, "ANY /files/{proxy+}", "functions/web.Plain"),
		runtimetest.HTTPRoute(t, "$default", "functions/web.Fallback"),
	}}}})
}

// TestHTTPRouting builds the function of an HTTP API's routes whose handlers are in one Go package
// and runs its bootstrap under the Runtime API: the generated main calls each route's exported
// function by the event's RouteKey (payload format 2.0 carries the matched route key, "$default" for
// the default route: https://docs.aws.amazon.com/apigateway/latest/developerguide/http-api-develop-integrations-lambda.html),
// passes a plain result through as the handler's own, and answers an event of no route of the
// function with a 404 JSON message, as a REST API's router does.
func TestHTTPRouting(t *testing.T) {
	dir, table := webApp(t)
	fn := hostArch(runtimetest.Function(t, table, "http:go:functions/web"))
	if fn.Name != "functions-web" || len(table.Functions) != 1 {
		t.Fatalf("function %s, %d functions; want one, functions-web", fn.Name, len(table.Functions))
	}
	rt := New()
	ctx := context.Background()
	if err := rt.Check(ctx, dir, fn); err != nil {
		t.Fatal(err)
	}
	pkg, err := rt.Package(ctx, dir, fn)
	if err != nil {
		t.Fatal(err)
	}
	if got, want := runtimetest.Names(t, pkg.Path), []string{"bootstrap 755"}; !slices.Equal(got, want) {
		t.Errorf("package files = %q, want %q", got, want)
	}
	code := runtimetest.Unzip(t, pkg.Path)
	pool := runtimetest.Pool(t, fn.Name, []string{filepath.Join(code, "bootstrap")}, code, pkg.Handler, nil)
	noRoute := `no route for route key "GET /nothing" in function functions-web; its routes are: $default, ANY /files/{proxy+}, GET /users, GET /users/{id}, POST /users`
	for _, c := range []struct {
		key, path string
		params    map[string]string
		status    int
		function  string
		message   string
	}{
		{"GET /users/{id}", "/users/7", map[string]string{"id": "7"}, 200, "web.Get", ""},
		{"GET /users", "/users", nil, 200, "web.Get", ""},
		{"POST /users", "/users", nil, 200, "web.Create", ""},
		{"$default", "/anything/else", nil, 200, "web.Fallback", ""},
		{"GET /nothing", "/nothing", nil, 404, "", noRoute},
	} {
		t.Run(c.key, func(t *testing.T) {
			got := runtimetest.Invoke(t, pool, runtimetest.EventV2(t, c.key, c.path, c.params))
			if got.Status != c.status || got.Function != c.function || got.Message != c.message {
				t.Errorf("answer = %d %q %q, want %d %q %q", got.Status, got.Function, got.Message, c.status, c.function, c.message)
			}
			if c.params != nil && got.PathParameters["id"] != c.params["id"] {
				t.Errorf("pathParameters = %v, want %v", got.PathParameters, c.params)
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
		// Encoded as the handler's own result would be: API Gateway turns it into a 200 JSON answer.
		if got, want := string(res.Payload), `{"function":"web.Plain","routeKey":"ANY /files/{proxy+}"}`; got != want {
			t.Errorf("payload = %s, want %s", got, want)
		}
	})
}

// TestHTTPGeneratedMainGolden: the generated main of a function of HTTP API routes, and of the
// function of a single route, which starts its handler without routing.
func TestHTTPGeneratedMainGolden(t *testing.T) {
	dir, table := webApp(t)
	single := runtimetest.Table(t, dir, &route.Decls{HTTPApis: []*route.HTTPApiDecl{{Name: "one", Routes: []*route.HTTPRouteDecl{
		runtimetest.HTTPRoute(t, "GET /plain", "functions/web.Plain"),
	}}}})
	for golden, fn := range map[string]*route.Function{
		"http-functions-web.main.go.golden":    runtimetest.Function(t, table, "http:go:functions/web"),
		"http-functions-single.main.go.golden": runtimetest.Function(t, single, "http:go:functions/web"),
	} {
		t.Run(golden, func(t *testing.T) {
			src, _, _, err := New().generated(dir, fn)
			if err != nil {
				t.Fatal(err)
			}
			golden = filepath.Join("testdata", golden)
			if *update {
				os.WriteFile(golden, src, 0o644)
			}
			want, err := os.ReadFile(golden)
			if err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(src, want) {
				t.Errorf("generated main differs from %s (run go test -update):\n%s", golden, src)
			}
		})
	}
}

// TestCheckHTTPPackage: the functions of a Go package serving several HTTP API routes are checked one
// by one, each problem naming the route that calls the function.
func TestCheckHTTPPackage(t *testing.T) {
	const src = `package web

import (
	"context"

	"github.com/aws/aws-lambda-go/events"
)

func Plain(ctx context.Context, req events.APIGatewayV2HTTPRequest) (map[string]string, error) { return nil, nil }

func Full(req events.APIGatewayV2HTTPRequest) (events.APIGatewayV2HTTPResponse, error) {
	return events.APIGatewayV2HTTPResponse{}, nil
}

func Proxy(ctx context.Context, req events.APIGatewayProxyRequest) (events.APIGatewayProxyResponse, error) {
	return events.APIGatewayProxyResponse{}, nil
}
`
	dir := goProject(t, map[string]string{"functions/web/web.go": src})
	table := runtimetest.Table(t, dir, &route.Decls{HTTPApis: []*route.HTTPApiDecl{{Name: "web", Routes: []*route.HTTPRouteDecl{
		runtimetest.HTTPRoute(t, "GET /plain", "functions/web.Plain"),
		runtimetest.HTTPRoute(t, "GET /full", "functions/web.Full"),
		runtimetest.HTTPRoute(t, "GET /proxy", "functions/web.Proxy"),
		runtimetest.HTTPRoute(t, "GET /missing", "functions/web.Missing"),
	}}}})
	fn := runtimetest.Function(t, table, "http:go:functions/web")
	const want = `function "functions-web":
  route GET /missing: package functions/web has no function Missing; add "func Missing(ctx context.Context, req events.APIGatewayV2HTTPRequest) (events.APIGatewayV2HTTPResponse, error)" or fix the handler string
  route GET /proxy: functions/web/web.go:15: Proxy has the signature func(ctx context.Context, req events.APIGatewayProxyRequest) (events.APIGatewayProxyResponse, error); it does not take events.APIGatewayV2HTTPRequest (after an optional context.Context). aws-lambda-go accepts func([context.Context][, TIn]) [error | (TOut, error)]; an HTTP API route's handler takes TIn events.APIGatewayV2HTTPRequest and returns (events.APIGatewayV2HTTPResponse, error): write "func Proxy(ctx context.Context, req events.APIGatewayV2HTTPRequest) (events.APIGatewayV2HTTPResponse, error)" (the context is optional; events is github.com/aws/aws-lambda-go/events)`
	if err := New().Check(context.Background(), dir, fn); err == nil || err.Error() != want {
		t.Errorf("error =\n%v\nwant\n%s", err, want)
	}
}
