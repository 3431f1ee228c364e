package python

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path"
	"path/filepath"
	"strings"

	"github.com/stelvio-go/stelvio/internal/route"
	"github.com/stelvio-go/stelvio/internal/runtime"
	"github.com/stelvio-go/stelvio/internal/runtime/python/pyloop"
)

// RouterModule is the module of the generated router; its function "handler" is the Lambda handler of
// a function that serves several routes.
const RouterModule = "stelvio_router"

// generator versions the generated code and package layout: changing it invalidates cached packages.
const generator = "python/1"

// Runtime is the Python runtime.
type Runtime struct {
	// Python is the host interpreter used to check handlers, run pip and run workers; "python3" when
	// empty.
	Python string
}

// New returns the Python runtime using the host interpreter python ("python3" when empty).
func New(python string) *Runtime { return &Runtime{Python: python} }

func (r *Runtime) python() string {
	if r.Python == "" {
		return "python3"
	}
	return r.Python
}

// Handler is users.index for a function serving one route, stelvio_router.handler otherwise.
func (r *Runtime) Handler(fn *route.Function) string {
	if fn.NeedsRouter() {
		return RouterModule + ".handler"
	}
	return entry(fn).String()
}

func entry(fn *route.Function) route.Target {
	if len(fn.Routes) > 0 && !fn.Instance {
		return fn.Routes[0].Target
	}
	return fn.Entry
}

// Sources: a folder-based function's folder recursively; a single-file function's directory, since it
// can import its neighbours.
func (r *Runtime) Sources(fn *route.Function) (string, []string, bool) {
	return fn.Dir, []string{"*.py", "requirements.txt"}, fn.FolderBased
}

// file is the project-relative file of target's module.
func file(fn *route.Function, t route.Target) string {
	if !fn.FolderBased {
		return fn.File
	}
	return path.Join(fn.Dir, strings.ReplaceAll(t.Module, ".", "/")+".py")
}

// checkScript reads a Python file with ast and prints its top-level names, or its syntax error.
const checkScript = `
import ast, json, sys
try:
    with open(sys.argv[1], "rb") as f:
        tree = ast.parse(f.read(), filename=sys.argv[1])
except SyntaxError as e:
    print(json.dumps({"syntax": e.msg, "line": e.lineno or 0}))
    sys.exit(0)
defs, names = {}, []
for node in tree.body:
    if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
        defs[node.name] = node.lineno
    elif isinstance(node, ast.Assign):
        names += [t.id for t in node.targets if isinstance(t, ast.Name)]
    elif isinstance(node, (ast.Import, ast.ImportFrom)):
        names += [(a.asname or a.name).split(".")[0] for a in node.names]
print(json.dumps({"defs": defs, "names": names}))
`

type checkResult struct {
	Syntax string         `json:"syntax"`
	Line   int            `json:"line"`
	Defs   map[string]int `json:"defs"`
	Names  []string       `json:"names"`
}

