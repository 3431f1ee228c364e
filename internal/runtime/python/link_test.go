package python_test

import (
	"context"
	"os"
	"path/filepath"
	"slices"
	"testing"

	"github.com/stelvio-go/stelvio/internal/route"
	"github.com/stelvio-go/stelvio/internal/runtime/python"
	"github.com/stelvio-go/stelvio/internal/runtime/runtimetest"
	"github.com/stelvio-go/stelvio/internal/tablespec"
)

// TestLinkModuleInPackage checks that stelvio_link.py is at the root of the package of a function with
// links, and absent from one without.
func TestLinkModuleInPackage(t *testing.T) {
	dir := t.TempDir()
	if err := os.MkdirAll(filepath.Join(dir, "functions"), 0o755); err != nil {
		t.Fatal(err)
	}
	for _, f := range []string{"a.py", "b.py"} {
		if err := os.WriteFile(filepath.Join(dir, "functions", f), []byte("def handler(e, c): pass\n"), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	td := &route.TableDecl{Spec: tablespec.Table{Name: "todos", Fields: map[string]tablespec.FieldType{"id": tablespec.String}, PartitionKey: "id"}}
	linked := &route.FunctionDecl{Name: "linked", Config: route.FunctionConfig{Handler: "functions/a.handler", Links: []*route.LinkDecl{{Table: td}}}}
	plain := &route.FunctionDecl{Name: "plain", Config: route.FunctionConfig{Handler: "functions/b.handler"}}
	table, err := route.Build(&route.Decls{Tables: []*route.TableDecl{td}, Functions: []*route.FunctionDecl{linked, plain}}, "shop", "test", dir)
	if err != nil {
		t.Fatal(err)
	}
	rt := python.New("")
	for _, tt := range []struct {
		fn   string
		want []string
	}{
		{"linked", []string{"a.py 644", "stelvio_link.py 644"}},
		{"plain", []string{"b.py 644"}},
	} {
		pkg, err := rt.Package(context.Background(), dir, table.FunctionByName(tt.fn))
		if err != nil {
			t.Fatal(err)
		}
		if got := runtimetest.Names(t, pkg.Path); !slices.Equal(got, tt.want) {
			t.Errorf("%s: package files %q, want %q", tt.fn, got, tt.want)
		}
	}
}
