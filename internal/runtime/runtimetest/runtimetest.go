// Package runtimetest helps the tests of the language runtimes: it copies test apps into their own Go
// module, unzips packages, runs them for real against the Lambda Runtime API of package runtimeapi and
// sends them API Gateway proxy events.
package runtimetest

import (
	"archive/zip"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/stelvio-go/stelvio/internal/route"
	"github.com/stelvio-go/stelvio/internal/runtimeapi"
)

// Root is the stelvio repository, found from this file.
func Root() string {
	_, file, _, _ := runtime.Caller(0)
	return filepath.Join(filepath.Dir(file), "..", "..", "..")
}

// Project copies the app in src (relative to the repository root) into a temporary folder that is its
// own Go module, example.com/app, requiring the aws-lambda-go version stelvio uses, and returns it.
func Project(t testing.TB, src string) string {
	t.Helper()
	dst := t.TempDir()
	from := filepath.Join(Root(), src)
	err := filepath.WalkDir(from, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(from, p)
		if d.IsDir() {
			if d.Name() == ".stelvio" {
				return filepath.SkipDir
			}
			return os.MkdirAll(filepath.Join(dst, rel), 0o755)
		}
		data, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		return os.WriteFile(filepath.Join(dst, rel), data, 0o644)
	})
	if err != nil {
		t.Fatal(err)
	}
	WriteModule(t, dst)
	return dst
}

// WriteModule makes dir the Go module example.com/app requiring stelvio's aws-lambda-go.
func WriteModule(t testing.TB, dir string) {
	t.Helper()
	var version string
	var sums []string
	mod, err := os.ReadFile(filepath.Join(Root(), "go.mod"))
	if err != nil {
		t.Fatal(err)
	}
	for _, line := range strings.Split(string(mod), "\n") {
		if f := strings.Fields(line); len(f) >= 2 && f[0] == "github.com/aws/aws-lambda-go" {
			version = f[1]
		}
	}
	sum, err := os.ReadFile(filepath.Join(Root(), "go.sum"))
	if err != nil {
		t.Fatal(err)
	}
	for _, line := range strings.Split(string(sum), "\n") {
		if strings.HasPrefix(line, "github.com/aws/aws-lambda-go "+version) {
			sums = append(sums, line)
		}
	}
	gomod := "module example.com/app\n\ngo 1.26\n\nrequire github.com/aws/aws-lambda-go " + version + "\n"
	if err := os.WriteFile(filepath.Join(dir, "go.mod"), []byte(gomod), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "go.sum"), []byte(strings.Join(sums, "\n")+"\n"), 0o644); err != nil {
		t.Fatal(err)
	}
}

// Table resolves declarations against dir.
func Table(t testing.TB, dir string, d *route.Decls) *route.Table {
	t.Helper()
	table, err := route.Build(d, "app", "test", dir)
	if err != nil {
		t.Fatal(err)
	}
	return table
}

// Function finds the function of table with key ("file:functions/users.py", "go:functions/hello").
func Function(t testing.TB, table *route.Table, key string) *route.Function {
	t.Helper()
	for _, f := range table.Functions {
		if f.Key == key {
			return f
		}
	}
	t.Fatalf("no function with key %s", key)
	return nil
}

