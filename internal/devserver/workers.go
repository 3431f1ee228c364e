package devserver

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/stelvio-go/stelvio/internal/naming"
	"github.com/stelvio-go/stelvio/internal/route"
	"github.com/stelvio-go/stelvio/internal/runtime"
	"github.com/stelvio-go/stelvio/internal/runtime/registry"
	"github.com/stelvio-go/stelvio/internal/runtimeapi"
)

// Worker is how the local server runs one user function on the host: the runtime's own description of
// a host worker.
type Worker = runtime.Worker

// Builder makes host workers for user functions. Worker is called again whenever the function's sources
// changed, and its result replaces the running workers.
type Builder interface {
	// Worker returns the worker of fn, building it first when the runtime needs it. A handler that does
	// not compile is a *BuildError.
	Worker(ctx context.Context, fn *route.Function) (Worker, error)
	// Sources returns the project-relative directory and file patterns whose changes need a new worker.
	Sources(fn *route.Function) (dir string, patterns []string, recursive bool)
}

// BuildError is a user's handler that failed to build; Output is the compiler's.
type BuildError = runtime.BuildError

// runtimeBuilder runs functions on the host with the language runtimes of internal/runtime: the same
// generated code as the Lambda packages (the Python router, the Go main and router, built for the host).
// Every worker runs the function's generated router, which picks the user function from the request's
// method and resource (an HTTP API's function: from the event's route key), as on Lambda.
type runtimeBuilder struct {
	projectDir string
	runtimes   runtime.Registry
}

func newRuntimeBuilder(projectDir, python string) *runtimeBuilder {
	return &runtimeBuilder{projectDir: projectDir, runtimes: registry.Default(python)}
}

func (b *runtimeBuilder) Sources(fn *route.Function) (string, []string, bool) {
	rt, err := b.runtimes.For(fn)
	if err != nil {
		return fn.Dir, nil, false
	}
	return rt.Sources(fn)
}

func (b *runtimeBuilder) Worker(ctx context.Context, fn *route.Function) (Worker, error) {
	rt, err := b.runtimes.For(fn)
	if err != nil {
		return Worker{}, fmt.Errorf("function %q cannot run locally: %w", fn.Name, err)
	}
	return rt.Worker(ctx, b.projectDir, fn)
}

// sources tells whether a function's source files changed. The first look walks the directory and
// hashes the names, sizes and modification times of the matching files. Later looks cost nothing when
// the server's notifier watches every directory of that walk (the walk is redone when it reports a
// change), and otherwise one stat per directory and per file the walk saw: a file edited in place
// changes its own size or time, and a file added, removed or renamed changes its directory's time.
type sources struct {
	project   string // the project directory: links among the sources may not leave it
	dir       string
	patterns  []string
	recursive bool
	notify    *notifier // nil: stat what the last walk saw

	dirty atomic.Bool  // set by the notifier
	edits atomic.Int64 // notified changes of matching files, part of the fingerprint

	mu      sync.Mutex
	fp      string
	seen    []seenEntry
	watched bool // the notifier watches every directory of the last walk
}

type seenEntry struct {
	path  string
	dir   bool
	size  int64
	mtime int64 // -1: did not exist
}

// changed is called by the notifier; file says that a matching file itself changed, which counts
// even when its size and time did not (an edit within the file system's clock tick).
func (s *sources) changed(file bool) {
	if file {
		s.edits.Add(1)
	}
	s.dirty.Store(true)
}

// matches reports whether a file name is one of the source patterns.
func (s *sources) matches(name string) bool {
	for _, p := range s.patterns {
		if ok, _ := filepath.Match(p, name); ok {
			return true
		}
	}
	return false
}

// fingerprint returns the hash of the sources as they are now.
func (s *sources) fingerprint() (string, error) {
	s.notify.poll()
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.fp != "" {
		if s.watched && !s.dirty.Swap(false) {
			return s.fp, nil
		}
		if !s.watched && s.unchanged() {
			return s.fp, nil
		}
	}
	s.dirty.Store(false) // a change from now on is seen by the next look
	fp, seen, err := walkSources(s.project, s.dir, s.patterns, s.recursive)
	if err != nil {
		return "", err
	}
	s.watched = s.notify != nil && seen[0].mtime != -1
	for _, e := range seen {
		if e.dir && s.watched {
			s.watched = s.notify.watch(e.path, s)
		}
	}
	s.fp = fmt.Sprintf("%s/%d", fp, s.edits.Load())
	s.seen = seen
	return s.fp, nil
}

func (s *sources) unchanged() bool {
	for _, e := range s.seen {
		info, err := os.Stat(e.path) // through links, as the walk saw them
		if err != nil {
			if e.mtime != -1 {
				return false
			}
			continue
		}
		if info.ModTime().UnixNano() != e.mtime || !e.dir && info.Size() != e.size {
			return false
		}
	}
	return true
}

