package python

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path"
	"path/filepath"
	"strings"

	"github.com/stelvio-go/stelvio/internal/link"
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

// Handler is users.index for a function serving one route (of a REST or an HTTP API),
// stelvio_router.handler otherwise.
func (r *Runtime) Handler(fn *route.Function) string {
	if fn.NeedsRouter() {
		return RouterModule + ".handler"
	}
	return entry(fn).String()
}

func entry(fn *route.Function) route.Target {
	switch {
	case fn.Instance:
	case len(fn.Routes) > 0:
		return fn.Routes[0].Target
	case len(fn.HTTPRoutes) > 0:
		return fn.HTTPRoutes[0].Target
	}
	return fn.Entry
}

// Sources: a folder-based function's folder recursively; a single-file function's file and its
// requirements when they sit beside it, which is all its package holds (a neighbour it imports is not
// in the package, so a change there must not restart it).
func (r *Runtime) Sources(fn *route.Function) (string, []string, bool) {
	if fn.FolderBased {
		return fn.Dir, []string{"*.py", "requirements.txt"}, true
	}
	patterns := []string{path.Base(fn.File)}
	if fn.Requirements != "" && path.Dir(fn.Requirements) == fn.Dir {
		patterns = append(patterns, path.Base(fn.Requirements))
	}
	return fn.Dir, patterns, false
}

// file is the project-relative file of target's module.
func file(fn *route.Function, t route.Target) string {
	if !fn.FolderBased {
		return fn.File
	}
	return path.Join(fn.Dir, strings.ReplaceAll(t.Module, ".", "/")+".py")
}

// checkScript reads the Python files named by its arguments with ast and prints, one JSON line per
// file, what their module-level names are bound to (a function with its parameters, a class, a
// module, a literal's type, or "" when only running the module would tell), or the syntax error.
// Nothing of the user's code runs.
const checkScript = `
import ast, json, sys
LITERALS = {ast.List: "list", ast.Dict: "dict", ast.Set: "set", ast.Tuple: "tuple", ast.JoinedStr: "str",
            ast.ListComp: "list", ast.DictComp: "dict", ast.SetComp: "set", ast.GeneratorExp: "generator"}
def kind(v):
    if isinstance(v, ast.Constant):
        return type(v.value).__name__
    return LITERALS.get(type(v), "")
def scan(body, names):
    for node in body:
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            a = node.args
            pos = len(a.posonlyargs) + len(a.args)
            names[node.name] = {"kind": "function", "line": node.lineno, "min": pos - len(a.defaults),
                                "max": -1 if a.vararg else pos,
                                "kwonly": [k.arg for k, d in zip(a.kwonlyargs, a.kw_defaults) if d is None]}
        elif isinstance(node, ast.ClassDef):
            names[node.name] = {"kind": "class", "line": node.lineno}
        elif isinstance(node, (ast.Assign, ast.AnnAssign)):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            for t in targets:
                if isinstance(t, ast.Name):
                    names[t.id] = {"kind": kind(node.value) if node.value is not None else "", "line": node.lineno}
        elif isinstance(node, ast.Import):
            for a in node.names:
                names[(a.asname or a.name).split(".")[0]] = {"kind": "module", "line": node.lineno}
        elif isinstance(node, ast.ImportFrom):
            for a in node.names:
                names[a.asname or a.name] = {"kind": "", "line": node.lineno}
        else:
            for field in ("body", "orelse", "finalbody"):
                scan(getattr(node, field, []) or [], names)
            for h in getattr(node, "handlers", []) or []:
                scan(h.body, names)
def check(path):
    try:
        with open(path, "rb") as f:
            tree = ast.parse(f.read(), filename=path)
    except SyntaxError as e:
        return {"syntax": e.msg, "line": e.lineno or 0}
    names = {}
    scan(tree.body, names)
    return {"names": names}
for path in sys.argv[1:]:
    print(json.dumps(check(path)))
`

type checkResult struct {
	Syntax string             `json:"syntax"`
	Line   int                `json:"line"`
	Names  map[string]binding `json:"names"`
}

// binding is what a module-level name is bound to.
type binding struct {
	// Kind is "function", "class", "module", a literal's type ("int", "str", "NoneType", "dict") or ""
	// when it cannot be told without running the module (a call's result, an imported name).
	Kind string `json:"kind"`
	Line int    `json:"line"`
	// Min and Max count a function's positional parameters without and with defaults (Max -1 with
	// *args); KwOnly lists its keyword-only parameters without a default.
	Min    int      `json:"min"`
	Max    int      `json:"max"`
	KwOnly []string `json:"kwonly"`
}

