package cli

import (
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
// app's settings, overridden by flags.
func engineOptions(f *Factory, s StackFlags) (engine.Options, error) {
	opts := engine.Options{
		App:     appName(f.Program),
		Env:     s.Env,
		Dir:     f.Dir,
		Backend: s.Backend,
		Region:  s.Region,
		Profile: s.Profile,
	}
	if p := f.Program; p != nil {
		opts.Backend = cmp(opts.Backend, p.Backend)
		opts.Region = cmp(opts.Region, p.Region)
		opts.Profile = cmp(opts.Profile, p.Profile)
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