// walkSources hashes the names, sizes and modification times of the files matching patterns in dir
// and returns what it saw. Symbolic links are followed by the rule of the packages (runtime.FollowLink):
// the local server never runs code from a link the deployment would refuse.
func walkSources(project, dir string, patterns []string, recursive bool) (string, []seenEntry, error) {
	if project == "" {
		project = dir
	}
	h := sha256.New()
	seen := []seenEntry{{path: dir, dir: true, mtime: -1}}
	skip := func(name string, isDir bool) bool {
		if isDir {
			return !recursive || strings.HasPrefix(name, ".") || name == "__pycache__"
		}
		for _, p := range patterns {
			if ok, _ := filepath.Match(p, name); ok {
				return false
			}
		}
		return true
	}
	err := runtime.Walk(project, dir, skip, func(path string, info fs.FileInfo) error {
		if info.IsDir() {
			if path == dir {
				seen[0].mtime = info.ModTime().UnixNano()
			} else {
				seen = append(seen, seenEntry{path: path, dir: true, mtime: info.ModTime().UnixNano()})
			}
			return nil
		}
		fmt.Fprintf(h, "%s %d %d\n", path, info.Size(), info.ModTime().UnixNano())
		seen = append(seen, seenEntry{path: path, size: info.Size(), mtime: info.ModTime().UnixNano()})
		return nil
	})
	if err != nil && !errors.Is(err, fs.ErrNotExist) {
		return "", nil, err
	}
	return hex.EncodeToString(h.Sum(nil)), seen, nil
}

// runner runs one function: its execution environments (a pool of workers), rebuilt when the function's
// sources change. All routes of a function share its runner: on Lambda they run in the same warm
// execution environments and share module-level state.
type runner struct {
	server *Server
	fn     *route.Function
	label  string // the function's name in the log

	sources *sources

	mu          sync.Mutex
	pool        *runtimeapi.Pool
	fingerprint string
	buildErr    error
	compileErr  bool // buildErr is the handler's failure to build
}

func (s *Server) newRunner(fn *route.Function) *runner {
	dir, patterns, recursive := s.builder.Sources(fn)
	return &runner{server: s, fn: fn, label: fn.Name,
		sources: &sources{project: s.opts.ProjectDir, dir: pathJoin(s.opts.ProjectDir, dir), patterns: patterns, recursive: recursive, notify: s.notify}}
}

// current returns the pool running the function's current sources, building and starting it first
// when the sources changed since the last request.
func (t *runner) current(ctx context.Context) (*runtimeapi.Pool, error) {
	fp, err := t.sources.fingerprint()
	if err != nil {
		return nil, fmt.Errorf("read sources of function %q: %w", t.fn.Name, err)
	}
	t.mu.Lock()
	defer t.mu.Unlock()
	if fp == t.fingerprint {
		if t.buildErr != nil {
			return nil, t.buildErr
		}
		return t.pool, nil
	}
	reload := t.fingerprint != ""
	w, err := t.server.builder.Worker(ctx, t.fn)
	t.fingerprint = fp
	if be := (*BuildError)(nil); errors.As(err, &be) {
		// The compiler output is shown once; later requests point back to it until the code changes.
		t.server.logf("[%s] %s\n", t.label, be)
		t.buildErr = fmt.Errorf("function %q does not build; fix the compiler errors printed above", t.fn.Name)
		t.compileErr = true
		return nil, err
	}
	t.compileErr = false
	if err != nil {
		t.buildErr = err
		return nil, err
	}
	t.buildErr = nil
	cfg := t.config(w)
	if t.pool == nil {
		t.pool, err = runtimeapi.NewPool(cfg)
		if err != nil {
			t.buildErr = err
			return nil, err
		}
		return t.pool, nil
	}
	if err := t.pool.Reload(cfg); err != nil {
		return nil, err
	}
	if reload {
		t.server.logf("[%s] sources changed; new workers start with the next request\n", t.label)
	}
	return t.pool, nil
}

func (t *runner) config(w Worker) runtimeapi.Config {
	env := map[string]string{}
	for k, v := range w.Env {
		env[k] = v
	}
	for k, v := range t.server.opts.Env {
		if k == "PYTHONPATH" && env[k] != "" {
			v += string(os.PathListSeparator) + env[k] // dev's folders (links, endpoint shim) first
		}
		env[k] = v
	}
	for k, v := range t.server.lambdaEnv(t.fn) { // lambda.go
		env[k] = v
	}
	for k, v := range t.fn.LocalEnvironment() {
		env[k] = v
	}
	out := &prefixWriter{w: t.server.log, prefix: "[" + t.label + "] "}
	return runtimeapi.Config{
		Function: runtimeapi.Function{
			AccountID: AccountID,
			// Handlers see the deployed function's name (AWS_LAMBDA_FUNCTION_NAME, the ARN, the log group).
			Name:    naming.Physical(t.server.table.App, t.server.table.Env, t.fn.Name, naming.LambdaLimit),
			Region:  t.server.opts.Region,
			Timeout: time.Duration(t.fn.Timeout) * time.Second,
		},
		Command:      w.Command,
		Dir:          w.Dir,
		Handler:      w.Handler,
		MemoryMB:     t.fn.Memory,
		ExecutionEnv: w.ExecutionEnv,
		Env:          env,
		Concurrency:  t.server.opts.Concurrency,
		Pipe:         w.Pipe && !t.server.opts.RuntimeAPI,
		Stdout:       out,
		Stderr:       out,
		Log:          out,
	}
}

// buildFailed reports whether the function's current sources do not build.
func (t *runner) buildFailed() bool {
	t.mu.Lock()
	defer t.mu.Unlock()
	return t.compileErr
}

func (t *runner) close() {
	t.mu.Lock()
	p := t.pool
	t.mu.Unlock()
	if p != nil {
		p.Close()
	}
}
