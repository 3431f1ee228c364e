package devserver

import (
	"path/filepath"
	"strings"
	"testing"

	"github.com/stelvio-go/stelvio/internal/route"
)

// TestEditRestartsOnlyItsFunction checks that editing a single-file Python function restarts that
// function only: its neighbour in the same folder keeps its warm worker (and its module state), since
// its package holds nothing of the edited file.
func TestEditRestartsOnlyItsFunction(t *testing.T) {
	dir := t.TempDir()
	counter := func(version string) string {
		return `calls = 0


def handler(event, context):
    global calls
    calls += 1
    return {"statusCode": 200, "body": "` + version + ` %d" % calls}
`
	}
	write(t, dir, "functions/a.py", counter("a1"))
	write(t, dir, "functions/b.py", counter("b1"))
	d := &route.Decls{Apis: []*route.ApiDecl{{Name: "api", Routes: []*route.RouteDecl{
		{Methods: "GET", Path: "/a", Handler: "functions/a.handler"},
		{Methods: "GET", Path: "/b", Handler: "functions/b.handler"},
	}}}}
	table, err := route.Build(d, "reload", "dev", dir)
	if err != nil {
		t.Fatal(err)
	}
	ts := startServer(t, table, Options{ProjectDir: dir})
	steps := []struct {
		name, path, want string
		edit             bool
	}{
		{"a cold", "/a", "a1 1", false},
		{"b cold", "/b", "b1 1", false},
		{"a edited", "/a", "a2 1", true},
		{"b warm after a's edit", "/b", "b1 2", false},
	}
	for _, st := range steps {
		if st.edit {
			write(t, dir, "functions/a.py", counter("a2"))
			bumpMtime(t, filepath.Join(dir, "functions", "a.py"))
		}
		if got := ts.do(t, "GET", st.path, nil); got.status != 200 || got.body != st.want {
			t.Errorf("%s: GET %s = %d %q, want 200 %q", st.name, st.path, got.status, got.body, st.want)
		}
	}
	log := ts.log.String()
	if !strings.Contains(log, "[functions-a] sources changed") || strings.Contains(log, "[functions-b] sources changed") {
		t.Errorf("only functions-a should restart; log:\n%s", log)
	}
}
