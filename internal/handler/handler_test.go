package handler

import (
	"os"
	"path/filepath"
	"testing"
)

func TestParseAndResolve(t *testing.T) {
	dir := t.TempDir()
	for name, body := range map[string]string{
		"functions/users.py":              "",
		"functions/my-app.py":             "",
		"functions/orders/api/handler.py": "",
		"functions/hello/hello.go":        "package main\n",
		"functions/hello/hello_test.go":   "package main\n",
		"functions/onlytests/x_test.go":   "package main\n",
		"main.py":                         "",
	} {
		p := filepath.Join(dir, name)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	tests := []struct {
		handler, folder, runtime string
		module, key, dir, file   string
		family                   string
	}{
		{"functions/users.index", "", "", "users", "file:functions/users.py", "functions", "functions/users.py", Python},
		{"functions/my-app.index", "", "", "my-app", "file:functions/my-app.py", "functions", "functions/my-app.py", Python},
		{"main.handler", "", "", "main", "file:main.py", ".", "main.py", Python},
		{"functions/orders::api/handler.index", "", "", "api.handler", "folder:functions/orders", "functions/orders", "functions/orders/api/handler.py", Python},
		{"api/handler.index", "functions/orders", "", "api.handler", "folder:functions/orders", "functions/orders", "functions/orders/api/handler.py", Python},
		{"functions/hello.Hello", "", "", "hello", "go:functions/hello", "functions/hello", "", Go},
		{"functions/hello.Hello", "", Go, "hello", "go:functions/hello", "functions/hello", "", Go},
	}
	for _, tt := range tests {
		t.Run(tt.handler, func(t *testing.T) {
			ref, err := Parse(tt.handler, tt.folder)
			if err != nil {
				t.Fatal(err)
			}
			if ref.Module() != tt.module {
				t.Errorf("Module() = %q, want %q", ref.Module(), tt.module)
			}
			res, err := Resolve(dir, ref, tt.runtime)
			if err != nil {
				t.Fatal(err)
			}
			if res.Key() != tt.key || res.Dir != tt.dir || res.File != tt.file || res.Runtime != tt.family {
				t.Errorf("resolved key %q dir %q file %q runtime %q, want %q %q %q %q", res.Key(), res.Dir, res.File, res.Runtime, tt.key, tt.dir, tt.file, tt.family)
			}
		})
	}

	// A directory with only test files is not a Go package a handler can live in.
	ref, err := Parse("functions/onlytests.Handler", "")
	if err != nil {
		t.Fatal(err)
	}
	_, err = Resolve(dir, ref, "")
	want := `handler "functions/onlytests.Handler": functions/onlytests.py not found in the project, and folder functions/onlytests/ has no Go files (other than _test.go); add the Python file or the Go package`
	if err == nil || err.Error() != want {
		t.Errorf("error %v, want %s", err, want)
	}
}
