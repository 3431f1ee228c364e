package devserver

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/stelvio-go/stelvio/internal/route"
)

// httpApp is an app with a REST API and an HTTP API whose route is behind a Python Lambda authorizer
// with simple responses.
func httpApp(t *testing.T) (*route.Table, string) {
	t.Helper()
	dir := t.TempDir()
	files := map[string]string{
		"functions/rest.py": `import json
def hello(event, context):
    return {"statusCode": 200, "body": json.dumps({"resource": event["resource"]})}
`,
		"functions/items.py": `def get(event, context):
    return {"id": event["pathParameters"]["id"], "user": event["requestContext"]["authorizer"]["lambda"]["user"], "rawPath": event["rawPath"]}
`,
		"functions/auth.py": `def check(event, context):
    return {"isAuthorized": event["headers"].get("x-key") == "open", "context": {"user": "ada"}}
`,
	}
	for name, src := range files {
		p := filepath.Join(dir, name)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(src), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	path, err := route.ParsePath("/items/{id}")
	if err != nil {
		t.Fatal(err)
	}
	web := &route.HTTPApiDecl{Name: "web"}
	keys := &route.HTTPAuthorizerDecl{Api: web, Name: "keys", Kind: route.HTTPAuthRequest, Handler: "functions/auth.check",
		IdentitySources: []string{"$request.header.X-Key"}, SimpleResponses: true}
	web.Authorizers = []*route.HTTPAuthorizerDecl{keys}
	web.Routes = []*route.HTTPRouteDecl{{Key: "GET /items/{id}", KeyOK: true, Method: "GET", Path: path, Handler: "functions/items.get", Authorizer: keys}}
	d := &route.Decls{
		Apis:     []*route.ApiDecl{{Name: "rest", Routes: []*route.RouteDecl{{Methods: "GET", Path: "/hello", Handler: "functions/rest.hello"}}}},
		HTTPApis: []*route.HTTPApiDecl{web},
	}
	table, err := route.Build(d, "mixed", "dev", dir)
	if err != nil {
		t.Fatal(err)
	}
	return table, dir
}

// TestHTTPAPI: with a REST and an HTTP API, each is served under its name; the HTTP API's Lambda
// authorizer and route function run on worker pools, and its answers are an HTTP API's
// (https://docs.aws.amazon.com/apigateway/latest/developerguide/http-api-lambda-authorizer.html:
// a missing identity source is 401 without calling the authorizer, isAuthorized false is 403; an
// unmatched route is 404 {"message":"Not Found"},
// https://docs.aws.amazon.com/apigateway/latest/developerguide/http-api-develop-routes.html).
func TestHTTPAPI(t *testing.T) {
	if testing.Short() {
		t.Skip("runs Python handlers")
	}
	table, dir := httpApp(t)
	ts := startServer(t, table, Options{ProjectDir: dir})
	for _, tt := range []struct {
		name, path string
		header     []string
		status     int
		body       string
	}{
		{"rest api", "/rest/hello", nil, 200, `{"resource": "/hello"}`},
		{"no identity source", "/web/items/7", nil, 401, `{"message":"Unauthorized"}`},
		{"refused", "/web/items/7", []string{"X-Key", "closed"}, 403, `{"message":"Forbidden"}`},
		{"allowed", "/web/items/7", []string{"X-Key", "open"}, 200, `{"id": "7", "user": "ada", "rawPath": "/items/7"}`},
		{"no route", "/web/other", nil, 404, `{"message":"Not Found"}`},
	} {
		t.Run(tt.name, func(t *testing.T) {
			got := ts.do(t, "GET", tt.path, nil, tt.header...)
			if got.status != tt.status || got.body != tt.body {
				t.Errorf("GET %s: %d %s, want %d %s", tt.path, got.status, got.body, tt.status, tt.body)
			}
		})
	}
	routes := ts.srv.Routes()
	if len(routes) != 2 || routes[1] != "GET     /web/items/{id}  →  functions-items (items.get)  [auth keys REQUEST]" {
		t.Errorf("routes %q", routes)
	}
}
