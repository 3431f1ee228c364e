package python

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"

	"github.com/stelvio-go/stelvio/internal/route"
	"github.com/stelvio-go/stelvio/internal/runtime"
)

// Platform is pip's --platform for a Lambda architecture.
func Platform(arch string) string {
	if arch == "arm64" {
		return "manylinux2014_aarch64"
	}
	return "manylinux2014_x86_64"
}

// PythonVersion is pip's --python-version for a Lambda runtime id ("python3.12" -> "3.12").
func PythonVersion(runtimeID string) string { return strings.TrimPrefix(runtimeID, "python") }

// install installs fn's requirements into a folder under .stelvio/pip, keyed by a hash of the
// requirements, runtime and architecture, and returns it. An existing install is reused. With host
// false the install is for the Lambda platform (the package); with host true it is for this machine's
// python, which runs the handlers of `dev`. pip reads its own configuration (PIP_INDEX_URL,
// PIP_FIND_LINKS, PIP_NO_INDEX, pip.conf) as usual.
func (r *Runtime) install(ctx context.Context, projectDir string, fn *route.Function, host bool) (string, error) {
	reqPath := filepath.Join(projectDir, filepath.FromSlash(fn.Requirements))
	req, err := os.ReadFile(reqPath)
	if err != nil {
		return "", fmt.Errorf("function %q: read requirements: %w", fn.Name, err)
	}
	platform := fmt.Sprintf("%s\n%s", fn.RuntimeID, fn.Architecture)
	if host {
		platform = "host\n" + r.python()
	}
	sum := sha256.Sum256([]byte(fmt.Sprintf("%s\n%s\n", platform, req)))
	key := hex.EncodeToString(sum[:])[:32]
	base := filepath.Join(projectDir, ".stelvio", "pip")
	target := filepath.Join(base, key)
	done := target + ".done" // written once target is complete
	if _, err := os.Stat(done); err == nil {
		return target, nil
	}
	if err := os.MkdirAll(base, 0o755); err != nil {
		return "", fmt.Errorf("function %q: install requirements: %w", fn.Name, runtime.StateError(projectDir, err))
	}
	tmp, err := os.MkdirTemp(base, key+".tmp-")
	if err != nil {
		return "", fmt.Errorf("function %q: install requirements: %w", fn.Name, runtime.StateError(projectDir, err))
	}
	defer os.RemoveAll(tmp)
	args := []string{"-m", "pip", "install"}
	if !host {
		args = append(args,
			"--platform", Platform(fn.Architecture),
			"--python-version", PythonVersion(fn.RuntimeID),
			"--implementation", "cp",
			"--only-binary=:all:")
	}
	args = append(args,
		"--target", tmp,
		"--no-compile",
		"--disable-pip-version-check",
		"--no-input",
		"-r", reqPath)
	cmd := exec.CommandContext(ctx, r.python(), args...)
	cmd.Dir = projectDir
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	if err := cmd.Run(); err != nil {
		if host {
			return "", &runtime.BuildError{
				Function: fn.Name,
				Output:   out.String(),
				Err:      fmt.Errorf("pip could not install %s for the local %s (%v); check the requirements and pip's index settings (PIP_INDEX_URL, PIP_FIND_LINKS)", fn.Requirements, r.python(), err),
			}
		}
		return "", &runtime.BuildError{
			Function: fn.Name,
			Output:   out.String(),
			Err:      fmt.Errorf("pip could not install %s for %s on %s (%v); check the requirements and pip's index settings (PIP_INDEX_URL, PIP_FIND_LINKS)", fn.Requirements, fn.RuntimeID, fn.Architecture, err),
		}
	}
	os.RemoveAll(target) // left by an interrupted install
	if err := os.Rename(tmp, target); err != nil {
		if _, statErr := os.Stat(done); statErr == nil {
			return target, nil // another build installed the same requirements first
		}
		return "", fmt.Errorf("function %q: install requirements: %w", fn.Name, err)
	}
	if err := os.WriteFile(done, nil, 0o644); err != nil {
		return "", fmt.Errorf("function %q: install requirements: %w", fn.Name, err)
	}
	return target, nil
}
