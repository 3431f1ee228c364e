package devserver

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// TestSourcesFingerprint checks that every kind of source change gives a new fingerprint and that
// files the patterns do not match, and unchanged sources, keep it.
func TestSourcesFingerprint(t *testing.T) {
	t.Run("stat", func(t *testing.T) { testSourcesFingerprint(t, nil) })
	n := newNotifier()
	if n == nil {
		t.Log("no file notifications on this system; stat only")
		return
	}
	defer n.close()
	t.Run("notify", func(t *testing.T) { testSourcesFingerprint(t, n) })
}

func testSourcesFingerprint(t *testing.T, n *notifier) {
	root := t.TempDir()
	dir := filepath.Join(root, "functions")
	write := func(rel, content string, mtime time.Time) {
		t.Helper()
		p := filepath.Join(dir, rel)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
		if err := os.Chtimes(p, mtime, mtime); err != nil {
			t.Fatal(err)
		}
	}
	base := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	s := &sources{dir: dir, patterns: []string{"*.py"}, recursive: true, notify: n}
	fp := func() string {
		t.Helper()
		f, err := s.fingerprint()
		if err != nil {
			t.Fatal(err)
		}
		return f
	}

	missing := fp()
	steps := []struct {
		name    string
		change  func()
		changed bool
	}{
		{"directory created with a file", func() { write("users.py", "a = 1\n", base) }, true},
		{"nothing", func() {}, false},
		{"edited in place, same size", func() { write("users.py", "a = 2\n", base.Add(time.Second)) }, true},
		{"other file type added", func() { write("notes.txt", "x", base) }, false}, // walked again, same hash
		{"nothing again", func() {}, false},
		{"file added", func() { write("orders.py", "b = 1\n", base) }, true},
		{"file in a new subfolder", func() { write("pkg/inner.py", "c = 1\n", base) }, true},
		{"subfolder file edited", func() { write("pkg/inner.py", "c = 22\n", base) }, true},
		{"file removed", func() {
			if err := os.Remove(filepath.Join(dir, "orders.py")); err != nil {
				t.Fatal(err)
			}
		}, true},
		{"file renamed over another", func() {
			write("new.py", "a = 3\n", base)
			if err := os.Rename(filepath.Join(dir, "new.py"), filepath.Join(dir, "users.py")); err != nil {
				t.Fatal(err)
			}
		}, true},
	}
	if n != nil {
		// Only a notification tells an edit that kept the size and the time.
		steps = append(steps, struct {
			name    string
			change  func()
			changed bool
		}{"edited in place, same size and time", func() { write("users.py", "a = 4\n", base) }, true})
	}
	prev := missing
	for _, st := range steps {
		st.change()
		got := fp()
		if changed := got != prev; changed != st.changed {
			t.Errorf("%s: fingerprint changed = %v, want %v", st.name, changed, st.changed)
		}
		prev = got
	}
	if n != nil && !s.watched {
		t.Error("sources not watched once their directory exists")
	}
	// A fresh walk agrees with the cached answer.
	if f, _, _ := walkSources(dir, dir, []string{"*.py"}, true); !strings.HasPrefix(prev, f+"/") {
		t.Errorf("fresh walk gives %s, cached %s", f, prev)
	}
}

// TestSourcesLinks checks that the local server follows the links of a function's sources by the
// packages' rule: a link leaving the project is refused by name (the function does not run), and a
// change to the target of a link inside the project is a source change.
func TestSourcesLinks(t *testing.T) {
	project := t.TempDir()
	home := t.TempDir()
	dir := filepath.Join(project, "functions", "orders")
	shared := filepath.Join(project, "shared", "util.py")
	for p, body := range map[string]string{
		filepath.Join(dir, "handler.py"): "def index(e, c): pass\n",
		shared:                           "X = 1\n",
		filepath.Join(home, ".aws", "credentials"): "secret\n",
	} {
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	if err := os.Symlink(shared, filepath.Join(dir, "util.py")); err != nil {
		t.Fatal(err)
	}
	s := &sources{project: project, dir: dir, patterns: []string{"*.py"}, recursive: true}
	before, err := s.fingerprint()
	if err != nil {
		t.Fatal(err)
	}
	later := time.Date(2031, 1, 1, 0, 0, 0, 0, time.UTC)
	if err := os.WriteFile(shared, []byte("X = 22\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.Chtimes(shared, later, later); err != nil {
		t.Fatal(err)
	}
	if after, err := s.fingerprint(); err != nil || after == before {
		t.Fatalf("after editing a linked file: fingerprint %q (before %q), error %v; want a new fingerprint", after, before, err)
	}

	creds := filepath.Join(home, ".aws", "credentials")
	// A link the sources do not include (no pattern matches it) is not looked at.
	if err := os.Symlink(creds, filepath.Join(dir, "notes.txt")); err != nil {
		t.Fatal(err)
	}
	if _, err := s.fingerprint(); err != nil {
		t.Fatalf("a link outside the sources' patterns: %v", err)
	}
	if err := os.Symlink(creds, filepath.Join(dir, "x.py")); err != nil {
		t.Fatal(err)
	}
	realCreds, err := filepath.EvalSymlinks(creds)
	if err != nil {
		t.Fatal(err)
	}
	_, err = s.fingerprint()
	want := "functions/orders/x.py is a symbolic link to " + realCreds + ", outside the project; stelvio packages only files inside the project: copy what the function needs into the project or remove the link"
	if err == nil || err.Error() != want {
		t.Fatalf("error %v, want %s", err, want)
	}
}
