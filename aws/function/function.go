// Package function declares AWS Lambda functions: their handler, memory, timeout, runtime and
// environment, either on a route (api.Route(..., function.Memory(512))) or on their own with New.
package function

import (
	"maps"

	"github.com/stelvio-go/stelvio/internal/app"
	"github.com/stelvio-go/stelvio/internal/route"
)

// Config is a function's configuration as a struct; pass it as a route's handler.
type Config = route.FunctionConfig

// Function is a Lambda function made with New. Each one is its own Lambda; pass the same value to
// several routes to share it. stelvio generates no routing code for it.
type Function = route.FunctionDecl

// Option sets one part of a function's configuration.
type Option func(*Config)

// Handler sets the handler: "functions/users.index", "functions/orders::handler.index", "handler.index"
// together with Folder, or a Go package and function "functions/hello.Handler".
func Handler(h string) Option { return func(c *Config) { c.Handler = h } }

// Folder packages the whole folder; the handler is then the file and function inside it.
func Folder(dir string) Option { return func(c *Config) { c.Folder = dir } }

// Memory sets the memory in MB (128 to 10240; default 128).
func Memory(mb int) Option { return func(c *Config) { c.Memory = mb } }

// Timeout sets the timeout in seconds (1 to 900; default 60).
func Timeout(seconds int) Option { return func(c *Config) { c.Timeout = seconds } }

// Runtime sets the runtime, "python3.12" or "provided.al2023" (Go); it is detected from the files when
// not set.
func Runtime(r string) Option { return func(c *Config) { c.Runtime = r } }

// Architecture sets the processor architecture, "x86_64" (default) or "arm64".
func Architecture(a string) Option { return func(c *Config) { c.Architecture = a } }

// Environment adds environment variables.
func Environment(vars map[string]string) Option {
	return func(c *Config) {
		if c.Environment == nil {
			c.Environment = map[string]string{}
		}
		maps.Copy(c.Environment, vars)
	}
}

// Requirements sets the requirements.txt of a Python function (project-relative).
func Requirements(path string) Option { return func(c *Config) { c.Requirements = path } }

// NoRequirements turns off installing a Python function's requirements.txt.
func NoRequirements() Option { return func(c *Config) { c.NoRequirements = true } }

// WithConfig sets the whole configuration from a Config.
func WithConfig(cfg Config) Option { return func(c *Config) { *c = cfg } }

// New declares a Lambda function named name (unique in the app).
func New(ctx *app.Context, name string, opts ...Option) *Function {
	fd := &Function{Name: name, Source: route.Caller(1)}
	for _, o := range opts {
		o(&fd.Config)
	}
	d := app.Decls(ctx)
	d.Functions = append(d.Functions, fd)
	return fd
}
