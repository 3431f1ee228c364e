package golang

import (
	"bytes"
	"context"
	"fmt"
	"go/ast"
	"go/parser"
	"go/printer"
	"go/token"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
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

// handlerFunc is a checked handler: whether it takes a context first.
type handlerFunc struct {
	withContext bool
}

// Check verifies that every target of fn is an exported top-level function of the handler package
// with a supported signature.
func (r *Runtime) Check(ctx context.Context, projectDir string, fn *route.Function) error {
	_, err := inspect(projectDir, fn)
	return err
}

// inspect parses the handler package and returns its targets' signatures.
func inspect(projectDir string, fn *route.Function) (map[string]handlerFunc, error) {
	dir := filepath.Join(projectDir, filepath.FromSlash(fn.Dir))
	entries, err := os.ReadDir(dir)
	if err != nil {
		return nil, fmt.Errorf("function %q: Go package directory %s: %w", fn.Name, fn.Dir, err)
	}
	fset := token.NewFileSet()
	type decl struct {
		fn   *ast.FuncDecl
		file *ast.File
	}
	funcs := map[string]decl{}
	var problems []string
	for _, e := range entries {
		name := e.Name()
		if e.IsDir() || !strings.HasSuffix(name, ".go") || strings.HasSuffix(name, "_test.go") {
			continue
		}
		f, err := parser.ParseFile(fset, filepath.Join(dir, name), nil, parser.SkipObjectResolution)
		if err != nil {
			problems = append(problems, strings.ReplaceAll(err.Error(), filepath.Join(projectDir, ""), ""))
			continue
		}
		if f.Name.Name == "main" {
			problems = append(problems, fmt.Sprintf("%s/%s is package main; a Go handler lives in an importable package (e.g. package %s)", fn.Dir, name, filepath.Base(dir)))
			break
		}
		for _, d := range f.Decls {
			if fd, ok := d.(*ast.FuncDecl); ok && fd.Recv == nil {
				funcs[fd.Name.Name] = decl{fn: fd, file: f}
			}
		}
	}
	if len(problems) > 0 {
		return nil, fmt.Errorf("function %q: %s", fn.Name, rel(projectDir, strings.Join(problems, "\n  ")))
	}
	out := map[string]handlerFunc{}
	for _, t := range fn.Targets() {
		where := runtime.RouteOf(fn, t)
		d, ok := funcs[t.Func]
		if !ok {
			problems = append(problems, fmt.Sprintf("%s: package %s has no function %s; add \"func %s(ctx context.Context, req events.APIGatewayProxyRequest) (events.APIGatewayProxyResponse, error)\" or fix the handler string", where, fn.Dir, t.Func, t.Func))
			continue
		}
		pos := fset.Position(d.fn.Pos())
		at := fmt.Sprintf("%s:%d", rel(projectDir, pos.Filename), pos.Line)
		if !ast.IsExported(t.Func) {
			up := []rune(t.Func)
			up[0] = unicode.ToUpper(up[0])
			problems = append(problems, fmt.Sprintf("%s: %s: function %s is not exported; rename it %s so that the generated main package can call it", where, at, t.Func, string(up)))
			continue
		}
		want, in, outType := Signature, "APIGatewayProxyRequest", "APIGatewayProxyResponse"
		if fn.Authorizer != nil {
			want, in, outType = authorizerSignature(fn.Authorizer.Kind)
		}
		h, ok := signature(d.fn.Type, d.file, in, outType)
		if !ok {
			problems = append(problems, fmt.Sprintf("%s: %s: %s has the signature %s; a Go handler must be %s (the context is optional)", where, at, t.Func, printType(fset, d.fn.Type), want))
			continue
		}
		if d.fn.Type.TypeParams != nil {
			problems = append(problems, fmt.Sprintf("%s: %s: %s is generic; a Go handler must be %s", where, at, t.Func, Signature))
			continue
		}
		out[t.Func] = h
	}
	if len(problems) > 0 {
		sort.Strings(problems)
		return nil, fmt.Errorf("function %q:\n  %s", fn.Name, strings.Join(problems, "\n  "))
	}
	return out, nil
}

func rel(projectDir, s string) string {
	abs, err := filepath.Abs(projectDir)
	if err != nil {
		return s
	}
	return strings.ReplaceAll(s, abs+string(filepath.Separator), "")
}

// authorizerSignature is the handler signature of a Lambda authorizer of kind, and its event and
// result types in package events.
func authorizerSignature(kind authorizer.Kind) (sig, in, out string) {
	in, out = "APIGatewayCustomAuthorizerRequest", "APIGatewayCustomAuthorizerResponse"
	if kind == authorizer.KindRequest {
		in = "APIGatewayCustomAuthorizerRequestTypeRequest"
	}
	return fmt.Sprintf("func(context.Context, events.%s) (events.%s, error)", in, out), in, out
}

// signature reports whether ft is a supported handler signature taking the event type in and
// returning out (types of package events), and whether it takes a context.
func signature(ft *ast.FuncType, f *ast.File, in, out string) (handlerFunc, bool) {
	imports := map[string]string{} // local name -> import path
	for _, im := range f.Imports {
		p, _ := strconv.Unquote(im.Path.Value)
		name := p[strings.LastIndex(p, "/")+1:]
		if im.Name != nil {
			name = im.Name.Name
		}
		imports[name] = p
	}
	is := func(e ast.Expr, path, sel string) bool {
		s, ok := e.(*ast.SelectorExpr)
		if !ok {
			return false
		}
		x, ok := s.X.(*ast.Ident)
		return ok && imports[x.Name] == path && s.Sel.Name == sel
	}
	var params []ast.Expr
	for _, p := range ft.Params.List {
		n := len(p.Names)
		if n == 0 {
			n = 1
		}
		for range n {
			params = append(params, p.Type)
		}
	}
	var results []ast.Expr
	if ft.Results != nil {
		for _, p := range ft.Results.List {
			n := len(p.Names)
			if n == 0 {
				n = 1
			}
			for range n {
				results = append(results, p.Type)
			}
		}
	}
	if len(results) != 2 || !is(results[0], eventsPath, out) {
		return handlerFunc{}, false
	}
	if id, ok := results[1].(*ast.Ident); !ok || id.Name != "error" {
		return handlerFunc{}, false
	}
	switch {
	case len(params) == 2 && is(params[0], "context", "Context") && is(params[1], eventsPath, in):
		return handlerFunc{withContext: true}, true
	case len(params) == 1 && is(params[0], eventsPath, in):
		return handlerFunc{}, true
	}
	return handlerFunc{}, false
}

func printType(fset *token.FileSet, ft *ast.FuncType) string {
	var b bytes.Buffer
	if err := printer.Fprint(&b, fset, ft); err != nil {
		return "func(...)"
	}
	return b.String()
}
