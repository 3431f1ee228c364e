// Package function declares AWS Lambda functions: their handler, memory, timeout, runtime,
// environment and permissions.
//
// A function is declared either implicitly by a route's handler string, with options after it:
//
//	api.Route("POST", "/users", "functions/users.create", function.Memory(256), function.Timeout(10*time.Second))
//
// or on its own with New, and then passed to as many routes as it serves:
//
//	reports := function.New(ctx, "reports", "functions/reports.handler", function.Memory(512))
//	api.RouteFunction("GET", "/reports", reports)
//
// Every option is an Option; a Config is an Option too, for configuration kept as one struct value.
// Handler strings: "functions/users.index" (Python file functions/users.py, function index),
// "functions/orders::handler.index" (the folder functions/orders packaged whole, handler.py, index), or
// a Go package and exported function "functions/hello.Hello" (built into a bootstrap for
// provided.al2023).
package function

import (
	"fmt"
	"maps"
	"slices"
	"time"

	"github.com/stelvio-go/stelvio"
	"github.com/stelvio-go/stelvio/internal/app"
	"github.com/stelvio-go/stelvio/internal/route"
)

// Option sets one part of a function's configuration. Memory, Timeout, Runtime, Architecture and
// Config values are Options themselves; the functions of this package make the others.
type Option interface {
	apply(c *route.FunctionConfig)
}

// optionFunc adapts a function to Option.
type optionFunc func(c *route.FunctionConfig)

func (f optionFunc) apply(c *route.FunctionConfig) { f(c) }

// Memory is a function's memory in MB, 128 to 10240 (default 128). Lambda gives CPU in proportion.
type Memory int

func (m Memory) apply(c *route.FunctionConfig) { c.Memory, c.MemorySet = int(m), true }

// Timeout is how long one invocation may run, a whole number of seconds from 1s to 15m (default 60s),
// e.g. function.Timeout(30 * time.Second). Routes behind API Gateway answer 504 after 29s whatever the
// function's timeout.
type Timeout time.Duration

func (t Timeout) apply(c *route.FunctionConfig) { c.Timeout, c.TimeoutSet = time.Duration(t), true }

// Runtime is a Lambda runtime. It is detected from the handler's files when not given.
type Runtime string

// The runtimes stelvio builds packages for.
const (
	// Python312 runs a Python handler file ("functions/users.index").
	Python312 Runtime = "python3.12"
	// GoAL2023 runs a Go handler package ("functions/hello.Hello") built into a bootstrap binary.
	GoAL2023 Runtime = "provided.al2023"
)

func (r Runtime) apply(c *route.FunctionConfig) { c.Runtime = string(r) }

// Architecture is the processor architecture a function runs on.
type Architecture string

// The architectures Lambda offers.
const (
	X86_64 Architecture = "x86_64" // the default
	ARM64  Architecture = "arm64"  // Graviton
)

func (a Architecture) apply(c *route.FunctionConfig) { c.Architecture = string(a) }

// Folder packages the whole folder dir (project-relative); the handler string is then the file and
// function inside it: function.New(ctx, "orders", "handler.index", function.Folder("functions/orders")),
// the same as the handler "functions/orders::handler.index".
func Folder(dir string) Option { return optionFunc(func(c *route.FunctionConfig) { c.Folder = dir }) }

// Env sets one environment variable.
func Env(name, value string) Option {
	return optionFunc(func(c *route.FunctionConfig) {
		if c.Environment == nil {
			c.Environment = map[string]string{}
		}
		c.Environment[name] = value
	})
}

// Environment sets environment variables (added to those set before).
func Environment(vars map[string]string) Option {
	vars = maps.Clone(vars)
	return optionFunc(func(c *route.FunctionConfig) {
		if c.Environment == nil {
			c.Environment = map[string]string{}
		}
		maps.Copy(c.Environment, vars)
	})
}

// EnvOutput sets the environment variable name to a value known only at deploy time (see
// stelvio.Context.Output): the deployed function gets the Pulumi output set with extend's App.Set, dev
// and offline plans the output's dev value.
func EnvOutput(name string, o *stelvio.Output) Option {
	source := route.Caller(1)
	return optionFunc(func(c *route.FunctionConfig) {
		if c.Outputs == nil {
			c.Outputs = map[string]*route.OutputDecl{}
		}
		d := app.OutputOf(o)
		if d == nil {
			// A nil output is reported with the function's other problems.
			d = &route.OutputDecl{Name: fmt.Sprintf("(nil output for %s)", name), Source: source}
		}
		c.Outputs[name] = d
	})
}

// Requirements sets the requirements.txt of a Python function (project-relative). By default a
// requirements.txt next to the handler file (single-file functions) or in the folder is used when
// present.
func Requirements(path string) Option {
	return optionFunc(func(c *route.FunctionConfig) { c.Requirements = path })
}

