// Package registry assembles the language runtimes stelvio ships into a runtime.Registry: the one
// place that knows every language.
package registry

import (
	"context"

	"github.com/stelvio-go/stelvio/internal/handler"
	"github.com/stelvio-go/stelvio/internal/route"
	"github.com/stelvio-go/stelvio/internal/runtime"
	"github.com/stelvio-go/stelvio/internal/runtime/golang"
	"github.com/stelvio-go/stelvio/internal/runtime/python"
)

// Default returns the Python and Go runtimes; interpreter is the host python ("python3" when empty).
func Default(interpreter string) runtime.Registry {
	return runtime.Registry{
		handler.Python: python.New(interpreter),
		handler.Go:     golang.New(),
	}
}

// Packager returns a packager of the default runtimes for the project in projectDir.
func Packager(projectDir string) *runtime.Packager {
	return &runtime.Packager{ProjectDir: projectDir, Runtimes: Default("")}
}

// Checker checks the handler code of every function of a table with the default runtimes, and gives
// each problem the file:line of the route (or function.New) that declared the function.
func Checker(projectDir string) func(context.Context, *route.Table) []route.Problem {
	return checker(projectDir, Default(""))
}

// DevChecker is Checker for dev: Go handler packages are checked (signatures, syntax) but not compiled
// here, since the local server builds them right after and prints their compiler errors itself. The
// packages of functions whose declarations have problems (route.Table.Unbuilt) are compiled: the local
// server never builds them, and their compiler errors belong with the declaration's problems.
func DevChecker(projectDir string) func(context.Context, *route.Table) []route.Problem {
	full := Default("")
	dev := runtime.Registry{handler.Python: full[handler.Python], handler.Go: &golang.Runtime{NoCompileCheck: true}}
	return func(ctx context.Context, t *route.Table) []route.Problem {
		built := &route.Table{App: t.App, Env: t.Env, Functions: t.Functions}
		unbuilt := &route.Table{App: t.App, Env: t.Env, Functions: t.Unbuilt}
		out := problems(t, runtime.CheckAll(ctx, projectDir, dev, built))
		return append(out, problems(t, runtime.CheckAll(ctx, projectDir, full, unbuilt))...)
	}
}

func checker(projectDir string, rts runtime.Registry) func(context.Context, *route.Table) []route.Problem {
	return func(ctx context.Context, t *route.Table) []route.Problem {
		return problems(t, runtime.CheckAll(ctx, projectDir, rts, t))
	}
}

// problems gives each problem of the handler code of t's functions the file:line of the route (or
// function.New) that declared the function.
func problems(t *route.Table, found []runtime.Problem) []route.Problem {
	var out []route.Problem
	for _, p := range found {
		rp := route.Problem{Message: p.Message}
		if p.Route != nil {
			rp.Source, rp.Subject = p.Route.Source, "route "+p.Route.String()
		} else if p.HTTPRoute != nil {
			rp.Source, rp.Subject = p.HTTPRoute.Source, "route "+p.HTTPRoute.Key
		} else if fn := functionByName(t, p.Function); fn != nil {
			rp.Source, rp.Subject = fn.Source, "function "+fn.Name
		} else {
			rp.Subject = "function " + p.Function
		}
		out = append(out, rp)
	}
	return out
}

// functionByName finds a function of t by name, built or not (route.Table.Unbuilt).
func functionByName(t *route.Table, name string) *route.Function {
	if fn := t.FunctionByName(name); fn != nil {
		return fn
	}
	for _, fn := range t.Unbuilt {
		if fn.Name == name {
			return fn
		}
	}
	return nil
}
