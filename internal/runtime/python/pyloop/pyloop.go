// Package pyloop holds the Lambda runtime loop that runs Python handlers on the local machine: a
// standard-library-only Python program that speaks the Lambda Runtime API, or the local server's pipe
// protocol when STELVIO_WORKER_PIPE is set (package runtimeapi), imports
// the handler named by _HANDLER from LAMBDA_TASK_ROOT and calls it with the event and a context object
// like the AWS Python runtime's. It is what a Python worker of the local server runs, and what tests run
// a Python Lambda package with.
package pyloop

import (
	"bytes"
	_ "embed"
	"fmt"
	"os"
	"path/filepath"
)

//go:embed bootstrap.py
var source []byte

// FileName is the name Write gives the loop.
const FileName = "stelvio_bootstrap.py"

// Source returns the loop's Python source.
func Source() []byte { return bytes.Clone(source) }

// Write writes the loop into dir (created if missing) as FileName and returns its path. An identical
// file is left untouched, so concurrent servers can share dir.
func Write(dir string) (string, error) {
	path := filepath.Join(dir, FileName)
	if old, err := os.ReadFile(path); err == nil && bytes.Equal(old, source) {
		return path, nil
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return "", fmt.Errorf("write python runtime loop: %w", err)
	}
	tmp, err := os.CreateTemp(dir, FileName+".*")
	if err != nil {
		return "", fmt.Errorf("write python runtime loop: %w", err)
	}
	if _, err := tmp.Write(source); err != nil {
		tmp.Close()
		os.Remove(tmp.Name())
		return "", fmt.Errorf("write python runtime loop: %w", err)
	}
	if err := tmp.Close(); err != nil {
		os.Remove(tmp.Name())
		return "", fmt.Errorf("write python runtime loop: %w", err)
	}
	if err := os.Rename(tmp.Name(), path); err != nil {
		os.Remove(tmp.Name())
		return "", fmt.Errorf("write python runtime loop: %w", err)
	}
	return path, nil
}

// Command is the worker command that runs the loop at path with the interpreter python ("python3"
// when empty). -B keeps the worker from writing __pycache__ into the user's source tree.
func Command(python, path string) []string {
	if python == "" {
		python = "python3"
	}
	return []string{python, "-B", path}
}
