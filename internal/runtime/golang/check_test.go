package golang

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stelvio-go/stelvio/internal/handler"
	"github.com/stelvio-go/stelvio/internal/route"
	"github.com/stelvio-go/stelvio/internal/runtime"
	"github.com/stelvio-go/stelvio/internal/runtime/runtimetest"
)

// goFunction is the Go function of package dir serving GET /r0, /r1, ... with funcs.
func goFunction(t *testing.T, dir string, funcs ...string) *route.Function {
	t.Helper()
	fn := &route.Function{
		Name: strings.ReplaceAll(dir, "/", "-"), Key: "go:" + dir, Runtime: handler.Go, RuntimeID: handler.GoRuntime,
		Dir: dir, Architecture: "x86_64",
	}
	for i, f := range funcs {
		p, err := route.ParsePath(fmt.Sprintf("/r%d", i))
		if err != nil {
			t.Fatal(err)
		}
		fn.Routes = append(fn.Routes, &route.Route{Methods: []string{"GET"}, Path: p, Function: fn,
			Target: route.Target{Func: f}, Source: fmt.Sprintf("main.go:%d", 10+i)})
	}
	return fn
}

// goProject is a module example.com/app with files.
func goProject(t *testing.T, files map[string]string) string {
	t.Helper()
	dir := t.TempDir()
	runtimetest.WriteModule(t, dir)
	for name, body := range files {
		p := filepath.Join(dir, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

// TestCheckMessages checks the problems of Go handlers, each with the declaring route, file:line
// relative to the project, and the fix.
func TestCheckMessages(t *testing.T) {
	const imports = "package gobad\n\nimport (\n\t\"context\"\n\n\t\"github.com/aws/aws-lambda-go/events\"\n)\n\nvar _ context.Context\nvar _ events.APIGatewayProxyRequest\n"
	tests := []struct {
		name  string
		src   string
		funcs []string
		want  []string
	}{
		{"syntax error", "package gobad\n\nfunc Handler( {\n", []string{"Handler"},
			[]string{"functions/gobad/gobad.go:3:15: expected ')', found '{'"}},
		{"compile errors", imports + `
func Handler(ctx context.Context, req events.APIGatewayProxyRequest) (events.APIGatewayProxyResponse, error) {
	return events.APIGatewayProxyResponse{StatusCode: "200"}, missing
}

func helper() int { return helperOf(1) }

func helperOf(a, b int) int { return a + b }
`, []string{"Handler"},
			[]string{
				`functions/gobad/gobad.go:13:52: cannot use "200" (untyped string constant) as int value in struct literal`,
				"functions/gobad/gobad.go:13:60: undefined: missing",
				"functions/gobad/gobad.go:16:37: not enough arguments in call to helperOf\n\thave (number)\n\twant (int, int)",
			}},
		{"wrong signatures", imports + `
func Plain(name string) string { return name }

func V2(ctx context.Context, req events.APIGatewayV2HTTPRequest) (events.APIGatewayV2HTTPResponse, error) {
	return events.APIGatewayV2HTTPResponse{}, nil
}

func NoError(req events.APIGatewayProxyRequest) events.APIGatewayProxyResponse {
	return events.APIGatewayProxyResponse{}
}
`, []string{"NoError", "Plain", "V2"},
			[]string{
				"route GET /r0: functions/gobad/gobad.go:18: NoError has the signature func(req events.APIGatewayProxyRequest) events.APIGatewayProxyResponse; it does not return (events.APIGatewayProxyResponse, error). " + wantAccepted("NoError"),
				"route GET /r1: functions/gobad/gobad.go:12: Plain has the signature func(name string) string; it does not take events.APIGatewayProxyRequest nor return (events.APIGatewayProxyResponse, error). " + wantAccepted("Plain"),
				"route GET /r2: functions/gobad/gobad.go:14: V2 has the signature func(ctx context.Context, req events.APIGatewayV2HTTPRequest) (events.APIGatewayV2HTTPResponse, error); a REST API sends the proxy event of payload format 1.0, events.APIGatewayProxyRequest, not an HTTP API's events.APIGatewayV2HTTPRequest. " + wantAccepted("V2"),
			}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := goProject(t, map[string]string{"functions/gobad/gobad.go": tt.src})
			fn := goFunction(t, "functions/gobad", tt.funcs...)
			err := New().Check(context.Background(), dir, fn)
			got := runtime.Problems(fn, err)
			if len(got) != len(tt.want) {
				t.Fatalf("problems:\n%s\nwant:\n%s", got, strings.Join(tt.want, "\n"))
			}
			for i := range got {
				if got[i].String() != tt.want[i] {
					t.Errorf("problem %d:\n%s\nwant:\n%s", i, got[i], tt.want[i])
				}
			}
			var ce *runtime.CheckError
			if !errors.As(err, &ce) {
				t.Errorf("error %T, want *runtime.CheckError", err)
			}
		})
	}
}

// wantAccepted is the end of a wrong signature's message: the signatures lambda.Start accepts (its
// documentation lists them) and the one an API route needs.
func wantAccepted(name string) string {
	return `aws-lambda-go accepts func([context.Context][, TIn]) [error | (TOut, error)]; an API route's handler takes TIn events.APIGatewayProxyRequest and returns (events.APIGatewayProxyResponse, error): write "func ` + name + `(ctx context.Context, req events.APIGatewayProxyRequest) (events.APIGatewayProxyResponse, error)" (the context is optional; events is github.com/aws/aws-lambda-go/events)`
}

// A handler that does not compile is shown with paths relative to the project, as the user's editor
// and go build name them.
func TestCompileErrorPaths(t *testing.T) {
	dir := goProject(t, map[string]string{"functions/gobad/gobad.go": `package gobad

import (
	"context"

	"github.com/aws/aws-lambda-go/events"
)

func X() int { return "s" }

func Handler(ctx context.Context, req events.APIGatewayProxyRequest) (events.APIGatewayProxyResponse, error) {
	return events.APIGatewayProxyResponse{}, nil
}
`})
	fn := goFunction(t, "functions/gobad", "Handler")
	for name, build := range map[string]func() error{
		"package": func() error { _, err := New().Package(context.Background(), dir, fn); return err },
		"worker":  func() error { _, err := New().Worker(context.Background(), dir, fn); return err },
	} {
		t.Run(name, func(t *testing.T) {
			err := build()
			var be *runtime.BuildError
			if !errors.As(err, &be) {
				t.Fatalf("error %v, want a *runtime.BuildError", err)
			}
			// go build runs in the project directory and names files relative to it.
			want := "# example.com/app/functions/gobad\nfunctions/gobad/gobad.go:9:23: cannot use \"s\" (untyped string constant) as int value in return statement\n"
			if be.Output != want {
				t.Errorf("compiler output:\n%s\nwant:\n%s", be.Output, want)
			}
		})
	}
}

// A package that compiled is not compiled again while the module's Go code is unchanged.
func TestCompileCheckCached(t *testing.T) {
	dir := goProject(t, map[string]string{"functions/ok/ok.go": `package ok

import (
	"context"

	"github.com/aws/aws-lambda-go/events"
)

func Handler(ctx context.Context, req events.APIGatewayProxyRequest) (events.APIGatewayProxyResponse, error) {
	return events.APIGatewayProxyResponse{StatusCode: 200}, nil
}
`})
	fn := goFunction(t, "functions/ok", "Handler")
	rt := New()
	ctx := context.Background()
	n := checkCompiles.Load()
	for range 2 {
		if err := rt.Check(ctx, dir, fn); err != nil {
			t.Fatal(err)
		}
	}
	if got := checkCompiles.Load() - n; got != 1 {
		t.Errorf("two checks of an unchanged module ran go build %d times, want 1", got)
	}
	if err := os.WriteFile(filepath.Join(dir, "functions/ok/more.go"), []byte("package ok\n\nvar broken int = \"x\"\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	err := rt.Check(ctx, dir, fn)
	want := "function \"functions-ok\":\n  functions/ok/more.go:3:18: cannot use \"x\" (untyped string constant) as int value in variable declaration"
	if err == nil || err.Error() != want {
		t.Errorf("after a change: error %v, want %s", err, want)
	}
}

// TestNoCompileCheck: without the compile step (dev) a package that does not compile passes the check,
// but a syntax error and a wrong signature are still problems.
func TestNoCompileCheck(t *testing.T) {
	const ok = "package gobad\n\nimport (\n\t\"context\"\n\n\t\"github.com/aws/aws-lambda-go/events\"\n)\n\n" +
		"func Handler(ctx context.Context, req events.APIGatewayProxyRequest) (events.APIGatewayProxyResponse, error) {\n\treturn events.APIGatewayProxyResponse{}, missing\n}\n"
	r := &Runtime{NoCompileCheck: true}
	dir := goProject(t, map[string]string{"functions/gobad/gobad.go": ok})
	fn := goFunction(t, "functions/gobad", "Handler")
	if err := r.Check(context.Background(), dir, fn); err != nil {
		t.Errorf("check without compiling: %v", err)
	}
	if err := New().Check(context.Background(), dir, fn); err == nil || !strings.Contains(err.Error(), "undefined: missing") {
		t.Errorf("check with compiling = %v, want the compiler's undefined: missing", err)
	}
	dir = goProject(t, map[string]string{"functions/gobad/gobad.go": "package gobad\n\nfunc Handler( {\n"})
	if err := r.Check(context.Background(), dir, fn); err == nil || !strings.Contains(err.Error(), "functions/gobad/gobad.go:3:15: expected ')', found '{'") {
		t.Errorf("check of a syntax error without compiling = %v", err)
	}
}
