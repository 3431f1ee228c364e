package deploy

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"github.com/stelvio-go/stelvio/internal/cli"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/pulumi/pulumi-aws/sdk/v7/go/aws/apigateway"
	"github.com/pulumi/pulumi-aws/sdk/v7/go/aws/iam"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/stelvio-go/stelvio/internal/app"
	"github.com/stelvio-go/stelvio/internal/engine"
	"github.com/stelvio-go/stelvio/internal/engine/enginetest"
	"github.com/stelvio-go/stelvio/internal/route"
)

// declareApi declares an api with routes {method, path, handler}, as apigateway.New and Api.Route do
// (this package cannot import the public ones, which import it through the root package).
func declareApi(s *app.State, name string, routes ...[3]string) error {
	d := &route.ApiDecl{Name: name, Source: "main.go:1"}
	for i, r := range routes {
		d.Routes = append(d.Routes, &route.RouteDecl{Methods: r[0], Path: r[1], Handler: r[2], Source: fmt.Sprintf("main.go:%d", i+2)})
	}
	s.Decls().Apis = append(s.Decls().Apis, d)
	return nil
}

// tableResources is a small deployment of a route table for these tests: a
// role per function and one API deployment whose triggers are the routes.
// The real AWS components are tested with the quickstart.
func tableResources(_ context.Context, t *route.Table) (engine.Program, error) {
	return func(ctx *pulumi.Context, p engine.Providers) error {
		opt := pulumi.Provider(p.AWS)
		for _, fn := range t.Functions {
			if _, err := iam.NewRole(ctx, fn.Name, &iam.RoleArgs{AssumeRolePolicy: pulumi.String("{}")}, opt); err != nil {
				return err
			}
		}
		for _, api := range t.Apis {
			rest, err := apigateway.NewRestApi(ctx, api.Name, &apigateway.RestApiArgs{}, opt)
			if err != nil {
				return err
			}
			var routes []string
			for _, r := range api.Routes {
				routes = append(routes, r.String())
			}
			sort.Strings(routes)
			dep, err := apigateway.NewDeployment(ctx, api.Name, &apigateway.DeploymentArgs{
				RestApi: rest.ID(), Triggers: pulumi.StringMap{"routes": pulumi.String(strings.Join(routes, ";"))},
			}, opt)
			if err != nil {
				return err
			}
			ctx.Export(api.Name+"-deployment", dep.ID())
		}
		return nil
	}, nil
}

type cliRun struct {
	code     int
	out, err string
}

