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

	"github.com/stelvio-go/stelvio/internal/runtimeapi/rietest"
)

// startRIE runs the handler under aws-lambda-rie and returns its invoke URL.
func startRIE(t *testing.T, handler string, env []string) string {
	t.Helper()
	rie := rietest.Find(t)
	addr, apiAddr := rietest.FreeAddr(t), rietest.FreeAddr(t)
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
