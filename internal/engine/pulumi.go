package engine

import (
	"github.com/stelvio-go/stelvio/internal/project"

	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"

	"github.com/blang/semver"
	"github.com/pulumi/pulumi/sdk/v3/go/auto"
)

// PulumiVersion is the pulumi CLI version stelvio drives; it matches the
// Pulumi SDK in go.mod.
const PulumiVersion = project.PulumiVersion

// MissingPulumiError reports that no pulumi CLI was found. Its message says
// where stelvio looked and how to install one.
type MissingPulumiError struct {
	Looked []string
}

func (e *MissingPulumiError) Error() string {
	msg := "pulumi CLI v" + PulumiVersion + " not found; looked on PATH"
	for _, l := range e.Looked {
		msg += ", in " + l
	}
	return msg + "; install it with .ci/build-pulumi from the stelvio source tree " +
		"(builds into $HOME/.stelvio/pulumi/v" + PulumiVersion + ", or $STELVIO_PULUMI_ROOT) " +
		"or put pulumi v" + PulumiVersion + " on PATH"
}

// DefaultPulumiRoot is where .ci/build-pulumi installs the CLI:
// $STELVIO_PULUMI_ROOT, else $HOME/.stelvio/pulumi/v<version>.
func DefaultPulumiRoot() string {
	if r := os.Getenv("STELVIO_PULUMI_ROOT"); r != "" {
		return r
	}
	home, err := os.UserHomeDir()
	if err != nil {
		return ""
	}
	return filepath.Join(home, ".stelvio", "pulumi", "v"+PulumiVersion)
}

// FindPulumi returns the path of the pulumi CLI: on PATH, next to the running
// executable, then in DefaultPulumiRoot()/bin.
func FindPulumi() (string, error) {
	if p, err := exec.LookPath("pulumi"); err == nil {
		return p, nil
	}
	var looked []string
	if exe, err := os.Executable(); err == nil {
		dir := filepath.Dir(exe)
		looked = append(looked, dir)
		if p := filepath.Join(dir, "pulumi"); isExecutable(p) {
			return p, nil
		}
	}
	if root := DefaultPulumiRoot(); root != "" {
		p := filepath.Join(root, "bin", "pulumi")
		looked = append(looked, p)
		if isExecutable(p) {
			return p, nil
		}
	}
	return "", &MissingPulumiError{Looked: looked}
}

func isExecutable(p string) bool {
	st, err := os.Stat(p)
	return err == nil && !st.IsDir() && st.Mode()&0o111 != 0
}

// pulumiCommand wraps the CLI at bin for the Automation API, which wants an
// installation root holding bin/pulumi. A binary in a folder not named bin is
// linked into linkRoot/bin first.
func pulumiCommand(bin, linkRoot string) (auto.PulumiCommand, error) {
	root := filepath.Dir(filepath.Dir(bin))
	if filepath.Base(filepath.Dir(bin)) != "bin" {
		root = linkRoot
		if err := os.MkdirAll(filepath.Join(root, "bin"), 0o755); err != nil {
			return nil, fmt.Errorf("link pulumi CLI: %w", err)
		}
		link := filepath.Join(root, "bin", "pulumi")
		if err := os.Remove(link); err != nil && !errors.Is(err, os.ErrNotExist) {
			return nil, fmt.Errorf("link pulumi CLI: %w", err)
		}
		if err := os.Symlink(bin, link); err != nil {
			return nil, fmt.Errorf("link pulumi CLI: %w", err)
		}
	}
	cmd, err := auto.NewPulumiCommand(&auto.PulumiCommandOptions{
		Root:    root,
		Version: semver.MustParse(PulumiVersion),
	})
	if err != nil {
		return nil, fmt.Errorf("pulumi CLI at %s: %w; stelvio needs v%s or newer", bin, err, PulumiVersion)
	}
	return cmd, nil
}
