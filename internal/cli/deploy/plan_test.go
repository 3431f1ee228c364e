package deploy

import (
	"encoding/json"
	"github.com/stelvio-go/stelvio/internal/cli"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stelvio-go/stelvio/internal/app"
)

func TestPlanArgs(t *testing.T) {
	if o, err := parse(t, newPlanCmd, []string{"prod", "--json", "--region", "eu-west-1"}); err != nil || o.Env != "prod" || !o.JSON || o.Region != "eu-west-1" {
		t.Errorf("plan prod --json --region eu-west-1 = %+v, %v", o, err)
	}
	if o, err := parse(t, newPlanCmd, []string{"-e", "dev"}); err != nil || o.Env != "dev" || o.JSON {
		t.Errorf("plan -e dev = %+v, %v", o, err)
	}
	if _, err := parse(t, newPlanCmd, []string{"a", "b"}); err == nil || cli.ExitCode(err) != cli.ExitUsage {
		t.Errorf("plan a b: %v, want a usage error", err)
	}
}

// planFactory is a factory for an app whose one Python file is functions/hello.py.
func planFactory(t *testing.T, run func(*app.State) error) (*Factory, *strings.Builder, *strings.Builder) {
	t.Helper()
	f, out, errOut := testFactory(t, nil)
	if err := os.MkdirAll(filepath.Join(f.Dir, "functions"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(f.Dir, "functions", "hello.py"), []byte("def index(e, c):\n    return {}\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	f.Program = &app.Program{Name: "shop", Dir: f.Dir, Run: run}
	var o, e strings.Builder
	f.Out, f.Err = &o, &e
	_, _ = out, errOut
	return f, &o, &e
}

func TestPlanCommand(t *testing.T) {
	f, out, errOut := planFactory(t, func(s *app.State) error {
		return declareApi(s, "api", [3]string{"GET", "/hello", "functions/hello.index"})
	})
	if code := Run(f, []string{"plan", "test", "--json", "--region", "eu-west-1"}); code != cli.ExitOK {
		t.Fatalf("exit code %d\n%s", code, errOut)
	}
	var rs []struct {
		Type, Name, Parent string
		Inputs             map[string]any
	}
	if err := json.Unmarshal([]byte(out.String()), &rs); err != nil {
		t.Fatalf("plan --json: %v\n%s", err, out)
	}
	var uri any
	for _, r := range rs {
		if r.Type == "aws:apigateway/integration:Integration" && r.Name == "api:GET /hello" {
			uri = r.Inputs["uri"]
		}
	}
	if want := "arn:aws:apigateway:eu-west-1:lambda:path/2015-03-31/functions/arn:aws:lambda:eu-west-1:123456789012:function:shop-test-functions-hello/invocations"; uri != want {
		t.Errorf("integration uri = %v, want %s", uri, want)
	}

	out.Reset()
	if code := Run(f, []string{"plan", "--env", "test", "--region", "eu-west-1"}); code != cli.ExitOK {
		t.Fatalf("exit code %d\n%s", code, errOut)
	}
	for _, want := range []string{
		"Plan of shop in environment test",
		"stelvio:function:Lambda  functions-hello\n  aws:iam/role:Role  functions-hello\n",
		"Outputs:\n  api-url                   https://<RestApi api id>.execute-api.eu-west-1.amazonaws.com/v1\n",
		"     1  aws:lambda/function:Function\n",
	} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("plan output lacks %q:\n%s", want, out)
		}
	}
}

// TestPlanBadProgram: every problem of the program is listed, and the exit code says it failed.
func TestPlanBadProgram(t *testing.T) {
	f, out, errOut := planFactory(t, func(s *app.State) error {
		return declareApi(s, "api",
			[3]string{"FETCH", "/hello", "functions/hello.index"},
			[3]string{"GET", "/hello/{id}/{id}", "functions/hello.index"},
			[3]string{"GET", "/bye", "functions/bye.index"})
	})
	if code := Run(f, []string{"plan", "test"}); code != cli.ExitFailed {
		t.Errorf("exit code %d, want %d", code, cli.ExitFailed)
	}
	if out.Len() != 0 {
		t.Errorf("a bad program printed a plan:\n%s", out)
	}
	msg := errOut.String()
	if !strings.HasPrefix(msg, "error: 3 problems in the app:\n") {
		t.Errorf("stderr does not list 3 problems:\n%s", msg)
	}
	for _, want := range []string{"FETCH", "{id}", "functions/bye"} {
		if !strings.Contains(msg, want) {
			t.Errorf("stderr lacks the problem with %q:\n%s", want, msg)
		}
	}
}