func TestDeployCommands(t *testing.T) {
	enginetest.Setup(t)
	dir := t.TempDir()
	if err := os.MkdirAll(filepath.Join(dir, "functions"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "functions", "hello.py"), []byte("def index(e, c):\n    return {}\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	routes := []string{"/hello"}
	prog := &app.Program{Name: "shop", Dir: dir, Environments: []string{"test", "prod"}, Run: func(s *app.State) error {
		var rs [][3]string
		for _, r := range routes {
			rs = append(rs, [3]string{"GET", r, "functions/hello.index"})
		}
		return declareApi(s, "api", rs...)
	}}
	env := map[string]string{}
	run := func(stdin string, args ...string) cliRun {
		var out, errOut bytes.Buffer
		f := &Factory{Factory: &cli.Factory{
			Program: prog, Dir: dir, In: strings.NewReader(stdin), Out: &out, Err: &errOut,
			Getenv: func(k string) string { return env[k] }, Context: context.Background(),
		}, Resources: tableResources}
		code := Run(f, args)
		return cliRun{code, out.String(), errOut.String()}
	}
	expect := func(r cliRun, code int, what string) {
		t.Helper()
		if r.code != code {
			t.Fatalf("%s: exit code %d, want %d\nstdout:\n%s\nstderr:\n%s", what, r.code, code, r.out, r.err)
		}
	}

	r := run("", "deploy", "staging", "--yes")
	expect(r, cli.ExitUsage, "deploy to an environment the app does not allow")
	if want := "error: environment \"staging\" is not one of this app's environments (test, prod)\n"; !strings.HasPrefix(r.err, want) {
		t.Errorf("stderr = %q, want prefix %q", r.err, want)
	}
	env["CI"] = "true"
	r = run("", "diff")
	expect(r, cli.ExitUsage, "diff on CI without an environment")
	if want := "error: CI is set, so diff needs an explicit environment: diff ENV or --env ENV\n"; !strings.HasPrefix(r.err, want) {
		t.Errorf("stderr = %q", r.err)
	}

	r = run("", "outputs", "test")
	expect(r, cli.ExitFailed, "outputs before any deploy")
	if want := "error: environment \"test\" of app \"shop\" was never deployed; run `deploy test` first\n"; r.err != want {
		t.Errorf("stderr = %q, want %q", r.err, want)
	}

	// Without --yes deploy shows the plan and asks; "n" changes nothing.
	r = run("n\n", "deploy", "test")
	expect(r, cli.ExitFailed, "declined deploy")
	if !strings.Contains(r.out, "+ create   aws:apigateway/deployment:Deployment api") || r.err != "Deploy these changes to test? [y/N] error: deploy cancelled; nothing was changed\n" {
		t.Errorf("declined deploy: stdout %q stderr %q", r.out, r.err)
	}
	r = run("y\n", "deploy", "test")
	expect(r, cli.ExitOK, "confirmed deploy")
	if !strings.Contains(r.out, "Deployed test: 5 change(s) (5 create)") {
		t.Errorf("deploy output lacks the summary:\n%s", r.out)
	}

	r = run("", "outputs", "test", "--json")
	expect(r, cli.ExitOK, "outputs --json")
	var outs map[string]string
	if err := json.Unmarshal([]byte(r.out), &outs); err != nil || !strings.HasPrefix(outs["api-deployment"], "api-") {
		t.Errorf("outputs --json = %q (%v)", r.out, err)
	}
	firstDeployment := outs["api-deployment"]

	// JSON progress: one object per line.
	routes = append(routes, "/hello/{name}")
	r = run("", "deploy", "test", "--yes", "--json")
	expect(r, cli.ExitOK, "deploy --json")
	var kinds []string
	for _, line := range strings.Split(strings.TrimSpace(r.out), "\n") {
		var e engine.Event
		if err := json.Unmarshal([]byte(line), &e); err != nil {
			t.Fatalf("deploy --json line %q: %v", line, err)
		}
		kinds = append(kinds, e.Kind+":"+e.Op+":"+e.Name)
	}
	if want := "start:replace:api,done:replace:api,summary:update:,outputs::"; strings.Join(kinds, ",") != want {
		t.Errorf("json events = %s, want %s", strings.Join(kinds, ","), want)
	}
	r = run("", "outputs", "test")
	expect(r, cli.ExitOK, "outputs")
	if strings.Contains(r.out, firstDeployment) || !strings.HasPrefix(r.out, "  api-deployment:  api-") {
		t.Errorf("outputs after a route change = %q; want a new deployment id", r.out)
	}

	// A lock held by a running process (this one) refuses deploys with exit code 4.
	lockDir := filepath.Join(dir, ".stelvio/state/.pulumi/locks/organization/shop/test")
	if err := os.MkdirAll(lockDir, 0o755); err != nil {
		t.Fatal(err)
	}
	host, _ := os.Hostname()
	lock := fmt.Sprintf(`{"pid":%d,"username":"ann","hostname":%q,"timestamp":"2026-01-02T03:04:05Z"}`, os.Getpid(), host)
	if err := os.WriteFile(filepath.Join(lockDir, "a1.json"), []byte(lock), 0o644); err != nil {
		t.Fatal(err)
	}
	r = run("", "deploy", "test", "--yes")
	expect(r, cli.ExitLocked, "deploy of a locked environment")
	if want := fmt.Sprintf("error: environment \"test\" is locked by another operation; held by ann@%s (pid %d) since 2026-01-02T03:04:05Z; wait for it to finish, or if it no longer runs, remove the lock with `unlock test`\n", host, os.Getpid()); r.err != want {
		t.Errorf("stderr = %q, want %q", r.err, want)
	}
	r = run("", "unlock", "test")
	expect(r, cli.ExitFailed, "unlock of a live lock")
	r = run("", "unlock", "test", "--force")
	expect(r, cli.ExitOK, "unlock --force")
	if !strings.HasPrefix(r.out, "removed 1 stale lock(s) on environment \"test\":") {
		t.Errorf("unlock output = %q", r.out)
	}

	r = run("", "refresh", "test")
	expect(r, cli.ExitOK, "refresh")

	// destroy wants the environment name typed.
	r = run("prod\n", "destroy", "test")
	expect(r, cli.ExitFailed, "destroy with the wrong name typed")
	if !strings.HasSuffix(r.err, "error: destroy (typed \"prod\", not \"test\") cancelled; nothing was changed\n") {
		t.Errorf("stderr = %q", r.err)
	}
	r = run("test\n", "destroy", "test")
	expect(r, cli.ExitOK, "destroy")
	if !strings.Contains(r.out, "Destroyed test: 5 change(s) (5 delete)") {
		t.Errorf("destroy output:\n%s", r.out)
	}
	r = run("", "outputs", "test", "--json")
	expect(r, cli.ExitOK, "outputs after destroy")
	if strings.TrimSpace(r.out) != "{}" {
		t.Errorf("outputs after destroy = %q, want {}", r.out)
	}
}