// Check verifies that every target's file exists, parses, and binds the handler name to a function
// Lambda can call with (event, context). Every problem of the function is reported, as a
// *runtime.CheckError.
func (r *Runtime) Check(ctx context.Context, projectDir string, fn *route.Function) error {
	var problems []runtime.Problem
	add := func(t *route.Target, format string, args ...any) {
		p := runtime.Problem{Function: fn.Name, Message: fmt.Sprintf(format, args...)}
		if t != nil {
			p.Route, p.HTTPRoute = runtime.FirstRoute(fn, *t), runtime.FirstHTTPRoute(fn, *t)
		}
		problems = append(problems, p)
	}
	results := map[string]checkResult{}
	for _, t := range fn.Targets() {
		rel := file(fn, t)
		res, ok := results[rel]
		if !ok {
			abs := filepath.Join(projectDir, filepath.FromSlash(rel))
			if _, err := os.Stat(abs); err != nil {
				add(&t, "handler file %s not found; create it or fix the handler string", rel)
				results[rel] = checkResult{Syntax: "-"}
				continue
			}
			var err error
			if res, err = r.parse(ctx, projectDir, abs); err != nil {
				var state *stateError
				if errors.As(err, &state) {
					add(nil, "%v", state.err)
				} else {
					add(nil, "check %s with %s: %v", rel, r.python(), err)
				}
				results[rel] = checkResult{Syntax: "-"}
				continue
			}
			results[rel] = res
			if res.Syntax != "" {
				add(&t, "%s:%d: syntax error: %s", rel, res.Line, res.Syntax)
				continue
			}
		}
		if res.Syntax != "" {
			continue
		}
		b, ok := res.Names[t.Func]
		switch {
		case !ok:
			add(&t, "%s has no function %q; add \"def %s(event, context):\" or fix the handler string", rel, t.Func, t.Func)
		case b.Kind == "function":
			if msg := arity(b); msg != "" {
				add(&t, "%s:%d: %s %s; Lambda calls the handler with two arguments: write \"def %s(event, context):\"", rel, b.Line, t.Func, msg, t.Func)
			}
		case b.Kind != "":
			add(&t, "%s:%d: %s is not a function (it is %s); Lambda calls the handler as %s(event, context): define \"def %s(event, context):\" or fix the handler string", rel, b.Line, t.Func, article(b.Kind), t.Func, t.Func)
		}
	}
	// A folder's package takes every file in it: its symbolic links are checked now, by the rule
	// the package follows, rather than when it is made.
	problems = append(problems, runtime.FolderLinks(projectDir, fn)...)
	if len(problems) > 0 {
		return &runtime.CheckError{Function: fn.Name, Problems: problems}
	}
	return nil
}

// arity says why a function cannot be called as f(event, context), or "".
func arity(b binding) string {
	switch {
	case b.Min > 2:
		return fmt.Sprintf("needs %d arguments", b.Min)
	case b.Max >= 0 && b.Max < 2:
		if b.Max == 1 {
			return "takes 1 argument"
		}
		return fmt.Sprintf("takes %d arguments", b.Max)
	case len(b.KwOnly) > 0:
		return fmt.Sprintf("needs the keyword argument %s", strings.Join(b.KwOnly, ", "))
	}
	return ""
}

