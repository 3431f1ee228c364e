package apigateway_test

import (
	"io"
	"net/http"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stelvio-go/stelvio"
	"github.com/stelvio-go/stelvio/aws/apigateway"
	"github.com/stelvio-go/stelvio/internal/devserver"
	"github.com/stelvio-go/stelvio/internal/devserver/devtest"
	"github.com/stelvio-go/stelvio/internal/runtime/runtimetest"
)

// TestAnyBesideMethods: a REST API resource may have an ANY method and methods of its own; a request
// whose method has its own goes there, every other method to ANY. "This object can exist alongside
// other Operation objects and will catch any HTTP method that wasn't explicitly declared."
// (https://docs.aws.amazon.com/apigateway/latest/developerguide/api-gateway-swagger-extensions-any-method.html).
// The handlers are in separate functions (/x), in one Python file whose generated router picks the
// handler (/y), and in one Go package (/z), served by the local server.
func TestAnyBesideMethods(t *testing.T) {
	if testing.Short() {
		t.Skip("runs Python and Go handlers")
	}
	dir := t.TempDir()
	runtimetest.WriteModule(t, dir)
	answer := func(name string) string {
		return "def " + name + "(event, context):\n    return {\"statusCode\": 200, \"body\": \"" + name + " \" + event[\"httpMethod\"]}\n"
	}
	for name, body := range map[string]string{
		"functions/any.py":  answer("h1"),
		"functions/get.py":  answer("h2"),
		"functions/both.py": answer("anyh") + "\n\n" + answer("geth"),
		"functions/gohandlers/h.go": "package gohandlers\n\nimport \"github.com/aws/aws-lambda-go/events\"\n\n" +
			"func Any(req events.APIGatewayProxyRequest) (events.APIGatewayProxyResponse, error) {\n" +
			"\treturn events.APIGatewayProxyResponse{StatusCode: 200, Body: \"Any \" + req.HTTPMethod}, nil\n}\n\n" +
			"func Get(req events.APIGatewayProxyRequest) (events.APIGatewayProxyResponse, error) {\n" +
			"\treturn events.APIGatewayProxyResponse{StatusCode: 200, Body: \"Get \" + req.HTTPMethod}, nil\n}\n",
	} {
		write(t, filepath.Join(dir, filepath.FromSlash(name)), body)
	}
	// The Go handler is built from the module cache only.
	t.Setenv("GOFLAGS", "-mod=mod")
	t.Setenv("GOPROXY", "off")
	t.Setenv("GOWORK", "off")

	table, err := load(dir, false, func(ctx *stelvio.Context) {
		api := apigateway.New(ctx, "shop")
		api.Route("ANY", "/x", "functions/any.h1")
		api.Route("GET", "/x", "functions/get.h2")
		api.Route("GET", "/y", "functions/both.geth")
		api.Route("ANY", "/y", "functions/both.anyh")
		api.Route("ANY", "/z", "functions/gohandlers.Any")
		api.Route("GET,POST", "/z", "functions/gohandlers.Get")
	})
	if err != nil {
		t.Fatal(err)
	}
	// The deployed API has one method per verb on each resource (restapi.New makes them from these).
	var methods []string
	for _, r := range table.Apis[0].Routes {
		methods = append(methods, strings.Join(r.Methods, ",")+" "+r.Resource()+" -> "+r.Function.Name)
	}
	want := "ANY /x -> functions-any, GET /x -> functions-get, GET /y -> functions-both, ANY /y -> functions-both, " +
		"ANY /z -> functions-gohandlers, GET,POST /z -> functions-gohandlers"
	if got := strings.Join(methods, ", "); got != want {
		t.Errorf("routes %s\nwant %s", got, want)
	}

	s := devtest.Start(t, table, devserver.Options{ProjectDir: dir})
	client := &http.Client{Timeout: 2 * time.Minute} // the first request to the Go function builds it
	for _, step := range []struct{ method, path, body string }{
		{"GET", "/x", "h2 GET"},
		{"POST", "/x", "h1 POST"},
		{"DELETE", "/x", "h1 DELETE"},
		{"GET", "/y", "geth GET"},
		{"PUT", "/y", "anyh PUT"},
		{"GET", "/z", "Get GET"},
		{"POST", "/z", "Get POST"},
		{"PATCH", "/z", "Any PATCH"},
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
		if resp.StatusCode != 200 || string(body) != step.body {
			t.Errorf("%s %s = %d %s, want 200 %s", step.method, step.path, resp.StatusCode, body, step.body)
		}
	}
}
