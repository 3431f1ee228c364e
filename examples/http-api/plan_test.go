package main

import (
	"bytes"
	"context"
	"flag"
	"os"
	"path"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stelvio-go/stelvio/internal/app"
	"github.com/stelvio-go/stelvio/internal/infra"
	"github.com/stelvio-go/stelvio/internal/plan"
)

var update = flag.Bool("update", false, "rewrite the golden plan in testdata")

// TestPlan compares `plan --json` of prod with testdata/plan-prod.json, which holds every input of
// every resource: the apigatewayv2 Api with its CORS configuration, the JWT authorizer of the Cognito
// user pool, one AWS_PROXY integration (payload format 2.0, 30 s) and one permission per function,
// a route per route key (JWT authorization on GET /me), the $default stage with auto-deploy and its
// access log group, and the four Lambda functions with their roles.
func TestPlan(t *testing.T) {
	pl, err := plan.Run(context.Background(), app.ProgramOf(App(), Run), plan.Options{Env: "prod", ProjectDir: ".", Region: "eu-west-1"})
	if err != nil {
		t.Fatal(err)
	}
	if got, want := pl.Outputs[infra.URLOutput("http-api")], "https://<Api http-api id>.execute-api.eu-west-1.amazonaws.com/"; got != want {
		t.Errorf("output %s = %v, want %s", infra.URLOutput("http-api"), got, want)
	}
	var buf bytes.Buffer
	if err := pl.WriteJSON(&buf); err != nil {
		t.Fatal(err)
	}
	// The Go function's package: its file name (a hash of its inputs) and its hash depend on the Go
	// toolchain and the build.
	js := buf.String()
	replaced := 0
	for _, r := range pl.Resources {
		if r.Type == "aws:lambda/function:Function" && r.Inputs["runtime"] == "provided.al2023" {
			code, _ := r.Inputs["code"].(string)
			hash, _ := r.Inputs["sourceCodeHash"].(string)
			if code == "" || hash == "" {
				t.Fatalf("Go function %s: code %q, hash %q", r.Name, code, hash)
			}
			js = strings.ReplaceAll(js, code, path.Dir(code)+"/<go-build>.zip")
			js = strings.ReplaceAll(js, hash, "<go-build-hash>")
			replaced++
		}
	}
	if replaced != 1 {
		t.Fatalf("%d Go functions in the plan, want 1", replaced)
	}
	buf.Reset()
	buf.WriteString(js)
	golden := filepath.Join("testdata", "plan-prod.json")
	if *update {
		if err := os.MkdirAll("testdata", 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(golden, buf.Bytes(), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(golden)
	if err != nil {
		t.Fatalf("%v; run go test -update to write it", err)
	}
	if !bytes.Equal(buf.Bytes(), want) {
		t.Errorf("plan --json differs from %s (go test -update rewrites it):\n%s", golden, buf.String())
	}
}
