package deploy

import (
	"bytes"
	"encoding/json"
	"fmt"
	"github.com/stelvio-go/stelvio/internal/cli"
	"github.com/stelvio-go/stelvio/internal/cli/clitest"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"testing"

	"github.com/stelvio-go/stelvio/internal/engine"
	"github.com/stelvio-go/stelvio/internal/engine/enginetest"
)

// TestQuickstartLifecycle deploys examples/quickstart with its own command
// line through the real pulumi CLI and the stand-in AWS provider:
// deploy, outputs, an idempotent redeploy, a changed route, a lock, a wrong
// environment, destroy.
func TestQuickstartLifecycle(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and deploys the quickstart")
	}
	enginetest.Setup(t)
	dir, bin, qs := buildExample(t, "quickstart")
	expect := expectCode(t)

	r := qs("deploy", "test", "--yes")
	expect(r, cli.ExitOK, "first deploy")
	if !strings.Contains(r.out, "Deployed test: ") || !regexp.MustCompile(`(?m)^Outputs:\n(.*\n)*  my-api-url: +https://`).MatchString(r.out) {
		t.Errorf("first deploy output lacks summary or url:\n%s", r.out)
	}
	t.Logf("first deploy:\n%s", clitest.LastLines(r.out, 12))
	for _, p := range []string{".stelvio/state/.pulumi/stacks/quickstart/test.json", ".stelvio/passphrase", ".stelvio/logs"} {
		if _, err := os.Stat(filepath.Join(dir, p)); err != nil {
			t.Errorf("state file %s: %v", p, err)
		}
	}

	r = qs("outputs", "test", "--json")
	expect(r, cli.ExitOK, "outputs")
	var outs map[string]string
	if err := json.Unmarshal([]byte(r.out), &outs); err != nil || !strings.HasSuffix(outs["my-api-url"], ".execute-api.us-east-1.amazonaws.com/v1") {
		t.Errorf("outputs --json = %q (%v)", r.out, err)
	}

	r = qs("deploy", "test", "--yes")
	expect(r, cli.ExitOK, "second deploy")
	if !strings.Contains(r.out, "Deployed test: 0 change(s)") {
		t.Errorf("second deploy changed something:\n%s", r.out)
	}

	// Change one route's path: the deployment is replaced and only that
	// route's resources change; no function or role is touched.
	main := filepath.Join(dir, "main.go")
	src, err := os.ReadFile(main)
	if err != nil {
		t.Fatal(err)
	}
	changed := strings.Replace(string(src), `api.Route("GET", "/orders", "functions/orders.index")`, `api.Route("GET", "/orders/{id}", "functions/orders.index")`, 1)
	if changed == string(src) {
		t.Fatal("quickstart main.go no longer has the GET /orders route this test changes")
	}
	clitest.WriteFile(t, main, changed)
	clitest.GoCmd(t, dir, "build", "-o", bin, ".")
	r = qs("deploy", "test", "--yes", "--json")
	expect(r, cli.ExitOK, "deploy after a route change")
	ops := doneOps(t, r.out)
	t.Logf("route change:\n  %s", strings.Join(ops, "\n  "))
	var replacedDeployment bool
	for _, op := range ops {
		if strings.Contains(op, "aws:lambda/function:Function") || strings.Contains(op, "aws:iam/role:Role") {
			t.Errorf("a route change touched a function or role: %s", op)
		}
		if strings.HasPrefix(op, "replace aws:apigateway/deployment:Deployment") {
			replacedDeployment = true
		}
		if strings.Contains(op, "aws:apigateway/") && !strings.Contains(op, "/orders") &&
			!strings.Contains(op, "Deployment") && !strings.Contains(op, "Stage") && !strings.Contains(op, "Permission") {
			t.Errorf("a resource of another route changed: %s", op)
		}
	}
	if !replacedDeployment {
		t.Errorf("the deployment was not replaced after a route change; ops: %q", ops)
	}

	// Wrong environment: usage error, exit 2.
	r = qs("deploy", "Prod", "--yes")
	expect(r, cli.ExitUsage, "deploy to an invalid environment")
	// The deployment binary speaks as the app's own command line.
	if !strings.Contains(r.err, "run 'quickstart deploy --help' for usage") {
		t.Errorf("usage hint of the deployment binary:\n%s", r.err)
	}

	// A deploy in progress (a lock held by a live process) refuses with exit 4.
	lockDir := filepath.Join(dir, ".stelvio/state/.pulumi/locks/organization/quickstart/test")
	if err := os.MkdirAll(lockDir, 0o755); err != nil {
		t.Fatal(err)
	}
	host, _ := os.Hostname()
	clitest.WriteFile(t, filepath.Join(lockDir, "b2.json"), fmt.Sprintf(`{"pid":%d,"username":"ann","hostname":%q,"timestamp":"2026-01-02T03:04:05Z"}`, os.Getpid(), host))
	r = qs("deploy", "test", "--yes")
	expect(r, cli.ExitLocked, "deploy of a locked environment")
	r = qs("unlock", "test", "--force")
	expect(r, cli.ExitOK, "unlock --force")

	r = qs("destroy", "test", "--yes")
	expect(r, cli.ExitOK, "destroy")
	t.Logf("destroy: %s", clitest.LastLines(r.out, 1))
	r = qs("outputs", "test", "--json")
	expect(r, cli.ExitOK, "outputs after destroy")
	if strings.TrimSpace(r.out) != "{}" {
		t.Errorf("outputs after destroy = %q", r.out)
	}
	var state struct {
		Checkpoint struct {
			Latest struct {
				Resources []any `json:"resources"`
			} `json:"latest"`
		} `json:"checkpoint"`
	}
	data, err := os.ReadFile(filepath.Join(dir, ".stelvio/state/.pulumi/stacks/quickstart/test.json"))
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(data, &state); err != nil || len(state.Checkpoint.Latest.Resources) != 0 {
		t.Errorf("state after destroy: %d resources (%v), want 0", len(state.Checkpoint.Latest.Resources), err)
	}
}

