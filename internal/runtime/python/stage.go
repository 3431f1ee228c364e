package python

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path"
	"path/filepath"
	"strings"
	"sync"

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
	for name := range fn.ExtraFiles {
		want[name] = true
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
	return writeExtraFiles(dir, fn)
}

// writeExtraFiles writes the files stelvio adds to fn's package (route.Function.ExtraFiles) into dir.
func writeExtraFiles(dir string, fn *route.Function) error {
	for name, data := range fn.ExtraFiles {
		if err := runtime.WriteFileAtomic(filepath.Join(dir, name), data); err != nil {
			return fmt.Errorf("function %q: write %s: %w", fn.Name, name, err)
		}
	}
	return nil
}

// interpreters caches interpreter's answers by command and project directory.
var interpreters sync.Map

// interpreter resolves the python command to the interpreter's own executable, once per project
// directory (where a version manager reads the project's version file). A version manager's shim, such
// as pyenv's, is a shell script that would cost every worker start tens of milliseconds of CPU, which
// a burst of cold starts pays many times over. The command itself is returned when it cannot run; the
// worker's start then reports why.
func interpreter(ctx context.Context, python, projectDir string) string {
	key := python + "\x00" + projectDir
	if exe, ok := interpreters.Load(key); ok {
		return exe.(string)
	}
	cmd := exec.CommandContext(ctx, python, "-c", "import sys; print(sys.executable)")
	cmd.Dir = projectDir
	out, err := cmd.Output()
	exe := strings.TrimSpace(string(out))
	if err != nil || exe == "" {
		return python
	}
	interpreters.Store(key, exe)
	return exe
}
