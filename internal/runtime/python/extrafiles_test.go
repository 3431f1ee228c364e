package python_test

import (
	"context"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/stelvio-go/stelvio/internal/cors"
	"github.com/stelvio-go/stelvio/internal/runtime/python"
	"github.com/stelvio-go/stelvio/internal/runtime/runtimetest"
)

// TestExtraFiles: the files stelvio adds to a function (the CORS helper module) are at the root of its
// package, and importable by its local worker, single-file (staged task root) or folder-based.
func TestExtraFiles(t *testing.T) {
	dir := runtimetest.Project(t, "examples/quickstart")
	table := runtimetest.Table(t, dir, quickstart())
	rt := python.New("")
	ctx := context.Background()
	for _, tt := range []struct {
		key       string
		wantFiles []string
	}{
		{"file:functions/orders.py", []string{"orders.py 644", "stelvio_cors.py 644"}},
		{"folder:functions/inventory", []string{"handler.py 644", "stelvio_cors.py 644", "stelvio_router.py 644", "stock.py 644"}},
	} {
		t.Run(tt.key, func(t *testing.T) {
			fn := runtimetest.Function(t, table, tt.key)
			fn.ExtraFiles = map[string][]byte{cors.PythonModuleName: cors.PythonModule}
			pkg, err := rt.Package(ctx, dir, fn)
			if err != nil {
				t.Fatal(err)
			}
			if got := runtimetest.Names(t, pkg.Path); !slices.Equal(got, tt.wantFiles) {
				t.Errorf("package files = %q, want %q", got, tt.wantFiles)
			}
			w, err := rt.Worker(ctx, dir, fn)
			if err != nil {
				t.Fatal(err)
			}
			found := false
			for _, d := range append([]string{w.Dir}, strings.Split(w.Env["PYTHONPATH"], string(os.PathListSeparator))...) {
				if b, err := os.ReadFile(filepath.Join(d, cors.PythonModuleName)); err == nil && string(b) == string(cors.PythonModule) {
					found = true
				}
			}
			if !found {
				t.Errorf("the worker (dir %s, PYTHONPATH %q) cannot import %s", w.Dir, w.Env["PYTHONPATH"], cors.PythonModuleName)
			}
		})
	}
}
