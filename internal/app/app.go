// Package app holds an app's program and the Context its run function declares resources on.
package app

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"sync"

	"github.com/stelvio-go/stelvio/internal/route"
)

// Program is an app: its name, settings and run function.
type Program struct {
	Name string
	// DNS creates the records of custom domains: a dns.Provider (kept as any so that declaring never
	// links Pulumi); nil when the app has none.
	DNS any
	// Environments, when not empty, are the only environments the app may be deployed to.
	Environments []string
	// Region and Profile select the AWS account and region; empty means the standard AWS environment.
	Region  string
	Profile string
	// Backend is the Pulumi state backend URL; empty means the project's local .stelvio/state.
	Backend string
	Run     func(*State) error
	// Source is where the app was created (file:line).
	Source string
	// Dir is the project directory that handler paths are relative to: the directory of the source file
	// that created the app, or "" when unknown (then the working directory is used).
	Dir string
	// MainDir is the directory of the app's main package (where main.main is), which a binary without
	// the deployment engine builds again with it; "" when unknown.
	MainDir string
}

// State is what a run function declares resources on: the app and environment, and the declarations
// recorded so far. The public stelvio.Context wraps it.
type State struct {
	app   string
	env   string
	decls *route.Decls
}

// Env is the environment being planned, deployed or served, e.g. "prod" or the developer's name.
func (s *State) Env() string { return s.env }

// AppName is the app's name.
func (s *State) AppName() string { return s.app }

// Decls gives the declarations recorded on s so far.
func (s *State) Decls() *route.Decls { return s.decls }

// NewState makes an empty State; Load uses it, and so do tests of declaring packages.
func NewState(appName, env string) *State {
	return &State{app: appName, env: env, decls: &route.Decls{}}
}

// Hooks connect the public root package, which internal packages cannot import, with stelvio's own
// packages: the root package sets them when it is initialised.
var (
	// StateOf returns the State behind a *stelvio.Context, or nil for a nil Context.
	StateOf func(ctx any) *State
	// ProgramOf returns the Program of a *stelvio.App with a run function func(*stelvio.Context) error.
	ProgramOf func(app any, run any) *Program
	// OutputOf returns the declaration behind a *stelvio.Output, or nil for a nil Output.
	OutputOf func(o any) *route.OutputDecl
	// SetDNS makes p (a dns.Provider) the DNS provider of a *stelvio.App.
	SetDNS func(a any, p any)
	// ApplyFunctionOptions applies a []function.Option to c and reports whether there was any;
	// FunctionDeclOf returns the declaration behind a *function.Function (nil for nil).
	ApplyFunctionOptions func(c *route.FunctionConfig, opts any) bool
	FunctionDeclOf       func(f any) *route.FunctionDecl
)

var (
	orphanMu sync.Mutex
	orphans  []route.Problem
)

// Declare returns the declarations of the State behind ctx. A nil Context has none: the declaration
// is then reported as a problem of the next Load, naming the fix, instead of crashing the program.
func Declare(ctx any, source, subject string) *route.Decls {
	if StateOf != nil {
		if s := StateOf(ctx); s != nil {
			return s.decls
		}
	}
	orphanMu.Lock()
	orphans = append(orphans, route.Problem{Source: source, Subject: subject,
		Message: "the *stelvio.Context is nil; pass the ctx your run function received (app.Main(func(ctx *stelvio.Context) error { ... }))"})
	orphanMu.Unlock()
	return &route.Decls{}
}

// Report records a problem found while declaring, outside any Context (e.g. a nil argument); the
// next Load reports it with the program's other problems.
func Report(source, subject, message string) {
	orphanMu.Lock()
	orphans = append(orphans, route.Problem{Source: source, Subject: subject, Message: message})
	orphanMu.Unlock()
}

// takeOrphans returns and forgets the declarations made on a nil Context.
func takeOrphans() []route.Problem {
	orphanMu.Lock()
	defer orphanMu.Unlock()
	out := orphans
	orphans = nil
	return out
}

