package devserver

import (
	"path/filepath"
	"strings"
	"testing"

	"github.com/stelvio-go/stelvio/internal/route"
)

// TestSingleFileFunctionSeesOnlyItsPackage checks that a single-file Python function runs locally with
// what its Lambda package holds: the handler file at the root, nothing of its folder. A neighbour it
// imports is missing on Lambda, where the runtime fails the invocation with Runtime.ImportModuleError
// ("Unable to import module 'MODULE': No module named 'NAME'"); the local server must fail the same way
// instead of working only on this machine. A folder-based function still imports its own modules, and
// an edit of the handler file still reaches the next request.
// https://docs.aws.amazon.com/lambda/latest/dg/python-package.html (the package holds the function code)
// https://docs.aws.amazon.com/lambda/latest/dg/python-handler.html (handler module in the package root)
func TestSingleFileFunctionSeesOnlyItsPackage(t *testing.T) {
	dir := t.TempDir()
	write(t, dir, "functions/helpers.py", "def shout(s):\n    return s.upper()\n")
	write(t, dir, "functions/lonely.py", `from helpers import shout


def handler(event, context):
    return {"statusCode": 200, "body": shout("hi")}
`)
	write(t, dir, "functions/solo.py", `import os


def handler(event, context):
    return {"statusCode": 200, "body": "v1 " + " ".join(sorted(os.listdir(os.environ["LAMBDA_TASK_ROOT"])))}
`)
	write(t, dir, "functions/shop/handler.py", "from stock import ITEMS\n\n\ndef handler(event, context):\n    return {\"statusCode\": 200, \"body\": ITEMS}\n")
	write(t, dir, "functions/shop/stock.py", "ITEMS = \"apples\"\n")
	d := &route.Decls{Apis: []*route.ApiDecl{{Name: "api", Routes: []*route.RouteDecl{
		{Methods: "GET", Path: "/lonely", Handler: "functions/lonely.handler"},
		{Methods: "GET", Path: "/solo", Handler: "functions/solo.handler"},
		{Methods: "GET", Path: "/shop", Handler: "functions/shop::handler.handler"},
	}}}}
	table, err := route.Build(d, "pkg", "dev", dir)
	if err != nil {
		t.Fatal(err)
	}
	ts := startServer(t, table, Options{ProjectDir: dir})
	steps := []struct {
		path       string
		edit       bool
		wantStatus int
		wantBody   string
	}{
		{"/lonely", false, 502, `{"message": "Internal server error"}`},
		{"/solo", false, 200, "v1 solo.py"},
		{"/solo", true, 200, "v2 solo.py"},
		{"/shop", false, 200, "apples"},
	}
	for _, st := range steps {
		if st.edit {
			file := filepath.Join(dir, "functions", "solo.py")
			write(t, dir, "functions/solo.py", strings.Replace(`import os


def handler(event, context):
    return {"statusCode": 200, "body": "v1 " + " ".join(sorted(os.listdir(os.environ["LAMBDA_TASK_ROOT"])))}
`, "v1", "v2", 1))
			bumpMtime(t, file)
		}
		if got := ts.do(t, "GET", st.path, nil); got.status != st.wantStatus || got.body != st.wantBody {
			t.Errorf("GET %s = %d %q, want %d %q", st.path, got.status, got.body, st.wantStatus, st.wantBody)
		}
	}
	want := "[functions-lonely] Runtime.ImportModuleError: Unable to import module 'lonely': No module named 'helpers'"
	if log := ts.log.String(); !strings.Contains(log, want) {
		t.Errorf("log lacks %q:\n%s", want, log)
	}
}
