package python_test

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stelvio-go/stelvio/internal/handler"
	"github.com/stelvio-go/stelvio/internal/route"
	"github.com/stelvio-go/stelvio/internal/runtime"
	"github.com/stelvio-go/stelvio/internal/runtime/python"
)

// singleFile is the function of one Python file serving GET /r0, /r1, ... with funcs.
func singleFile(t *testing.T, file string, funcs ...string) *route.Function {
	t.Helper()
	fn := &route.Function{
		Name: "functions-x", Key: "file:" + file, Runtime: handler.Python, RuntimeID: handler.PythonRuntime,
		Dir: path.Dir(file), File: file, Architecture: "x86_64",
	}
	module := strings.TrimSuffix(path.Base(file), ".py")
	for i, f := range funcs {
		p, err := route.ParsePath(fmt.Sprintf("/r%d", i))
		if err != nil {
			t.Fatal(err)
		}
		fn.Routes = append(fn.Routes, &route.Route{Methods: []string{"GET"}, Path: p, Function: fn,
			Target: route.Target{Module: module, Func: f}, Source: fmt.Sprintf("main.go:%d", 10+i)})
	}
	return fn
}

func writeFile(t *testing.T, dir, rel, body string) {
	t.Helper()
	p := filepath.Join(dir, filepath.FromSlash(rel))
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(p, []byte(body), 0o644); err != nil {
		t.Fatal(err)
	}
}

// Lambda's Python runtime calls the handler as handler(event, context)
// (https://docs.aws.amazon.com/lambda/latest/dg/python-handler.html#python-handler-signature: "the Lambda runtime passes two arguments"): a name bound to anything else, or
// a function that cannot take those two arguments, fails every invocation, so the check refuses it
// before a deploy.
func TestCheckHandlerKinds(t *testing.T) {
	tests := []struct {
		name  string
		src   string
		funcs []string
		want  []string // problems as Problem.String prints them; nil for none
	}{
		{"int", "notfunc = 5\n", []string{"notfunc"},
			[]string{`route GET /r0: functions/x.py:1: notfunc is not a function (it is an int); Lambda calls the handler as notfunc(event, context): define "def notfunc(event, context):" or fix the handler string`}},
		{"str, dict, None and a class", "import json\n\nA = \"text\"\nB = {\"k\": 1}\nC = None\n\nclass D:\n    pass\n", []string{"A", "B", "C", "D", "json"},
			[]string{
				`route GET /r0: functions/x.py:3: A is not a function (it is a str); Lambda calls the handler as A(event, context): define "def A(event, context):" or fix the handler string`,
				`route GET /r1: functions/x.py:4: B is not a function (it is a dict); Lambda calls the handler as B(event, context): define "def B(event, context):" or fix the handler string`,
				`route GET /r2: functions/x.py:5: C is not a function (it is None); Lambda calls the handler as C(event, context): define "def C(event, context):" or fix the handler string`,
				`route GET /r3: functions/x.py:7: D is not a function (it is a class); Lambda calls the handler as D(event, context): define "def D(event, context):" or fix the handler string`,
				`route GET /r4: functions/x.py:1: json is not a function (it is a module); Lambda calls the handler as json(event, context): define "def json(event, context):" or fix the handler string`,
			}},
		{"the last binding counts", "def index(event, context):\n    pass\n\nindex = 5\n", []string{"index"},
			[]string{`route GET /r0: functions/x.py:4: index is not a function (it is an int); Lambda calls the handler as index(event, context): define "def index(event, context):" or fix the handler string`}},
		{"wrong number of parameters", "def none():\n    pass\n\ndef one(event):\n    pass\n\ndef three(a, b, c):\n    pass\n\ndef with_flag(event, context, *, flag):\n    pass\n", []string{"none", "one", "three", "with_flag"},
			[]string{
				`route GET /r0: functions/x.py:1: none takes 0 arguments; Lambda calls the handler with two arguments: write "def none(event, context):"`,
				`route GET /r1: functions/x.py:4: one takes 1 argument; Lambda calls the handler with two arguments: write "def one(event, context):"`,
				`route GET /r2: functions/x.py:7: three needs 3 arguments; Lambda calls the handler with two arguments: write "def three(event, context):"`,
				`route GET /r3: functions/x.py:10: with_flag needs the keyword argument flag; Lambda calls the handler with two arguments: write "def with_flag(event, context):"`,
			}},
		{"callable forms that work", "from helpers import made\nimport functools\n\ndef a(event, context=None):\n    pass\n\ndef b(*args):\n    pass\n\ndef c(event, context, extra=1):\n    pass\n\nd = functools.partial(c, extra=2)\ntry:\n    from fast import e\nexcept ImportError:\n    def e(event, context):\n        pass\n", []string{"made", "a", "b", "c", "d", "e"}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			writeFile(t, dir, "functions/x.py", tt.src)
			fn := singleFile(t, "functions/x.py", tt.funcs...)
			err := python.New("").Check(context.Background(), dir, fn)
			got := runtime.Problems(fn, err)
			if len(got) != len(tt.want) {
				t.Fatalf("problems %q, want %q", got, tt.want)
			}
			for i := range got {
				if got[i].String() != tt.want[i] {
					t.Errorf("problem %d:\n%s\nwant:\n%s", i, got[i], tt.want[i])
				}
				if got[i].Route == nil || got[i].Route.Source != fmt.Sprintf("main.go:%d", 10+i) {
					t.Errorf("problem %d has route %v, want the declaring route", i, got[i].Route)
				}
			}
			if err != nil {
				var ce *runtime.CheckError
				if !errors.As(err, &ce) || ce.Function != "functions-x" {
					t.Errorf("error %T, want a *runtime.CheckError of functions-x", err)
				}
			}
		})
	}
}

// A .stelvio folder stelvio cannot write is named as the cause, not the handler being checked.
func TestCheckStateNotWritable(t *testing.T) {
	dir := t.TempDir()
	writeFile(t, dir, "functions/x.py", "def index(event, context):\n    pass\n")
	writeFile(t, dir, ".stelvio/build", "a file where a folder should be")
	fn := singleFile(t, "functions/x.py", "index")
	err := python.New("").Check(context.Background(), dir, fn)
	want := fmt.Sprintf("function \"functions-x\":\n  cannot write under .stelvio (mkdir %s: not a directory); remove %s and run again",
		filepath.Join(dir, ".stelvio", "build"), filepath.Join(dir, ".stelvio"))
	if err == nil || err.Error() != want {
		t.Fatalf("error:\n%v\nwant:\n%s", err, want)
	}
}
