package handler

import (
	"errors"
	"fmt"
	"os"
	"path"
	"path/filepath"
	"regexp"
	"strings"
)

// Runtime families a handler can belong to.
const (
	Python = "python"
	Go     = "go"
)

// Lambda runtime identifiers used for each family.
const (
	PythonRuntime = "python3.12"
	GoRuntime     = "provided.al2023"
)

var identRE = regexp.MustCompile(`^[A-Za-z_][A-Za-z0-9_]*$`)

// Ref is a parsed handler string.
//
// For "functions/users.index": Folder "", File "functions/users", Func "index".
// For "functions/orders::api/handler.index": Folder "functions/orders", File "api/handler", Func "index".
type Ref struct {
	Folder string
	File   string
	Func   string
}

// FolderBased reports whether the handler packages a whole folder.
func (r Ref) FolderBased() bool { return r.Folder != "" }

// String prints the handler in the form Parse reads.
func (r Ref) String() string {
	if r.Folder != "" {
		return r.Folder + "::" + r.File + "." + r.Func
	}
	return r.File + "." + r.Func
}

// Module is the Python module of the handler file, relative to the package root:
// "users" for a single-file handler, "api.handler" for "functions/orders::api/handler.index".
func (r Ref) Module() string {
	if r.Folder == "" {
		return path.Base(r.File)
	}
	return strings.ReplaceAll(r.File, "/", ".")
}

// Parse reads a handler string. folder is the explicitly configured folder ("" if none): with it, the
// string is the file and function inside that folder.
func Parse(s, folder string) (Ref, error) {
	if strings.TrimSpace(s) == "" {
		return Ref{}, errors.New(`handler is empty; write it as "path/file.function", e.g. "functions/users.index"`)
	}
	if strings.Contains(s, "\\") {
		return Ref{}, fmt.Errorf("handler %q uses backslashes; separate folders with /", s)
	}
	if strings.Contains(folder, "\\") {
		return Ref{}, fmt.Errorf("folder %q uses backslashes; separate folders with /", folder)
	}
	var r Ref
	rest := s
	switch n := strings.Count(s, "::"); {
	case n > 1:
		return Ref{}, fmt.Errorf(`handler %q has more than one "::"; use "folder::file.function"`, s)
	case n == 1:
		if folder != "" {
			inner := s[strings.Index(s, "::")+2:]
			return Ref{}, fmt.Errorf(`handler %q uses "::" and a folder (%q) is also configured; give the folder one way only: the handler %q alone, or the folder with the handler %q`, s, folder, s, inner)
		}
		r.Folder, rest, _ = strings.Cut(s, "::")
		if r.Folder == "" {
			return Ref{}, fmt.Errorf(`handler %q has an empty folder before "::"; write it as "folder::file.function"`, s)
		}
	default:
		r.Folder = folder
	}
	dot := strings.LastIndex(rest, ".")
	if dot < 0 {
		return Ref{}, fmt.Errorf(`handler %q has no function name; write it as "path/file.function"`, s)
	}
	r.File, r.Func = rest[:dot], rest[dot+1:]
	if r.File == "" {
		return Ref{}, fmt.Errorf(`handler %q has an empty file path before "."; write it as "path/file.function"`, s)
	}
	if r.Func == "" {
		return Ref{}, fmt.Errorf(`handler %q has an empty function name after "."; write it as "path/file.function"`, s)
	}
	if !identRE.MatchString(r.Func) {
		return Ref{}, fmt.Errorf("handler %q: function name %q is not a valid identifier; name a Python or Go function (letters, digits and _, not starting with a digit)", s, r.Func)
	}
	if err := checkRelative(r.Folder, "folder"); err != nil {
		return Ref{}, fmt.Errorf("handler %q: %w", s, err)
	}
	if err := checkRelative(r.File, "file path"); err != nil {
		return Ref{}, fmt.Errorf("handler %q: %w", s, err)
	}
	if strings.Contains(r.Folder, ":") || strings.Contains(r.File, ":") {
		return Ref{}, fmt.Errorf(`handler %q has a ":" outside "::"; write it as "folder::file.function" or "path/file.function"`, s)
	}
	if strings.Contains(r.File, ".") {
		return Ref{}, fmt.Errorf(`handler %q: file path %q contains a dot; leave out the file extension and use only one "." before the function name`, s, r.File)
	}
	if strings.Contains(r.Folder, ".") {
		return Ref{}, fmt.Errorf("handler %q: folder %q contains a dot; folder names may not contain dots", s, r.Folder)
	}
	return r, nil
}

func checkRelative(p, what string) error {
	if p == "" {
		return nil
	}
	if strings.HasPrefix(p, "/") || filepath.IsAbs(p) {
		return fmt.Errorf("%s %q is absolute; give a path relative to the project directory", what, p)
	}
	for _, el := range strings.Split(p, "/") {
		if el == ".." {
			clean := path.Clean(p)
			if clean == ".." || strings.HasPrefix(clean, "../") {
				return fmt.Errorf("%s %q leaves the project directory; handlers must live inside the project", what, p)
			}
			if clean == "." {
				return fmt.Errorf("%s %q goes through \"..\" back to the project directory; name a path inside it, like \"functions/users\"", what, p)
			}
			return fmt.Errorf("%s %q goes through \"..\" but stays in the project; write the clean path %q instead", what, p, clean)
		}
	}
	for _, el := range strings.Split(p, "/") {
		switch el {
		case "", ".":
			return fmt.Errorf("%s %q has an empty or \".\" path element; write it like \"functions/users\"", what, p)
		}
	}
	return nil
}

