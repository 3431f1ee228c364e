package main

import (
	"bytes"
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"path"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stelvio-go/stelvio/internal/app"
	"github.com/stelvio-go/stelvio/internal/cli"
	"github.com/stelvio-go/stelvio/internal/cli/deploy"
	"github.com/stelvio-go/stelvio/internal/plan"
	"github.com/stelvio-go/stelvio/internal/plan/plantest"
)

var update = flag.Bool("update", false, "rewrite the golden plans in testdata")

// TestQuickstartPlan checks the AWS resources the quickstart becomes: how many of each, and the
// settings of each Lambda.
func TestQuickstartPlan(t *testing.T) {
	pl, err := plan.Run(context.Background(), app.ProgramOf(App(), Run), plan.Options{
		Env: "test", ProjectDir: ".", Packager: plantest.Packager{ProjectDir: "."}, Region: "us-east-1",
	})
	if err != nil {
		t.Fatal(err)
	}
	counts := map[string]int{}
	for _, r := range pl.Resources {
		counts[r.Type]++
	}
	want := map[string]int{
		"pulumi:providers:aws": 1,
		// Five Lambdas: users (3 routes), orders, inventory (folder, 2 routes), reports, hello (Go, 2 routes).
		"stelvio:function:Lambda":                           5,
		"aws:lambda/function:Function":                      5,
		"aws:iam/role:Role":                                 5 + 1, // and the account's CloudWatch role
		"aws:iam/rolePolicyAttachment:RolePolicyAttachment": 5 + 1,
		"stelvio:apigateway:RestApi":                        1,
		"aws:apigateway/restApi:RestApi":                    1,
		// /users /users/{id} /orders /inventory /inventory/{sku} /reports /hello /hello/{name}
		"aws:apigateway/resource:Resource": 8,
		// 9 routes, GET+POST /hello/{name} counts twice.
		"aws:apigateway/method:Method":           10,
		"aws:apigateway/integration:Integration": 10,
		"aws:lambda/permission:Permission":       5,
		"aws:apigateway/deployment:Deployment":   1,
		"aws:apigateway/stage:Stage":             1,
		"stelvio:apigateway:Account":             1,
		"aws:apigateway/account:Account":         2, // the settings read, and set with the new role
	}
	for typ, n := range want {
		if counts[typ] != n {
			t.Errorf("%d %s, want %d", counts[typ], typ, n)
		}
	}
	if len(counts) != len(want) {
		t.Errorf("resource types %v, want %v", counts, want)
	}

	lambdas := []struct {
		name, runtime, handler string
		memory, timeout        float64
	}{
		{"functions-users", "python3.12", "stelvio_router.handler", 128, 60},
		{"functions-orders", "python3.12", "orders.index", 128, 60},
		{"functions-inventory", "python3.12", "stelvio_router.handler", 128, 10},
		{"reports", "python3.12", "reports.handler", 512, 60},
		{"functions-hello", "provided.al2023", "bootstrap", 128, 60},
	}
	for _, l := range lambdas {
		fn := pl.Find("aws:lambda/function:Function", l.name)
		if fn == nil {
			t.Errorf("no Lambda %s", l.name)
			continue
		}
		in := fn.Inputs
		if in["runtime"] != l.runtime || in["handler"] != l.handler || in["memorySize"] != l.memory || in["timeout"] != l.timeout {
			t.Errorf("Lambda %s: runtime %v handler %v memory %v timeout %v, want %s %s %v %v",
				l.name, in["runtime"], in["handler"], in["memorySize"], in["timeout"], l.runtime, l.handler, l.memory, l.timeout)
		}
	}
	if got := pl.Outputs["my-api-url"]; got != "https://<RestApi my-api id>.execute-api.us-east-1.amazonaws.com/v1" {
		t.Errorf("my-api-url = %v", got)
	}
}

// TestQuickstartPlanGolden runs `plan --json` and `plan` on the quickstart with its real packages and
// compares them with testdata/plan.json and testdata/plan.txt (go test -run Golden -update rewrites
// them).
func TestQuickstartPlanGolden(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the quickstart's packages")
	}
	run := func(args ...string) string {
		t.Helper()
		var out, errOut bytes.Buffer
		f := &cli.Factory{
			Program: app.ProgramOf(App(), Run), Dir: ".", In: strings.NewReader(""), Out: &out, Err: &errOut,
			Getenv: func(string) string { return "" }, Context: context.Background(), Deploy: deploy.Commands,
		}
		if code := cli.Run(f, args); code != cli.ExitOK {
			t.Fatalf("plan %v: exit code %d\n%s", args, code, errOut.String())
		}
		return out.String()
	}
	js := run("plan", "test", "--json", "--region", "us-east-1")
	text := run("plan", "--env", "test", "--region", "us-east-1")

	var rs []plan.Resource
	if err := json.Unmarshal([]byte(js), &rs); err != nil {
		t.Fatalf("plan --json is not a JSON array of resources: %v", err)
	}
	// The Go function's package: its file name (a hash of its inputs) and its hash depend on the Go
	// toolchain.
	replace := map[string]string{}
	for _, r := range rs {
		if r.Type == "aws:lambda/function:Function" && r.Inputs["runtime"] == "provided.al2023" {
			code, _ := r.Inputs["code"].(string)
			hash, _ := r.Inputs["sourceCodeHash"].(string)
			if code == "" || hash == "" {
				t.Fatalf("Go function %s: code %q, hash %q", r.Name, code, hash)
			}
			replace[code] = path.Dir(code) + "/<go-build>.zip"
			replace[hash] = "<go-build-hash>"
		}
	}
	if len(replace) != 2 {
		t.Fatalf("the Go function's package and hash not found in the plan")
	}
	for from, to := range replace {
		js = strings.ReplaceAll(js, from, to)
		text = strings.ReplaceAll(text, from, to)
	}
	if strings.Contains(js, "/.stelvio/") || strings.Contains(js, string(filepath.Separator)+"work") {
		t.Errorf("the plan holds absolute paths")
	}
	golden(t, "testdata/plan.json", js)
	golden(t, "testdata/plan.txt", text)
}

func golden(t *testing.T, file, got string) {
	t.Helper()
	if *update {
		if err := os.MkdirAll(filepath.Dir(file), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(file, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(file)
	if err != nil {
		t.Fatalf("%v (run go test -run Golden -update to create it)", err)
	}
	if got != string(want) {
		t.Errorf("%s differs (go test -run Golden -update rewrites it):\n%s", file, diff(string(want), got))
	}
}

// diff shows the first lines that differ.
func diff(want, got string) string {
	w, g := strings.Split(want, "\n"), strings.Split(got, "\n")
	for i := 0; i < max(len(w), len(g)); i++ {
		var wl, gl string
		if i < len(w) {
			wl = w[i]
		}
		if i < len(g) {
			gl = g[i]
		}
		if wl != gl {
			return fmt.Sprintf("line %d:\n want %s\n  got %s", i+1, wl, gl)
		}
	}
	return ""
}
