package golang

import (
	"bytes"
	"context"
	"errors"
	"flag"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	goruntime "runtime"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/stelvio-go/stelvio/internal/route"
	"github.com/stelvio-go/stelvio/internal/runtime"
	"github.com/stelvio-go/stelvio/internal/runtime/runtimetest"
	"github.com/stelvio-go/stelvio/internal/runtimeapi/rietest"
)

var update = flag.Bool("update", false, "rewrite the golden files")

func r(method, path, handler string) *route.RouteDecl {
	return &route.RouteDecl{Methods: method, Path: path, Handler: handler}
}

func decls(routes ...*route.RouteDecl) *route.Decls {
	return &route.Decls{Apis: []*route.ApiDecl{{Name: "api", Routes: routes}}}
}

// hostArch makes fn's package runnable on the test machine.
func hostArch(fn *route.Function) *route.Function {
	if goruntime.GOARCH == "arm64" {
		fn.Architecture = "arm64"
	}
	return fn
}

type call struct {
	method, resource string
	params           map[string]string
	status           int
	function         string
	message          string
}

// run packages fn, unzips it and runs bootstrap under the Runtime API, checking every call.
func run(t *testing.T, dir string, fn *route.Function, calls []call) {
	t.Helper()
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
	if pkg.Handler != "bootstrap" {
		t.Errorf("handler = %q, want bootstrap", pkg.Handler)
	}
	code := runtimetest.Unzip(t, pkg.Path)
	pool := runtimetest.Pool(t, fn.Name, []string{filepath.Join(code, "bootstrap")}, code, pkg.Handler, nil)
	for _, c := range calls {
		t.Run(c.method+" "+c.resource, func(t *testing.T) {
			got := runtimetest.Invoke(t, pool, runtimetest.Event(t, c.method, c.resource, c.params))
			if got.Status != c.status || got.Function != c.function || got.Message != c.message {
				t.Errorf("answer = %d %q %q, want %d %q %q", got.Status, got.Function, got.Message, c.status, c.function, c.message)
			}
			want := c.params
			if want == nil {
				want = map[string]string{}
			}
			if c.function != "" && len(got.PathParameters) != len(want) {
				t.Errorf("pathParameters = %v, want %v", got.PathParameters, want)
			}
			for k, v := range want {
				if c.function != "" && got.PathParameters[k] != v {
					t.Errorf("pathParameters = %v, want %v", got.PathParameters, want)
				}
			}
		})
	}
}

func TestQuickstartPackage(t *testing.T) {
	dir := runtimetest.Project(t, "examples/quickstart")
	table := runtimetest.Table(t, dir, decls(
		r("GET,POST", "/hello/{name}", "functions/hello.Hello"),
		r("ANY", "/hello", "functions/hello.Any"),
	))
	fn := hostArch(runtimetest.Function(t, table, "go:functions/hello"))
	noRoute := "no route for PUT /hello/{name} in function " + fn.Name + "; its routes are: ANY /hello, GET,POST /hello/{name}"
	run(t, dir, fn, []call{
		{method: "GET", resource: "/hello/{name}", params: map[string]string{"name": "ada"}, status: 200, function: "hello.Hello"},
		{method: "POST", resource: "/hello/{name}", params: map[string]string{"name": "linus"}, status: 200, function: "hello.Hello"},
		{method: "GET", resource: "/hello", status: 200, function: "hello.Any"},
		{method: "DELETE", resource: "/hello", status: 200, function: "hello.Any"},
		{method: "PUT", resource: "/hello/{name}", params: map[string]string{"name": "x"}, status: 404, message: noRoute},
	})
}

func app(t *testing.T) (string, *route.Table) {
	dir := runtimetest.Project(t, "internal/runtime/golang/testdata/app")
	return dir, runtimetest.Table(t, dir, decls(
		r("ANY", "/items/{id}", "functions/api.Items"),
		r("GET,HEAD", "/things", "functions/api.Read"),
		r("POST,PUT", "/things", "functions/api.Write"),
		r("GET", "/things/{id}", "functions/api.Read"),
		r("GET", "/single", "functions/single.Handler"),
	))
}

