package golang

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"go/ast"
	"go/parser"
	"go/printer"
	"go/scanner"
	"go/token"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"sync/atomic"
	"unicode"

	"github.com/stelvio-go/stelvio/internal/authorizer"
	"github.com/stelvio-go/stelvio/internal/route"
	"github.com/stelvio-go/stelvio/internal/runtime"
)

const (
	eventsPath = "github.com/aws/aws-lambda-go/events"
	// Signature is the handler signature stelvio supports, as error messages print it.
	Signature = "func(context.Context, events.APIGatewayProxyRequest) (events.APIGatewayProxyResponse, error)"
)

// handlerFunc is a checked handler: whether it takes a context first, and whether a router must
// convert the event to the type it takes, or its result to the event result type, because it takes
// or returns a type defined from them.
type handlerFunc struct {
	withContext bool
	convert     bool
}

// Check verifies that every target of fn is an exported top-level function of the handler package
// with a supported signature, and that the package compiles for Lambda. Every problem is reported, as
// a *runtime.CheckError.
func (r *Runtime) Check(ctx context.Context, projectDir string, fn *route.Function) error {
	if _, err := inspect(projectDir, fn); err != nil {
		return err
	}
	if r.NoCompileCheck {
		return nil
	}
	return r.compileCheck(ctx, projectDir, fn)
}

// compileCheck compiles fn's handler package (not the generated main) with the flags of the package
// build, for the same platform, so that go's build cache serves the package build that follows. A
// package that compiled is remembered under .stelvio/build/go-check by the hash of the module's Go
// code (see key), so that an unchanged module costs a walk and no go command.
func (r *Runtime) compileCheck(ctx context.Context, projectDir string, fn *route.Function) error {
	mod, err := findModule(filepath.Join(projectDir, filepath.FromSlash(fn.Dir)))
	if err != nil {
		return fmt.Errorf("function %q: %w", fn.Name, err)
	}
	goarch := GOARCH(fn.Architecture)
	key, err := r.key(ctx, mod, []byte("compile check of "+fn.Dir), "linux", goarch, buildFlags)
	if err != nil {
		return fmt.Errorf("function %q: %w", fn.Name, err)
	}
	stamp := filepath.Join(runtime.BuildDir(projectDir), "go-check", key[:32])
	if _, err := os.Stat(stamp); err == nil {
		return nil
	}
	args := append([]string{"build"}, buildFlags...)
	args = append(args, "./"+fn.Dir)
	cmd := exec.CommandContext(ctx, r.gocmd(), args...)
	cmd.Dir = projectDir
	cmd.Env = append(os.Environ(), "CGO_ENABLED=0", "GOOS=linux", "GOARCH="+goarch)
	var output bytes.Buffer
	cmd.Stdout, cmd.Stderr = &output, &output
	checkCompiles.Add(1)
	if err := cmd.Run(); err != nil {
		if ctx.Err() != nil {
			return fmt.Errorf("check function %q: %w", fn.Name, ctx.Err())
		}
		return &runtime.CheckError{Function: fn.Name, Problems: compilerProblems(fn.Name, rel(projectDir, output.String()), err)}
	}
	if err := runtime.WriteFileAtomic(stamp, nil); err != nil {
		return fmt.Errorf("function %q: %w", fn.Name, runtime.StateError(projectDir, err))
	}
	return nil
}

// checkCompiles counts the compile checks that ran go build.
var checkCompiles atomic.Int64

// compilerProblems makes one problem of each compiler message in go build's output ("file:line:col:
// message", with its indented continuation lines), leaving out the "# package" headers.
func compilerProblems(function, output string, err error) []runtime.Problem {
	var out []runtime.Problem
	for _, line := range strings.Split(strings.TrimRight(output, "\n"), "\n") {
		switch {
		case line == "" || strings.HasPrefix(line, "# "):
		case (strings.HasPrefix(line, "\t") || strings.HasPrefix(line, " ")) && len(out) > 0:
			out[len(out)-1].Message += "\n" + line
		default:
			out = append(out, runtime.Problem{Function: function, Message: line})
		}
	}
	if len(out) == 0 {
		out = append(out, runtime.Problem{Function: function, Message: fmt.Sprintf("go build failed (%v) without output", err)})
	}
	return out
}