// Unzip extracts the zip at path into a new temporary folder, keeping the executable bit.
func Unzip(t testing.TB, path string) string {
	t.Helper()
	dst := t.TempDir()
	zr, err := zip.OpenReader(path)
	if err != nil {
		t.Fatal(err)
	}
	defer zr.Close()
	for _, f := range zr.File {
		p := filepath.Join(dst, filepath.FromSlash(f.Name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		r, err := f.Open()
		if err != nil {
			t.Fatal(err)
		}
		w, err := os.OpenFile(p, os.O_CREATE|os.O_WRONLY|os.O_TRUNC, f.Mode().Perm())
		if err != nil {
			t.Fatal(err)
		}
		if _, err := io.Copy(w, r); err != nil {
			t.Fatal(err)
		}
		r.Close()
		if err := w.Close(); err != nil {
			t.Fatal(err)
		}
	}
	return dst
}

// Names lists a zip's entries with their modes, in the zip's order: "users.py 644".
func Names(t testing.TB, path string) []string {
	t.Helper()
	zr, err := zip.OpenReader(path)
	if err != nil {
		t.Fatal(err)
	}
	defer zr.Close()
	var out []string
	for _, f := range zr.File {
		out = append(out, fmt.Sprintf("%s %o", f.Name, f.Mode().Perm()))
	}
	return out
}

// Pool runs a worker with command in dir (an unzipped package) for handler.
func Pool(t testing.TB, name string, command []string, dir, handler string, env map[string]string) *runtimeapi.Pool {
	t.Helper()
	p, err := runtimeapi.NewPool(runtimeapi.Config{
		Function: runtimeapi.Function{Name: name, Region: "eu-west-1", Timeout: 30 * time.Second},
		Command:  command,
		Dir:      dir,
		Handler:  handler,
		Env:      env,
	})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { p.Close() })
	return p
}

// Event is the proxy event of testdata/events/proxy.json for a request of method on resource, with
// path parameters params.
func Event(t testing.TB, method, resource string, params map[string]string) []byte {
	t.Helper()
	data, err := os.ReadFile(filepath.Join(Root(), "internal", "runtime", "testdata", "events", "proxy.json"))
	if err != nil {
		t.Fatal(err)
	}
	var ev map[string]any
	if err := json.Unmarshal(data, &ev); err != nil {
		t.Fatal(err)
	}
	path := resource
	for k, v := range params {
		path = strings.NewReplacer("{"+k+"}", v, "{"+k+"+}", v).Replace(path)
	}
	ev["httpMethod"], ev["resource"], ev["path"] = method, resource, path
	if params == nil {
		ev["pathParameters"] = nil
	} else {
		ev["pathParameters"] = params
	}
	rc := ev["requestContext"].(map[string]any)
	rc["httpMethod"], rc["resourcePath"], rc["path"] = method, resource, "/v1"+path
	out, err := json.Marshal(ev)
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// EventV2 is the HTTP API event (payload format 2.0) of testdata/events/v2.json for the route key
// routeKey ("GET /users/{id}", "$default"), requested at rawPath with path parameters params. Its
// shape is the one documented in
// https://docs.aws.amazon.com/apigateway/latest/developerguide/http-api-develop-integrations-lambda.html.
func EventV2(t testing.TB, routeKey, rawPath string, params map[string]string) []byte {
	t.Helper()
	data, err := os.ReadFile(filepath.Join(Root(), "internal", "runtime", "testdata", "events", "v2.json"))
	if err != nil {
		t.Fatal(err)
	}
	var ev map[string]any
	if err := json.Unmarshal(data, &ev); err != nil {
		t.Fatal(err)
	}
	method, _, _ := strings.Cut(routeKey, " ")
	if routeKey == "$default" || method == "ANY" {
		method = "GET"
	}
	ev["routeKey"], ev["rawPath"] = routeKey, rawPath
	if params == nil {
		delete(ev, "pathParameters")
	} else {
		ev["pathParameters"] = params
	}
	rc := ev["requestContext"].(map[string]any)
	rc["routeKey"] = routeKey
	h := rc["http"].(map[string]any)
	h["method"], h["path"] = method, rawPath
	out, err := json.Marshal(ev)
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// HTTPRoute declares a route of an HTTP API with the route key key ("GET /users/{id}", "$default")
// and handler.
func HTTPRoute(t testing.TB, key, handler string) *route.HTTPRouteDecl {
	t.Helper()
	if key == "$default" {
		return &route.HTTPRouteDecl{Key: key, KeyOK: true, Default: true, Method: route.Any, Handler: handler}
	}
	method, path, _ := strings.Cut(key, " ")
	p, err := route.ParsePath(path)
	if err != nil {
		t.Fatal(err)
	}
	return &route.HTTPRouteDecl{Key: key, KeyOK: true, Method: method, Path: p, Handler: handler}
}

// Response is what a handler answered.
type Response struct {
	Status int
	// Function and PathParameters are from the body the test apps return; Message from a router's
	// error body.
	Function       string            `json:"function"`
	PathParameters map[string]string `json:"pathParameters"`
	Message        string            `json:"message"`
}

// Invoke sends event to p and decodes the proxy response.
func Invoke(t testing.TB, p *runtimeapi.Pool, event []byte) Response {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	res, err := p.Invoke(ctx, event)
	if err != nil {
		t.Fatal(err)
	}
	if res.Err != nil {
		t.Fatalf("invocation failed: %v\n%s", res.Err, res.Payload)
	}
	var proxy struct {
		StatusCode int    `json:"statusCode"`
		Body       string `json:"body"`
	}
	if err := json.Unmarshal(res.Payload, &proxy); err != nil {
		t.Fatalf("decode %s: %v", res.Payload, err)
	}
	var r Response
	if err := json.Unmarshal([]byte(proxy.Body), &r); err != nil {
		t.Fatalf("decode body %s: %v", proxy.Body, err)
	}
	r.Status = proxy.StatusCode
	if r.PathParameters == nil {
		r.PathParameters = map[string]string{}
	}
	return r
}