func TestRouting(t *testing.T) {
	dir, table := app(t)
	fn := hostArch(runtimetest.Function(t, table, "go:functions/api"))
	noRoute := " in function " + fn.Name + "; its routes are: ANY /items/{id}, GET,HEAD /things, POST,PUT /things, GET /things/{id}"
	run(t, dir, fn, []call{
		{method: "GET", resource: "/items/{id}", params: map[string]string{"id": "7"}, status: 200, function: "api.Items"},
		{method: "DELETE", resource: "/items/{id}", params: map[string]string{"id": "8"}, status: 200, function: "api.Items"},
		{method: "GET", resource: "/things", status: 200, function: "api.Read"},
		{method: "HEAD", resource: "/things", status: 200, function: "api.Read"},
		{method: "POST", resource: "/things", status: 200, function: "api.Write"},
		{method: "PUT", resource: "/things", status: 200, function: "api.Write"},
		{method: "GET", resource: "/things/{id}", params: map[string]string{"id": "3"}, status: 200, function: "api.Read"},
		{method: "DELETE", resource: "/things", status: 404, message: "no route for DELETE /things" + noRoute},
		{method: "GET", resource: "/nothing", status: 404, message: "no route for GET /nothing" + noRoute},
	})
	t.Run("single route", func(t *testing.T) {
		fn := hostArch(runtimetest.Function(t, table, "go:functions/single"))
		run(t, dir, fn, []call{{method: "GET", resource: "/single", status: 200, function: "single.Handler"}})
	})
}

func TestGeneratedMainGolden(t *testing.T) {
	dir, table := app(t)
	for _, key := range []string{"go:functions/api", "go:functions/single"} {
		fn := runtimetest.Function(t, table, key)
		t.Run(fn.Name, func(t *testing.T) {
			src, _, _, err := New().generated(dir, fn)
			if err != nil {
				t.Fatal(err)
			}
			onDisk, err := os.ReadFile(filepath.Join(dir, ".stelvio", "gen", fn.Name, "main.go"))
			if err != nil || !bytes.Equal(onDisk, src) {
				t.Errorf("main.go on disk differs from the generated source (%v)", err)
			}
			golden := filepath.Join("testdata", fn.Name+".main.go.golden")
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
			if !bytes.HasPrefix(src, []byte("// Code generated by stelvio")) || !bytes.Contains(src, []byte("DO NOT EDIT.")) {
				t.Errorf("generated main does not say it is generated")
			}
		})
	}
}

func TestCacheAndDeterminism(t *testing.T) {
	dir, table := app(t)
	fn := runtimetest.Function(t, table, "go:functions/single")
	rt := New()
	ctx := context.Background()
	first, err := rt.Package(ctx, dir, fn)
	if err != nil {
		t.Fatal(err)
	}
	info1, _ := os.Stat(first.Path)
	a, _ := os.ReadFile(first.Path)

	n := Compiles()
	second, err := rt.Package(ctx, dir, fn)
	if err != nil {
		t.Fatal(err)
	}
	info2, _ := os.Stat(second.Path)
	if Compiles() != n {
		t.Errorf("an unchanged function was compiled again")
	}
	if second != first || !info2.ModTime().Equal(info1.ModTime()) {
		t.Errorf("cached package %+v was rewritten as %+v", first, second)
	}

	// Rebuilt from scratch: the same bytes.
	os.RemoveAll(runtime.BuildDir(dir))
	third, err := rt.Package(ctx, dir, fn)
	if err != nil {
		t.Fatal(err)
	}
	if Compiles() != n+1 {
		t.Errorf("compiles = %d, want %d", Compiles(), n+1)
	}
	b, _ := os.ReadFile(third.Path)
	if !bytes.Equal(a, b) || third.Hash != first.Hash {
		t.Errorf("two builds of the same sources differ: %s vs %s", first.Hash, third.Hash)
	}

	// A change anywhere in the module's Go code is a new build and a new hash.
	os.WriteFile(filepath.Join(dir, "functions", "single", "extra.go"), []byte("package single\n\nconst Extra = 1\n"), 0o644)
	fourth, err := rt.Package(ctx, dir, fn)
	if err != nil {
		t.Fatal(err)
	}
	if Compiles() != n+2 || fourth.Hash == first.Hash {
		t.Errorf("changed source: compiles %d (want %d), hash %s (old %s)", Compiles(), n+2, fourth.Hash, first.Hash)
	}
}