// inspect parses the handler package and returns its targets' signatures, or a *runtime.CheckError
// with every problem found.
func inspect(projectDir string, fn *route.Function) (map[string]handlerFunc, error) {
	dir := filepath.Join(projectDir, filepath.FromSlash(fn.Dir))
	entries, err := os.ReadDir(dir)
	if err != nil {
		return nil, fmt.Errorf("function %q: Go package directory %s: %w", fn.Name, fn.Dir, err)
	}
	var problems []runtime.Problem
	add := func(t *route.Target, format string, args ...any) {
		p := runtime.Problem{Function: fn.Name, Message: fmt.Sprintf(format, args...)}
		if t != nil {
			p.Route, p.HTTPRoute = runtime.FirstRoute(fn, *t), runtime.FirstHTTPRoute(fn, *t)
		}
		problems = append(problems, p)
	}
	fset := token.NewFileSet()
	type decl struct {
		fn   *ast.FuncDecl
		file *ast.File
	}
	funcs := map[string]decl{}
	var files []*ast.File
	for _, e := range entries {
		name := e.Name()
		if e.IsDir() || !strings.HasSuffix(name, ".go") || strings.HasSuffix(name, "_test.go") {
			continue
		}
		f, err := parser.ParseFile(fset, filepath.Join(dir, name), nil, parser.SkipObjectResolution)
		if err != nil {
			var list scanner.ErrorList
			if errors.As(err, &list) {
				for _, e := range list {
					add(nil, "%s:%d:%d: %s", rel(projectDir, e.Pos.Filename), e.Pos.Line, e.Pos.Column, e.Msg)
				}
			} else {
				add(nil, "%s", rel(projectDir, err.Error()))
			}
			continue
		}
		if f.Name.Name == "main" {
			add(nil, "%s/%s is package main; a Go handler lives in an importable package (e.g. package %s)", fn.Dir, name, filepath.Base(dir))
			break
		}
		files = append(files, f)
		for _, d := range f.Decls {
			if fd, ok := d.(*ast.FuncDecl); ok && fd.Recv == nil {
				funcs[fd.Name.Name] = decl{fn: fd, file: f}
			}
		}
	}
	if len(problems) > 0 {
		return nil, &runtime.CheckError{Function: fn.Name, Problems: problems}
	}
	res := &resolver{fset: fset, pkgs: map[string]map[string]typeDecl{}}
	if mod, err := findModule(dir); err == nil {
		res.mod = mod
	}
	absDir := absOr(dir)
	res.addFiles(absDir, files)
	out := map[string]handlerFunc{}
	ev := eventsOf(fn)
	for _, t := range fn.Targets() {
		d, ok := funcs[t.Func]
		if !ok {
			add(&t, "package %s has no function %s; add \"%s\" or fix the handler string", fn.Dir, t.Func, ev.write(t.Func))
			continue
		}
		pos := fset.Position(d.fn.Pos())
		at := fmt.Sprintf("%s:%d", rel(projectDir, pos.Filename), pos.Line)
		if !ast.IsExported(t.Func) {
			up := []rune(t.Func)
			up[0] = unicode.ToUpper(up[0])
			add(&t, "%s: function %s is not exported; rename it %s so that the generated main package can call it", at, t.Func, string(up))
			continue
		}
		h, why := signature(d.fn.Type, d.file, absDir, res, ev, fn.NeedsRouter())
		if why != "" {
			add(&t, "%s: %s has the signature %s; %s. %s", at, t.Func, printType(fset, d.fn.Type), why, ev.accepted(t.Func))
			continue
		}
		if d.fn.Type.TypeParams != nil {
			add(&t, "%s: %s is generic; %s", at, t.Func, accepted(fn, t.Func))
			continue
		}
		out[t.Func] = h
	}
	if len(problems) > 0 {
		sort.SliceStable(problems, func(i, j int) bool { return problems[i].String() < problems[j].String() })
		return nil, &runtime.CheckError{Function: fn.Name, Problems: problems}
	}
	return out, nil
}

// accepted says which handler signatures aws-lambda-go's lambda.Start accepts and which of them fn
// needs.
func accepted(fn *route.Function, name string) string {
	return eventsOf(fn).accepted(name)
}

