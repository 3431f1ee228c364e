package deploy

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stelvio-go/stelvio/internal/cli"
	"github.com/stelvio-go/stelvio/internal/cli/clitest"
	"github.com/stelvio-go/stelvio/internal/engine/enginetest"
)

// TestAddAuthorizerLifecycle deploys the quickstart, then puts one route behind a new token authorizer:
// the redeploy creates the authorizer, its function and their permission, updates that route's method
// and replaces the deployment; no other function, role or route changes.
func TestAddAuthorizerLifecycle(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and deploys the quickstart twice")
	}
	enginetest.Setup(t)
	dir, bin, qs := buildExample(t, "quickstart")
	expect := expectCode(t)
	expect(qs("deploy", "test", "--yes"), cli.ExitOK, "first deploy")

	clitest.WriteFile(t, filepath.Join(dir, "functions", "auth.py"),
		"def check(event, context):\n    return {\"principalId\": \"ada\", \"policyDocument\": {\"Version\": \"2012-10-17\", \"Statement\": [{\"Effect\": \"Allow\", \"Action\": \"execute-api:Invoke\", \"Resource\": event[\"methodArn\"]}]}}\n")
	main := filepath.Join(dir, "main.go")
	src, err := os.ReadFile(main)
	if err != nil {
		t.Fatal(err)
	}
	changed := strings.Replace(string(src), `api.Route("GET", "/orders", "functions/orders.index")`,
		`api.Route("GET", "/orders", "functions/orders.index").Auth(api.TokenAuthorizer("tokens", "functions/auth.check"))`, 1)
	if changed == string(src) {
		t.Fatal("quickstart main.go no longer has the GET /orders route this test changes")
	}
	clitest.WriteFile(t, main, changed)
	clitest.GoCmd(t, dir, "build", "-o", bin, ".")
	r := qs("deploy", "test", "--yes", "--json")
	expect(r, cli.ExitOK, "deploy with an authorizer")
	ops := doneOps(t, r.out)
	t.Logf("authorizer added:\n  %s", strings.Join(ops, "\n  "))
	has := func(prefix string) bool {
		for _, op := range ops {
			if strings.HasPrefix(op, prefix) {
				return true
			}
		}
		return false
	}
	for _, want := range []string{
		"create aws:apigateway/authorizer:Authorizer ",
		"create aws:lambda/function:Function ",
		"create aws:lambda/permission:Permission ",
		"update aws:apigateway/method:Method my-api:GET /orders",
		"replace aws:apigateway/deployment:Deployment ",
	} {
		if !has(want) {
			t.Errorf("no %q among the changes:\n  %s", want, strings.Join(ops, "\n  "))
		}
	}
	for _, op := range ops {
		if (strings.Contains(op, "aws:lambda/function:Function") || strings.Contains(op, "aws:iam/role:Role")) &&
			!strings.HasPrefix(op, "create ") {
			t.Errorf("an existing function or role changed: %s", op)
		}
		if strings.Contains(op, "aws:apigateway/method:Method") && !strings.Contains(op, "GET /orders") {
			t.Errorf("the method of another route changed: %s", op)
		}
	}
	expect(qs("destroy", "test", "--yes"), cli.ExitOK, "destroy")
}
