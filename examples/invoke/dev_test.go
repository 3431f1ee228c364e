package main

import (
	"encoding/json"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/stelvio-go/stelvio/internal/app"
	"github.com/stelvio-go/stelvio/internal/cli/clitest"
	"github.com/stelvio-go/stelvio/internal/cli/devrun"
)

// The Lambda API's answers the handlers rely on are Invoke's
// (https://docs.aws.amazon.com/lambda/latest/api/API_Invoke.html): StatusCode 200 and
// ExecutedVersion $LATEST for a synchronous call, FunctionError and the error document when the
// function fails, 202 for an Event call; and AccessDeniedException for a caller whose role has no
// lambda:InvokeFunction on the function
// (https://docs.aws.amazon.com/lambda/latest/dg/troubleshooting-invocation.html).

// startDev runs `dev test --port P` as the app's command line does, waits until it answers and
// returns its URL and output.
func startDev(t *testing.T) (string, *clitest.SyncBuffer) {
	t.Helper()
	d := devrun.Start(t, app.ProgramOf(App(), Run), "/")
	return d.Base, d.Log
}

// get sends GET path and returns the status, headers and JSON body.
func get(t *testing.T, base, path string, log *clitest.SyncBuffer) (int, http.Header, map[string]any) {
	t.Helper()
	resp, err := (&http.Client{Timeout: 2 * time.Minute}).Get(base + path)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	raw, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	var out map[string]any
	if err := json.Unmarshal(raw, &out); err != nil {
		t.Fatalf("GET %s: %d %s: not JSON: %v\ndev output:\n%s", path, resp.StatusCode, raw, err, log.String())
	}
	return resp.StatusCode, resp.Header, out
}

func js(v any) string {
	b, _ := json.Marshal(v)
	return string(b)
}

// TestDevInvokesLinkedFunction runs the app under dev: a Go handler (aws-sdk-go-v2) and a Python
// handler (boto3) invoke summarize, a function no route uses, by the name and ARN their links give;
// a handler without the link is refused.
func TestDevInvokesLinkedFunction(t *testing.T) {
	base, log := startDev(t)

	status, h, out := get(t, base, "/summary?titles=tea,biscuits", log)
	if want := `{"by":"invoke-test-summarize","count":2,"longest":"biscuits"}`; status != 200 || js(out) != want ||
		h.Get("X-Executed-Version") != "$LATEST" || h.Get("X-Function-Error") != "" {
		t.Errorf("GET /summary = %d %s (X-Executed-Version %q, X-Function-Error %q), want 200 %s, $LATEST and no error\ndev output:\n%s",
			status, js(out), h.Get("X-Executed-Version"), h.Get("X-Function-Error"), want, log.String())
	}
	status, h, out = get(t, base, "/summary?bad=1", log)
	if status != 200 || h.Get("X-Function-Error") != "Unhandled" || out["errorType"] != "TypeError" ||
		out["errorMessage"] != "titles must be a list, not str" {
		t.Errorf("GET /summary?bad=1 = %d %s (X-Function-Error %q), want the TypeError document and Unhandled", status, js(out), h.Get("X-Function-Error"))
	}

	status, _, out = get(t, base, "/digest?titles=a,bcd", log)
	delete(out, "botocore")
	if want := `{"event_status":202,"status":200,"summary":{"by":"invoke-test-summarize","count":2,"longest":"bcd"},"version":"$LATEST"}`; status != 200 || js(out) != want {
		t.Errorf("GET /digest = %d %s, want 200 %s\ndev output:\n%s", status, js(out), want, log.String())
	}

	status, _, out = get(t, base, "/unlinked", log)
	if want := `{"error":"AccessDeniedException","status":403}`; status != 200 || js(out) != want {
		t.Errorf("GET /unlinked = %d %s, want 200 %s", status, js(out), want)
	}
	if !regexp.MustCompile(`stelvio dev: the app's functions answer Lambda's Invoke at http://127\.0\.0\.1:\d+ \(the workers' AWS_ENDPOINT_URL_LAMBDA\)\n`).MatchString(log.String()) {
		t.Errorf("dev did not print the Lambda endpoint:\n%s", log.String())
	}
	if want := `[functions-unlinked] invoke summarize: AccessDeniedException: function "functions-unlinked" is not linked to function "summarize"; on AWS its role may not invoke it either: add function.Link to "functions-unlinked"'s options`; !strings.Contains(log.String(), want) {
		t.Errorf("dev output has no %q:\n%s", want, log.String())
	}
}

// TestDevInvokesWithDebianBoto3 runs the Python handler with the system interpreter and Debian's
// python3-boto3, whose botocore (1.29) does not read AWS_ENDPOINT_URL_LAMBDA: dev's endpoint shim
// sends its calls to the local endpoint all the same.
func TestDevInvokesWithDebianBoto3(t *testing.T) {
	if exec.Command("/usr/bin/python3", "-c", "import boto3").Run() != nil {
		if os.Getenv("CI") != "" {
			t.Fatal("no /usr/bin/python3 with boto3 (.ci/setup installs python3-boto3 with apt-get)")
		}
		t.Skip("no /usr/bin/python3 with boto3; install python3-boto3")
	}
	// Workers find python3 on PATH: make it the system one. dev remembers the interpreter a name
	// resolves to for the life of the process, so the check runs in a process of its own.
	if os.Getenv("INVOKE_TEST_DEBIAN_PYTHON") == "" {
		bin := t.TempDir()
		if err := os.Symlink("/usr/bin/python3", filepath.Join(bin, "python3")); err != nil {
			t.Fatal(err)
		}
		cmd := exec.Command(os.Args[0], "-test.run=^TestDevInvokesWithDebianBoto3$", "-test.count=1", "-test.v")
		cmd.Env = append(os.Environ(), "INVOKE_TEST_DEBIAN_PYTHON=1", "PATH="+bin+string(os.PathListSeparator)+os.Getenv("PATH"))
		out, err := cmd.CombinedOutput()
		if err != nil || !strings.Contains(string(out), "--- PASS: TestDevInvokesWithDebianBoto3") {
			t.Fatalf("with /usr/bin/python3 (%v):\n%s", err, out)
		}
		return
	}
	base, log := startDev(t)
	status, _, out := get(t, base, "/digest?titles=x", log)
	version, _ := out["botocore"].(string)
	delete(out, "botocore")
	if want := `{"event_status":202,"status":200,"summary":{"by":"invoke-test-summarize","count":1,"longest":"x"},"version":"$LATEST"}`; status != 200 || js(out) != want || !strings.HasPrefix(version, "1.29.") {
		t.Errorf("GET /digest = %d %s with botocore %s, want 200 %s with botocore 1.29\ndev output:\n%s", status, js(out), version, want, log.String())
	}
}
