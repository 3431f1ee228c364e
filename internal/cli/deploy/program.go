package deploy

import (
	"errors"
	"github.com/stelvio-go/stelvio/internal/cli"
	"github.com/stelvio-go/stelvio/internal/runtime/registry"

	"github.com/stelvio-go/stelvio/internal/app"
	"github.com/stelvio-go/stelvio/internal/engine"
)

// appName is the app's name, the Pulumi project of its stacks.
func appName(p *app.Program) string {
	if p == nil {
		return ""
	}
	return p.Name
}

// engineOptions are the engine settings for the command's environment: the
// app's settings, overridden by flags. withProgram also loads the app's
// route table into the program the engine runs (deploy, diff); operations
// that only read or delete state do not need it, so a program with errors
// can still be destroyed, unlocked or inspected.
func engineOptions(f *Factory, s cli.StackFlags, withProgram bool) (engine.Options, error) {
	opts := engine.Options{
		App:     appName(f.Program),
		Env:     s.Env,
		Dir:     f.Dir,
		Backend: s.Backend,
		Region:  s.Region,
		Profile: s.Profile,
	}
	p := f.Program
	if p == nil {
		return opts, nil
	}
	opts.Backend = cmp(opts.Backend, p.Backend)
	if err := app.CheckRegion(opts.Region); err != nil {
		return opts, cli.UsageErrorf("--region: %v", err)
	}
	opts.Region = cmp(opts.Region, p.Region)
	opts.Profile = cmp(opts.Profile, p.Profile)
	if !withProgram {
		return opts, nil
	}
	// The whole program is resolved and validated before any engine call,
	// so every problem is reported at once and nothing is half-deployed.
	table, err := p.LoadChecked(f.Context, s.Env, f.Dir, registry.Checker(f.Dir))
	if err != nil {
		return opts, err
	}
	if f.Resources == nil {
		return opts, errors.New("this command line has no resource builder for deployments")
	}
	if opts.Program, err = f.Resources(f.Context, table); err != nil {
		return opts, err
	}
	return opts, nil
}

// cmp returns the first non-empty string.
func cmp(a, b string) string {
	if a != "" {
		return a
	}
	return b
}
