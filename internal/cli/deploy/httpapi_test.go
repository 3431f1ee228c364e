package deploy

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/stelvio-go/stelvio/internal/cli"
	"github.com/stelvio-go/stelvio/internal/engine/enginetest"
)

// TestHTTPAPILifecycle deploys examples/http-api through the real engine and the stand-in provider: the
// HTTP API, its integrations, routes, JWT authorizer and auto-deployed $default stage are created, the
// outputs hold its URL, a second deploy changes nothing, and destroy removes everything.
func TestHTTPAPILifecycle(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and deploys an example")
	}
	enginetest.Setup(t)
	_, _, app := buildExample(t, "http-api")
	expect := expectCode(t)

	r := app("deploy", "test", "--yes", "--json")
	expect(r, cli.ExitOK, "deploy")
	ops := strings.Join(doneOps(t, r.out), "\n")
	for _, want := range []string{
		"create aws:apigatewayv2/api:Api ",
		"create aws:apigatewayv2/integration:Integration ",
		"create aws:apigatewayv2/route:Route ",
		"create aws:apigatewayv2/authorizer:Authorizer ",
		"create aws:apigatewayv2/stage:Stage ",
		"create aws:lambda/permission:Permission ",
	} {
		if !strings.Contains(ops, want) {
			t.Errorf("deploy did not %s; it did:\n%s", want, ops)
		}
	}
	r = app("outputs", "test", "--json")
	expect(r, cli.ExitOK, "outputs")
	var outs map[string]string
	if err := json.Unmarshal([]byte(r.out), &outs); err != nil {
		t.Fatalf("outputs --json = %q: %v", r.out, err)
	}
	var url string
	for k, v := range outs {
		if strings.HasSuffix(k, "-url") {
			url = v
		}
	}
	if !strings.HasPrefix(url, "https://") {
		t.Errorf("outputs = %v, want the HTTP API's URL", outs)
	}
	r = app("deploy", "test", "--yes")
	expect(r, cli.ExitOK, "second deploy")
	if !strings.Contains(r.out, "Deployed test: 0 change(s)") {
		t.Errorf("second deploy changed something:\n%s", r.out)
	}
	expect(app("destroy", "test", "--yes"), cli.ExitOK, "destroy")
}
