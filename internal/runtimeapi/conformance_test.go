package runtimeapi

import (
	"bytes"
	"context"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
	"time"
)

// rieInstall is how CI provides AWS's Runtime Interface Emulator.
const rieInstall = "go install github.com/aws/aws-lambda-runtime-interface-emulator/cmd/aws-lambda-rie@v0.0.0-20261030222936-bef5c4ba774d"

// findRIE returns the aws-lambda-rie binary from PATH or $GOPATH/bin. Without it the conformance test
// is skipped on a developer machine and fails under CI.
func findRIE(t *testing.T) string {
	t.Helper()
	if p, err := exec.LookPath("aws-lambda-rie"); err == nil {
		return p
	}
	gopath := os.Getenv("GOPATH")
	if gopath == "" {
		out, err := exec.Command("go", "env", "GOPATH").Output()
		if err == nil {
			gopath = string(bytes.TrimSpace(out))
		}
	}
	for _, dir := range filepath.SplitList(gopath) {
		p := filepath.Join(dir, "bin", "aws-lambda-rie")
		if _, err := os.Stat(p); err == nil {
			return p
		}
	}
	msg := "aws-lambda-rie not found in PATH or $GOPATH/bin; install it with: " + rieInstall
	if os.Getenv("CI") != "" {
		t.Fatal(msg)
	}
	t.Skip(msg)
	return ""
}

func freeAddr(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().String()
}

// startRIE runs the handler under aws-lambda-rie and returns its invoke URL.
func startRIE(t *testing.T, handler string, env []string) string {
	t.Helper()
	rie := findRIE(t)
	addr, apiAddr := freeAddr(t), freeAddr(t)
	cmd := exec.Command(rie, "--runtime-interface-emulator-address", addr, "--runtime-api-address", apiAddr, handler)
	cmd.Env = append([]string{"PATH=" + os.Getenv("PATH")}, env...)
	cmd.Dir = t.TempDir()
	cmd.SysProcAttr = sysProcAttr()
	var logs syncBuffer
	cmd.Stdout, cmd.Stderr = &logs, &logs
	if err := cmd.Start(); err != nil {
		t.Fatalf("start aws-lambda-rie: %v", err)
	}
	t.Cleanup(func() {
		killGroup(cmd.Process.Pid)
		cmd.Wait()
		if t.Failed() {
			t.Logf("aws-lambda-rie output:\n%s", logs.String())
		}
	})
	// Ready once it accepts connections.
	eventually(t, "aws-lambda-rie listening on "+addr, func() bool {
		c, err := net.Dial("tcp", addr)
		if err == nil {
			c.Close()
		}
		return err == nil
	})
	return "http://" + addr + "/2015-03-31/functions/function/invocations"
}

func invokeRIE(t *testing.T, url string, payload []byte) []byte {
	t.Helper()
	client := &http.Client{Timeout: 60 * time.Second}
	resp, err := client.Post(url, "application/json", bytes.NewReader(payload))
	if err != nil {
		t.Fatalf("invoke through aws-lambda-rie: %v", err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return body
}

// TestConformanceWithRIE sends the same events to the same aws-lambda-go handler through AWS's Runtime
// Interface Emulator and through this package, and expects the same bytes back.
func TestConformanceWithRIE(t *testing.T) {
	handler := goHandlerPath(t)
	cfg := Config{
		Function: Function{Name: "conformance", Region: "eu-west-1", Timeout: 10 * time.Second},
		Command:  []string{handler},
		Dir:      t.TempDir(),
		MemoryMB: 512,
	}
	url := startRIE(t, handler, []string{
		"AWS_LAMBDA_FUNCTION_NAME=conformance", "AWS_LAMBDA_FUNCTION_MEMORY_SIZE=512",
		"AWS_LAMBDA_FUNCTION_TIMEOUT=10", "AWS_REGION=eu-west-1", "AWS_DEFAULT_REGION=eu-west-1",
	})
	p := newPool(t, cfg)

	events := []string{"apigw-get.json", "apigw-post-binary.json", "apigw-fail.json", "error.json", "string.json"}
	for _, name := range events {
		t.Run(name, func(t *testing.T) {
			payload, err := os.ReadFile(filepath.Join("testdata", "events", name))
			if err != nil {
				t.Fatal(err)
			}
			want := invokeRIE(t, url, payload)
			ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
			defer cancel()
			got, err := p.Invoke(ctx, payload)
			if err != nil {
				t.Fatal(err)
			}
			t.Logf("response: %s", want)
			if !bytes.Equal(got.Payload, want) {
				t.Errorf("response differs from aws-lambda-rie\n ours: %s\n  rie: %s", got.Payload, want)
			}
		})
	}
}