// NoRequirements turns off installing a Python function's requirements.txt.
func NoRequirements() Option {
	return optionFunc(func(c *route.FunctionConfig) { c.NoRequirements = true })
}

// Statement is an IAM policy statement: it allows Actions ("s3:GetObject", "ses:SendEmail",
// wildcards allowed) on Resources (ARNs, or "*").
type Statement struct {
	// Actions are IAM actions, "service:Action".
	Actions []string
	// Resources are the ARNs the actions apply to, or "*". For ARNs known only at deploy time (a bucket
	// made with the extend package), use extend's App.Allow instead.
	Resources []string
}

// Permissions adds IAM statements to the function's role (besides the CloudWatch Logs permissions
// every function has).
func Permissions(statements ...Statement) Option {
	var sts []route.Statement
	for _, s := range statements {
		sts = append(sts, route.Statement{Actions: slices.Clone(s.Actions), Resources: slices.Clone(s.Resources)})
	}
	return optionFunc(func(c *route.FunctionConfig) { c.Permissions = append(c.Permissions, sts...) })
}

// Config is a function's whole configuration as one value; it is an Option. Zero fields mean
// "default" (use the Memory and Timeout options to give values explicitly).
type Config struct {
	// Folder packages the whole folder; the handler is then the file and function inside it.
	Folder string
	// Memory in MB, 128 to 10240 (default 128).
	Memory int
	// Timeout, whole seconds from 1s to 15m (default 60s).
	Timeout time.Duration
	// Runtime is detected from the handler's files when empty.
	Runtime Runtime
	// Architecture is X86_64 by default.
	Architecture Architecture
	// Environment variables.
	Environment map[string]string
	// Requirements is a Python function's requirements.txt (project-relative).
	Requirements string
	// NoRequirements turns off installing a Python function's requirements.
	NoRequirements bool
	// Permissions are IAM statements added to the function's role.
	Permissions []Statement
}

func (cfg Config) apply(c *route.FunctionConfig) {
	if cfg.Folder != "" {
		c.Folder = cfg.Folder
	}
	if cfg.Memory != 0 {
		Memory(cfg.Memory).apply(c)
	}
	if cfg.Timeout != 0 {
		Timeout(cfg.Timeout).apply(c)
	}
	if cfg.Runtime != "" {
		cfg.Runtime.apply(c)
	}
	if cfg.Architecture != "" {
		cfg.Architecture.apply(c)
	}
	if len(cfg.Environment) > 0 {
		Environment(cfg.Environment).apply(c)
	}
	if cfg.Requirements != "" {
		c.Requirements = cfg.Requirements
	}
	if cfg.NoRequirements {
		c.NoRequirements = true
	}
	if len(cfg.Permissions) > 0 {
		Permissions(cfg.Permissions...).apply(c)
	}
}

// Function is a Lambda function declared with New. Each one is its own Lambda; pass it to several
// routes with apigateway's Api.RouteFunction to share it. stelvio generates no routing code for it:
// its handler receives every request.
type Function struct {
	d *route.FunctionDecl
}

// Name is the function's name in the app; its physical name is "{app}-{env}-{name}".
func (f *Function) Name() string { return f.d.Name }

// Handler is the function's handler string as declared.
func (f *Function) Handler() string { return f.d.Config.Handler }

// New declares a Lambda function named name (unique in the app) running handler, configured by opts.
// Problems (a missing file, a bad memory size) are reported together with every other problem of the
// app, before anything is built or deployed.
func New(ctx *stelvio.Context, name, handler string, opts ...Option) *Function {
	fd := &route.FunctionDecl{Name: name, Source: route.Caller(1)}
	configure(&fd.Config, opts)
	fd.Config.Handler = handler
	d := app.Declare(ctx, fd.Source, fmt.Sprintf("function %q", name))
	d.Functions = append(d.Functions, fd)
	return &Function{d: fd}
}

// Configure applies opts to a route's configuration; apigateway uses it.
func configure(c *route.FunctionConfig, opts []Option) bool {
	any := false
	for _, o := range opts {
		if !absent(o) {
			o.apply(c)
			any = true
		}
	}
	return any
}

// absent reports whether o configures nothing: a nil Option, or a nil *Config (a *Config is an Option
// through Config's method, which a nil pointer cannot call).
func absent(o Option) bool {
	if o == nil {
		return true
	}
	cfg, ok := o.(*Config)
	return ok && cfg == nil
}

func init() {
	app.ApplyFunctionOptions = func(c *route.FunctionConfig, opts any) bool {
		return configure(c, opts.([]Option))
	}
	app.FunctionDeclOf = func(f any) *route.FunctionDecl {
		fn, _ := f.(*Function)
		if fn == nil {
			return nil
		}
		return fn.d
	}
}