// buildExample copies examples/<name> into a module of its own that requires this checkout, builds it,
// and returns its directory, its binary, and a function running the binary there (with CI unset).
func buildExample(t *testing.T, name string) (string, string, func(args ...string) cliRun) {
	t.Helper()
	root := clitest.RepoRoot(t)
	dir := filepath.Join(t.TempDir(), name)
	clitest.CopyDir(t, filepath.Join(root, "examples", name), dir)
	gomod := fmt.Sprintf("module %s\n\ngo %s\n\nrequire github.com/stelvio-go/stelvio v0.0.0-00010101000000-000000000000\n\nreplace github.com/stelvio-go/stelvio => %s\n", name, cli.GoVersion(), root)
	clitest.WriteFile(t, filepath.Join(dir, "go.mod"), gomod)
	sum, err := os.ReadFile(filepath.Join(root, "go.sum"))
	if err != nil {
		t.Fatal(err)
	}
	clitest.WriteFile(t, filepath.Join(dir, "go.sum"), string(sum))
	clitest.GoCmd(t, dir, "mod", "tidy")
	bin := filepath.Join(t.TempDir(), name)
	clitest.GoCmd(t, dir, "build", "-o", bin, ".")
	run := func(args ...string) cliRun {
		t.Helper()
		var out, errOut bytes.Buffer
		cmd := exec.Command(bin, args...)
		cmd.Dir, cmd.Stdout, cmd.Stderr = dir, &out, &errOut
		cmd.Env = append(os.Environ(), "CI=")
		err := cmd.Run()
		code := 0
		if ee, ok := err.(*exec.ExitError); ok {
			code = ee.ExitCode()
		} else if err != nil {
			t.Fatal(err)
		}
		return cliRun{code, out.String(), errOut.String()}
	}
	return dir, bin, run
}

// expectCode returns a check that a run ended with the wanted exit code.
func expectCode(t *testing.T) func(r cliRun, code int, what string) {
	return func(r cliRun, code int, what string) {
		t.Helper()
		if r.code != code {
			t.Fatalf("%s: exit code %d, want %d\nstdout:\n%s\nstderr:\n%s", what, r.code, code, r.out, r.err)
		}
	}
}

// doneOps lists "op type name" of every finished step of a --json deploy.
func doneOps(t *testing.T, out string) []string {
	t.Helper()
	var ops []string
	for _, line := range strings.Split(strings.TrimSpace(out), "\n") {
		var e engine.Event
		if err := json.Unmarshal([]byte(line), &e); err != nil {
			t.Fatalf("json line %q: %v", line, err)
		}
		if e.Kind == "done" {
			ops = append(ops, e.Op+" "+e.Type+" "+e.Name)
		}
	}
	sort.Strings(ops)
	return ops
}
