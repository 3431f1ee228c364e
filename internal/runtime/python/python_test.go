package python_test

import (
	"archive/zip"
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/base64"
	"flag"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/stelvio-go/stelvio/internal/route"
	"github.com/stelvio-go/stelvio/internal/runtime"
	"github.com/stelvio-go/stelvio/internal/runtime/python"
	"github.com/stelvio-go/stelvio/internal/runtime/python/pyloop"
	"github.com/stelvio-go/stelvio/internal/runtime/runtimetest"
)

var update = flag.Bool("update", false, "rewrite the golden files")

func r(method, path, handler string) *route.RouteDecl {
	return &route.RouteDecl{Methods: method, Path: path, Handler: handler}
}

// quickstart declares examples/quickstart's API, as its main.go does.
func quickstart() *route.Decls {
	reports := &route.FunctionDecl{Name: "reports", Config: route.FunctionConfig{Handler: "functions/reports.handler", Memory: 512}}
	return &route.Decls{
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
	}
}

// app declares testdata/app: ANY, multi-method and a target shared by two routes.
func app() *route.Decls {
	return &route.Decls{Apis: []*route.ApiDecl{{Name: "api", Routes: []*route.RouteDecl{
		r("ANY", "/items/{id}", "functions/api.items"),
		r("GET,HEAD", "/things", "functions/api.read"),
		r("POST,PUT", "/things", "functions/api.write"),
		r("GET", "/things/{id}", "functions/api.read"),
	}}}}
}

type call struct {
	method, resource string
	params           map[string]string
	status           int
	function         string // "" for the router's no-route answer
	message          string
}

// run packages fn, unzips the package and runs it with the host's python3 under the Runtime API,
// checking every call.
func run(t *testing.T, dir string, fn *route.Function, wantFiles []string, wantHandler string, calls []call) {
	t.Helper()
	rt := python.New("")
	ctx := context.Background()
	if err := rt.Check(ctx, dir, fn); err != nil {
		t.Fatal(err)
	}
	pkg, err := rt.Package(ctx, dir, fn)
	if err != nil {
		t.Fatal(err)
	}
	if got := runtimetest.Names(t, pkg.Path); !slices.Equal(got, wantFiles) {
		t.Errorf("package files = %q, want %q", got, wantFiles)
	}
	if pkg.Handler != wantHandler || rt.Handler(fn) != wantHandler {
		t.Errorf("handler = %q, want %q", pkg.Handler, wantHandler)
	}
	code := runtimetest.Unzip(t, pkg.Path)
	loop, err := pyloop.Write(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	pool := runtimetest.Pool(t, fn.Name, pyloop.Command("python3", loop), code, pkg.Handler, nil)
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
			if c.function != "" && !mapsEqual(got.PathParameters, want) {
				t.Errorf("pathParameters = %v, want %v", got.PathParameters, want)
			}
		})
	}
}

func mapsEqual(a, b map[string]string) bool {
	if len(a) != len(b) {
		return false
	}
	for k, v := range a {
		if b[k] != v {
			return false
		}
	}
	return true
}

func TestQuickstartPackages(t *testing.T) {
	dir := runtimetest.Project(t, "examples/quickstart")
	table := runtimetest.Table(t, dir, quickstart())
	t.Run("users", func(t *testing.T) {
		fn := runtimetest.Function(t, table, "file:functions/users.py")
		run(t, dir, fn, []string{"stelvio_router.py 644", "users.py 644"}, "stelvio_router.handler", []call{
			{method: "GET", resource: "/users", status: 200, function: "users.index"},
			{method: "GET", resource: "/users/{id}", params: map[string]string{"id": "1"}, status: 200, function: "users.get"},
			{method: "POST", resource: "/users", status: 201, function: "users.create"},
			{method: "DELETE", resource: "/users", status: 404, message: "no route for DELETE /users in function " + fn.Name + "; its routes are: GET /users, POST /users, GET /users/{id}"},
		})
	})
	t.Run("orders", func(t *testing.T) {
		fn := runtimetest.Function(t, table, "file:functions/orders.py")
		run(t, dir, fn, []string{"orders.py 644"}, "orders.index", []call{
			{method: "GET", resource: "/orders", status: 200, function: "orders.index"},
		})
	})
	t.Run("inventory", func(t *testing.T) {
		fn := runtimetest.Function(t, table, "folder:functions/inventory")
		run(t, dir, fn, []string{"handler.py 644", "stelvio_router.py 644", "stock.py 644"}, "stelvio_router.handler", []call{
			{method: "GET", resource: "/inventory", status: 200, function: "inventory.index"},
			{method: "GET", resource: "/inventory/{sku}", params: map[string]string{"sku": "apple"}, status: 200, function: "inventory.get"},
		})
	})
	t.Run("reports", func(t *testing.T) {
		fn := runtimetest.Function(t, table, "instance:reports")
		run(t, dir, fn, []string{"reports.py 644"}, "reports.handler", []call{
			{method: "GET", resource: "/reports", status: 200, function: "reports.handler"},
		})
	})
}

