package cli

import (
	"bufio"
	"bytes"
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"runtime"
	"slices"
	"strings"
	"text/template"

	"github.com/spf13/cobra"
)

// scaffold holds the files init writes. Names end in .tmpl so the Go tool
// neither compiles them nor treats the go.mod as a nested module.
//
//go:embed all:scaffold
var scaffold embed.FS

// InitOptions are the inputs of init.
type InitOptions struct {
	Factory *Factory
	// Dir is where the project is created; it must not hold the files init
	// writes.
	Dir string
	// Name is the app name; default: the directory's name.
	Name string
	// Module is the Go module path; default: the app name.
	Module string
	// StelvioPath is a local stelvio checkout the project uses through a
	// replace directive; default: the checkout this binary was built from,
	// when it still exists.
	StelvioPath string
	// NoTidy skips `go mod tidy`, which needs the module cache or proxy.
	NoTidy bool
}

func newInitCmd(f *Factory, runF func(*InitOptions) error) *cobra.Command {
	opts := &InitOptions{Factory: f}
	cmd := &cobra.Command{
		Use:   "init [DIR]",
		Short: "Create a stelvio project with an API, a Python and a Go handler",
		Long: "Create a project in DIR (default: the current directory): go.mod, main.go declaring an\n" +
			"API, functions/hello.py, functions/greet (Go) and a .gitignore for .stelvio/.\n\n" +
			"The project's go.mod requires stelvio. When this binary was built from a stelvio checkout\n" +
			"(or --stelvio-path names one) it adds a replace directive to that checkout, so the project\n" +
			"builds without fetching stelvio from the network.",
		Args: func(cmd *cobra.Command, args []string) error {
			if len(args) > 1 {
				return usageErrorf("init takes at most one directory, got %d arguments", len(args))
			}
			return nil
		},
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.Dir = f.Dir
			if len(args) == 1 {
				opts.Dir = args[0]
				if !filepath.IsAbs(opts.Dir) {
					opts.Dir = filepath.Join(f.Dir, opts.Dir)
				}
			}
			return runF(opts)
		},
	}
	cmd.Flags().StringVar(&opts.Name, "name", "", "app name (default: the directory name)")
	cmd.Flags().StringVar(&opts.Module, "module", "", "Go module path (default: the app name)")
	cmd.Flags().StringVar(&opts.StelvioPath, "stelvio-path", "", "use the stelvio checkout at this path (replace directive)")
	cmd.Flags().BoolVar(&opts.NoTidy, "no-tidy", false, "do not run `go mod tidy` in the new project")
	return cmd
}

var appNamePattern = regexp.MustCompile(`^[a-z][a-z0-9-]*$`)

