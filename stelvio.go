// Package stelvio is the app of a serverless HTTP API on AWS: its name, its settings and the run
// function that declares its APIs and functions.
//
//	func main() {
//		app := stelvio.New("my-app")
//		os.Exit(app.Main(func(ctx *stelvio.Context) error {
//			api := apigateway.New(ctx, "my-api")
//			api.Route("GET", "/users", "functions/users.index")
//			return nil
//		}))
//	}
//
// The program is its own command line: `go run . plan`, `go run . dev`, `go run . deploy prod`.
package stelvio

import (
	"fmt"
	"os"
	"path/filepath"
	"runtime"

	"github.com/stelvio-go/stelvio/internal/app"
	"github.com/stelvio-go/stelvio/internal/cli"
	"github.com/stelvio-go/stelvio/internal/route"
)

// Context is what the run function declares APIs, functions and outputs on. It is made by stelvio
// and handed to the run function; declarations record themselves on it and are checked together
// after the run function returns.
type Context struct {
	s *app.State
}

// Env is the environment being planned, deployed or served, e.g. "prod", "staging" or, under dev,
// the developer's personal environment.
func (c *Context) Env() string { return c.s.Env() }

// AppName is the app's name, as given to New.
func (c *Context) AppName() string { return c.s.AppName() }

// Output declares a string known only when the app is deployed — a Pulumi output such as the name of
// a bucket made with the extend package — and the value that stands in for it under dev and in
// offline plans. Give it to a function with function.EnvOutput and set it in extend.Pulumi with
// App.Set. name is unique in the app ("uploads-bucket").
func (c *Context) Output(name, devValue string) *Output {
	o := &route.OutputDecl{Name: name, Dev: devValue, Source: route.Caller(1)}
	d := app.Declare(c, o.Source, fmt.Sprintf("output %q", name))
	d.Outputs = append(d.Outputs, o)
	return &Output{o: o}
}

// Output is a string known only at deploy time, declared with Context.Output.
type Output struct {
	o *route.OutputDecl
}

// Name is the output's name.
func (o *Output) Name() string { return o.o.Name }

// DevValue is the value that stands in for the output under dev and in offline plans.
func (o *Output) DevValue() string { return o.o.Dev }

func init() {
	app.StateOf = func(ctx any) *app.State {
		c, _ := ctx.(*Context)
		if c == nil {
			return nil
		}
		return c.s
	}
	app.ProgramOf = func(a any, run any) *app.Program {
		return a.(*App).program(run.(func(*Context) error))
	}
	app.SetDNS = func(a any, p any) { a.(*App).p.DNS = p }
	app.OutputOf = func(o any) *route.OutputDecl {
		out, _ := o.(*Output)
		if out == nil {
			return nil
		}
		return out.o
	}
}

// App is a stelvio application.
type App struct {
	p app.Program
}

// Option configures an App.
type Option func(*App)

// New creates an app. Its name is the first part of every physical resource name
// ({app}-{env}-{name}).
func New(name string, opts ...Option) *App {
	a := &App{p: app.Program{Name: name, Source: route.Caller(1), Dir: callerDir()}}
	for _, o := range opts {
		o(a)
	}
	return a
}

// WithEnvironments limits the environments the app may be deployed to, e.g. "staging", "prod".
func WithEnvironments(envs ...string) Option {
	return func(a *App) { a.p.Environments = append(a.p.Environments, envs...) }
}

// WithRegion sets the AWS region; by default the standard AWS environment (AWS_REGION) decides.
func WithRegion(region string) Option { return func(a *App) { a.p.Region = region } }

// WithProfile sets the AWS profile; by default the standard AWS environment (AWS_PROFILE) decides.
func WithProfile(profile string) Option { return func(a *App) { a.p.Profile = profile } }

// WithBackend sets where deployment state is kept, e.g. "s3://my-bucket/stelvio"; by default it is the
// project's .stelvio/state folder.
func WithBackend(url string) Option { return func(a *App) { a.p.Backend = url } }

// program gives the app with its run function as stelvio's command line and tests use it.
func (a *App) program(run func(*Context) error) *app.Program {
	p := a.p
	if run != nil {
		p.Run = func(s *app.State) error { return run(&Context{s: s}) }
	}
	return &p
}

// callerDir is the directory of the source file that called New, when that file is on disk: the
// project directory handler paths are relative to, wherever the program is run from.
func callerDir() string {
	_, file, _, ok := runtime.Caller(2)
	if !ok || !filepath.IsAbs(file) {
		return ""
	}
	if _, err := os.Stat(file); err != nil {
		return ""
	}
	return filepath.Dir(file)
}

// Main runs the app's command line with the program's arguments and returns the exit code:
// os.Exit(app.Main(run)).
//
// The commands are dev (the app on localhost), plan, deploy, diff, destroy, outputs, refresh, unlock
// and version. A binary built as usual holds only what dev needs and builds the deployment engine on
// the first plan or deploy (go build -tags stelvio_deploy of the same main package, into .stelvio/bin);
// build with -tags stelvio_deploy to have everything in one binary, e.g. in CI.
func (a *App) Main(run func(*Context) error) int {
	p := a.program(run)
	p.MainDir = mainDir()
	return cli.Main(p, os.Args[1:], os.Stdout, os.Stderr, deployCommands)
}

// mainDir is the directory of the source file of main.main, when it is on disk.
func mainDir() string {
	pcs := make([]uintptr, 64)
	n := runtime.Callers(1, pcs)
	frames := runtime.CallersFrames(pcs[:n])
	for {
		fr, more := frames.Next()
		if fr.Function == "main.main" && filepath.IsAbs(fr.File) {
			if _, err := os.Stat(fr.File); err == nil {
				return filepath.Dir(fr.File)
			}
		}
		if !more {
			return ""
		}
	}
}
