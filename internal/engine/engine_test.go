package engine_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/pulumi/pulumi-aws/sdk/v7/go/aws/apigateway"
	"github.com/pulumi/pulumi-aws/sdk/v7/go/aws/iam"
	"github.com/pulumi/pulumi-aws/sdk/v7/go/aws/lambda"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/stelvio-go/stelvio/internal/engine"
	"github.com/stelvio-go/stelvio/internal/engine/enginetest"
)

// api is a small program in the shape stelvio deploys: a role, a function, a
// REST API with a deployment whose triggers change with the routes, and a
// stage. started, when set, is closed once the program runs and the program
// then waits for release, which holds the stack lock for as long as a test
// needs.
type api struct {
	trigger string
	started chan struct{}
	release chan struct{}
}

func (a *api) program(ctx *pulumi.Context, p engine.Providers) error {
	if a.started != nil {
		close(a.started)
		<-a.release
	}
	opt := pulumi.Provider(p.AWS)
	role, err := iam.NewRole(ctx, "hello-role", &iam.RoleArgs{
		AssumeRolePolicy: pulumi.String(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"lambda.amazonaws.com"},"Action":"sts:AssumeRole"}]}`),
	}, opt)
	if err != nil {
		return err
	}
	fn, err := lambda.NewFunction(ctx, "hello", &lambda.FunctionArgs{
		Role:    role.Arn,
		Runtime: pulumi.String("python3.13"),
		Handler: pulumi.String("hello.index"),
		Code: pulumi.NewAssetArchive(map[string]any{
			"hello.py": pulumi.NewStringAsset("def index(event, context):\n    return {'statusCode': 200}\n"),
		}),
	}, opt)
	if err != nil {
		return err
	}
	rest, err := apigateway.NewRestApi(ctx, "api", &apigateway.RestApiArgs{}, opt)
	if err != nil {
		return err
	}
	dep, err := apigateway.NewDeployment(ctx, "api-deployment", &apigateway.DeploymentArgs{
		RestApi:  rest.ID(),
		Triggers: pulumi.StringMap{"routes": pulumi.String(a.trigger)},
	}, opt)
	if err != nil {
		return err
	}
	stage, err := apigateway.NewStage(ctx, "api-stage", &apigateway.StageArgs{
		RestApi:    rest.ID(),
		Deployment: dep.ID(),
		StageName:  pulumi.String("v1"),
	}, opt)
	if err != nil {
		return err
	}
	ctx.Export("url", stage.InvokeUrl)
	ctx.Export("function", fn.Name)
	return nil
}

func open(t *testing.T, dir string, a *api, out *bytes.Buffer, create bool) *engine.Stack {
	t.Helper()
	st, err := engine.Open(context.Background(), engine.Options{
		App: "shop", Env: "test", Dir: dir, Program: a.program, Out: out,
	}, create)
	if err != nil {
		t.Fatalf("open stack: %v", err)
	}
	return st
}

// steps summarises a result as "op name" strings, sorted.
func steps(r *engine.Result) []string {
	var s []string
	for _, st := range r.Steps {
		s = append(s, st.Op+" "+st.Name)
	}
	slices.Sort(s)
	return s
}

func TestLifecycle(t *testing.T) {
	env := enginetest.Setup(t)
	t.Setenv("PULUMI_CONFIG_PASSPHRASE", "")
	os.Unsetenv("PULUMI_CONFIG_PASSPHRASE")
	t.Setenv("PULUMI_CONFIG_PASSPHRASE_FILE", "")
	os.Unsetenv("PULUMI_CONFIG_PASSPHRASE_FILE")
	dir := t.TempDir()
	ctx := context.Background()
	a := &api{trigger: "GET /hello"}
	var out bytes.Buffer

	st := open(t, dir, a, &out, true)
	res, err := st.Up(ctx)
	if err != nil {
		t.Fatalf("first deploy: %v\n%s", err, out.String())
	}
	want := []string{"create api", "create api-deployment", "create api-stage", "create aws", "create hello", "create hello-role"}
	if got := steps(res); !slices.Equal(got, want) {
		t.Errorf("first deploy steps = %q, want %q", got, want)
	}
	if res.Changes["create"] != 7 { // six resources and the stack itself
		t.Errorf("first deploy changes = %v, want 7 creates", res.Changes)
	}
	url, _ := res.Outputs["url"].(string)
	if !strings.HasPrefix(url, "https://api-") || !strings.HasSuffix(url, ".execute-api.us-east-1.amazonaws.com/v1") {
		t.Errorf("url output = %q, want the stage's invoke URL", url)
	}
	if !strings.Contains(out.String(), "+ created  aws:lambda/function:Function hello (") ||
		!strings.Contains(out.String(), "Deployed test: 7 change(s) (7 create)") ||
		!strings.Contains(out.String(), "Outputs:\n") {
		t.Errorf("progress lacks resource lines, summary or outputs:\n%s", out.String())
	}

	// Every AWS resource carries the default tags through the explicit provider.
	for _, op := range env.Ops(t) {
		if op.Op != "create" || !strings.HasPrefix(op.Type, "aws:") {
			continue
		}
		tags, _ := op.Outputs["tagsAll"].(map[string]any)
		if tags["stelvio:app"] != "shop" || tags["stelvio:env"] != "test" {
			t.Errorf("%s tagsAll = %v, want stelvio:app=shop stelvio:env=test", op.URN, tags)
		}
	}

	// State files are where the package documents them.
	for _, p := range []string{".stelvio/state/.pulumi/stacks/shop/test.json", ".stelvio/passphrase", ".stelvio/workspace/Pulumi.yaml"} {
		if _, err := os.Stat(filepath.Join(dir, p)); err != nil {
			t.Errorf("expected %s: %v", p, err)
		}
	}
	if fi, err := os.Stat(filepath.Join(dir, ".stelvio/passphrase")); err == nil && fi.Mode().Perm() != 0o600 {
		t.Errorf("passphrase mode = %v, want 0600", fi.Mode().Perm())
	}
	if log, err := os.ReadFile(res.LogFile); err != nil || !strings.Contains(string(log), "hello") {
		t.Errorf("engine log %s: %v, content %q", res.LogFile, err, log)
	}

	// Outputs read back from the stack.
	outs, err := open(t, dir, a, &out, false).Outputs(ctx)
	if err != nil || outs["url"] != url {
		t.Fatalf("outputs = %v, %v; want url %q", outs, err, url)
	}

	// Deploying again changes nothing.
	env.Reset(t)
	out.Reset()
	res, err = open(t, dir, a, &out, true).Up(ctx)
	if err != nil {
		t.Fatalf("second deploy: %v", err)
	}
	if len(res.Steps) != 0 || res.Changes["same"] != 7 || len(env.Ops(t)) != 0 {
		t.Errorf("second deploy: steps %q changes %v provider ops %d; want nothing changed", steps(res), res.Changes, len(env.Ops(t)))
	}

	// A changed route replaces the deployment and updates the stage only.
	a.trigger = "GET /hello,POST /hello"
	out.Reset()
	plan, err := open(t, dir, a, &out, true).Preview(ctx)
	if err != nil {
		t.Fatalf("preview: %v", err)
	}
	if got, want := steps(plan), []string{"replace api-deployment", "update api-stage"}; !slices.Equal(got, want) {
		t.Errorf("preview steps = %q, want %q\n%s", got, want, out.String())
	}
	if !strings.Contains(out.String(), "± replace  aws:apigateway/deployment:Deployment api-deployment (triggers)") {
		t.Errorf("preview output lacks the replacement and its reason:\n%s", out.String())
	}
	res, err = open(t, dir, a, &out, true).Up(ctx)
	if err != nil {
		t.Fatalf("deploy changed route: %v", err)
	}
	if got, want := steps(res), []string{"replace api-deployment", "update api-stage"}; !slices.Equal(got, want) {
		t.Errorf("deploy steps = %q, want %q", got, want)
	}
	if res.Changes["replace"] != 1 || res.Changes["update"] != 1 || res.Changes["same"] != 5 {
		t.Errorf("deploy changes = %v, want 1 replace, 1 update, 5 same", res.Changes)
	}

	// Refresh finds no drift.
	res, err = open(t, dir, a, &out, false).Refresh(ctx)
	if err != nil {
		t.Fatalf("refresh: %v", err)
	}

	// Destroy leaves an empty stack.
	out.Reset()
	res, err = open(t, dir, a, &out, false).Destroy(ctx)
	if err != nil {
		t.Fatalf("destroy: %v", err)
	}
	if res.Changes["delete"] != 7 || len(res.Outputs) != 0 {
		t.Errorf("destroy: changes %v outputs %v; want 7 deletes and no outputs", res.Changes, res.Outputs)
	}
	var state struct {
		Checkpoint struct {
			Latest struct {
				Resources []any `json:"resources"`
			} `json:"latest"`
		} `json:"checkpoint"`
	}
	data, err := os.ReadFile(filepath.Join(dir, ".stelvio/state/.pulumi/stacks/shop/test.json"))
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(data, &state); err != nil {
		t.Fatal(err)
	}
	if n := len(state.Checkpoint.Latest.Resources); n != 0 {
		t.Errorf("state after destroy holds %d resources, want 0", n)
	}
}

func TestNeverDeployed(t *testing.T) {
	enginetest.Setup(t)
	_, err := engine.Open(context.Background(), engine.Options{App: "shop", Env: "nope", Dir: t.TempDir()}, false)
	var nd *engine.NotDeployedError
	if !errors.As(err, &nd) {
		t.Fatalf("open undeployed env: %v, want NotDeployedError", err)
	}
	if want := "environment \"nope\" of app \"shop\" was never deployed; run `deploy nope` first"; err.Error() != want {
		t.Errorf("error = %q, want %q", err, want)
	}
}

func TestConcurrentDeployIsLocked(t *testing.T) {
	enginetest.Setup(t)
	dir := t.TempDir()
	ctx := context.Background()
	var out bytes.Buffer
	if _, err := open(t, dir, &api{trigger: "a"}, &out, true).Up(ctx); err != nil {
		t.Fatalf("deploy: %v", err)
	}

	slow := &api{trigger: "b", started: make(chan struct{}), release: make(chan struct{})}
	first := open(t, dir, slow, &out, true)
	done := make(chan error, 1)
	go func() {
		_, err := first.Up(ctx)
		done <- err
	}()
	<-slow.started // the first deploy holds the lock while its program runs

	var out2 bytes.Buffer
	_, err := open(t, dir, &api{trigger: "c"}, &out2, true).Up(ctx)
	var locked *engine.LockedError
	if !errors.As(err, &locked) {
		t.Errorf("second deploy: %v, want LockedError", err)
	} else {
		host, _ := os.Hostname()
		if len(locked.Locks) != 1 || locked.Locks[0].Hostname != host {
			t.Errorf("locks = %+v, want one lock from %s", locked.Locks, host)
		}
		if !strings.HasPrefix(err.Error(), `environment "test" is locked by another operation; held by `) ||
			!strings.HasSuffix(err.Error(), "; wait for it to finish, or if it no longer runs, remove the lock with `unlock test`") {
			t.Errorf("error text = %q", err)
		}
	}

	// A lock whose process still runs here is not removed.
	_, err = open(t, dir, &api{}, &out2, false).Unlock(ctx, false)
	if err == nil || !strings.Contains(err.Error(), "is locked by a running process") {
		t.Errorf("unlock of a live lock: %v, want refusal", err)
	}
	close(slow.release)
	if err := <-done; err != nil {
		t.Fatalf("first deploy: %v", err)
	}
}

func TestUnlockStaleLock(t *testing.T) {
	enginetest.Setup(t)
	dir := t.TempDir()
	ctx := context.Background()
	var out bytes.Buffer
	a := &api{trigger: "a"}
	if _, err := open(t, dir, a, &out, true).Up(ctx); err != nil {
		t.Fatalf("deploy: %v", err)
	}
	// A deploy killed mid-way leaves its lock file behind.
	lockDir := filepath.Join(dir, ".stelvio/state/.pulumi/locks/organization/shop/test")
	if err := os.MkdirAll(lockDir, 0o755); err != nil {
		t.Fatal(err)
	}
	stale := `{"pid":2147483000,"username":"ci","hostname":"build-7","timestamp":"2026-01-02T03:04:05Z"}`
	if err := os.WriteFile(filepath.Join(lockDir, "0c5b1f6e.json"), []byte(stale), 0o644); err != nil {
		t.Fatal(err)
	}
	_, err := open(t, dir, a, &out, true).Up(ctx)
	var locked *engine.LockedError
	if !errors.As(err, &locked) {
		t.Fatalf("deploy with stale lock: %v, want LockedError", err)
	}
	if !strings.Contains(err.Error(), "held by ci@build-7 (pid 2147483000) since 2026-01-02T03:04:05Z") {
		t.Errorf("error text lacks the lock's owner: %q", err)
	}
	rep, err := open(t, dir, a, &out, false).Unlock(ctx, false)
	if err != nil {
		t.Fatalf("unlock: %v", err)
	}
	if !rep.Removed || !strings.HasPrefix(rep.Message, `removed 1 stale lock(s) on environment "test":`) ||
		!strings.Contains(rep.Message, "(held by ci@build-7 (pid 2147483000) since 2026-01-02T03:04:05Z)") {
		t.Errorf("unlock report = %+v", rep)
	}
	if _, err := open(t, dir, a, &out, true).Up(ctx); err != nil {
		t.Fatalf("deploy after unlock: %v", err)
	}
	rep, err = open(t, dir, a, &out, false).Unlock(ctx, false)
	if err != nil || rep.Removed || rep.Message != `environment "test" is not locked; nothing to do` {
		t.Errorf("unlock of an unlocked env = %+v, %v", rep, err)
	}
}
