//go:build linux

package cli

import (
	"bufio"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/stelvio-go/stelvio/internal/app"
	"github.com/stelvio-go/stelvio/internal/route"
)

// devChildEnv makes the test binary run `dev` on the app of TestDevSignalStopsHandlerProcesses.
const devChildEnv = "STELVIO_TEST_DEV_CHILD"

// spawnHandler starts a process that would run for five minutes and returns its pid.
const spawnHandler = `import subprocess


def handler(event, context):
    child = subprocess.Popen(["sleep", "300"])
    return {"statusCode": 200, "body": str(child.pid)}
`

func TestMain(m *testing.M) {
	if dir := os.Getenv(devChildEnv); dir != "" {
		p := &app.Program{Name: "sig", Dir: dir, Run: func(s *app.State) error {
			s.Decls().Apis = append(s.Decls().Apis, &route.ApiDecl{Name: "api", Routes: []*route.RouteDecl{
				{Methods: "GET", Path: "/spawn", Handler: "functions/spawn.handler"},
			}})
			return nil
		}}
		os.Exit(Main(p, []string{"dev", "dev", "--port", "0"}, os.Stdout, os.Stderr, nil))
	}
	os.Exit(m.Run())
}

// TestDevSignalStopsHandlerProcesses runs dev as its own process with a Python handler that starts a
// child process, stops dev with a signal and checks that the child is gone too.
func TestDevSignalStopsHandlerProcesses(t *testing.T) {
	for _, sig := range []syscall.Signal{syscall.SIGTERM, syscall.SIGHUP, syscall.SIGINT} {
		t.Run(sig.String(), func(t *testing.T) {
			dir := t.TempDir()
			if err := os.MkdirAll(filepath.Join(dir, "functions"), 0o755); err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(filepath.Join(dir, "functions", "spawn.py"), []byte(spawnHandler), 0o644); err != nil {
				t.Fatal(err)
			}
			cmd := exec.Command(os.Args[0], "-test.run=^$")
			cmd.Env = append(os.Environ(), devChildEnv+"="+dir)
			stderr, err := cmd.StderrPipe()
			if err != nil {
				t.Fatal(err)
			}
			if err := cmd.Start(); err != nil {
				t.Fatal(err)
			}
			defer cmd.Process.Kill()
			url, log := waitBanner(t, stderr)

			resp, err := http.Get(url + "/spawn")
			if err != nil {
				t.Fatal(err)
			}
			body, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			child, err := strconv.Atoi(string(body))
			if resp.StatusCode != 200 || err != nil {
				t.Fatalf("GET /spawn = %d %q", resp.StatusCode, body)
			}
			defer syscall.Kill(child, syscall.SIGKILL)
			if !alive(child) {
				t.Fatalf("the handler's child %d is not running before the signal", child)
			}

			if err := cmd.Process.Signal(sig); err != nil {
				t.Fatal(err)
			}
			done := make(chan error, 1)
			go func() { done <- cmd.Wait() }()
			select {
			case <-done:
			case <-time.After(20 * time.Second):
				t.Fatalf("dev did not stop within 20 s of %v; log:\n%s", sig, log())
			}
			// The kill is asynchronous; give the kernel a moment to end the child.
			for i := 0; i < 100 && alive(child); i++ {
				time.Sleep(20 * time.Millisecond)
			}
			if alive(child) {
				t.Errorf("after %v, the handler's child process %d (sleep 300) is still running", sig, child)
			}
		})
	}
}

// waitBanner reads dev's log until it prints its URL; the rest of the log is collected for failures.
func waitBanner(t *testing.T, r io.Reader) (string, func() string) {
	t.Helper()
	banner := regexp.MustCompile(`stelvio dev: (http://\S+) serving`)
	lines := make(chan string, 1000)
	go func() {
		s := bufio.NewScanner(r)
		for s.Scan() {
			lines <- s.Text()
		}
		close(lines)
	}()
	var seen []string
	log := func() string { return strings.Join(seen, "\n") }
	timeout := time.After(60 * time.Second)
	for {
		select {
		case line, ok := <-lines:
			if !ok {
				t.Fatalf("dev exited before serving; log:\n%s", log())
			}
			seen = append(seen, line)
			if m := banner.FindStringSubmatch(line); m != nil {
				go func() {
					for range lines {
					}
				}()
				return m[1], log
			}
		case <-timeout:
			t.Fatalf("dev did not start within 60 s; log:\n%s", log())
		}
	}
}

// alive reports whether pid is a running process (a zombie waiting for its parent counts as ended).
func alive(pid int) bool {
	stat, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return false
	}
	// The state follows the command name in parentheses: "pid (comm) S ...".
	s := string(stat)
	i := strings.LastIndexByte(s, ')')
	return i >= 0 && i+2 < len(s) && s[i+2] != 'Z'
}
