package deploy

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/stelvio-go/stelvio/internal/cli"
	"github.com/stelvio-go/stelvio/internal/cli/clitest"
	"github.com/stelvio-go/stelvio/internal/engine/enginetest"
)

// TestEscapeHatchLifecycle deploys examples/escape-hatch, whose own S3 bucket and policy are made by its
// extend.Pulumi function, through the real engine and the stand-in provider; its output lists the
// bucket, and destroy removes the bucket with the rest.
func TestEscapeHatchLifecycle(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and deploys an example")
	}
	enginetest.Setup(t)
	_, _, app := buildExample(t, "escape-hatch")
	expect := expectCode(t)

	r := app("deploy", "test", "--yes", "--json")
	expect(r, cli.ExitOK, "deploy")
	ops := strings.Join(doneOps(t, r.out), "\n")
	for _, want := range []string{
		"create aws:s3/bucket:Bucket uploads",
		"create aws:iam/rolePolicy:RolePolicy files-uploads-rw",
		"create aws:lambda/function:Function files",
	} {
		if !strings.Contains(ops, want) {
			t.Errorf("deploy did not %s; it did:\n%s", want, ops)
		}
	}
	r = app("outputs", "test", "--json")
	expect(r, cli.ExitOK, "outputs")
	var outs map[string]string
	if err := json.Unmarshal([]byte(r.out), &outs); err != nil || outs["uploads-bucket"] == "" || outs["files-api-url"] == "" {
		t.Errorf("outputs = %q (%v), want the bucket and the API's URL", r.out, err)
	}
	r = app("destroy", "test", "--yes")
	expect(r, cli.ExitOK, "destroy")
	t.Logf("destroy: %s", clitest.LastLines(r.out, 1))
}