// Check verifies that every target's file exists, parses, and defines the function.
func (r *Runtime) Check(ctx context.Context, projectDir string, fn *route.Function) error {
	var problems []string
	results := map[string]checkResult{}
	for _, t := range fn.Targets() {
		rel := file(fn, t)
		where := runtime.RouteOf(fn, t)
		res, ok := results[rel]
		if !ok {
			abs := filepath.Join(projectDir, filepath.FromSlash(rel))
			if _, err := os.Stat(abs); err != nil {
				problems = append(problems, fmt.Sprintf("%s: handler file %s not found; create it or fix the handler string", where, rel))
				results[rel] = checkResult{Syntax: "-"}
				continue
			}
			var err error
			if res, err = r.parse(ctx, projectDir, abs); err != nil {
				return fmt.Errorf("check %s with %s: %w", rel, r.python(), err)
			}
			results[rel] = res
			if res.Syntax != "" {
				problems = append(problems, fmt.Sprintf("%s: %s:%d: syntax error: %s", where, rel, res.Line, res.Syntax))
				continue
			}
		}
		if res.Syntax != "" {
			continue
		}
		_, isDef := res.Defs[t.Func]
		if !isDef && !contains(res.Names, t.Func) {
			problems = append(problems, fmt.Sprintf("%s: %s has no function %q; add \"def %s(event, context):\" or fix the handler string", where, rel, t.Func, t.Func))
		}
	}
	if len(problems) > 0 {
		return fmt.Errorf("function %q:\n  %s", fn.Name, strings.Join(problems, "\n  "))
	}
	return nil
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// files adds the function's own files to a: the single file at the root, or the whole folder.
func files(projectDir string, fn *route.Function, a *runtime.Archive) error {
	if !fn.FolderBased {
		src := filepath.Join(projectDir, filepath.FromSlash(fn.File))
		if err := a.AddFile(path.Base(fn.File), src); err != nil {
			return fmt.Errorf("function %q: %w", fn.Name, err)
		}
		return nil
	}
	if err := a.AddDir(filepath.Join(projectDir, filepath.FromSlash(fn.Dir)), "", false); err != nil {
		return fmt.Errorf("function %q: package folder %s: %w", fn.Name, fn.Dir, err)
	}
	return nil
}

// Package builds the zip: the function's files, the generated router when it serves several routes,
// and its requirements installed for the Lambda platform.
func (r *Runtime) Package(ctx context.Context, projectDir string, fn *route.Function) (runtime.Package, error) {
	a := runtime.NewArchive()
	if err := files(projectDir, fn, a); err != nil {
		return runtime.Package{}, err
	}
	if fn.NeedsRouter() {
		a.AddBytes(RouterModule+".py", Router(fn), false)
	}
	for name, data := range fn.ExtraFiles {
		a.AddBytes(name, data, false)
	}
	if fn.Requirements != "" && !fn.NoRequirements {
		deps, err := r.install(ctx, projectDir, fn, false)
		if err != nil {
			return runtime.Package{}, err
		}
		if err := a.AddDir(deps, "", true); err != nil {
			return runtime.Package{}, fmt.Errorf("function %q: add requirements: %w", fn.Name, err)
		}
	}
	handler := r.Handler(fn)
	key := a.Key(generator, fn.RuntimeID, fn.Architecture, handler)
	return runtime.Cached(projectDir, fn.Name, key, handler, func() (*runtime.Archive, error) { return a, nil })
}

// Worker runs the function's own files with pyloop, and the generated router (written to
// .stelvio/dev/python/<function>) through PYTHONPATH.
func (r *Runtime) Worker(ctx context.Context, projectDir string, fn *route.Function) (runtime.Worker, error) {
	dev := filepath.Join(projectDir, ".stelvio", "dev", "python")
	loop, err := pyloop.Write(dev)
	if err != nil {
		return runtime.Worker{}, err
	}
	w := runtime.Worker{
		Command:      pyloop.Command(r.python(), loop),
		Dir:          filepath.Join(projectDir, filepath.FromSlash(fn.Dir)),
		Handler:      r.Handler(fn),
		ExecutionEnv: "AWS_Lambda_" + fn.RuntimeID,
		Pipe:         true,
	}
	var path []string
	genDir := filepath.Join(dev, fn.Name)
	if fn.NeedsRouter() {
		if err := runtime.WriteFileAtomic(filepath.Join(genDir, RouterModule+".py"), Router(fn)); err != nil {
			return runtime.Worker{}, fmt.Errorf("function %q: write router: %w", fn.Name, err)
		}
	}
	for name, data := range fn.ExtraFiles {
		if err := runtime.WriteFileAtomic(filepath.Join(genDir, name), data); err != nil {
			return runtime.Worker{}, fmt.Errorf("function %q: write %s: %w", fn.Name, name, err)
		}
	}
	if fn.NeedsRouter() || len(fn.ExtraFiles) > 0 {
		path = append(path, genDir)
	}
	if fn.Requirements != "" {
		// The package gets the Lambda platform's wheels; the local python gets its own.
		deps, err := r.install(ctx, projectDir, fn, true)
		if err != nil {
			return runtime.Worker{}, err
		}
		path = append(path, deps)
	}
	if len(path) > 0 {
		w.Env = map[string]string{"PYTHONPATH": strings.Join(path, string(os.PathListSeparator))}
	}
	return w, nil
}

// parse runs checkScript on the file at path. Results are cached under .stelvio/build/python-check by
// the file's contents, so that an unchanged file is not parsed again (starting Python costs more than
// zipping a package).
func (r *Runtime) parse(ctx context.Context, projectDir, path string) (checkResult, error) {
	var res checkResult
	src, err := os.ReadFile(path)
	if err != nil {
		return res, err
	}
	sum := sha256.Sum256(append([]byte(generator+"\n"+checkScript+"\n"), src...))
	cache := filepath.Join(runtime.BuildDir(projectDir), "python-check", hex.EncodeToString(sum[:16])+".json")
	if data, err := os.ReadFile(cache); err == nil && json.Unmarshal(data, &res) == nil {
		return res, nil
	}
	out, err := exec.CommandContext(ctx, r.python(), "-c", checkScript, path).CombinedOutput()
	if err != nil {
		return res, fmt.Errorf("%v\n%s", err, out)
	}
	out = bytes.TrimSpace(out)
	if err := json.Unmarshal(out, &res); err != nil {
		return res, fmt.Errorf("%v\n%s", err, out)
	}
	if err := runtime.WriteFileAtomic(cache, out); err != nil {
		return res, err
	}
	return res, nil
}