// Resolved is a handler located on disk.
type Resolved struct {
	Ref     Ref
	Runtime string // Python or Go
	// Dir is the project-relative directory that becomes the package: the folder of a folder-based
	// function, the directory of a single Python file, or the Go package directory.
	Dir string
	// File is the project-relative path of the handler file (Python) or "" (Go).
	File string
}

// Key identifies the Lambda function the handler belongs to: routes with equal keys share one function.
func (r Resolved) Key() string {
	switch {
	case r.Runtime == Go:
		return "go:" + r.Dir
	case r.Ref.FolderBased():
		return "folder:" + r.Dir
	default:
		return "file:" + r.File
	}
}

// RuntimeFamily maps a configured runtime ("python3.12", "python", "provided.al2023", "go") to its
// family, or "" with an error for anything else.
func RuntimeFamily(runtime string) (string, error) {
	switch runtime {
	case "":
		return "", nil
	case "python", PythonRuntime:
		return Python, nil
	case "go", GoRuntime:
		return Go, nil
	}
	return "", fmt.Errorf("runtime %q is not supported; use function.Python312 (%q) or function.GoAL2023 (%q)", runtime, PythonRuntime, GoRuntime)
}

// Resolve finds the handler's files under projectDir and decides its runtime. runtime is the configured
// runtime family ("" to detect: a .py file means Python, a directory of .go files means Go).
func Resolve(projectDir string, ref Ref, runtime string) (Resolved, error) {
	res := Resolved{Ref: ref}
	if ref.FolderBased() {
		if runtime == Go {
			return res, fmt.Errorf(`handler %q: Go handlers are written "package/dir.Function", without a folder or "::"`, ref)
		}
		if err := inside(projectDir, ref.Folder, true); err != nil {
			return res, fmt.Errorf("handler %q: %w", ref, err)
		}
		file := ref.Folder + "/" + ref.File + ".py"
		if err := inside(projectDir, file, false); err != nil {
			return res, fmt.Errorf("handler %q: %w", ref, err)
		}
		res.Runtime, res.Dir, res.File = Python, ref.Folder, file
		return res, nil
	}
	pyFile := ref.File + ".py"
	pyErr := inside(projectDir, pyFile, false)
	goErr := inside(projectDir, ref.File, true)
	hasGo := goErr == nil && hasGoFiles(filepath.Join(projectDir, filepath.FromSlash(ref.File)))
	for _, err := range []error{pyErr, goErr} {
		var esc *escapeError
		if errors.As(err, &esc) {
			return res, fmt.Errorf("handler %q: %w", ref, err)
		}
	}
	switch {
	case runtime == Python || (runtime == "" && pyErr == nil && !hasGo):
		if pyErr != nil {
			return res, fmt.Errorf("handler %q: %w", ref, pyErr)
		}
		res.Runtime, res.Dir, res.File = Python, path.Dir(pyFile), pyFile
	case runtime == Go || (runtime == "" && hasGo && pyErr != nil):
		if !hasGo {
			return res, fmt.Errorf("handler %q: Go package directory %s not found (or has no .go files)", ref, ref.File)
		}
		if !isExported(ref.Func) {
			return res, fmt.Errorf("handler %q: Go function %q is not exported; rename it to %q", ref, ref.Func, strings.ToUpper(ref.Func[:1])+ref.Func[1:])
		}
		res.Runtime, res.Dir = Go, ref.File
	case pyErr == nil && hasGo:
		return res, fmt.Errorf("handler %q is ambiguous: both %s and Go package %s/ exist; set the runtime (function.Python312 or function.GoAL2023)", ref, pyFile, ref.File)
	case goErr == nil:
		return res, fmt.Errorf("handler %q: %s not found in the project, and folder %s/ has no Go files (other than _test.go); add the Python file or the Go package", ref, pyFile, ref.File)
	default:
		return res, fmt.Errorf("handler %q: neither %s nor a Go package directory %s/ exists in the project", ref, pyFile, ref.File)
	}
	return res, nil
}

func isExported(name string) bool { return name != "" && name[0] >= 'A' && name[0] <= 'Z' }

func hasGoFiles(dir string) bool {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return false
	}
	for _, e := range entries {
		if !e.IsDir() && strings.HasSuffix(e.Name(), ".go") && !strings.HasSuffix(e.Name(), "_test.go") {
			return true
		}
	}
	return false
}

type escapeError struct{ rel, target string }

func (e *escapeError) Error() string {
	return fmt.Sprintf("%s resolves to %s, outside the project directory (a symbolic link?); handlers must live inside the project", e.rel, e.target)
}

// inside checks that rel exists under projectDir as a directory (dir) or regular file, and that after
// resolving symbolic links it is still inside projectDir.
func inside(projectDir, rel string, dir bool) error {
	full := filepath.Join(projectDir, filepath.FromSlash(rel))
	fi, err := os.Stat(full)
	kind := "file"
	if dir {
		kind = "folder"
	}
	if err != nil {
		return fmt.Errorf("%s %s not found in the project", kind, rel)
	}
	if fi.IsDir() != dir {
		if dir {
			return fmt.Errorf("%s is not a folder", rel)
		}
		return fmt.Errorf("%s is a folder, not a file", rel)
	}
	root, err := filepath.EvalSymlinks(projectDir)
	if err != nil {
		return fmt.Errorf("project directory: %w", err)
	}
	real, err := filepath.EvalSymlinks(full)
	if err != nil {
		return fmt.Errorf("%s: %w", rel, err)
	}
	if r, err := filepath.Rel(root, real); err != nil || r == ".." || strings.HasPrefix(r, ".."+string(filepath.Separator)) {
		return &escapeError{rel: rel, target: real}
	}
	return nil
}
