package runtimeapi

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stelvio-go/stelvio/internal/runtime/python/pyloop"
)

var (
	buildOnce sync.Once
	buildDir  string
	buildErr  error
)

func TestMain(m *testing.M) {
	m.Run()
	if buildDir != "" {
		os.RemoveAll(buildDir)
	}
}

// goHandlerPath builds testdata/gohandler for the host once per test binary.
func goHandlerPath(t testing.TB) string {
	t.Helper()
	buildOnce.Do(func() {
		buildDir, buildErr = os.MkdirTemp("", "runtimeapi-test-")
		if buildErr != nil {
			return
		}
		cmd := exec.Command("go", "build", "-o", filepath.Join(buildDir, "gohandler"), "./testdata/gohandler")
		out, err := cmd.CombinedOutput()
		if err != nil {
			buildErr = fmt.Errorf("build testdata/gohandler: %v\n%s", err, out)
		}
	})
	if buildErr != nil {
		t.Fatal(buildErr)
	}
	return filepath.Join(buildDir, "gohandler")
}

type runtimeCase struct {
	name    string
	config  func(t testing.TB) Config
	errType string // errorType of {"action":"error"}
}

func goConfig(t testing.TB) Config {
	return Config{
		Function: Function{Name: "hello", Region: "eu-west-1", Timeout: 2 * time.Second},
		Command:  []string{goHandlerPath(t)},
		Dir:      t.TempDir(),
		Handler:  "bootstrap",
		MemoryMB: 256,
		Env:      map[string]string{"GREETING": "hi", "AWS_REGION": "user-value-loses"},
	}
}

func pythonDir(t testing.TB) string {
	t.Helper()
	dir, err := filepath.Abs("testdata/python")
	if err != nil {
		t.Fatal(err)
	}
	return dir
}

func pythonConfig(t testing.TB) Config {
	loop, err := pyloop.Write(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	return Config{
		Function:     Function{Name: "users", Region: "eu-west-1", Timeout: 2 * time.Second},
		Command:      pyloop.Command("python3", loop),
		Dir:          pythonDir(t),
		Handler:      "handler.index",
		MemoryMB:     256,
		ExecutionEnv: "AWS_Lambda_python3.11",
		Env:          map[string]string{"GREETING": "hi"},
	}
}

// goPipeConfig runs the same Go worker over the pipe protocol.
func goPipeConfig(t testing.TB) Config {
	cfg := goConfig(t)
	cfg.Pipe = true
	return cfg
}

// pythonPipeConfig runs the Python loop over the pipe protocol.
func pythonPipeConfig(t testing.TB) Config {
	cfg := pythonConfig(t)
	cfg.Pipe = true
	return cfg
}

var runtimes = []runtimeCase{
	{name: "go", config: goConfig, errType: "errorString"},
	{name: "go-pipe", config: goPipeConfig, errType: "errorString"},
	{name: "python", config: pythonConfig, errType: "PaymentRequired"},
	{name: "python-pipe", config: pythonPipeConfig, errType: "PaymentRequired"},
}

func newPool(t testing.TB, cfg Config) *Pool {
	t.Helper()
	p, err := NewPool(cfg)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { p.Close() })
	return p
}

// invoke runs event on p, failing the test when the invocation could not run at all.
func invoke(t *testing.T, p *Pool, event any) Result {
	t.Helper()
	payload, err := json.Marshal(event)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	r, err := p.Invoke(ctx, payload)
	if err != nil {
		t.Fatalf("invoke %s: %v", payload, err)
	}
	return r
}

func decode(t *testing.T, r Result) map[string]any {
	t.Helper()
	if r.Err != nil {
		t.Fatalf("invocation failed: %v\npayload: %s", r.Err, r.Payload)
	}
	var m map[string]any
	if err := json.Unmarshal(r.Payload, &m); err != nil {
		t.Fatalf("decode payload %s: %v", r.Payload, err)
	}
	return m
}

func pidOf(t *testing.T, p *Pool) float64 {
	t.Helper()
	m := decode(t, invoke(t, p, map[string]any{"action": "echo"}))
	return m["pid"].(float64)
}

// syncBuffer collects worker output lines.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// eventually polls cond for up to 10 s; output is copied and processes are reaped asynchronously.
func eventually(t *testing.T, what string, cond func() bool) {
	t.Helper()
	for i := 0; i < 200; i++ {
		if cond() {
			return
		}
		time.Sleep(50 * time.Millisecond)
	}
	t.Fatalf("%s: still not true after 10s", what)
}

// processGone reports whether pid has exited (absent, or a zombie nobody reaped yet).
func processGone(pid int) bool {
	stat, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return true
	}
	fields := strings.Fields(string(stat[bytes.LastIndexByte(stat, ')')+1:]))
	return len(fields) > 0 && (fields[0] == "Z" || fields[0] == "X")
}
