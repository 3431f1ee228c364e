// Package enginetest prepares tests that drive the real Pulumi engine: it
// finds the pulumi CLI, builds the stand-in provider plugin (./standin) and
// installs it as the aws and cloudflare plugins in a private PULUMI_HOME.
// It is test support only; no product code imports it.
package enginetest

import (
	"bufio"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"sync"
	"testing"

	"github.com/stelvio-go/stelvio/internal/engine"
)

// Plugins are the provider plugins the stand-in replaces, with the versions
// the Pulumi SDKs in go.mod ask for.
var Plugins = map[string]string{"aws": "7.41.0", "cloudflare": "6.12.0"}

const standinPkg = "github.com/stelvio-go/stelvio/internal/engine/enginetest/standin"

var (
	buildOnce sync.Once
	built     string
	buildErr  error
)

// Env is a prepared engine environment.
type Env struct {
	// Pulumi is the pulumi CLI binary.
	Pulumi string
	// Home is the private PULUMI_HOME with the stand-in plugins.
	Home string
	// Log is the file the stand-in appends its operations to.
	Log string
}

// Setup prepares the process environment of t for the engine: the stand-in
// plugins in a fresh PULUMI_HOME, no plugin downloads, no update checks, a
// region. Without a pulumi CLI the test is skipped, unless CI is set: then it
// fails, so CI cannot pass by skipping.
func Setup(t testing.TB) Env {
	t.Helper()
	bin, err := engine.FindPulumi()
	if err != nil {
		if os.Getenv("CI") != "" {
			t.Fatalf("CI is set and the engine tests need the pulumi CLI: %v", err)
		}
		t.Skipf("engine test skipped: %v", err)
	}
	buildOnce.Do(func() { built, buildErr = buildStandin() })
	if buildErr != nil {
		t.Fatal(buildErr)
	}
	home := t.TempDir()
	for name, version := range Plugins {
		dir := filepath.Join(home, "plugins", "resource-"+name+"-v"+version)
		if err := os.MkdirAll(dir, 0o755); err != nil {
			t.Fatal(err)
		}
		if err := copyFile(built, filepath.Join(dir, "pulumi-resource-"+name)); err != nil {
			t.Fatal(err)
		}
	}
	log := filepath.Join(t.TempDir(), "standin.log")
	t.Setenv("PULUMI_HOME", home)
	t.Setenv("PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION", "true")
	t.Setenv("PULUMI_IGNORE_AMBIENT_PLUGINS", "true")
	t.Setenv("PULUMI_SKIP_UPDATE_CHECK", "true")
	t.Setenv("AWS_REGION", "us-east-1")
	t.Setenv("AWS_PROFILE", "")
	t.Setenv("STELVIO_STANDIN_LOG", log)
	return Env{Pulumi: bin, Home: home, Log: log}
}

// buildStandin compiles the stand-in plugin once per test process.
func buildStandin() (string, error) {
	dir, err := os.MkdirTemp("", "stelvio-standin-")
	if err != nil {
		return "", err
	}
	out := filepath.Join(dir, "standin")
	cmd := exec.Command("go", "build", "-o", out, standinPkg)
	if b, err := cmd.CombinedOutput(); err != nil {
		return "", fmt.Errorf("build stand-in provider: %v\n%s", err, b)
	}
	return out, nil
}

func copyFile(from, to string) error {
	data, err := os.ReadFile(from)
	if err != nil {
		return err
	}
	return os.WriteFile(to, data, 0o755)
}

// Op is one operation the stand-in performed.
type Op struct {
	Op      string         `json:"op"`
	Type    string         `json:"type"`
	URN     string         `json:"urn"`
	ID      string         `json:"id"`
	Outputs map[string]any `json:"outputs"`
}

// Ops reads the operations the stand-in recorded so far.
func (e Env) Ops(t testing.TB) []Op {
	t.Helper()
	f, err := os.Open(e.Log)
	if os.IsNotExist(err) {
		return nil
	}
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var ops []Op
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 1<<20), 1<<24)
	for sc.Scan() {
		var op Op
		if err := json.Unmarshal(sc.Bytes(), &op); err != nil {
			t.Fatalf("stand-in log: %v", err)
		}
		ops = append(ops, op)
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	return ops
}

// Reset forgets the recorded operations.
func (e Env) Reset(t testing.TB) {
	t.Helper()
	if err := os.Remove(e.Log); err != nil && !os.IsNotExist(err) {
		t.Fatal(err)
	}
}