func runInit(opts *InitOptions) error {
	f := opts.Factory
	name := opts.Name
	if name == "" {
		name = sanitizeEnv(filepath.Base(opts.Dir))
	}
	if !appNamePattern.MatchString(name) {
		return usageErrorf("app name %q: use lowercase letters, digits and '-', starting with a letter; set it with --name", name)
	}
	module := opts.Module
	if module == "" {
		module = name
	}
	data := struct {
		Name, Module, GoVersion, StelvioVersion, StelvioPath string
	}{Name: name, Module: module, GoVersion: goVersion()}

	path := opts.StelvioPath
	if path == "" {
		path = sourceDir()
	}
	if path != "" {
		abs, err := filepath.Abs(path)
		if err != nil {
			return fmt.Errorf("stelvio path: %w", err)
		}
		if !isStelvioCheckout(abs) {
			return usageErrorf("--stelvio-path %s: no go.mod of module %s there", abs, modulePath)
		}
		data.StelvioPath = abs
		data.StelvioVersion = "v0.0.0-00010101000000-000000000000"
	} else {
		v := Version()
		if !regexp.MustCompile(`^v\d+\.\d+\.\d+`).MatchString(v) {
			return usageErrorf("this stelvio binary (version %s) does not know a published stelvio version "+
				"or its source; pass --stelvio-path with a stelvio checkout", v)
		}
		data.StelvioVersion = v
	}

	files, err := render(data)
	if err != nil {
		return err
	}
	if data.StelvioPath != "" {
		// stelvio's own go.sum holds the checksums of every module the
		// project needs, so go mod tidy does not have to ask the checksum
		// database, which may be out of reach.
		sum, err := os.ReadFile(filepath.Join(data.StelvioPath, "go.sum"))
		if err != nil && !errors.Is(err, os.ErrNotExist) {
			return fmt.Errorf("read stelvio's go.sum: %w", err)
		}
		if err == nil {
			files["go.sum"] = sum
		}
	}
	var exists []string
	for rel := range files {
		if _, err := os.Stat(filepath.Join(opts.Dir, rel)); err == nil {
			exists = append(exists, rel)
		}
	}
	if len(exists) > 0 {
		return usageErrorf("%s already has %s; init only creates new projects", opts.Dir, strings.Join(sortStrings(exists), ", "))
	}
	for _, rel := range sortStrings(keys(files)) {
		p := filepath.Join(opts.Dir, rel)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			return fmt.Errorf("create project: %w", err)
		}
		if err := os.WriteFile(p, files[rel], 0o644); err != nil {
			return fmt.Errorf("create project: %w", err)
		}
		fmt.Fprintf(f.Out, "  created %s\n", rel)
	}
	if !opts.NoTidy {
		cmd := exec.Command("go", "mod", "tidy")
		cmd.Dir = opts.Dir
		if out, err := cmd.CombinedOutput(); err != nil {
			return fmt.Errorf("go mod tidy in %s: %v\n%s\nthe project is created; fix the above and run `go mod tidy` there", opts.Dir, err, out)
		}
	}
	fmt.Fprintf(f.Out, "Created app %q in %s. Next:\n  cd %s\n  go run . plan\n  go run . dev\n",
		name, opts.Dir, opts.Dir)
	return nil
}

// render executes the scaffold templates; keys are project-relative paths.
func render(data any) (map[string][]byte, error) {
	files := map[string][]byte{}
	err := fs.WalkDir(scaffold, "scaffold", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		src, err := scaffold.ReadFile(p)
		if err != nil {
			return err
		}
		t, err := template.New(p).Parse(string(src))
		if err != nil {
			return fmt.Errorf("scaffold %s: %w", p, err)
		}
		var b bytes.Buffer
		if err := t.Execute(&b, data); err != nil {
			return fmt.Errorf("scaffold %s: %w", p, err)
		}
		rel := strings.TrimSuffix(strings.TrimPrefix(p, "scaffold/"), ".tmpl")
		if rel == "gitignore" {
			rel = ".gitignore"
		}
		files[filepath.FromSlash(rel)] = b.Bytes()
		return nil
	})
	return files, err
}

// sourceDir is the stelvio checkout this binary was compiled from, if it is
// still there (builds with -trimpath do not record it).
func sourceDir() string {
	_, file, _, ok := runtime.Caller(0)
	if !ok || !filepath.IsAbs(file) {
		return ""
	}
	dir := filepath.Dir(filepath.Dir(filepath.Dir(file))) // internal/cli/init.go → module root
	if !isStelvioCheckout(dir) {
		return ""
	}
	return dir
}

func isStelvioCheckout(dir string) bool {
	f, err := os.Open(filepath.Join(dir, "go.mod"))
	if err != nil {
		return false
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if line := strings.TrimSpace(sc.Text()); strings.HasPrefix(line, "module ") {
			return strings.TrimSpace(strings.TrimPrefix(line, "module ")) == modulePath
		}
	}
	return false
}

// goVersion is the go directive for new projects: the running toolchain's.
// GoVersion is the go directive of generated go.mod files: this toolchain's version.
func GoVersion() string { return goVersion() }

func goVersion() string {
	v := strings.TrimPrefix(runtime.Version(), "go")
	if !regexp.MustCompile(`^\d+\.\d+(\.\d+)?$`).MatchString(v) {
		return "1.26.8"
	}
	return v
}

func keys(m map[string][]byte) []string {
	var out []string
	for k := range m {
		out = append(out, k)
	}
	return out
}

func sortStrings(s []string) []string {
	out := slices.Clone(s)
	slices.Sort(out)
	return out
}