// eventsOf are the events fn's handler takes and returns.
func eventsOf(fn *route.Function) handlerEvents {
	switch {
	case fn.Authorizer != nil:
		return authorizerEvents(fn.Authorizer.Kind)
	case fn.Subscription != nil:
		return subscriberEvents
	case fn.HTTPAuthorizer != nil && fn.HTTPAuthorizer.SimpleResponses:
		return handlerEvents{"APIGatewayV2CustomAuthorizerV2Request", "APIGatewayV2CustomAuthorizerSimpleResponse", "an HTTP API's Lambda authorizer", false}
	case fn.HTTPAuthorizer != nil:
		return handlerEvents{"APIGatewayV2CustomAuthorizerV2Request", "APIGatewayV2CustomAuthorizerIAMPolicyResponse", "an HTTP API's Lambda authorizer", false}
	case len(fn.HTTPRoutes) > 0:
		return httpEvents
	}
	return proxyEvents
}

// handlerEvents are the event and result types (of package events) of a kind of handler; out is ""
// for a handler that returns only an error.
type handlerEvents struct {
	in, out string
	// what names the handler in messages.
	what string
	// anyOut: the handler may return any value (an HTTP API route's handler: API Gateway reads a
	// result without statusCode as a 200 JSON body).
	anyOut bool
}

// httpEvents are an HTTP API route's: the payload format 2.0 event, and a result of any type.
// https://docs.aws.amazon.com/apigateway/latest/developerguide/http-api-develop-integrations-lambda.html
var httpEvents = handlerEvents{"APIGatewayV2HTTPRequest", "APIGatewayV2HTTPResponse", "an HTTP API route's handler", true}

// proxyEvents are an API route's.
var proxyEvents = handlerEvents{"APIGatewayProxyRequest", "APIGatewayProxyResponse", "an API route's handler", false}

// authorizerEvents are those of a Lambda authorizer of kind.
func authorizerEvents(kind authorizer.Kind) handlerEvents {
	if kind == authorizer.KindRequest {
		return handlerEvents{"APIGatewayCustomAuthorizerRequestTypeRequest", "APIGatewayCustomAuthorizerResponse", "a REQUEST authorizer", false}
	}
	return handlerEvents{"APIGatewayCustomAuthorizerRequest", "APIGatewayCustomAuthorizerResponse", "a TOKEN authorizer", false}
}

// subscriberEvents are a table subscriber's: Lambda invokes it with a batch of stream records and
// looks only at whether it failed (the event source mapping reports no batch item failures).
var subscriberEvents = handlerEvents{"DynamoDBEvent", "", "a table subscriber", false}

// write is the signature to write for a handler named name.
func (e handlerEvents) write(name string) string {
	if e.out == "" {
		return fmt.Sprintf("func %s(ctx context.Context, e events.%s) error", name, e.in)
	}
	return fmt.Sprintf("func %s(ctx context.Context, req events.%s) (events.%s, error)", name, e.in, e.out)
}

// returns is what the handler returns, as messages print it.
func (e handlerEvents) returns() string {
	if e.out == "" {
		return "error"
	}
	if e.anyOut {
		return fmt.Sprintf("(a value or events.%s, error)", e.out)
	}
	return fmt.Sprintf("(events.%s, error)", e.out)
}

func (e handlerEvents) accepted(name string) string {
	if e.out == "" {
		return fmt.Sprintf("aws-lambda-go accepts func([context.Context][, TIn]) [error | (TOut, error)]; %s takes TIn events.%s and returns error: write \"%s\" (the context is optional; events is github.com/aws/aws-lambda-go/events)", e.what, e.in, e.write(name))
	}
	if e.in != proxyEvents.in {
		return fmt.Sprintf("aws-lambda-go accepts func([context.Context][, TIn]) [error | (TOut, error)]; %s takes TIn events.%s and returns (events.%s, error): write \"func %s(ctx context.Context, req events.%s) (events.%s, error)\" (the context is optional; events is github.com/aws/aws-lambda-go/events)", e.what, e.in, e.out, name, e.in, e.out)
	}
	return fmt.Sprintf("aws-lambda-go accepts func([context.Context][, TIn]) [error | (TOut, error)]; an API route's handler takes TIn events.APIGatewayProxyRequest and returns (events.APIGatewayProxyResponse, error): write \"func %s(ctx context.Context, req events.APIGatewayProxyRequest) (events.APIGatewayProxyResponse, error)\" (the context is optional; events is github.com/aws/aws-lambda-go/events)", name)
}

