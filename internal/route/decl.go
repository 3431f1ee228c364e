package route

import (
	"fmt"
	"path/filepath"
	"runtime"
	"strings"
	"time"
)

// FunctionConfig is the configuration of one Lambda function as declared. The zero value of a field
// means "default" unless its Set flag says it was given explicitly.
type FunctionConfig struct {
	// Handler is "path/file.function" ("functions/users.index"), "folder::file.function", or, with
	// Folder set, "file.function" inside the folder. For Go: "package/dir.Function".
	Handler string
	// Folder packages a whole folder; Handler is then relative to it.
	Folder string
	// Runtime is "python3.12" or "provided.al2023"; detected from the files when empty.
	Runtime string
	// Architecture is "x86_64" (default) or "arm64".
	Architecture string
	// Memory in MB; MemorySet tells that it was given (so that 0 is refused rather than defaulted).
	Memory    int
	MemorySet bool
	// Timeout; TimeoutSet tells that it was given.
	Timeout    time.Duration
	TimeoutSet bool
	// Environment variables set on the function.
	Environment map[string]string
	// Outputs are environment variables whose values are known only at deploy time, by name.
	Outputs map[string]*OutputDecl
	// Requirements is the project-relative path of a requirements.txt (Python).
	Requirements string
	// NoRequirements turns off installing Python dependencies.
	NoRequirements bool
	// Permissions are IAM statements added to the function's role.
	Permissions []Statement
	// Links are the resources linked to the function (function.Link), in declaration order.
	Links []*LinkDecl
}

// Statement is one IAM policy statement that allows Actions on Resources.
type Statement struct {
	Actions   []string
	Resources []string
}

// configured reports whether c sets anything beyond where the code is (Handler, Folder).
func (c FunctionConfig) configured() bool {
	return c.Runtime != "" || c.Architecture != "" || c.MemorySet || c.TimeoutSet || c.Memory != 0 || c.Timeout != 0 ||
		len(c.Environment) > 0 || len(c.Outputs) > 0 || c.Requirements != "" || c.NoRequirements ||
		len(c.Permissions) > 0 || len(c.Links) > 0
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
	Apis       []*ApiDecl
	HTTPApis   []*HTTPApiDecl  // apigateway.NewHTTP (httpapi.go)
	Functions  []*FunctionDecl // function.New instances
	Outputs    []*OutputDecl
	Tables     []*TableDecl // dynamodb.NewTable
	Extensions []Extension
	Problems   []Problem // found while declaring
}

// ApiDecl is one declared API.
type ApiDecl struct {
	Name             string
	StageName        string
	EndpointType     string // "REGIONAL" or "EDGE"; "" means regional
	DomainName       string
	BinaryMediaTypes []string
	Routes           []*RouteDecl
	Source           string
	// CORS, Authorizers and DefaultAuth are the api's CORS and authorization (see auth.go).
	CORS        *CORSDecl
	Authorizers []*AuthorizerDecl
	DefaultAuth *DefaultAuthDecl
}

// RouteDecl is one api.Route or api.RouteFunction call as written.
type RouteDecl struct {
	// Methods is the method argument: "GET", "GET,POST", "ANY" or "*".
	Methods string
	Path    string
	// Handler is the handler string of api.Route; Function the function of api.RouteFunction.
	Handler  string
	Function *FunctionDecl
	// Config is the configuration from option arguments; HasConfig tells whether there were any.
	Config    FunctionConfig
	HasConfig bool
	Source    string
	// Auth is the route's authorization as declared on its handle (see auth.go).
	Auth RouteAuthDecl
}

// FunctionDecl is one function.New call. Each one is its own Lambda function.
type FunctionDecl struct {
	Name   string
	Config FunctionConfig
	Source string
}

// OutputDecl is a value known only at deploy time (a Pulumi output set by an extension), with the
// value that stands in for it under dev and in offline plans.
type OutputDecl struct {
	Name   string
	Dev    string
	Source string
}

// Extension is a function that adds the user's own Pulumi resources to the deployment. Run is a
// func(*pulumi.Context, *extend.App) error; it is kept as any so that declaring never links Pulumi.
type Extension struct {
	Run    any
	Source string
}

// Problem is one thing wrong with a program, with where it was declared.
type Problem struct {
	Source  string // file:line of the declaring call, relative to the project when possible
	Subject string // "route GET /users/{id}", "api \"my-api\"", "function \"users\""
	Message string
	// Warning marks a problem that does not stop the program (e.g. a quota close to its limit).
	Warning bool
}

func (p Problem) String() string {
	var b strings.Builder
	if p.Source != "" {
		b.WriteString(p.Source)
		b.WriteString(": ")
	}
	if p.Warning {
		b.WriteString("warning: ")
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
