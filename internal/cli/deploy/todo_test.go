package deploy

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/stelvio-go/stelvio/internal/cli"
	"github.com/stelvio-go/stelvio/internal/engine/enginetest"
)

// TestTodoAPILifecycle deploys examples/todo-api through the real engine and the stand-in provider:
// the table, the functions' link policies and the stream subscription are created, the outputs name
// the table, and destroy removes everything.
func TestTodoAPILifecycle(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and deploys an example")
	}
	enginetest.Setup(t)
	_, _, app := buildExample(t, "todo-api")
	expect := expectCode(t)

	r := app("deploy", "test", "--yes", "--json")
	expect(r, cli.ExitOK, "deploy")
	ops := strings.Join(doneOps(t, r.out), "\n")
	for _, want := range []string{
		"create aws:dynamodb/table:Table todos",
		"create aws:iam/rolePolicy:RolePolicy ",
		"create aws:lambda/eventSourceMapping:EventSourceMapping ",
	} {
		if !strings.Contains(ops, want) {
			t.Errorf("deploy did not %s; it did:\n%s", want, ops)
		}
	}
	r = app("outputs", "test", "--json")
	expect(r, cli.ExitOK, "outputs")
	var outs map[string]string
	if err := json.Unmarshal([]byte(r.out), &outs); err != nil || outs["todos-table"] != "todo-api-test-todos" {
		t.Errorf("outputs = %q (%v), want todos-table = todo-api-test-todos", r.out, err)
	}
	expect(app("destroy", "test", "--yes"), cli.ExitOK, "destroy")
}
