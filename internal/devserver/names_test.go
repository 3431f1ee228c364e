package devserver

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/stelvio-go/stelvio/internal/route"
)

// TestHandlersSeeDeployedName checks that a handler sees the name its function has on AWS, not the
// app's internal name: on Lambda, AWS_LAMBDA_FUNCTION_NAME and context.function_name are the function's
// name and its logs go to the log group /aws/lambda/<function name>.
// https://docs.aws.amazon.com/lambda/latest/dg/configuration-envvars.html (reserved environment variables)
// https://docs.aws.amazon.com/lambda/latest/operatorguide/log-structure.html (log group naming)
func TestHandlersSeeDeployedName(t *testing.T) {
	dir := t.TempDir()
	write(t, dir, "functions/names.py", `import json
import os


def handler(event, context):
    return {"statusCode": 200, "body": json.dumps([
        os.environ["AWS_LAMBDA_FUNCTION_NAME"], context.function_name,
        os.environ["AWS_LAMBDA_LOG_GROUP_NAME"], context.log_group_name,
        context.invoked_function_arn,
    ])}
`)
	d := &route.Decls{Apis: []*route.ApiDecl{{Name: "api", Routes: []*route.RouteDecl{
		{Methods: "GET", Path: "/names", Handler: "functions/names.handler"},
	}}}}
	table, err := route.Build(d, "Shop", "alice", dir)
	if err != nil {
		t.Fatal(err)
	}
	ts := startServer(t, table, Options{ProjectDir: dir, Region: "eu-west-1"})
	want := `["shop-alice-functions-names", "shop-alice-functions-names", "/aws/lambda/shop-alice-functions-names", "/aws/lambda/shop-alice-functions-names", "arn:aws:lambda:eu-west-1:123456789012:function:shop-alice-functions-names"]`
	if got := ts.do(t, "GET", "/names", nil); got.status != 200 || got.body != want {
		t.Errorf("GET /names = %d %s\nwant 200 %s", got.status, got.body, want)
	}
}

// write creates a file of a test project.
func write(t *testing.T, dir, rel, content string) {
	t.Helper()
	p := filepath.Join(dir, filepath.FromSlash(rel))
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
}