func TestCheckErrors(t *testing.T) {
	dir := runtimetest.Project(t, "internal/runtime/golang/testdata/app")
	table := runtimetest.Table(t, dir, decls(
		r("GET", "/good", "functions/bad.Good"),
		r("GET", "/wrong", "functions/bad.Wrong"),
		r("GET", "/missing", "functions/bad.Missing"),
	))
	fn := runtimetest.Function(t, table, "go:functions/bad")
	want := `function "functions-bad":
  route GET /missing: package functions/bad has no function Missing; add "func Missing(ctx context.Context, req events.APIGatewayProxyRequest) (events.APIGatewayProxyResponse, error)" or fix the handler string
  route GET /wrong: functions/bad/bad.go:15: Wrong has the signature func(name string) string; it does not take events.APIGatewayProxyRequest nor return (events.APIGatewayProxyResponse, error). aws-lambda-go accepts func([context.Context][, TIn]) [error | (TOut, error)]; an API route's handler takes TIn events.APIGatewayProxyRequest and returns (events.APIGatewayProxyResponse, error): write "func Wrong(ctx context.Context, req events.APIGatewayProxyRequest) (events.APIGatewayProxyResponse, error)" (the context is optional; events is github.com/aws/aws-lambda-go/events)`
	err := New().Check(context.Background(), dir, fn)
	if err == nil || err.Error() != want {
		t.Errorf("error =\n%v\nwant\n%s", err, want)
	}
	if _, err := New().Package(context.Background(), dir, fn); err == nil || err.Error() != want {
		t.Errorf("package error =\n%v\nwant\n%s", err, want)
	}
}

func TestCompileErrorIsData(t *testing.T) {
	dir := runtimetest.Project(t, "internal/runtime/golang/testdata/app")
	table := runtimetest.Table(t, dir, decls(r("GET", "/broken", "functions/broken.Handler")))
	fn := table.Functions[0]
	_, err := New().Package(context.Background(), dir, fn)
	var be *runtime.BuildError
	if !errors.As(err, &be) {
		t.Fatalf("error = %v, want a *runtime.BuildError", err)
	}
	if be.Function != fn.Name || be.Err.Error() != "go build functions/broken failed (exit status 1); fix the errors below" {
		t.Errorf("build error = %q %q", be.Function, be.Err)
	}
	if !strings.Contains(be.Output, "functions/broken/broken.go:12:46: undefined: missing") {
		t.Errorf("compiler output does not name the file and line:\n%s", be.Output)
	}
}

// TestConformanceRIE runs a package's bootstrap under AWS's Runtime Interface Emulator.
func TestConformanceRIE(t *testing.T) {
	rie := rietest.Find(t)
	dir, table := app(t)
	fn := hostArch(runtimetest.Function(t, table, "go:functions/api"))
	pkg, err := New().Package(context.Background(), dir, fn)
	if err != nil {
		t.Fatal(err)
	}
	code := runtimetest.Unzip(t, pkg.Path)
	addr := rietest.FreeAddr(t)
	cmd := exec.Command(rie, "--runtime-interface-emulator-address", addr, "--runtime-api-address", rietest.FreeAddr(t), filepath.Join(code, "bootstrap"))
	cmd.Env = []string{"PATH=" + os.Getenv("PATH"), "AWS_LAMBDA_FUNCTION_NAME=" + fn.Name}
	cmd.Dir = code
	var logs bytes.Buffer
	cmd.Stdout, cmd.Stderr = &logs, &logs
	if err := cmd.Start(); err != nil {
		t.Fatalf("start aws-lambda-rie: %v", err)
	}
	t.Cleanup(func() {
		cmd.Process.Kill()
		cmd.Wait()
		if t.Failed() {
			t.Logf("aws-lambda-rie output:\n%s", logs.String())
		}
	})
	url := "http://" + addr + "/2015-03-31/functions/function/invocations"
	var body []byte
	for i := 0; ; i++ {
		resp, err := http.Post(url, "application/json", bytes.NewReader(runtimetest.Event(t, "PUT", "/things", nil)))
		if err == nil {
			body, _ = io.ReadAll(resp.Body)
			resp.Body.Close()
			break
		}
		if i == 200 {
			t.Fatalf("aws-lambda-rie did not answer: %v", err)
		}
		time.Sleep(50 * time.Millisecond)
	}
	want := `{"statusCode":200,"headers":null,"multiValueHeaders":null,"body":"{\"function\":\"api.Write\",\"pathParameters\":{}}"}`
	if string(body) != want {
		t.Errorf("answer = %s\nwant %s", body, want)
	}
}