func TestRouting(t *testing.T) {
	dir := runtimetest.Project(t, "internal/runtime/python/testdata/app")
	table := runtimetest.Table(t, dir, app())
	fn := runtimetest.Function(t, table, "file:functions/api.py")
	noRoute := "; its routes are: ANY /items/{id}, GET,HEAD /things, POST,PUT /things, GET /things/{id}"
	run(t, dir, fn, []string{"api.py 644", "stelvio_router.py 644"}, "stelvio_router.handler", []call{
		{method: "GET", resource: "/items/{id}", params: map[string]string{"id": "7"}, status: 200, function: "api.items"},
		{method: "DELETE", resource: "/items/{id}", params: map[string]string{"id": "8"}, status: 200, function: "api.items"},
		{method: "PATCH", resource: "/items/{id}", params: map[string]string{"id": "9"}, status: 200, function: "api.items"},
		{method: "GET", resource: "/things", status: 200, function: "api.read"},
		{method: "HEAD", resource: "/things", status: 200, function: "api.read"},
		{method: "POST", resource: "/things", status: 200, function: "api.write"},
		{method: "PUT", resource: "/things", status: 200, function: "api.write"},
		{method: "GET", resource: "/things/{id}", params: map[string]string{"id": "3"}, status: 200, function: "api.read"},
		{method: "DELETE", resource: "/things", status: 404, message: "no route for DELETE /things in function " + fn.Name + noRoute},
		{method: "GET", resource: "/nothing", status: 404, message: "no route for GET /nothing in function " + fn.Name + noRoute},
	})
}

func TestRouterGolden(t *testing.T) {
	dir := runtimetest.Project(t, "internal/runtime/python/testdata/app")
	fn := runtimetest.Function(t, runtimetest.Table(t, dir, app()), "file:functions/api.py")
	got := python.Router(fn)
	golden := filepath.Join("testdata", "stelvio_router.py.golden")
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
	if !bytes.HasPrefix(got, []byte("# Code generated by stelvio")) || !bytes.Contains(got, []byte("DO NOT EDIT.")) {
		t.Errorf("generated router does not say it is generated:\n%s", got)
	}
}

