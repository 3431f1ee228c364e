package stelvio_test

import (
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
)

// wantRE finds the expected compiler errors of a line: `// want "msg" "msg"` (Go string literals,
// raw or interpreted).
var (
	wantRE    = regexp.MustCompile(`// want ((?:\s*(?:"(?:[^"\\]|\\.)*"|` + "`[^`]*`" + `))+)\s*$`)
	literalRE = regexp.MustCompile(`"(?:[^"\\]|\\.)*"|` + "`[^`]*`")
	errorRE   = regexp.MustCompile(`^(.+\.go):(\d+):(\d+): (.*)$`)
)

// TestCompilerRejectsMistakes builds the programs of testdata/compile with the Go toolchain: each one
// but valid makes one mistake the API's types catch, and must fail with exactly the compiler errors
// its `// want` comments give, on those lines. valid uses every declaration form and must build, so
// that the failures are the mistakes', not the setup's.
func TestCompilerRejectsMistakes(t *testing.T) {
	goTool, err := exec.LookPath("go")
	if err != nil {
		t.Fatalf("the go command is needed to compile the test programs: %v", err)
	}
	dirs, err := filepath.Glob(filepath.Join("testdata", "compile", "*"))
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, d := range dirs {
		names = append(names, filepath.Base(d))
	}
	// The mistakes the typed API exists to catch; each has its program.
	for _, need := range []string{
		"valid", "route-int-args", "route-method-list", "route-config-map", "route-nil-handler",
		"routefunction-handler-string", "routefunction-options", "function-new-without-handler",
		"api-function-option", "route-api-option", "function-handler-option",
	} {
		if !slices.Contains(names, need) {
			t.Errorf("no program testdata/compile/%s", need)
		}
	}

	t.Run("valid", func(t *testing.T) {
		cmd := exec.Command(goTool, "build", "-o", filepath.Join(t.TempDir(), "valid"), "./testdata/compile/valid")
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("the valid program does not build: %v\n%s", err, out)
		}
	})
	for _, name := range names {
		if name == "valid" {
			continue
		}
		t.Run(name, func(t *testing.T) {
			file := filepath.Join("testdata", "compile", name, "main.go")
			want := wants(t, file)
			if len(want) == 0 {
				t.Fatalf("%s has no // want comment", file)
			}
			// -e: all errors, not the first ten.
			cmd := exec.Command(goTool, "build", "-gcflags=-e", "-o", os.DevNull, "./"+filepath.ToSlash(filepath.Dir(file)))
			out, err := cmd.CombinedOutput()
			if err == nil {
				t.Fatalf("%s compiled; want the errors %q", file, want)
			}
			got := compilerErrors(string(out))
			// The compiler spells a type with its whole import path when another package of the build
			// has the same name; compare the short spelling.
			for i := range got {
				got[i] = qualified.ReplaceAllString(got[i], "$1.")
			}
			for i := range want {
				want[i] = qualified.ReplaceAllString(want[i], "$1.")
			}
			if strings.Join(got, "\n") != strings.Join(want, "\n") {
				t.Errorf("compiler errors:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
			}
		})
	}
}

// qualified is a type's package as the compiler spells it when its name is ambiguous:
// "github.com/stelvio-go/stelvio/aws/function".Memory.
var qualified = regexp.MustCompile(`"[^"\s]*/([A-Za-z0-9_]+)"\.`)

// wants reads the `// want` comments of file as "line: message", in line order.
func wants(t *testing.T, file string) []string {
	t.Helper()
	src, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for i, line := range strings.Split(string(src), "\n") {
		m := wantRE.FindStringSubmatch(line)
		if m == nil {
			continue
		}
		for _, lit := range literalRE.FindAllString(m[1], -1) {
			msg, err := strconv.Unquote(lit)
			if err != nil {
				t.Fatalf("%s:%d: bad // want literal %s: %v", file, i+1, lit, err)
			}
			out = append(out, strconv.Itoa(i+1)+": "+msg)
		}
	}
	return out
}

// compilerErrors reads the compiler's "file:line:col: message" errors (with their indented
// continuation lines) as "line: message", in the compiler's order.
func compilerErrors(out string) []string {
	var errs []string
	for _, line := range strings.Split(out, "\n") {
		switch {
		case line == "" || strings.HasPrefix(line, "#"):
		case strings.HasPrefix(line, "\t") && len(errs) > 0:
			errs[len(errs)-1] += "\n" + line
		default:
			if m := errorRE.FindStringSubmatch(line); m != nil {
				errs = append(errs, m[2]+": "+m[4])
			} else {
				errs = append(errs, "unexpected output: "+line)
			}
		}
	}
	return errs
}
