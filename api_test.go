package stelvio_test

import (
	"fmt"
	"go/ast"
	"go/importer"
	"go/parser"
	"go/token"
	"go/types"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// publicPackage is a package users import: not under internal/, not a command.
type publicPackage struct {
	path, dir string
	files     []string
}

// publicPackages lists the module's public packages and where the compiled export data of each of
// them and of their dependencies is (go list -export, from the build cache).
func publicPackages(t *testing.T) ([]publicPackage, map[string]string) {
	t.Helper()
	goTool, err := exec.LookPath("go")
	if err != nil {
		t.Fatalf("the go command is needed to list the packages: %v", err)
	}
	out, err := exec.Command(goTool, "list", "-f", "{{.ImportPath}}\t{{.Name}}\t{{.Dir}}\t{{join .GoFiles \" \"}}", "./...").Output()
	if err != nil {
		t.Fatalf("go list: %v", err)
	}
	var pkgs []publicPackage
	var paths []string
	for _, line := range strings.Split(strings.TrimSpace(string(out)), "\n") {
		f := strings.Split(line, "\t")
		path, name, dir := f[0], f[1], f[2]
		if name == "main" || isInternal(path) {
			continue
		}
		pkgs = append(pkgs, publicPackage{path: path, dir: dir, files: strings.Fields(f[3])})
		paths = append(paths, path)
	}
	out, err = exec.Command(goTool, append([]string{"list", "-export", "-deps", "-f", "{{.ImportPath}}\t{{.Export}}"}, paths...)...).Output()
	if err != nil {
		t.Fatalf("go list -export: %v", err)
	}
	exports := map[string]string{}
	for _, line := range strings.Split(strings.TrimSpace(string(out)), "\n") {
		if path, file, ok := strings.Cut(line, "\t"); ok && file != "" {
			exports[path] = file
		}
	}
	return pkgs, exports
}

// shortName names a package of the module in test output: "stelvio", "aws/function".
func shortName(path string) string {
	if rel, ok := strings.CutPrefix(path, "github.com/stelvio-go/stelvio/"); ok {
		return rel
	}
	return filepath.Base(path)
}

// isInternal reports whether an import path is of an internal package, which users cannot import.
func isInternal(path string) bool {
	return path == "internal" || strings.HasPrefix(path, "internal/") || strings.Contains(path, "/internal/") || strings.HasSuffix(path, "/internal")
}

// TestPublicAPIHasNoInternalTypes: nothing a user can reach in a public package — an exported
// function's signature, an exported type's fields, methods or definition, an alias, a variable or a
// constant — has a type of an internal package. go doc of a public package must make sense alone.
func TestPublicAPIHasNoInternalTypes(t *testing.T) {
	pkgs, exports := publicPackages(t)
	want := []string{"github.com/stelvio-go/stelvio", "github.com/stelvio-go/stelvio/aws/apigateway",
		"github.com/stelvio-go/stelvio/aws/function", "github.com/stelvio-go/stelvio/aws/route53",
		"github.com/stelvio-go/stelvio/cloudflare", "github.com/stelvio-go/stelvio/dns", "github.com/stelvio-go/stelvio/extend"}
	var have []string
	for _, p := range pkgs {
		have = append(have, p.path)
	}
	for _, w := range want {
		if !slices.Contains(have, w) {
			t.Errorf("public package %s not found (have %v)", w, have)
		}
	}
	fset := token.NewFileSet()
	imp := importer.ForCompiler(fset, "gc", func(path string) (io.ReadCloser, error) {
		file, ok := exports[path]
		if !ok {
			return nil, fmt.Errorf("no export data for %s", path)
		}
		return os.Open(file)
	})
	for _, p := range pkgs {
		t.Run(shortName(p.path), func(t *testing.T) {
			pkg, err := imp.Import(p.path)
			if err != nil {
				t.Fatal(err)
			}
			for _, problem := range internalRefs(pkg) {
				t.Error(problem)
			}
		})
	}
}

// internalRefs lists, for each exported name of pkg, the internal types its API mentions.
func internalRefs(pkg *types.Package) []string {
	var problems []string
	report := func(where string, t types.Type) {
		w := &walker{pkg: pkg, seen: map[types.Type]bool{}}
		w.walk(t)
		for _, r := range w.found {
			problems = append(problems, fmt.Sprintf("%s.%s refers to %s", pkg.Name(), where, r))
		}
	}
	scope := pkg.Scope()
	for _, name := range scope.Names() {
		obj := scope.Lookup(name)
		if !obj.Exported() {
			continue
		}
		switch obj := obj.(type) {
		case *types.TypeName:
			if obj.IsAlias() {
				report(name+" (alias)", types.Unalias(obj.Type()))
				continue
			}
			named, ok := obj.Type().(*types.Named)
			if !ok {
				continue
			}
			report(name, named.Underlying())
			for _, recv := range []types.Type{named, types.NewPointer(named)} {
				ms := types.NewMethodSet(recv)
				for i := 0; i < ms.Len(); i++ {
					if m := ms.At(i).Obj(); m.Exported() {
						report(name+"."+m.Name(), m.Type())
					}
				}
			}
		default:
			report(name, obj.Type())
		}
	}
	slices.Sort(problems)
	return slices.Compact(problems)
}

// walker finds the internal named types a type mentions where a user sees them: exported fields and
// methods, signatures, element types. It does not enter the definitions of other packages' types.
type walker struct {
	pkg   *types.Package
	seen  map[types.Type]bool
	found []string
}

func (w *walker) walk(t types.Type) {
	if t == nil || w.seen[t] {
		return
	}
	w.seen[t] = true
	switch t := t.(type) {
	case *types.Alias:
		if o := t.Obj(); o.Pkg() != nil && isInternal(o.Pkg().Path()) {
			w.found = append(w.found, o.Pkg().Path()+"."+o.Name())
		}
		w.walk(types.Unalias(t))
	case *types.Named:
		o := t.Obj()
		if o.Pkg() != nil && isInternal(o.Pkg().Path()) {
			w.found = append(w.found, o.Pkg().Path()+"."+o.Name())
			return
		}
		for i := 0; i < t.TypeArgs().Len(); i++ {
			w.walk(t.TypeArgs().At(i))
		}
		// An unexported type of the package itself is seen through what it exports.
		if o.Pkg() == w.pkg && !o.Exported() {
			w.walk(t.Underlying())
			for i := 0; i < t.NumMethods(); i++ {
				if m := t.Method(i); m.Exported() {
					w.walk(m.Type())
				}
			}
		}
	case *types.Pointer:
		w.walk(t.Elem())
	case *types.Slice:
		w.walk(t.Elem())
	case *types.Array:
		w.walk(t.Elem())
	case *types.Map:
		w.walk(t.Key())
		w.walk(t.Elem())
	case *types.Chan:
		w.walk(t.Elem())
	case *types.Signature:
		w.walk(t.Params())
		w.walk(t.Results())
	case *types.Tuple:
		for i := 0; i < t.Len(); i++ {
			w.walk(t.At(i).Type())
		}
	case *types.Struct:
		for i := 0; i < t.NumFields(); i++ {
			if f := t.Field(i); f.Exported() {
				w.walk(f.Type())
			}
		}
	case *types.Interface:
		for i := 0; i < t.NumMethods(); i++ {
			if m := t.Method(i); m.Exported() {
				w.walk(m.Type())
			}
		}
	case *types.TypeParam:
		w.walk(t.Constraint())
	}
}

// TestInternalRefsFindsInternalTypes: the walk of TestPublicAPIHasNoInternalTypes finds an internal
// type in each place a user could meet one, so that its passing means something.
func TestInternalRefsFindsInternalTypes(t *testing.T) {
	internal := types.NewPackage("github.com/stelvio-go/stelvio/internal/route", "route")
	table := types.NewNamed(types.NewTypeName(token.NoPos, internal, "Table", nil), types.NewStruct(nil, nil), nil)
	pkg := types.NewPackage("github.com/stelvio-go/stelvio/aws/example", "example")
	scope := pkg.Scope()
	param := func(t types.Type) *types.Tuple { return types.NewTuple(types.NewVar(token.NoPos, pkg, "x", t)) }
	// func Load() *route.Table
	scope.Insert(types.NewFunc(token.NoPos, pkg, "Load", types.NewSignatureType(nil, nil, nil, nil, param(types.NewPointer(table)), false)))
	// type Alias = route.Table
	scope.Insert(types.NewTypeName(token.NoPos, pkg, "Alias", table))
	// type Holder struct { T map[string][]*route.Table; hidden *route.Table }
	holder := types.NewNamed(types.NewTypeName(token.NoPos, pkg, "Holder", nil), types.NewStruct([]*types.Var{
		types.NewField(token.NoPos, pkg, "T", types.NewMap(types.Typ[types.String], types.NewSlice(types.NewPointer(table))), false),
		types.NewField(token.NoPos, pkg, "hidden", types.NewPointer(table), false),
	}, nil), nil)
	scope.Insert(holder.Obj())
	// func (Holder) Get(func(route.Table)) and func (Holder) set(route.Table)
	recv := types.NewVar(token.NoPos, pkg, "h", holder)
	holder.AddMethod(types.NewFunc(token.NoPos, pkg, "Get", types.NewSignatureType(recv, nil, nil,
		param(types.NewSignatureType(nil, nil, nil, param(table), nil, false)), nil, false)))
	holder.AddMethod(types.NewFunc(token.NoPos, pkg, "set", types.NewSignatureType(recv, nil, nil, param(table), nil, false)))
	// var State chan route.Table; var ok int
	scope.Insert(types.NewVar(token.NoPos, pkg, "State", types.NewChan(types.SendRecv, table)))
	scope.Insert(types.NewVar(token.NoPos, pkg, "ok", table))

	got := internalRefs(pkg)
	want := []string{
		"example.Alias (alias) refers to github.com/stelvio-go/stelvio/internal/route.Table",
		"example.Holder refers to github.com/stelvio-go/stelvio/internal/route.Table",
		"example.Holder.Get refers to github.com/stelvio-go/stelvio/internal/route.Table",
		"example.Load refers to github.com/stelvio-go/stelvio/internal/route.Table",
		"example.State refers to github.com/stelvio-go/stelvio/internal/route.Table",
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("found:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}

// TestPublicAPIIsDocumented: every exported name of a public package — functions, methods of exported
// types, types, struct fields and interface methods, constants and variables — has a doc comment
// (a constant or variable in a documented group, or with a comment on its line, counts).
func TestPublicAPIIsDocumented(t *testing.T) {
	pkgs, _ := publicPackages(t)
	for _, p := range pkgs {
		t.Run(shortName(p.path), func(t *testing.T) {
			fset := token.NewFileSet()
			var files []*ast.File
			for _, name := range p.files {
				f, err := parser.ParseFile(fset, filepath.Join(p.dir, name), nil, parser.ParseComments)
				if err != nil {
					t.Fatal(err)
				}
				files = append(files, f)
			}
			for _, problem := range undocumented(fset, files) {
				t.Error(problem)
			}
		})
	}
}

// undocumented lists the exported names of files without a doc comment, as "file:line: name".
func undocumented(fset *token.FileSet, files []*ast.File) []string {
	var out []string
	missing := func(pos token.Pos, what string) {
		p := fset.Position(pos)
		out = append(out, fmt.Sprintf("%s:%d: %s has no doc comment", filepath.Base(p.Filename), p.Line, what))
	}
	hasDoc := func(groups ...*ast.CommentGroup) bool {
		for _, g := range groups {
			if g != nil && strings.TrimSpace(g.Text()) != "" {
				return true
			}
		}
		return false
	}
	packageDoc := false
	for _, f := range files {
		if hasDoc(f.Doc) {
			packageDoc = true
		}
		for _, decl := range f.Decls {
			switch d := decl.(type) {
			case *ast.FuncDecl:
				if !d.Name.IsExported() {
					continue
				}
				name := d.Name.Name
				if d.Recv != nil {
					recv := receiverName(d.Recv.List[0].Type)
					if !ast.IsExported(recv) {
						continue
					}
					name = recv + "." + name
				}
				if !hasDoc(d.Doc) {
					missing(d.Pos(), "func "+name)
				}
			case *ast.GenDecl:
				for _, spec := range d.Specs {
					switch s := spec.(type) {
					case *ast.TypeSpec:
						if !s.Name.IsExported() {
							continue
						}
						// A lone type's comment is the declaration's; in a group each type needs its own.
						if !hasDoc(s.Doc, s.Comment) && (d.Lparen.IsValid() || !hasDoc(d.Doc)) {
							missing(s.Pos(), "type "+s.Name.Name)
						}
						var fields *ast.FieldList
						switch tt := s.Type.(type) {
						case *ast.StructType:
							fields = tt.Fields
						case *ast.InterfaceType:
							fields = tt.Methods
						}
						if fields == nil {
							continue
						}
						for _, field := range fields.List {
							names := field.Names
							if len(names) == 0 { // embedded
								names = []*ast.Ident{ast.NewIdent(receiverName(field.Type))}
							}
							for _, n := range names {
								if n.IsExported() && !hasDoc(field.Doc, field.Comment) {
									missing(field.Pos(), s.Name.Name+"."+n.Name)
								}
							}
						}
					case *ast.ValueSpec:
						for _, n := range s.Names {
							if n.IsExported() && !hasDoc(s.Doc, s.Comment, d.Doc) {
								missing(n.Pos(), d.Tok.String()+" "+n.Name)
							}
						}
					}
				}
			}
		}
	}
	if !packageDoc && len(files) > 0 {
		out = append(out, "the package has no package comment")
	}
	return out
}

// receiverName is the type name of a receiver or embedded field: T, *T, T[P], pkg.T.
func receiverName(e ast.Expr) string {
	switch e := e.(type) {
	case *ast.StarExpr:
		return receiverName(e.X)
	case *ast.IndexExpr:
		return receiverName(e.X)
	case *ast.IndexListExpr:
		return receiverName(e.X)
	case *ast.SelectorExpr:
		return e.Sel.Name
	case *ast.Ident:
		return e.Name
	}
	return ""
}

// TestUndocumentedFindsMissingComments: the check of TestPublicAPIIsDocumented finds each kind of
// undocumented exported name, so that its passing means something.
func TestUndocumentedFindsMissingComments(t *testing.T) {
	src := `// Package p is documented.
package p

// Documented is documented.
type Documented struct {
	// A is documented.
	A int
	B int // B is documented on its line.
	C, d int
	hidden int
}

type Bare int

func (Bare) Method() {}

// Fn is documented.
func Fn() {}

func Undocumented() {}

func unexported() {}

// The runtimes.
const (
	X = 1
	Y = 2
)

var (
	// Z is documented.
	Z = 1
	W = 2
)

type I interface {
	M()
	// N is documented.
	N()
}
`
	fset := token.NewFileSet()
	f, err := parser.ParseFile(fset, "p.go", src, parser.ParseComments)
	if err != nil {
		t.Fatal(err)
	}
	got := undocumented(fset, []*ast.File{f})
	want := []string{
		"p.go:9: Documented.C has no doc comment",
		"p.go:13: type Bare has no doc comment",
		"p.go:15: func Bare.Method has no doc comment",
		"p.go:20: func Undocumented has no doc comment",
		"p.go:33: var W has no doc comment",
		"p.go:36: type I has no doc comment",
		"p.go:37: I.M has no doc comment",
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("found:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}
