package engine

import (
	"github.com/stelvio-go/stelvio/internal/project"

	"crypto/rand"
	"encoding/base64"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
)

// StateDir is the project-relative folder stelvio keeps its files in.
const StateDir = project.StateDir

// DefaultBackend returns the file backend URL for a project directory:
// file://<dir>/.stelvio/state.
func DefaultBackend(dir string) string {
	return "file://" + filepath.ToSlash(filepath.Join(dir, StateDir, "state"))
}

// prepareBackend creates the folder of a file backend; other backends are
// passed to pulumi unchanged.
func prepareBackend(url string) error {
	path, ok := strings.CutPrefix(url, "file://")
	if !ok {
		return nil
	}
	if err := os.MkdirAll(filepath.FromSlash(path), 0o755); err != nil {
		return fmt.Errorf("create state folder: %w", err)
	}
	return nil
}

// passphraseEnv returns the environment that gives pulumi the secrets
// passphrase. A passphrase the user set is left alone; otherwise the
// project's .stelvio/passphrase is used, created on first use. Only the file
// name is handed to pulumi, so the passphrase never appears in a command line,
// an environment dump or a log.
func passphraseEnv(dir string) (map[string]string, error) {
	if _, ok := os.LookupEnv("PULUMI_CONFIG_PASSPHRASE"); ok {
		return nil, nil
	}
	if _, ok := os.LookupEnv("PULUMI_CONFIG_PASSPHRASE_FILE"); ok {
		return nil, nil
	}
	file := filepath.Join(dir, StateDir, "passphrase")
	if err := os.MkdirAll(filepath.Dir(file), 0o755); err != nil {
		return nil, fmt.Errorf("create %s: %w", StateDir, err)
	}
	secret := make([]byte, 32)
	if _, err := rand.Read(secret); err != nil {
		return nil, fmt.Errorf("create secrets passphrase: %w", err)
	}
	f, err := os.OpenFile(file, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	switch {
	case errors.Is(err, os.ErrExist):
		// Created by an earlier run: keep it, stacks are encrypted with it.
	case err != nil:
		return nil, fmt.Errorf("create secrets passphrase %s: %w", file, err)
	default:
		_, werr := f.WriteString(base64.RawURLEncoding.EncodeToString(secret) + "\n")
		cerr := f.Close()
		if err := errors.Join(werr, cerr); err != nil {
			return nil, fmt.Errorf("write secrets passphrase %s: %w", file, err)
		}
	}
	return map[string]string{"PULUMI_CONFIG_PASSPHRASE_FILE": file}, nil
}