// rel makes the paths of projectDir in s project-relative ("functions/gobad/gobad.go:3:14").
func rel(projectDir, s string) string {
	for _, dir := range []string{projectDir, absOr(projectDir)} {
		if dir != "" {
			s = strings.ReplaceAll(s, filepath.Clean(dir)+string(filepath.Separator), "")
		}
	}
	return s
}

func absOr(dir string) string {
	abs, err := filepath.Abs(dir)
	if err != nil {
		return ""
	}
	return abs
}

// signature checks that ft, declared in file of the package in dir, is a handler signature that
// aws-lambda-go runs for events ev, and reports whether it takes a context, or says what is wrong
// with it. Types are compared once aliases are followed, wherever in the module they are declared.
// The event may also be taken as a type defined from the event type (the same fields: aws-lambda-go
// decodes the event's JSON into it alike) and, by a function of one handler, which lambda.Start runs
// as it is, as an empty interface or json.RawMessage; the context must be context.Context and the
// error error (or aliases of them).
func signature(ft *ast.FuncType, file *ast.File, dir string, res *resolver, ev handlerEvents, router bool) (handlerFunc, string) {
	var params, results []typeRef
	var written []ast.Expr
	for _, p := range ft.Params.List {
		for range max(len(p.Names), 1) {
			params = append(params, res.resolve(p.Type, file, dir))
			written = append(written, p.Type)
		}
	}
	if ft.Results != nil {
		for _, p := range ft.Results.List {
			for range max(len(p.Names), 1) {
				results = append(results, res.resolve(p.Type, file, dir))
			}
		}
	}
	isError := func(r typeRef) bool { return r.exact("", "error") }
	var h handlerFunc
	resultsOK := false
	switch {
	case ev.out == "":
		resultsOK = len(results) == 1 && isError(results[0])
	case len(results) == 2 && isError(results[1]) && ev.anyOut:
		resultsOK = true
	case len(results) == 2 && isError(results[1]) && results[0].is(eventsPath, ev.out):
		resultsOK, h.convert = true, results[0].defined
	}
	paramsOK := false
	in := -1
	switch {
	case len(params) == 2 && params[0].exact("context", "Context"):
		h.withContext, in = true, 1
	case len(params) == 1:
		in = 0
	}
	var raw string
	if in >= 0 {
		switch p := params[in]; {
		case p.is(eventsPath, ev.in):
			paramsOK, h.convert = true, h.convert || p.defined
		case p.empty || p.exact("encoding/json", "RawMessage"):
			paramsOK = !router
			if router {
				var b bytes.Buffer
				if err := printer.Fprint(&b, token.NewFileSet(), written[in]); err != nil {
					b.Reset()
					b.WriteString("the raw event")
				}
				raw = b.String()
			}
		}
	}
	for _, p := range params {
		if ev.in == proxyEvents.in && p.is(eventsPath, "APIGatewayV2HTTPRequest") {
			return h, "a REST API sends the proxy event of payload format 1.0, events.APIGatewayProxyRequest, not an HTTP API's events.APIGatewayV2HTTPRequest"
		}
	}
	switch {
	case raw != "":
		return h, fmt.Sprintf("it takes %s, which only the handler of a function with one route may take: the routes of this function share one router, which passes each handler the decoded events.%s", raw, ev.in)
	case !paramsOK && !resultsOK:
		return h, fmt.Sprintf("it does not take events.%s nor return %s", ev.in, ev.returns())
	case !paramsOK:
		return h, fmt.Sprintf("it does not take events.%s (after an optional context.Context)", ev.in)
	case !resultsOK:
		return h, fmt.Sprintf("it does not return %s", ev.returns())
	}
	return h, ""
}

func printType(fset *token.FileSet, ft *ast.FuncType) string {
	var b bytes.Buffer
	if err := printer.Fprint(&b, fset, ft); err != nil {
		return "func(...)"
	}
	return b.String()
}
