package cli

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/stelvio-go/stelvio/internal/engine"
)

// An unusable personal environment in .stelvio/userenv names the file it came from and the fix.
func TestResolveEnvNamesUserenv(t *testing.T) {
	tests := []struct {
		name, content, explicit, want string
	}{
		{"bad name in the file", "Bad Name!\n", "",
			`your personal environment, read from .stelvio/userenv: environment "Bad Name!" is not a valid name; use 1 to 32 lowercase letters, digits and -, e.g. "prod" or "dev"; fix the name in that file, delete it (stelvio writes it again from your OS user name), or name the environment explicitly`},
		{"bad explicit name", "alice\n", "Bad",
			`environment "Bad" is not a valid name; use 1 to 32 lowercase letters, digits and -, e.g. "prod" or "dev"`},
		{"good file", "alice\n", "", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			if err := os.MkdirAll(filepath.Join(dir, engine.StateDir), 0o755); err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(filepath.Join(dir, engine.StateDir, "userenv"), []byte(tt.content), 0o644); err != nil {
				t.Fatal(err)
			}
			f := &Factory{Dir: dir, Getenv: func(string) string { return "" }}
			env, err := resolveEnv(f, tt.explicit, true, "deploy")
			if tt.want == "" {
				if err != nil || env != "alice" {
					t.Fatalf("resolveEnv = %q, %v; want alice", env, err)
				}
				return
			}
			if err == nil || err.Error() != tt.want {
				t.Fatalf("error:\n%v\nwant:\n%s", err, tt.want)
			}
		})
	}
}
