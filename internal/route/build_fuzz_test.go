package route

import (
	"errors"
	"os"
	"path/filepath"
	"testing"
)

// FuzzBuild declares two routes from arbitrary methods, paths and handler strings in a small project:
// Build never panics, and either returns a table whose routes all have a function, or Problems that
// each name where and what.
func FuzzBuild(f *testing.F) {
	dir := f.TempDir()
	for name, body := range map[string]string{
		"functions/users.py":           "",
		"functions/orders/handler.py":  "",
		"functions/hello/hello.go":     "package main\n",
		"functions/amb.py":             "",
		"functions/amb/main.go":        "package main\n",
		"functions/hello/requirements": "",
	} {
		p := filepath.Join(dir, name)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			f.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(body), 0o644); err != nil {
			f.Fatal(err)
		}
	}
	f.Add("GET", "/users", "functions/users.index", "POST", "/users/", "functions/users.create")
	f.Add("ANY", "/{proxy+}", "functions/orders::handler.index", "get", "/x", "functions/hello.Hello")
	f.Add("*", "/a/{id}", "functions/amb.index", "PUT", "/a/{b}", "functions/hello.hello")
	f.Fuzz(func(t *testing.T, m1, p1, h1, m2, p2, h2 string) {
		d := &Decls{Apis: []*ApiDecl{{Name: "api", Source: "main.go:1", Routes: []*RouteDecl{
			{Methods: m1, Path: p1, Handler: h1, Source: "main.go:2"},
			{Methods: m2, Path: p2, Handler: h2, Source: "main.go:3"},
		}}}}
		table, err := Build(d, "app", "dev", dir)
		if err != nil {
			var ps Problems
			if !errors.As(err, &ps) || len(ps) == 0 {
				t.Fatalf("error %v is not a list of problems", err)
			}
			for _, p := range ps {
				if p.Source == "" || p.Message == "" {
					t.Fatalf("problem without source or message: %+v", p)
				}
			}
			return
		}
		for _, r := range table.Apis[0].Routes {
			if r.Function == nil || len(r.Methods) == 0 {
				t.Fatalf("route %s has no function or methods", r)
			}
		}
		_ = table.Apis[0].Fingerprint()
		_ = table.Apis[0].Resources()
	})
}