// article names a kind with its article: "an int", "a class", "None".
func article(kind string) string {
	switch kind {
	case "NoneType":
		return "None"
	case "int", "ellipsis":
		return "an " + kind
	}
	return "a " + kind
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
	if err := a.AddDir(projectDir, filepath.Join(projectDir, filepath.FromSlash(fn.Dir)), "", false); err != nil {
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
	if len(fn.Links) > 0 {
		// The handlers' accessors of linked resources (import stelvio_link).
		a.AddBytes(link.PythonModuleName, link.PythonModule, false)
	}
	if fn.Requirements != "" && !fn.NoRequirements {
		deps, err := r.install(ctx, projectDir, fn, false)
		if err != nil {
			return runtime.Package{}, err
		}
		if err := a.AddDir(projectDir, deps, "", true); err != nil {
			return runtime.Package{}, fmt.Errorf("function %q: add requirements: %w", fn.Name, err)
		}
	}
	handler := r.Handler(fn)
	key := a.Key(generator, fn.RuntimeID, fn.Architecture, handler)
	return runtime.Cached(projectDir, fn.Name, key, handler, func() (*runtime.Archive, error) { return a, nil })
}

// Worker runs the function with pyloop on what its package holds: a folder-based function in its
// folder, with the generated router (written to .stelvio/dev/python/<function>) through PYTHONPATH; a
// single-file function in a staged task root with its file and router only (see stage).
func (r *Runtime) Worker(ctx context.Context, projectDir string, fn *route.Function) (runtime.Worker, error) {
	dev := filepath.Join(projectDir, ".stelvio", "dev", "python")
	loop, err := pyloop.Write(dev)
	if err != nil {
		return runtime.Worker{}, err
	}
	w := runtime.Worker{
		Command:      pyloop.Command(interpreter(ctx, r.python(), projectDir), loop),
		Dir:          filepath.Join(projectDir, filepath.FromSlash(fn.Dir)),
		Handler:      r.Handler(fn),
		ExecutionEnv: "AWS_Lambda_" + fn.RuntimeID,
		Pipe:         true,
	}
	var path []string
	if !fn.FolderBased {
		w.Dir = filepath.Join(dev, fn.Name)
		if err := stage(w.Dir, projectDir, fn); err != nil {
			return runtime.Worker{}, err
		}
	} else if fn.NeedsRouter() || len(fn.ExtraFiles) > 0 {
		genDir := filepath.Join(dev, fn.Name)
		if fn.NeedsRouter() {
			if err := runtime.WriteFileAtomic(filepath.Join(genDir, RouterModule+".py"), Router(fn)); err != nil {
				return runtime.Worker{}, fmt.Errorf("function %q: write router: %w", fn.Name, err)
			}
		}
		if err := writeExtraFiles(genDir, fn); err != nil {
			return runtime.Worker{}, err
		}
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

// PrepareCheck parses the handler files of fns that are not cached yet with one python process, so
// that the Check of each function that follows finds them cached (starting Python costs more than
// parsing). Problems are left to Check to report.
func (r *Runtime) PrepareCheck(ctx context.Context, projectDir string, fns []*route.Function) {
	seen := map[string]bool{}
	var paths []string
	for _, fn := range fns {
		for _, t := range fn.Targets() {
			abs := filepath.Join(projectDir, filepath.FromSlash(file(fn, t)))
			if !seen[abs] {
				seen[abs] = true
				if _, err := os.Stat(abs); err == nil {
					paths = append(paths, abs)
				}
			}
		}
	}
	_, _ = r.parseAll(ctx, projectDir, paths)
}

// parse runs checkScript on the file at path (see parseAll).
func (r *Runtime) parse(ctx context.Context, projectDir, path string) (checkResult, error) {
	res, err := r.parseAll(ctx, projectDir, []string{path})
	return res[path], err
}

// parseAll runs checkScript once on those of paths that are not cached. Results are cached under
// .stelvio/build/python-check by the file's contents, so that an unchanged file is not parsed again.
func (r *Runtime) parseAll(ctx context.Context, projectDir string, paths []string) (map[string]checkResult, error) {
	out := make(map[string]checkResult, len(paths))
	var todo, caches []string
	for _, path := range paths {
		src, err := os.ReadFile(path)
		if err != nil {
			return out, err
		}
		sum := sha256.Sum256(append([]byte(generator+"\n"+checkScript+"\n"), src...))
		cache := filepath.Join(runtime.BuildDir(projectDir), "python-check", hex.EncodeToString(sum[:16])+".json")
		var res checkResult
		if data, err := os.ReadFile(cache); err == nil && json.Unmarshal(data, &res) == nil {
			out[path] = res
			continue
		}
		todo, caches = append(todo, path), append(caches, cache)
	}
	if len(todo) == 0 {
		return out, nil
	}
	stdout, err := exec.CommandContext(ctx, r.python(), append([]string{"-c", checkScript}, todo...)...).CombinedOutput()
	if err != nil {
		return out, fmt.Errorf("%v\n%s", err, stdout)
	}
	lines := strings.Split(strings.TrimSpace(string(stdout)), "\n")
	if len(lines) != len(todo) {
		return out, fmt.Errorf("%d results for %d files\n%s", len(lines), len(todo), stdout)
	}
	for i, line := range lines {
		var res checkResult
		if err := json.Unmarshal([]byte(line), &res); err != nil {
			return out, fmt.Errorf("%v\n%s", err, stdout)
		}
		out[todo[i]] = res
		if err := runtime.WriteFileAtomic(caches[i], []byte(line)); err != nil {
			return out, &stateError{runtime.StateError(projectDir, err)}
		}
	}
	return out, nil
}

// stateError is a failure to write under .stelvio, already explained by runtime.StateError.
type stateError struct{ err error }

func (e *stateError) Error() string { return e.err.Error() }