func TestDeterministicZip(t *testing.T) {
	dir := runtimetest.Project(t, "examples/quickstart")
	fn := runtimetest.Function(t, runtimetest.Table(t, dir, quickstart()), "folder:functions/inventory")
	// Litter that must stay out of the package.
	for _, p := range []string{"__pycache__/handler.cpython-312.pyc", ".DS_Store", "stock.pyc", ".git/HEAD"} {
		full := filepath.Join(dir, "functions", "inventory", p)
		os.MkdirAll(filepath.Dir(full), 0o755)
		if err := os.WriteFile(full, []byte("x"), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	rt := python.New("")
	first, err := rt.Package(context.Background(), dir, fn)
	if err != nil {
		t.Fatal(err)
	}
	a, _ := os.ReadFile(first.Path)
	if err := os.RemoveAll(runtime.BuildDir(dir)); err != nil {
		t.Fatal(err)
	}
	// New modification times must not change the bytes.
	os.Chtimes(filepath.Join(dir, "functions", "inventory", "stock.py"), fixedTime, fixedTime)
	second, err := rt.Package(context.Background(), dir, fn)
	if err != nil {
		t.Fatal(err)
	}
	b, _ := os.ReadFile(second.Path)
	if !bytes.Equal(a, b) || first.Hash != second.Hash {
		t.Fatalf("two builds differ: %s vs %s", first.Hash, second.Hash)
	}
	sum := sha256.Sum256(a)
	if want := base64.StdEncoding.EncodeToString(sum[:]); first.Hash != want {
		t.Errorf("hash = %s, want base64 sha256 %s", first.Hash, want)
	}
	zr, err := zip.NewReader(bytes.NewReader(a), int64(len(a)))
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range zr.File {
		if !f.Modified.Equal(zipEpoch) {
			t.Errorf("%s modified %v, want %v", f.Name, f.Modified, zipEpoch)
		}
	}
	if got, want := runtimetest.Names(t, first.Path), []string{"handler.py 644", "stelvio_router.py 644", "stock.py 644"}; !slices.Equal(got, want) {
		t.Errorf("files = %q, want %q", got, want)
	}

	// A changed source is a new package with a new hash.
	os.WriteFile(filepath.Join(dir, "functions", "inventory", "stock.py"), []byte("ITEMS = {}\n"), 0o644)
	third, err := rt.Package(context.Background(), dir, fn)
	if err != nil {
		t.Fatal(err)
	}
	if third.Hash == first.Hash || third.Path == first.Path {
		t.Errorf("changed source kept hash %s", third.Hash)
	}
	if _, err := os.Stat(first.Path); err == nil {
		t.Errorf("outdated package %s was not removed", first.Path)
	}
}

func TestCheckErrors(t *testing.T) {
	dir := runtimetest.Project(t, "internal/runtime/python/testdata/app")
	tests := []struct {
		name   string
		routes []*route.RouteDecl
		remove string
		want   string
	}{
		{
			name:   "missing function",
			routes: []*route.RouteDecl{r("GET", "/a", "functions/plain.index"), r("GET", "/b", "functions/plain.missing")},
			want:   "function \"functions-plain\":\n  route GET /b: functions/plain.py has no function \"missing\"; add \"def missing(event, context):\" or fix the handler string",
		},
		{
			name:   "syntax error",
			routes: []*route.RouteDecl{r("GET", "/a", "functions/broken.index"), r("GET", "/b", "functions/broken.other")},
			want:   "function \"functions-broken\":\n  route GET /a: functions/broken.py:2: syntax error: '{' was never closed",
		},
		{
			name:   "missing file",
			routes: []*route.RouteDecl{r("GET", "/a", "functions/gone.index")},
			remove: "functions/gone.py",
			want:   "function \"functions-gone\":\n  route GET /a: handler file functions/gone.py not found; create it or fix the handler string",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if tt.remove != "" {
				os.WriteFile(filepath.Join(dir, tt.remove), []byte("def index(e, c):\n    pass\n"), 0o644)
			}
			table := runtimetest.Table(t, dir, &route.Decls{Apis: []*route.ApiDecl{{Name: "api", Routes: tt.routes}}})
			if tt.remove != "" {
				os.Remove(filepath.Join(dir, tt.remove))
			}
			err := python.New("").Check(context.Background(), dir, table.Functions[0])
			if err == nil || err.Error() != tt.want {
				t.Errorf("error =\n%v\nwant\n%s", err, tt.want)
			}
		})
	}
}

func TestRequirementsFromLocalWheel(t *testing.T) {
	wheels := t.TempDir()
	writeWheel(t, filepath.Join(wheels, "tinydep-1.0-py3-none-any.whl"))
	t.Setenv("PIP_FIND_LINKS", wheels)
	t.Setenv("PIP_NO_INDEX", "1")
	t.Setenv("PIP_INDEX_URL", "http://127.0.0.1:9/simple") // never contacted: no index

	dir := t.TempDir()
	fdir := filepath.Join(dir, "functions")
	os.MkdirAll(fdir, 0o755)
	os.WriteFile(filepath.Join(fdir, "requirements.txt"), []byte("tinydep==1.0\n"), 0o644)
	os.WriteFile(filepath.Join(fdir, "deps.py"), []byte(`import json
import tinydep


def index(event, context):
    return {"statusCode": 200, "body": json.dumps({"function": tinydep.NAME, "pathParameters": {}})}
`), 0o644)
	table := runtimetest.Table(t, dir, &route.Decls{Apis: []*route.ApiDecl{{Name: "api", Routes: []*route.RouteDecl{r("GET", "/deps", "functions/deps.index")}}}})
	fn := table.Functions[0]
	if fn.Requirements != "functions/requirements.txt" {
		t.Fatalf("requirements = %q", fn.Requirements)
	}
	run(t, dir, fn, []string{
		"deps.py 644",
		"tinydep-1.0.dist-info/INSTALLER 644",
		"tinydep-1.0.dist-info/METADATA 644",
		"tinydep-1.0.dist-info/RECORD 644",
		"tinydep-1.0.dist-info/REQUESTED 644",
		"tinydep-1.0.dist-info/WHEEL 644",
		"tinydep/__init__.py 644",
	}, "deps.index", []call{{method: "GET", resource: "/deps", status: 200, function: "tinydep from a local wheel"}})

	// dev runs the handler with the local python: the requirements are installed for it too.
	w, err := python.New("").Worker(context.Background(), dir, fn)
	if err != nil {
		t.Fatalf("dev worker: %v", err)
	}
	imp := exec.Command("python3", "-c", "import tinydep; print(tinydep.NAME)")
	imp.Env = append(os.Environ(), "PYTHONPATH="+w.Env["PYTHONPATH"])
	if out, err := imp.CombinedOutput(); err != nil || strings.TrimSpace(string(out)) != "tinydep from a local wheel" {
		t.Errorf("the dev worker's PYTHONPATH %q does not import tinydep: %v %s", w.Env["PYTHONPATH"], err, out)
	}

	// The install is cached by requirements, runtime and architecture: it is reused without pip.
	t.Setenv("PIP_FIND_LINKS", t.TempDir())
	os.RemoveAll(runtime.BuildDir(dir))
	if _, err := python.New("").Package(context.Background(), dir, fn); err != nil {
		t.Fatalf("cached requirements were installed again: %v", err)
	}

	// A requirement pip cannot find is pip's output, shown as it is.
	os.WriteFile(filepath.Join(fdir, "requirements.txt"), []byte("nosuchdep==9.9\n"), 0o644)
	_, err = python.New("").Package(context.Background(), dir, fn)
	var be *runtime.BuildError
	if !errorsAs(err, &be) || !strings.Contains(be.Output, "nosuchdep==9.9") {
		t.Fatalf("error = %v, want a BuildError with pip's output", err)
	}
	wantErr := "pip could not install functions/requirements.txt for python3.12 on x86_64 (exit status 1); check the requirements and pip's index settings (PIP_INDEX_URL, PIP_FIND_LINKS)"
	if be.Err.Error() != wantErr {
		t.Errorf("error = %q, want %q", be.Err, wantErr)
	}
}

// writeWheel writes a pure-Python wheel made with the standard library: the package tinydep and the
// METADATA, WHEEL and RECORD files pip needs.
func writeWheel(t *testing.T, path string) {
	t.Helper()
	files := []struct{ name, body string }{
		{"tinydep/__init__.py", "NAME = \"tinydep from a local wheel\"\n"},
		{"tinydep-1.0.dist-info/METADATA", "Metadata-Version: 2.1\nName: tinydep\nVersion: 1.0\n"},
		{"tinydep-1.0.dist-info/WHEEL", "Wheel-Version: 1.0\nGenerator: stelvio-test\nRoot-Is-Purelib: true\nTag: py3-none-any\n"},
	}
	var record strings.Builder
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for _, f := range files {
		w, err := zw.Create(f.name)
		if err != nil {
			t.Fatal(err)
		}
		w.Write([]byte(f.body))
		sum := sha256.Sum256([]byte(f.body))
		record.WriteString(f.name + ",sha256=" + base64.RawURLEncoding.EncodeToString(sum[:]) + "," + itoa(len(f.body)) + "\n")
	}
	record.WriteString("tinydep-1.0.dist-info/RECORD,,\n")
	w, err := zw.Create("tinydep-1.0.dist-info/RECORD")
	if err != nil {
		t.Fatal(err)
	}
	w.Write([]byte(record.String()))
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, buf.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
}
