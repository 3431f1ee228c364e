package golang

import (
	"go/ast"
	"go/parser"
	"go/token"
	"os"
	"path/filepath"
	"strconv"
	"strings"
)

// typeRef is what a handler's parameter or result type is once aliases are followed: the named type
// of another module it reaches (events.APIGatewayProxyRequest, context.Context), the predeclared
// error, or an empty interface. The check reads source only, as go/types would see the declarations,
// without running the go command: an alias (type Req = events.APIGatewayProxyRequest) is the
// identical type, in the handler's package or in any other package of its module.
type typeRef struct {
	// path and name name the type reached: path is "" for the predeclared error.
	path, name string
	// defined: the handler's type is a type defined from it (type Req events.APIGatewayProxyRequest):
	// the same fields, so aws-lambda-go decodes the event into it alike, but another type, which a
	// router converts to.
	defined bool
	// empty: an empty interface (any, interface{}), into which aws-lambda-go decodes any event.
	empty bool
}

func (r typeRef) is(path, name string) bool { return r.path == path && r.name == name }

// exact: r is the type path.name itself or an alias of it.
func (r typeRef) exact(path, name string) bool { return r.is(path, name) && !r.defined }

// typeDecl is a package-level type declaration and the file holding it (for its imports).
type typeDecl struct {
	spec *ast.TypeSpec
	file *ast.File
	dir  string
}

// resolver follows type names through the packages of one module, parsing each package once.
type resolver struct {
	fset *token.FileSet
	mod  module
	// pkgs are the type declarations of the packages read, by directory.
	pkgs map[string]map[string]typeDecl
}

// addFiles records the type declarations of the files of the package in dir.
func (r *resolver) addFiles(dir string, files []*ast.File) {
	decls := r.pkgs[dir]
	if decls == nil {
		decls = map[string]typeDecl{}
		r.pkgs[dir] = decls
	}
	for _, f := range files {
		for _, d := range f.Decls {
			gd, ok := d.(*ast.GenDecl)
			if !ok || gd.Tok != token.TYPE {
				continue
			}
			for _, s := range gd.Specs {
				ts := s.(*ast.TypeSpec)
				decls[ts.Name.Name] = typeDecl{spec: ts, file: f, dir: dir}
			}
		}
	}
}

// pkg returns the type declarations of the module's package at importPath, reading it on first use;
// nil when the package is not in the module or cannot be read (the compiler reports that).
func (r *resolver) pkg(importPath string) map[string]typeDecl {
	if r.mod.path == "" {
		return nil
	}
	var dir string
	switch {
	case importPath == r.mod.path:
		dir = r.mod.root
	case strings.HasPrefix(importPath, r.mod.path+"/"):
		dir = filepath.Join(r.mod.root, filepath.FromSlash(strings.TrimPrefix(importPath, r.mod.path+"/")))
	default:
		return nil
	}
	if decls, ok := r.pkgs[dir]; ok {
		return decls
	}
	entries, err := os.ReadDir(dir)
	if err != nil {
		r.pkgs[dir] = nil
		return nil
	}
	var files []*ast.File
	for _, e := range entries {
		name := e.Name()
		if e.IsDir() || !strings.HasSuffix(name, ".go") || strings.HasSuffix(name, "_test.go") {
			continue
		}
		if f, err := parser.ParseFile(r.fset, filepath.Join(dir, name), nil, parser.SkipObjectResolution); err == nil {
			files = append(files, f)
		}
	}
	r.addFiles(dir, files)
	return r.pkgs[dir]
}

// resolve follows the type expression e, written in file of the package in dir.
func (r *resolver) resolve(e ast.Expr, file *ast.File, dir string) typeRef {
	return r.follow(e, file, dir, 0)
}

// maxDepth bounds a chain of type declarations (a cycle is a compile error, reported by go build).
const maxDepth = 32

func (r *resolver) follow(e ast.Expr, file *ast.File, dir string, depth int) typeRef {
	if depth > maxDepth {
		return typeRef{}
	}
	switch t := e.(type) {
	case *ast.ParenExpr:
		return r.follow(t.X, file, dir, depth+1)
	case *ast.InterfaceType:
		if t.Methods == nil || len(t.Methods.List) == 0 {
			return typeRef{empty: true}
		}
	case *ast.Ident:
		if d, ok := r.pkgs[dir][t.Name]; ok {
			return r.decl(d, depth)
		}
		switch t.Name {
		case "error":
			return typeRef{name: "error"}
		case "any":
			return typeRef{empty: true}
		}
	case *ast.SelectorExpr:
		x, ok := t.X.(*ast.Ident)
		if !ok {
			return typeRef{}
		}
		path, ok := importPath(file, x.Name)
		if !ok {
			return typeRef{}
		}
		if decls := r.pkg(path); decls != nil {
			if d, ok := decls[t.Sel.Name]; ok {
				return r.decl(d, depth)
			}
			return typeRef{}
		}
		return typeRef{path: path, name: t.Sel.Name}
	}
	return typeRef{}
}

// decl follows the declaration d: an alias is the type it names; a defined type has that type's
// fields and is marked defined.
func (r *resolver) decl(d typeDecl, depth int) typeRef {
	if d.spec.TypeParams != nil {
		return typeRef{}
	}
	ref := r.follow(d.spec.Type, d.file, d.dir, depth+1)
	if !d.spec.Assign.IsValid() && !ref.empty {
		ref.defined = true
	}
	return ref
}

// importPath is the path of the package file imports as name.
func importPath(file *ast.File, name string) (string, bool) {
	for _, im := range file.Imports {
		p, err := strconv.Unquote(im.Path.Value)
		if err != nil {
			continue
		}
		local := p[strings.LastIndex(p, "/")+1:]
		if im.Name != nil {
			local = im.Name.Name
		}
		if local == name {
			return p, true
		}
	}
	return "", false
}
