package route

import (
	"fmt"
	"path/filepath"
	"runtime"
	"strings"
)

// FunctionConfig is the configuration of one Lambda function. The zero value of a field means "default".
type FunctionConfig struct {
	// Handler is "path/file.function" ("functions/users.index"), "folder::file.function", or, with
	// Folder set, "file.function" inside the folder. For Go: "package/dir.Function".
	Handler string
	// Folder packages a whole folder; Handler is then relative to it.
	Folder string
	// Runtime is "python3.12" (or "python") or "provided.al2023" (or "go"); detected from the files when empty.
	Runtime string
	// Architecture is "x86_64" (default) or "arm64".
	Architecture string
	// Memory in MB, 128 (default) to 10240.
	Memory int
	// Timeout in seconds, 60 by default, at most 900.
	Timeout int
	// Environment variables set on the function.
	Environment map[string]string
	// Requirements is the project-relative path of a requirements.txt (Python). By default a
	// requirements.txt next to the handler file (single-file) or in the folder is used if present.
	Requirements string
	// NoRequirements turns off installing Python dependencies.
	NoRequirements bool
}

// configured reports whether c sets anything beyond where the code is (Handler, Folder).
func (c FunctionConfig) configured() bool {
	return c.Runtime != "" || c.Architecture != "" || c.Memory != 0 || c.Timeout != 0 ||
		len(c.Environment) > 0 || c.Requirements != "" || c.NoRequirements
}

// Defaults of a function's configuration.
const (
	DefaultMemory       = 128
	DefaultTimeout      = 60
	DefaultArchitecture = "x86_64"
	DefaultStage        = "v1"
)

// Decls is everything a program declared, in order.
type Decls struct {
	Apis      []*ApiDecl
	Functions []*FunctionDecl // function.New instances
	Problems  []Problem       // found while declaring
}

// ApiDecl is one declared API.
type ApiDecl struct {
	Name         string
	StageName    string
	EndpointType string // "REGIONAL" or "EDGE"; "" means regional
	DomainName   string
	Routes       []*RouteDecl
	Source       string
}

// RouteDecl is one api.Route call as written.
type RouteDecl struct {
	Method any
	Path   string
	// Handler is a string, a FunctionConfig, a map[string]any, a *FunctionDecl or nil (options only).
	Handler any
	// Options is the configuration from option arguments; HasOptions tells whether there were any.
	Options    FunctionConfig
	HasOptions bool
	Source     string
}

// FunctionDecl is one function.New call. Each one is its own Lambda function.
type FunctionDecl struct {
	Name   string
	Config FunctionConfig
	Source string
	// Problems found while declaring it (reported with the function's name).
	Problems []Problem
}

// Problem is one thing wrong with a program, with where it was declared.
type Problem struct {
	Source  string // file:line of the declaring call, relative to the project when possible
	Subject string // "route GET /users/{id}", "api \"my-api\"", "function \"users\""
	Message string
}

func (p Problem) String() string {
	var b strings.Builder
	if p.Source != "" {
		b.WriteString(p.Source)
		b.WriteString(": ")
	}
	if p.Subject != "" {
		b.WriteString(p.Subject)
		b.WriteString(": ")
	}
	b.WriteString(p.Message)
	return b.String()
}

// Problems is the error of a program with one or more problems; all of them are listed.
type Problems []Problem

func (ps Problems) Error() string {
	var b strings.Builder
	if len(ps) == 1 {
		b.WriteString("1 problem in the app:\n")
	} else {
		fmt.Fprintf(&b, "%d problems in the app:\n", len(ps))
	}
	for _, p := range ps {
		b.WriteString("  ")
		b.WriteString(p.String())
		b.WriteByte('\n')
	}
	return strings.TrimSuffix(b.String(), "\n")
}

// Caller returns "file:line" of the caller skip frames above Caller's caller, relative to the
// working directory when it is inside it.
func Caller(skip int) string {
	_, file, line, ok := runtime.Caller(skip + 1)
	if !ok {
		return ""
	}
	if wd, err := filepath.Abs("."); err == nil {
		if rel, err := filepath.Rel(wd, file); err == nil && !strings.HasPrefix(rel, "..") {
			file = rel
		}
	}
	return fmt.Sprintf("%s:%d", filepath.ToSlash(file), line)
}
