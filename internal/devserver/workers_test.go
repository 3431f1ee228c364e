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
	if f, _, _ := walkSources(dir, []string{"*.py"}, true); !strings.HasPrefix(prev, f+"/") {
		t.Errorf("fresh walk gives %s, cached %s", f, prev)
	}
}
