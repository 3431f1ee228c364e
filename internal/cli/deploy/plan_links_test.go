package deploy

import (
	"strings"
	"testing"

	"github.com/stelvio-go/stelvio/internal/app"
	"github.com/stelvio-go/stelvio/internal/cli"
	"github.com/stelvio-go/stelvio/internal/route"
	"github.com/stelvio-go/stelvio/internal/tablespec"
)

// TestPlanPrintsWarnings checks that plan prints the app's warnings (a function's own variable
// that wins over its link's) on stderr, and still plans the table and the function.
func TestPlanPrintsWarnings(t *testing.T) {
	f, out, errOut := planFactory(t, func(s *app.State) error {
		td := &route.TableDecl{Source: "main.go:5", Spec: tablespec.Table{Name: "todos", PartitionKey: "id",
			Fields: map[string]tablespec.FieldType{"id": tablespec.String}}}
		s.Decls().Tables = append(s.Decls().Tables, td)
		s.Decls().Functions = append(s.Decls().Functions, &route.FunctionDecl{Name: "hello", Source: "main.go:6", Config: route.FunctionConfig{
			Handler:     "functions/hello.index",
			Environment: map[string]string{"STELVIO_TABLE_TODOS_NAME": "mine"},
			Links:       []*route.LinkDecl{{Table: td, Source: "main.go:7"}},
		}})
		return nil
	})
	if code := Run(f, []string{"plan", "test", "--region", "eu-west-1"}); code != cli.ExitOK {
		t.Fatalf("exit code %d\n%s", code, errOut)
	}
	want := `main.go:7: warning: function hello: environment variable STELVIO_TABLE_TODOS_NAME is set by the function and by its link to table "todos"; the function's value is used, so remove it unless that is intended` + "\n"
	if errOut.String() != want {
		t.Errorf("stderr %q\nwant %q", errOut.String(), want)
	}
	for _, s := range []string{"aws:dynamodb/table:Table", "shop-test-todos", "hello-links"} {
		if !strings.Contains(out.String(), s) {
			t.Errorf("plan does not show %s:\n%s", s, out)
		}
	}
}
