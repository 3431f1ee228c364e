package dynamolocal

import (
	"context"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/stelvio-go/stelvio/internal/tablespec"
)

// pythonsWithBoto3 lists the interpreters that import boto3: python3 on PATH and the system one
// (Debian's python3-boto3, botocore 1.29, installs for /usr/bin/python3; it is the one that needs
// the shim). Under CI finding none fails the test.
func pythonsWithBoto3(t *testing.T) []string {
	t.Helper()
	var found []string
	seen := map[string]bool{}
	for _, py := range []string{"python3", "/usr/bin/python3"} {
		path, err := exec.LookPath(py)
		if err != nil {
			continue
		}
		real, err := filepath.EvalSymlinks(path)
		if err != nil || seen[real] {
			continue
		}
		seen[real] = true
		if exec.Command(path, "-c", "import boto3").Run() == nil {
			found = append(found, path)
		}
	}
	if len(found) == 0 {
		if os.Getenv("CI") != "" {
			t.Fatal("no python3 with boto3 (.ci/setup installs python3-boto3 with apt-get)")
		}
		t.Skip("no python3 with boto3; install python3-boto3")
	}
	return found
}

// workerEnv is the environment without the caller's AWS settings, plus the server's.
func workerEnv(s *Server, pythonPath string) []string {
	var env []string
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, "AWS_") && !strings.HasPrefix(kv, "PYTHONPATH=") {
			env = append(env, kv)
		}
	}
	for k, v := range s.Env() {
		env = append(env, k+"="+v)
	}
	env = append(env, "AWS_CONFIG_FILE=/dev/null", "AWS_SHARED_CREDENTIALS_FILE=/dev/null", "PYTHONPATH="+pythonPath)
	return env
}

const boto3Script = `
import json, os, boto3, botocore
c = boto3.client("dynamodb")
s = boto3.client("dynamodbstreams")
c.put_item(TableName="todos", Item={"user": {"S": "py"}, "created": {"N": "7"}, "title": {"S": "from python"}})
got = c.get_item(TableName="todos", Key={"user": {"S": "py"}, "created": {"N": "7"}})["Item"]
explicit = boto3.client("dynamodb", endpoint_url="http://127.0.0.1:9")
print(json.dumps({"botocore": botocore.__version__, "endpoint": c.meta.endpoint_url,
    "streams": s.meta.endpoint_url, "explicit": explicit.meta.endpoint_url,
    "title": got["title"]["S"], "shadowed": os.environ.get("SHADOWED_SITECUSTOMIZE_RAN", "")}))
`

func TestPythonBoto3ReachesTheEngine(t *testing.T) {
	pythons := pythonsWithBoto3(t)
	ctx := context.Background()
	s := startServer(t, Options{})
	if _, err := s.EnsureTables(ctx, []tablespec.Table{todosSpec()}); err != nil {
		t.Fatal(err)
	}
	shim, err := WritePythonShim(filepath.Join(t.TempDir(), "shim"))
	if err != nil {
		t.Fatal(err)
	}
	// A sitecustomize later on the path (as distributions ship one) must still run.
	other := t.TempDir()
	if err := os.WriteFile(filepath.Join(other, "sitecustomize.py"), []byte("import os\nos.environ['SHADOWED_SITECUSTOMIZE_RAN'] = 'yes'\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, py := range pythons {
		t.Run(py, func(t *testing.T) { runBoto3(t, s, py, shim+string(os.PathListSeparator)+other) })
	}
}

func runBoto3(t *testing.T, s *Server, py, pythonPath string) {
	if _, err := clientFor(s).DeleteItem(context.Background(), &dynamodb.DeleteItemInput{TableName: aws.String("todos"),
		Key: map[string]types.AttributeValue{"user": str("py"), "created": num("7")}}); err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(py, "-c", boto3Script)
	cmd.Env = workerEnv(s, pythonPath)
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("python: %v\n%s", err, out)
	}
	var got map[string]string
	if err := json.Unmarshal(out, &got); err != nil {
		t.Fatalf("python output %s: %v", out, err)
	}
	t.Logf("botocore %s", got["botocore"])
	want := map[string]string{"endpoint": s.Endpoint(), "streams": s.Endpoint(), "explicit": "http://127.0.0.1:9",
		"title": "from python", "shadowed": "yes"}
	for k, v := range want {
		if got[k] != v {
			t.Errorf("%s = %q, want %q", k, got[k], v)
		}
	}
	// Without the shim, old botocore builds the AWS endpoint (no request is sent here).
	if strings.HasPrefix(got["botocore"], "1.2") || strings.HasPrefix(got["botocore"], "1.30.") {
		cmd := exec.Command(py, "-c", `import boto3; print(boto3.client("dynamodb").meta.endpoint_url)`)
		cmd.Env = workerEnv(s, "")
		out, err := cmd.CombinedOutput()
		if err != nil {
			t.Fatalf("python: %v\n%s", err, out)
		}
		if endpoint := strings.TrimSpace(string(out)); endpoint != "https://dynamodb."+s.Region()+".amazonaws.com" {
			t.Errorf("botocore %s without the shim uses %q; the check above would not prove the shim works", got["botocore"], endpoint)
		}
	}
	if title := getTitle(t, clientFor(s), "py", "7"); title != "from python" {
		t.Errorf("Go client reads title %q", title)
	}
}

// The shim costs a handler that never uses botocore nothing: botocore stays unimported.
func TestPythonShimImportsNothingEagerly(t *testing.T) {
	if _, err := exec.LookPath("python3"); err != nil {
		if os.Getenv("CI") != "" {
			t.Fatal("python3 not found")
		}
		t.Skip("python3 not found")
	}
	shim, err := WritePythonShim(filepath.Join(t.TempDir(), "shim"))
	if err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command("python3", "-c", `import sys; print(sorted(m for m in ("botocore", "boto3", "importlib.abc") if m in sys.modules))`)
	cmd.Env = append(os.Environ(), "PYTHONPATH="+shim)
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("python: %v\n%s", err, out)
	}
	if got := strings.TrimSpace(string(out)); got != "[]" {
		t.Errorf("modules imported at start-up with the shim: %s, want []", got)
	}
}