// Load runs the program for env and resolves its declarations against the files in projectDir into the
// route table. All problems of the program are returned together.
func (p *Program) Load(env, projectDir string) (*route.Table, error) {
	if err := p.CheckEnv(env); err != nil {
		return nil, err
	}
	ctx := NewState(p.Name, env)
	if p.Run == nil {
		return nil, errors.New("the app has no run function; pass one to app.Main")
	}
	takeOrphans()
	if err := p.Run(ctx); err != nil {
		return nil, fmt.Errorf("app %q: run function failed: %w", p.Name, err)
	}
	ctx.decls.Problems = append(ctx.decls.Problems, takeOrphans()...)
	dir, err := filepath.Abs(projectDir)
	if err != nil {
		return nil, fmt.Errorf("project directory: %w", err)
	}
	if !appNameRE.MatchString(p.Name) {
		ctx.decls.Problems = append(ctx.decls.Problems, route.Problem{
			Source: p.Source, Subject: fmt.Sprintf("app %q", p.Name),
			Message: "name must start with a letter or digit and contain only letters, digits, - and _ (at most 64); it begins every resource name, e.g. stelvio.New(\"my-app\")",
		})
	}
	if err := CheckRegion(p.Region); err != nil {
		ctx.decls.Problems = append(ctx.decls.Problems, route.Problem{
			Source: p.Source, Subject: fmt.Sprintf("app %q", p.Name), Message: err.Error() + " in stelvio.WithRegion",
		})
	}
	if p.DNS == nil {
		needsDNS := func(source, name, domain string) {
			ctx.decls.Problems = append(ctx.decls.Problems, route.Problem{
				Source: source, Subject: fmt.Sprintf("api %q", name),
				Message: fmt.Sprintf("domain %s needs a DNS provider; create the app with stelvio.New(name, route53.Use(\"ZONE_ID\")) or cloudflare.Use(\"ZONE_ID\")", domain),
			})
		}
		for _, a := range ctx.decls.Apis {
			if a.DomainName != "" {
				needsDNS(a.Source, a.Name, a.DomainName)
			}
		}
		for _, a := range ctx.decls.HTTPApis {
			if a.DomainName != "" {
				needsDNS(a.Source, a.Name, a.DomainName)
			}
		}
	}
	return route.Build(ctx.decls, p.Name, env, dir)
}

// LoadChecked is Load, then check (the handler code of every function: missing functions, syntax and
// compile errors, wrong signatures) on every function that resolved, all problems reported together
// and sorted by where they were declared.
func (p *Program) LoadChecked(ctx context.Context, env, projectDir string, check func(context.Context, *route.Table) []route.Problem) (*route.Table, error) {
	t, err := p.Load(env, projectDir)
	var problems route.Problems
	if err != nil && !errors.As(err, &problems) {
		return nil, err
	}
	if t != nil && check != nil {
		problems = append(problems, check(ctx, t)...)
	}
	if len(problems) > 0 {
		return nil, route.Sorted(problems)
	}
	return t, nil
}

// regionRE is an AWS region name: us-east-1, eu-central-2, ap-southeast-4, us-gov-west-1, cn-north-1,
// us-iso-east-1.
var regionRE = regexp.MustCompile(`^[a-z]{2}(-gov|-iso[a-z]?)?-[a-z]+-[0-9]{1,2}$`)

// CheckRegion rejects a region that is not an AWS region name; it would end up inside every ARN.
func CheckRegion(r string) error {
	if r == "" || regionRE.MatchString(r) {
		return nil
	}
	return fmt.Errorf("region %q is not an AWS region name; use one such as \"us-east-1\" or \"eu-west-1\"", r)
}

// appNameRE is what an app name may be: it is the Pulumi project name and the start of every physical
// resource name.
var appNameRE = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$`)

var envRE = func(s string) bool {
	if s == "" || len(s) > 32 || strings.HasSuffix(s, "-") {
		return false
	}
	for i, r := range s {
		ok := r >= 'a' && r <= 'z' || r >= '0' && r <= '9' || (r == '-' && i > 0)
		if !ok {
			return false
		}
	}
	return true
}

// CheckEnv rejects environment names that cannot be part of resource names, and environments the app
// does not allow.
func (p *Program) CheckEnv(env string) error {
	if !envRE(env) {
		return fmt.Errorf("environment %q is not a valid name; use 1 to 32 lowercase letters, digits and -, e.g. \"prod\" or \"dev\"", env)
	}
	if len(p.Environments) > 0 && !slices.Contains(p.Environments, env) {
		return fmt.Errorf("environment %q is not one of this app's environments (%s)", env, strings.Join(p.Environments, ", "))
	}
	return nil
}
