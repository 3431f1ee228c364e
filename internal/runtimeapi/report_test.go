package runtimeapi

import (
	"math"
	"os"
	"reflect"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
)

// TestReportLines checks the lines Lambda adds to a function's log for each invocation: START, END and
// REPORT with Duration, Billed Duration (rounded up to the millisecond), Memory Size, Max Memory Used
// and, for the first invocation of an execution environment only, Init Duration.
// https://docs.aws.amazon.com/lambda/latest/dg/python-logging.html ("The Python runtime logs the START,
// END, and REPORT lines for each invocation"; the log event shown there is
// "REPORT RequestId: …\tDuration: 26.73 ms\tBilled Duration: 27 ms \tMemory Size: 128 MB\tMax Memory Used: 75 MB\t")
func TestReportLines(t *testing.T) {
	report := regexp.MustCompile(`^REPORT RequestId: ([0-9a-f-]{36})\tDuration: (\d+\.\d\d) ms\tBilled Duration: (\d+) ms\tMemory Size: 256 MB\tMax Memory Used: (\d+) MB(\tInit Duration: \d+\.\d\d ms)?$`)
	for _, rt := range runtimes {
		t.Run(rt.name, func(t *testing.T) {
			log := &syncBuffer{}
			cfg := rt.config(t)
			cfg.Log = log
			p := newPool(t, cfg)
			var ids []string
			for i := 0; i < 2; i++ {
				ids = append(ids, decode(t, invoke(t, p, map[string]any{"action": "echo"}))["requestId"].(string))
			}
			lines := strings.Split(strings.TrimSuffix(log.String(), "\n"), "\n")
			if len(lines) != 6 {
				t.Fatalf("log has %d lines, want START, END, REPORT twice:\n%s", len(lines), log)
			}
			for i, id := range ids {
				start, end, rep := lines[3*i], lines[3*i+1], lines[3*i+2]
				if start != "START RequestId: "+id+" Version: $LATEST" || end != "END RequestId: "+id {
					t.Errorf("invocation %d: START and END lines are %q, %q", i+1, start, end)
				}
				m := report.FindStringSubmatch(rep)
				if m == nil || m[1] != id {
					t.Errorf("invocation %d: REPORT line %q", i+1, rep)
					continue
				}
				dur, _ := strconv.ParseFloat(m[2], 64)
				billed, _ := strconv.Atoi(m[3])
				if billed != int(math.Ceil(dur)) {
					t.Errorf("invocation %d: billed %d ms for a duration of %s ms, want it rounded up", i+1, billed, m[2])
				}
				if used, _ := strconv.Atoi(m[4]); used < 1 || used > 256 {
					t.Errorf("invocation %d: max memory used %d MB", i+1, used)
				}
				if cold := m[5] != ""; cold != (i == 0) {
					t.Errorf("invocation %d: Init Duration given = %v, want it on the cold start only", i+1, cold)
				}
			}
		})
	}
}

// TestReportAfterOutput: a handler's output comes before the END line of its invocation, as in the
// function's log on Lambda ("START", the function's own log lines, "END", "REPORT": the log stream
// shown in https://docs.aws.amazon.com/lambda/latest/dg/python-logging.html), although output and
// result reach the server on different pipes.
func TestReportAfterOutput(t *testing.T) {
	for _, rt := range runtimes {
		t.Run(rt.name, func(t *testing.T) {
			log := &syncBuffer{}
			cfg := rt.config(t)
			cfg.Log, cfg.Stdout, cfg.Stderr = log, log, log
			p := newPool(t, cfg)
			for i := 0; i < 30; i++ {
				msg := "message-" + strconv.Itoa(i)
				if r := invoke(t, p, map[string]any{"action": "log", "message": msg}); string(r.Payload) != `"logged"` {
					t.Fatalf("payload %s", r.Payload)
				}
				text := log.String()
				ends := strings.Count(text, "END RequestId: ")
				if ends != i+1 {
					t.Fatalf("invocation %d: %d END lines", i, ends)
				}
				end := strings.LastIndex(text, "END RequestId: ")
				for _, line := range []string{"to stdout: " + msg + "\n", "to stderr: " + msg + "\n"} {
					if at := strings.Index(text, line); at < 0 || at > end {
						t.Fatalf("invocation %d: %q is not before its END line:\n%s", i, line, text[strings.LastIndex(text[:end], "START"):])
					}
				}
			}
		})
	}
}

// writesRecorder records each Write.
type writesRecorder struct {
	mu     sync.Mutex
	writes []string
}

func (w *writesRecorder) Write(p []byte) (int, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.writes = append(w.writes, string(p))
	return len(p), nil
}

// Lines a worker writes at once (an error and its traceback) reach the log in one Write, so that no
// other line of the log comes between them; a line without its newline yet waits for the rest.
func TestOutputKeepsLinesWrittenTogether(t *testing.T) {
	r, w, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	rec := &writesRecorder{}
	o := copyOutput(rec, r)
	if _, err := w.Write([]byte("[ERROR] ValueError: kaboom\nTraceback (most recent call last):\n  File \"a.py\", line 1\npart")); err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(10 * time.Second)
	for !o.drained() && time.Now().Before(deadline) {
		time.Sleep(time.Millisecond)
	}
	w.Write([]byte("ial\n"))
	w.Close()
	for !o.done.Load() && time.Now().Before(deadline) {
		time.Sleep(time.Millisecond)
	}
	rec.mu.Lock()
	defer rec.mu.Unlock()
	want := []string{"[ERROR] ValueError: kaboom\nTraceback (most recent call last):\n  File \"a.py\", line 1\n", "partial\n"}
	if !reflect.DeepEqual(rec.writes, want) {
		t.Errorf("writes %q, want %q", rec.writes, want)
	}
}
