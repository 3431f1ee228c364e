package python

import (
	"fmt"
	"os"
	"path"
	"path/filepath"

	"github.com/stelvio-go/stelvio/internal/route"
	"github.com/stelvio-go/stelvio/internal/runtime"
)

// stage makes the task root a local worker of a single-file function runs in: a directory that holds
// what the function's Lambda package holds at its root, the handler file (a link to the user's file,
// so an edit reaches the next worker) and the generated router, and nothing else. A neighbour module
// the handler imports is not in the package, so the import fails locally with the same
// Runtime.ImportModuleError as on Lambda instead of working only on this machine.
func stage(dir, projectDir string, fn *route.Function) error {
	want := map[string]bool{path.Base(fn.File): true}
	if fn.NeedsRouter() {
		want[RouterModule+".py"] = true
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return fmt.Errorf("function %q: stage the package: %w", fn.Name, err)
	}
	entries, err := os.ReadDir(dir)
	if err != nil {
		return fmt.Errorf("function %q: stage the package: %w", fn.Name, err)
	}
	for _, e := range entries {
		if !want[e.Name()] {
			if err := os.RemoveAll(filepath.Join(dir, e.Name())); err != nil {
				return fmt.Errorf("function %q: stage the package: %w", fn.Name, err)
			}
		}
	}
	src, err := filepath.Abs(filepath.Join(projectDir, filepath.FromSlash(fn.File)))
	if err != nil {
		return fmt.Errorf("function %q: stage the package: %w", fn.Name, err)
	}
	link := filepath.Join(dir, path.Base(fn.File))
	if old, err := os.Readlink(link); err != nil || old != src {
		os.Remove(link)
		if err := os.Symlink(src, link); err != nil {
			return fmt.Errorf("function %q: stage the package: %w", fn.Name, err)
		}
	}
	if fn.NeedsRouter() {
		if err := runtime.WriteFileAtomic(filepath.Join(dir, RouterModule+".py"), Router(fn)); err != nil {
			return fmt.Errorf("function %q: write router: %w", fn.Name, err)
		}
	}
	return nil
}
