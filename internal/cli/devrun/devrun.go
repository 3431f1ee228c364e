// Package devrun runs an app's `dev` command in a test, as the app's command line does, for the tests
// of the example apps.
package devrun

import (
	"context"
	"fmt"
	"net/http"
	"os"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stelvio-go/stelvio/internal/app"
	"github.com/stelvio-go/stelvio/internal/cli"
	"github.com/stelvio-go/stelvio/internal/cli/clitest"
)

// Dev is one `dev` command running in the test's process.
type Dev struct {
	// Base is the URL it serves, "http://127.0.0.1:PORT".
	Base string
	// Log is its output.
	Log  *clitest.SyncBuffer
	stop func() int
}

// Stop ends the command, as Ctrl-C does, and returns its exit code; later calls return the same code.
func (d *Dev) Stop() int { return d.stop() }

// Start runs `dev test --port P` (plus args) for program in the test's working directory and waits
// until a GET of readyPath answers; the test ends it. A command that exits first, or never answers
// within three minutes, fails the test with its output.
func Start(t *testing.T, program *app.Program, readyPath string, args ...string) *Dev {
	t.Helper()
	wd, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	port := clitest.FreePort(t)
	ctx, cancel := context.WithCancel(context.Background())
	log := &clitest.SyncBuffer{}
	f := &cli.Factory{Program: program, Dir: wd, In: strings.NewReader(""), Out: log, Err: log,
		Getenv: func(string) string { return "" }, Context: ctx}
	done := make(chan int, 1)
	go func() { done <- cli.Run(f, append([]string{"dev", "test", "--port", strconv.Itoa(port)}, args...)) }()
	d := &Dev{Base: fmt.Sprintf("http://127.0.0.1:%d", port), Log: log}
	var once sync.Once
	code := 0
	d.stop = func() int {
		once.Do(func() {
			cancel()
			select {
			case code = <-done:
			case <-time.After(time.Minute):
				t.Errorf("dev did not stop within a minute; output:\n%s", log.String())
			}
		})
		return code
	}
	t.Cleanup(func() {
		if code := d.stop(); code != 0 {
			t.Errorf("dev exited with %d; output:\n%s", code, log.String())
		}
	})
	deadline := time.Now().Add(3 * time.Minute)
	for {
		select {
		case code := <-done:
			t.Fatalf("dev exited with %d before serving; output:\n%s", code, log.String())
		default:
		}
		resp, err := http.Get(d.Base + readyPath)
		if err == nil {
			resp.Body.Close()
			return d
		}
		if time.Now().After(deadline) {
			t.Fatalf("dev never answered: %v; output:\n%s", err, log.String())
		}
		time.Sleep(200 * time.Millisecond)
	}
}
