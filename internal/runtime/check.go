package runtime

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"sync"
	"syscall"

	"github.com/stelvio-go/stelvio/internal/route"
)

// Problem is one thing wrong with a function's handler code, found by its runtime's Check before
// anything is built: a missing file or function, a syntax error, a handler that is not a function or
// has the wrong signature.
type Problem struct {
	// Function is the function's name.
	Function string
	// Route is the first route calling the user function the problem is about, whose Source is the
	// file:line of its declaration; nil for a problem of the whole function (its package does not
	// parse, .stelvio is not writable) or of a function.New instance without routes.
	Route *route.Route
	// HTTPRoute is, for a function of HTTP API routes, the first route calling the user function the
	// problem is about; nil otherwise.
	HTTPRoute *route.HTTPRoute
	// Message says what is wrong, where in the handler code (file:line) and how to fix it. It does not
	// name the route.
	Message string
}

// String is the message with the route or function it concerns: `route GET /users: functions/users.py
// has no function "index"; ...`.
func (p Problem) String() string {
	switch {
	case p.Route != nil:
		return "route " + p.Route.String() + ": " + p.Message
	case p.HTTPRoute != nil:
		return "route " + p.HTTPRoute.Key + ": " + p.Message
	}
	return p.Message
}

// CheckError is every problem a runtime's Check found in one function.
type CheckError struct {
	Function string
	Problems []Problem
}

func (e *CheckError) Error() string {
	lines := make([]string, len(e.Problems))
	for i, p := range e.Problems {
		lines[i] = p.String()
	}
	return fmt.Sprintf("function %q:\n  %s", e.Function, strings.Join(lines, "\n  "))
}

// FirstRoute is the first route of fn that calls target, or nil (a function.New instance).
func FirstRoute(fn *route.Function, target route.Target) *route.Route {
	for _, r := range fn.Routes {
		if r.Target == target {
			return r
		}
	}
	return nil
}

// FirstHTTPRoute is the first HTTP API route of fn that calls target, or nil.
func FirstHTTPRoute(fn *route.Function, target route.Target) *route.HTTPRoute {
	for _, r := range fn.HTTPRoutes {
		if r.Target == target {
			return r
		}
	}
	return nil
}

// Problems turns the error of a runtime's Check into problems: a *CheckError's own, any other error
// (no go command, a missing package folder) as one problem of the whole function, without the
// `function "name": ` its message starts with, since the problem names the function.
func Problems(fn *route.Function, err error) []Problem {
	if err == nil {
		return nil
	}
	var ce *CheckError
	if errors.As(err, &ce) {
		return ce.Problems
	}
	return []Problem{{Function: fn.Name, Message: strings.TrimPrefix(err.Error(), fmt.Sprintf("function %q: ", fn.Name))}}
}

// CheckAll checks the handler code of every function of t (t.Functions, and t.Unbuilt whose
// declarations have problems) with its runtime, several functions at once, and returns every problem
// found (never only the first), sorted by function and then by message. Checks are cheap: no package is built and nothing is compiled (a Python file is parsed by
// the host's python, cached by content; a Go package by go/parser).
func CheckAll(ctx context.Context, projectDir string, rts Registry, t *route.Table) []Problem {
	// A runtime that can prepare the checks of all its functions at once (one process for all of
	// them) does so first; its functions are checked once it is done, the others at once.
	fns := append(slices.Clone(t.Functions), t.Unbuilt...)
	byRuntime := map[string][]*route.Function{}
	for _, fn := range fns {
		byRuntime[fn.Runtime] = append(byRuntime[fn.Runtime], fn)
	}
	prepared := map[string]chan struct{}{}
	for name, fns := range byRuntime {
		p, ok := rts[name].(CheckPreparer)
		if !ok {
			continue
		}
		done := make(chan struct{})
		prepared[name] = done
		go func() {
			defer close(done)
			p.PrepareCheck(ctx, projectDir, fns)
		}()
	}
	results := make([][]Problem, len(fns))
	sem := make(chan struct{}, 4) // a check may start a process
	var wg sync.WaitGroup
	for i, fn := range fns {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if done := prepared[fn.Runtime]; done != nil {
				<-done
			}
			sem <- struct{}{}
			defer func() { <-sem }()
			rt, err := rts.For(fn)
			if err == nil {
				err = rt.Check(ctx, projectDir, fn)
			}
			results[i] = Problems(fn, err)
		}()
	}
	wg.Wait()
	var out []Problem
	for _, r := range results {
		out = append(out, r...)
	}
	sort.SliceStable(out, func(i, j int) bool {
		if out[i].Function != out[j].Function {
			return out[i].Function < out[j].Function
		}
		return out[i].Message < out[j].Message
	})
	return out
}

// CheckPreparer is a Runtime that can prepare the checks of many functions at once, for CheckAll:
// the Python runtime parses every handler file with one python process.
type CheckPreparer interface {
	PrepareCheck(ctx context.Context, projectDir string, fns []*route.Function)
}

// CheckAll checks the handler code of every function of t; see the function CheckAll.
func (p *Packager) CheckAll(ctx context.Context, t *route.Table) []Problem {
	return CheckAll(ctx, p.ProjectDir, p.Runtimes, t)
}

// StateError explains a failure to write stelvio's own files (caches, generated code, packages) under
// the project's .stelvio folder: the fix is about that folder, not about the handler being built.
func StateError(projectDir string, err error) error {
	if errors.Is(err, fs.ErrPermission) || errors.Is(err, syscall.EROFS) {
		return fmt.Errorf(".stelvio is not writable (%w); stelvio keeps its caches, generated code and packages there: make it writable (chmod -R u+w %s) or remove it and run again",
			err, filepath.Join(projectDir, ".stelvio"))
	}
	return fmt.Errorf("cannot write under .stelvio (%w); remove %s and run again", err, filepath.Join(projectDir, ".stelvio"))
}
