package runtime_test

import (
	"archive/zip"
	"bytes"
	"io"
	"os"
	"path/filepath"
	"slices"
	"syscall"
	"testing"

	"github.com/stelvio-go/stelvio/internal/runtime"
)

func write(t *testing.T, dir, name, body string) {
	t.Helper()
	p := filepath.Join(dir, filepath.FromSlash(name))
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(p, []byte(body), 0o644); err != nil {
		t.Fatal(err)
	}
}

func link(t *testing.T, target, name string) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(name), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(target, name); err != nil {
		t.Fatal(err)
	}
}

func real(t *testing.T, p string) string {
	t.Helper()
	r, err := filepath.EvalSymlinks(p)
	if err != nil {
		t.Fatal(err)
	}
	return r
}

// A folder-based function's folder is packaged with the links that stay inside the project followed
// (their contents packaged), and every link that leaves it refused by name, with its target.
func TestAddDirSymlinks(t *testing.T) {
	home := t.TempDir() // stands for the user's home, outside the project
	write(t, home, ".aws/credentials", "[default]\naws_secret_access_key = SECRET\n")
	outsideDir := filepath.Join(home, ".ssh")
	write(t, home, ".ssh/id_ed25519", "KEY")

	tests := []struct {
		name string
		// setup makes functions/orders under project.
		setup     func(t *testing.T, project string)
		wantNames []string
		wantErr   func(project string) string
	}{
		{
			name: "link to a file outside the project",
			setup: func(t *testing.T, project string) {
				write(t, project, "functions/orders/handler.py", "def index(e, c): pass\n")
				link(t, filepath.Join(home, ".aws/credentials"), filepath.Join(project, "functions/orders/x"))
			},
			wantErr: func(string) string {
				return "functions/orders/x is a symbolic link to " + real(t, filepath.Join(home, ".aws/credentials")) +
					", outside the project; stelvio packages only files inside the project: copy what the function needs into the project or remove the link"
			},
		},
		{
			name: "link to a folder outside the project",
			setup: func(t *testing.T, project string) {
				write(t, project, "functions/orders/handler.py", "def index(e, c): pass\n")
				link(t, outsideDir, filepath.Join(project, "functions/orders/keys"))
			},
			wantErr: func(string) string {
				return "functions/orders/keys is a symbolic link to " + real(t, outsideDir) +
					", outside the project; stelvio packages only files inside the project: copy what the function needs into the project or remove the link"
			},
		},
		{
			name: "relative link climbing out of the project",
			setup: func(t *testing.T, project string) {
				write(t, project, "functions/orders/handler.py", "def index(e, c): pass\n")
				rel, err := filepath.Rel(filepath.Join(project, "functions/orders/sub"), filepath.Join(home, ".aws/credentials"))
				if err != nil {
					t.Fatal(err)
				}
				link(t, rel, filepath.Join(project, "functions/orders/sub/creds"))
			},
			wantErr: func(string) string {
				return "functions/orders/sub/creds is a symbolic link to " + real(t, filepath.Join(home, ".aws/credentials")) +
					", outside the project; stelvio packages only files inside the project: copy what the function needs into the project or remove the link"
			},
		},
		{
			name: "every bad link is named at once",
			setup: func(t *testing.T, project string) {
				write(t, project, "functions/orders/handler.py", "def index(e, c): pass\n")
				link(t, filepath.Join(home, ".aws/credentials"), filepath.Join(project, "functions/orders/a"))
				link(t, "nowhere.txt", filepath.Join(project, "functions/orders/b"))
				link(t, "..", filepath.Join(project, "functions/orders/sub/up"))
			},
			wantErr: func(project string) string {
				return "functions/orders/a is a symbolic link to " + real(t, filepath.Join(home, ".aws/credentials")) +
					", outside the project; stelvio packages only files inside the project: copy what the function needs into the project or remove the link\n" +
					"functions/orders/b is a symbolic link to nowhere.txt, which does not exist; remove the link or create its target inside the project\n" +
					"functions/orders/sub/up is a symbolic link to " + real(t, filepath.Join(project, "functions/orders")) + ", a folder that contains the link; remove the link"
			},
		},
		{
			name: "links in what is never packaged are not looked at",
			setup: func(t *testing.T, project string) {
				write(t, project, "functions/orders/handler.py", "def index(e, c): pass\n")
				link(t, filepath.Join(home, ".aws/credentials"), filepath.Join(project, "functions/orders/.venv/bin/python3"))
				link(t, outsideDir, filepath.Join(project, "functions/orders/.cache"))
				link(t, filepath.Join(home, ".aws/credentials"), filepath.Join(project, "functions/orders/.DS_Store"))
			},
			wantNames: []string{"handler.py"},
		},
		{
			name: "links inside the project are followed",
			setup: func(t *testing.T, project string) {
				write(t, project, "functions/orders/handler.py", "def index(e, c): pass\n")
				write(t, project, "shared/util.py", "X = 1\n")
				write(t, project, "shared/lib/more.py", "Y = 2\n")
				link(t, "../../shared/util.py", filepath.Join(project, "functions/orders/util.py"))
				link(t, filepath.Join(project, "shared/lib"), filepath.Join(project, "functions/orders/lib"))
			},
			wantNames: []string{"handler.py", "lib/more.py", "util.py"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			project := t.TempDir()
			tt.setup(t, project)
			a := runtime.NewArchive()
			err := a.AddDir(project, filepath.Join(project, "functions/orders"), "", false)
			if tt.wantErr != nil {
				if err == nil {
					t.Fatalf("packaged %v, want error", a.Names())
				}
				if got, want := err.Error(), tt.wantErr(project); got != want {
					t.Fatalf("error:\n%s\nwant:\n%s", got, want)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if got := a.Names(); !slices.Equal(got, tt.wantNames) {
				t.Fatalf("names %v, want %v", got, tt.wantNames)
			}
			var buf bytes.Buffer
			if _, err := a.WriteTo(&buf); err != nil {
				t.Fatal(err)
			}
			zr, err := zip.NewReader(bytes.NewReader(buf.Bytes()), int64(buf.Len()))
			if err != nil {
				t.Fatal(err)
			}
			for _, f := range zr.File {
				if f.Name != "util.py" {
					continue
				}
				rc, err := f.Open()
				if err != nil {
					t.Fatal(err)
				}
				data, err := io.ReadAll(rc)
				rc.Close()
				if err != nil {
					t.Fatal(err)
				}
				if string(data) != "X = 1\n" || f.Mode()&os.ModeSymlink != 0 {
					t.Fatalf("util.py holds %q (mode %v), want the linked file's content", data, f.Mode())
				}
			}
		})
	}
}

// Failing to write .stelvio names the folder and the fix, whatever was being written.
func TestStateError(t *testing.T) {
	project := filepath.Join("/home", "u", "app")
	tests := []struct {
		err  error
		want string
	}{
		{&os.PathError{Op: "mkdir", Path: "/home/u/app/.stelvio/build", Err: syscall.EACCES},
			".stelvio is not writable (mkdir /home/u/app/.stelvio/build: permission denied); stelvio keeps its caches, generated code and packages there: make it writable (chmod -R u+w /home/u/app/.stelvio) or remove it and run again"},
		{&os.PathError{Op: "open", Path: "/home/u/app/.stelvio/build/x.zip", Err: syscall.EROFS},
			".stelvio is not writable (open /home/u/app/.stelvio/build/x.zip: read-only file system); stelvio keeps its caches, generated code and packages there: make it writable (chmod -R u+w /home/u/app/.stelvio) or remove it and run again"},
		{&os.PathError{Op: "mkdir", Path: "/home/u/app/.stelvio/build", Err: syscall.ENOTDIR},
			"cannot write under .stelvio (mkdir /home/u/app/.stelvio/build: not a directory); remove /home/u/app/.stelvio and run again"},
	}
	for _, tt := range tests {
		if got := runtime.StateError(project, tt.err).Error(); got != tt.want {
			t.Errorf("StateError(%v):\n%s\nwant:\n%s", tt.err, got, tt.want)
		}
	}
}
