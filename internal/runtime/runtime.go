package runtime

import (
	"context"
	"errors"
	"fmt"
	"runtime"
	"sort"
	"sync"

	"github.com/stelvio-go/stelvio/internal/route"
)

// Runtime builds and runs the Lambda functions of one language.
type Runtime interface {
	// Check validates fn's handlers before anything is built: files exist, the functions exist and have
	// a supported signature. Problems name the route, file and line, and say how to fix them.
	Check(ctx context.Context, projectDir string, fn *route.Function) error
	// Handler is the Lambda handler setting of fn's package ("users.index", "stelvio_router.handler",
	// "bootstrap").
	Handler(fn *route.Function) string
	// Package builds fn's deployment package (or finds it in the cache).
	Package(ctx context.Context, projectDir string, fn *route.Function) (Package, error)
	// Worker prepares fn to run on the host for the local server: the same code the package holds
	// (generated routing included), speaking the Runtime API at AWS_LAMBDA_RUNTIME_API.
	Worker(ctx context.Context, projectDir string, fn *route.Function) (Worker, error)
	// Sources returns the project-relative directory and file patterns whose changes need a new worker
	// or package.
	Sources(fn *route.Function) (dir string, patterns []string, recursive bool)
}

// Package is a built Lambda deployment package.
type Package struct {
	// Path is the zip file, inside the project's .stelvio/build.
	Path string
	// Hash is the base64-encoded SHA-256 of the zip's bytes: the value Lambda reports as
	// CodeSha256 and Pulumi's SourceCodeHash expects.
	Hash string
	// Handler is the Lambda handler setting for the package.
	Handler string
}

// Worker is a host process that runs a function against a Lambda Runtime API.
type Worker struct {
	// Command is the worker's argv.
	Command []string
	// Dir is the function's code directory (working directory and LAMBDA_TASK_ROOT).
	Dir string
	// Handler is _HANDLER.
	Handler string
	// ExecutionEnv is AWS_EXECUTION_ENV ("" for OS-only runtimes).
	ExecutionEnv string
	// Env holds variables the worker needs besides Lambda's own (PYTHONPATH for generated code).
	Env map[string]string
	// Pipe says that the worker also speaks the local server's pipe protocol (see
	// internal/runtime/golang/devloop), which costs far less per invocation than the Runtime API.
	Pipe bool
}

// BuildError is a user's handler that failed to build: Output is the compiler's (or pip's) output,
// shown to the user as it is.
type BuildError struct {
	Function string
	Output   string
	Err      error
}

func (e *BuildError) Error() string {
	return fmt.Sprintf("build function %q: %v\n%s", e.Function, e.Err, e.Output)
}

func (e *BuildError) Unwrap() error { return e.Err }

// Registry maps a runtime family (route.Function.Runtime: "python", "go") to its Runtime.
type Registry map[string]Runtime

// For returns the runtime of fn.
func (r Registry) For(fn *route.Function) (Runtime, error) {
	rt, ok := r[fn.Runtime]
	if !ok {
		known := make([]string, 0, len(r))
		for k := range r {
			known = append(known, k)
		}
		sort.Strings(known)
		return nil, fmt.Errorf("function %q: no runtime %q; stelvio builds %v", fn.Name, fn.Runtime, known)
	}
	return rt, nil
}

// Packager builds the packages of an app's functions, for the Pulumi program.
type Packager struct {
	ProjectDir string
	Runtimes   Registry
	// Concurrency bounds how many functions build at once; GOMAXPROCS when zero.
	Concurrency int
}

// Package checks and builds one function's package.
func (p *Packager) Package(ctx context.Context, fn *route.Function) (Package, error) {
	rt, err := p.Runtimes.For(fn)
	if err != nil {
		return Package{}, err
	}
	if err := rt.Check(ctx, p.ProjectDir, fn); err != nil {
		return Package{}, err
	}
	pkg, err := rt.Package(ctx, p.ProjectDir, fn)
	if err != nil {
		return Package{}, err
	}
	return pkg, nil
}

// Handler is the Lambda handler setting of fn's package.
func (p *Packager) Handler(fn *route.Function) (string, error) {
	rt, err := p.Runtimes.For(fn)
	if err != nil {
		return "", err
	}
	return rt.Handler(fn), nil
}

// PackageAll builds every function of t, at most Concurrency at a time, and returns the packages by
// function name. All failures are reported together.
func (p *Packager) PackageAll(ctx context.Context, t *route.Table) (map[string]Package, error) {
	n := p.Concurrency
	if n <= 0 {
		n = runtime.GOMAXPROCS(0)
	}
	sem := make(chan struct{}, n)
	var (
		mu   sync.Mutex
		wg   sync.WaitGroup
		out  = make(map[string]Package, len(t.Functions))
		errs = make([]error, len(t.Functions))
	)
	for i, fn := range t.Functions {
		wg.Add(1)
		go func() {
			defer wg.Done()
			select {
			case sem <- struct{}{}:
			case <-ctx.Done():
				errs[i] = ctx.Err()
				return
			}
			defer func() { <-sem }()
			pkg, err := p.Package(ctx, fn)
			if err != nil {
				errs[i] = err
				return
			}
			mu.Lock()
			out[fn.Name] = pkg
			mu.Unlock()
		}()
	}
	wg.Wait()
	if err := errors.Join(errs...); err != nil {
		return nil, err
	}
	return out, nil
}
