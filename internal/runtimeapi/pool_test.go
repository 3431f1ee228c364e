package runtimeapi

import (
	"context"
	"encoding/json"
	"fmt"
	"net"
	"net/http"
	"reflect"
	"regexp"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"
)

func TestPoolEnvironmentAndContext(t *testing.T) {
	goEnv := map[string]any{
		"AWS_LAMBDA_FUNCTION_NAME": "hello", "AWS_LAMBDA_FUNCTION_MEMORY_SIZE": "256",
		"AWS_LAMBDA_FUNCTION_VERSION": "$LATEST", "AWS_REGION": "eu-west-1",
		"AWS_DEFAULT_REGION": "eu-west-1", "_HANDLER": "bootstrap",
		"TZ": ":UTC", "AWS_LAMBDA_INITIALIZATION_TYPE": "on-demand",
		"AWS_LAMBDA_LOG_GROUP_NAME": "/aws/lambda/hello", "GREETING": "hi",
	}
	pythonEnv := map[string]any{
		"AWS_LAMBDA_FUNCTION_NAME": "users", "AWS_LAMBDA_FUNCTION_MEMORY_SIZE": "256",
		"AWS_LAMBDA_FUNCTION_VERSION": "$LATEST", "AWS_REGION": "eu-west-1",
		"AWS_DEFAULT_REGION": "eu-west-1", "_HANDLER": "handler.index",
		"TZ": ":UTC", "AWS_EXECUTION_ENV": "AWS_Lambda_python3.11", "GREETING": "hi",
	}
	tests := []struct {
		runtime runtimeCase
		want    map[string]any
	}{
		{runtimes[0], goEnv},
		{runtimes[1], goEnv},
		{runtimes[2], pythonEnv},
		{runtimes[3], pythonEnv},
	}
	for _, tt := range tests {
		t.Run(tt.runtime.name, func(t *testing.T) {
			cfg := tt.runtime.config(t)
			p := newPool(t, cfg)
			r := invoke(t, p, map[string]any{"action": "echo", "n": 1})
			m := decode(t, r)
			env := m["env"].(map[string]any)
			task := env["LAMBDA_TASK_ROOT"]
			delete(env, "LAMBDA_TASK_ROOT")
			if task != cfg.Dir {
				t.Errorf("LAMBDA_TASK_ROOT = %v, want %v", task, cfg.Dir)
			}
			if !reflect.DeepEqual(env, tt.want) {
				t.Errorf("environment:\n got %v\nwant %v", env, tt.want)
			}
			checkLambdaEnvironment(t, m)
			if m["requestId"] != r.RequestID {
				t.Errorf("request id seen by the handler = %v, want %v", m["requestId"], r.RequestID)
			}
			wantARN := "arn:aws:lambda:eu-west-1:012345678912:function:" + cfg.Name
			if m["arn"] != wantARN {
				t.Errorf("invoked function arn = %v, want %v", m["arn"], wantARN)
			}
			if ev := m["event"].(map[string]any); ev["action"] != "echo" || ev["n"] != 1.0 {
				t.Errorf("event = %v, want the payload sent", ev)
			}
			if strings.HasPrefix(tt.runtime.name, "python") {
				for k, want := range map[string]any{
					"functionName": "users", "memory": "256", "version": "$LATEST",
					"remainingPositive": true, "traceId": true, "price": 1.5,
				} {
					if m[k] != want {
						t.Errorf("%s = %v, want %v", k, m[k], want)
					}
				}
			} else if m["hasDeadline"] != true {
				t.Errorf("handler context has no future deadline")
			}
		})
	}
}

// lambdaEnvNames are the runtime environment variables Lambda defines, reserved and unreserved
// (https://docs.aws.amazon.com/lambda/latest/dg/configuration-envvars.html, "Defined runtime
// environment variables"). The access keys are left out: the local server sets none.
var lambdaEnvNames = map[string]bool{
	"_HANDLER": true, "_X_AMZN_TRACE_ID": true, "AWS_DEFAULT_REGION": true, "AWS_REGION": true,
	"AWS_EXECUTION_ENV": true, "AWS_LAMBDA_FUNCTION_NAME": true, "AWS_LAMBDA_FUNCTION_MEMORY_SIZE": true,
	"AWS_LAMBDA_FUNCTION_VERSION": true, "AWS_LAMBDA_INITIALIZATION_TYPE": true,
	"AWS_LAMBDA_LOG_GROUP_NAME": true, "AWS_LAMBDA_LOG_STREAM_NAME": true, "AWS_LAMBDA_RUNTIME_API": true,
	"LAMBDA_TASK_ROOT": true, "LAMBDA_RUNTIME_DIR": true, "TZ": true, "LANG": true, "PATH": true,
}

// logStreamRE is Lambda's log stream name: YYYY/MM/DD/[version] and the execution environment's
// GUID, 32 hex digits (https://docs.aws.amazon.com/lambda/latest/operatorguide/log-structure.html).
var logStreamRE = regexp.MustCompile(`^\d{4}/\d{2}/\d{2}/\[\$LATEST\][0-9a-f]{32}$`)

// checkLambdaEnvironment checks the environment names and log stream an echo handler reported: no
// AWS_* or LAMBDA_* variable that Lambda does not define (an interpreter may add variables of its own,
// so TestEnvironNames checks the whole of what the pool sets), and the log stream name in Lambda's format, as the
// environment and the runtime's context (lambdacontext.LogStreamName, context.log_stream_name) give it.
func checkLambdaEnvironment(t *testing.T, m map[string]any) {
	t.Helper()
	names, _ := m["envNames"].([]any)
	if len(names) == 0 {
		t.Fatalf("handler reported no environment names: %v", m["envNames"])
	}
	for _, n := range names {
		name := n.(string)
		lambdaLike := strings.HasPrefix(name, "AWS_") || strings.HasPrefix(name, "LAMBDA_")
		if lambdaLike && !lambdaEnvNames[name] {
			t.Errorf("handler environment has %s, which Lambda does not define", name)
		}
	}
	if s, _ := m["logStream"].(string); !logStreamRE.MatchString(s) {
		t.Errorf("log stream name %q, want YYYY/MM/DD/[$LATEST] and 32 hex digits", s)
	}
}

// TestEnvironNames: a worker's environment holds Lambda's defined variables, the function's own, and
// for a pipe worker the pipe's descriptors; nothing else.
func TestEnvironNames(t *testing.T) {
	cfg := Config{
		Function: Function{Name: "users", Region: "eu-west-1", Timeout: 3 * time.Second},
		Command:  []string{"worker"}, Handler: "handler.index", Dir: "/task",
		ExecutionEnv: "AWS_Lambda_python3.12", Env: map[string]string{"TABLE": "users"},
	}
	for _, api := range []string{"127.0.0.1:9001", ""} {
		var got []string
		stream := ""
		for _, kv := range cfg.Environ(api) {
			name, value, _ := strings.Cut(kv, "=")
			got = append(got, name)
			if name == "AWS_LAMBDA_LOG_STREAM_NAME" {
				stream = value
			}
			if !lambdaEnvNames[name] && name != "TABLE" && (name != PipeEnv || api != "") {
				t.Errorf("Environ(%q) sets %s, which Lambda does not define", api, name)
			}
		}
		want := "AWS_DEFAULT_REGION AWS_EXECUTION_ENV AWS_LAMBDA_FUNCTION_MEMORY_SIZE AWS_LAMBDA_FUNCTION_NAME AWS_LAMBDA_FUNCTION_VERSION AWS_LAMBDA_INITIALIZATION_TYPE AWS_LAMBDA_LOG_GROUP_NAME AWS_LAMBDA_LOG_STREAM_NAME AWS_LAMBDA_RUNTIME_API AWS_REGION LAMBDA_TASK_ROOT LANG PATH TABLE TZ _HANDLER"
		if api == "" {
			want = strings.Replace(want, "AWS_LAMBDA_RUNTIME_API ", "", 1) + " " + PipeEnv
			sort.Strings(got)
			w := strings.Fields(want)
			sort.Strings(w)
			want = strings.Join(w, " ")
		}
		if strings.Join(got, " ") != want {
			t.Errorf("Environ(%q) names:\n got %s\nwant %s", api, strings.Join(got, " "), want)
		}
		if !logStreamRE.MatchString(stream) {
			t.Errorf("AWS_LAMBDA_LOG_STREAM_NAME = %q, want YYYY/MM/DD/[$LATEST] and 32 hex digits", stream)
		}
	}
	if a, b := logStreamName(time.Now()), logStreamName(time.Now()); a == b {
		t.Errorf("two execution environments share the log stream %s", a)
	}
}

// TestPoolFailures runs each failure, then a good invocation, and checks whether the worker was
// replaced.
func TestPoolFailures(t *testing.T) {
	type failure struct {
		name     string
		event    map[string]any
		kind     ErrorKind
		errType  string
		message  string // %s is the request id
		replaced bool
	}
	for _, rt := range runtimes {
		failures := []failure{
			{"function error", map[string]any{"action": "error", "message": "card declined"},
				KindFunction, rt.errType, "card declined", false},
			{"exit", map[string]any{"action": "exit", "code": 3},
				KindExit, "Runtime.ExitError", "RequestId: %s Error: Runtime exited with error: exit status 3", true},
			{"timeout", map[string]any{"action": "sleep", "ms": 60000},
				KindTimeout, "Sandbox.Timedout", "RequestId: %s Error: Task timed out after 2.00 seconds", true},
		}
		if strings.HasPrefix(rt.name, "go") {
			failures = append(failures,
				failure{"panic", map[string]any{"action": "panic", "message": "nil map"},
					KindFunction, "string", "nil map", true},
				failure{"response too large", map[string]any{"action": "big", "size": MaxResponseSize + 10},
					KindResponseTooLarge, "Function.ResponseSizeTooLarge",
					"Response payload size exceeded maximum allowed payload size (6291456 bytes).", true},
			)
		} else {
			failures = append(failures,
				failure{"unserializable response", map[string]any{"action": "unserializable"},
					KindFunction, "Runtime.MarshalError",
					"Unable to marshal response: Object of type Unserializable is not JSON serializable", false},
			)
		}
		for _, f := range failures {
			t.Run(rt.name+"/"+f.name, func(t *testing.T) {
				p := newPool(t, rt.config(t))
				before := pidOf(t, p)
				r := invoke(t, p, f.event)
				if r.Err == nil {
					t.Fatalf("invocation succeeded with %s, want %s", r.Payload, f.errType)
				}
				msg := f.message
				if strings.Contains(msg, "%s") {
					msg = fmt.Sprintf(msg, r.RequestID)
				}
				if r.Err.Kind != f.kind || r.Err.Type != f.errType || r.Err.Message != msg {
					t.Errorf("error = {%d %q %q}, want {%d %q %q}", r.Err.Kind, r.Err.Type, r.Err.Message, f.kind, f.errType, msg)
				}
				var doc map[string]any
				if err := json.Unmarshal(r.Payload, &doc); err != nil {
					t.Fatalf("error document %s: %v", r.Payload, err)
				}
				if doc["errorType"] != f.errType || doc["errorMessage"] != msg {
					t.Errorf("error document = %s, want errorType %q and errorMessage %q", r.Payload, f.errType, msg)
				}
				after := pidOf(t, p)
				if replaced := after != before; replaced != f.replaced {
					t.Errorf("worker replaced = %v, want %v (pid %v then %v)", replaced, f.replaced, before, after)
				}
				if n := p.Workers(); n != 1 {
					t.Errorf("%d workers alive, want 1", n)
				}
			})
		}
	}
}

func TestPythonErrorDocument(t *testing.T) {
	for _, cfg := range []func(testing.TB) Config{pythonConfig, pythonPipeConfig} {
		testPythonErrorDocument(t, newPool(t, cfg(t)))
	}
}

func testPythonErrorDocument(t *testing.T, p *Pool) {
	r := invoke(t, p, map[string]any{"action": "error", "message": "card declined"})
	var doc struct {
		Message    string   `json:"errorMessage"`
		Type       string   `json:"errorType"`
		RequestID  string   `json:"requestId"`
		StackTrace []string `json:"stackTrace"`
	}
	if err := json.Unmarshal(r.Payload, &doc); err != nil {
		t.Fatal(err)
	}
	if doc.Message != "card declined" || doc.Type != "PaymentRequired" || doc.RequestID != r.RequestID {
		t.Errorf("error document = %+v", doc)
	}
	if len(doc.StackTrace) != 1 || !strings.Contains(doc.StackTrace[0], "handler.py") ||
		!strings.Contains(doc.StackTrace[0], `raise PaymentRequired(event["message"])`) {
		t.Errorf("stackTrace = %q, want the one frame of handler.py", doc.StackTrace)
	}
	if r := invoke(t, p, map[string]any{"action": "none"}); r.Err != nil || string(r.Payload) != "null" {
		t.Errorf("handler returning None: payload %s, err %v; want null", r.Payload, r.Err)
	}
}

func TestPythonInitErrors(t *testing.T) {
	for _, pipe := range []bool{false, true} {
		t.Run(fmt.Sprintf("pipe %v", pipe), func(t *testing.T) { testPythonInitErrors(t, pipe) })
	}
}

func testPythonInitErrors(t *testing.T, pipe bool) {
	tests := []struct {
		handler string
		errType string
		message string
	}{
		{"broken.index", "Runtime.ImportModuleError", "Unable to import module 'broken': No module named 'module_that_does_not_exist'"},
		{"handler.missing", "Runtime.HandlerNotFound", "Handler 'missing' missing on module 'handler'"},
		{"nodot", "Runtime.MalformedHandlerName", "Bad handler 'nodot': not enough values to unpack (expected 2, got 1)"},
		{"syntax.index", "Runtime.UserCodeSyntaxError", "Syntax error in module 'syntax': expected ':' (syntax.py, line 1)"},
		{"raises.index", "RuntimeError", "configuration missing"},
		{"nosuchfile.index", "Runtime.ImportModuleError", "Unable to import module 'nosuchfile': No module named 'nosuchfile'"},
	}
	for _, tt := range tests {
		t.Run(tt.handler, func(t *testing.T) {
			cfg := pythonConfig(t)
			cfg.Pipe = pipe
			cfg.Handler = tt.handler
			p := newPool(t, cfg)
			for i := 0; i < 2; i++ { // a new worker tries again and fails the same way
				r := invoke(t, p, map[string]any{"action": "echo"})
				if r.Err == nil {
					t.Fatalf("invocation succeeded with %s", r.Payload)
				}
				if r.Err.Kind != KindInit || r.Err.Type != tt.errType || r.Err.Message != tt.message {
					t.Errorf("error = {%d %q %q}, want {%d %q %q}", r.Err.Kind, r.Err.Type, r.Err.Message, KindInit, tt.errType, tt.message)
				}
			}
			eventually(t, "failed workers exit", func() bool { return p.Workers() == 0 })
		})
	}
}

// barrier answers its requests in rounds: a round is released once n requests are waiting, so n
// invocations can only finish when they run at the same time. A round that never fills is released
// after 20 s so that a failing test ends.
type barrier struct {
	n       int
	mu      sync.Mutex
	waiting int
	max     int
	release chan struct{}
}

func startBarrier(t *testing.T, n int) (*barrier, string) {
	b := &barrier{n: n, release: make(chan struct{})}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	srv := &http.Server{Handler: b}
	go srv.Serve(ln)
	t.Cleanup(func() { srv.Close() })
	return b, "http://" + ln.Addr().String() + "/"
}

func (b *barrier) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	b.mu.Lock()
	b.waiting++
	if b.waiting > b.max {
		b.max = b.waiting
	}
	release := b.release
	if b.waiting == b.n {
		close(b.release)
		b.waiting = 0
		b.release = make(chan struct{})
	}
	b.mu.Unlock()
	select {
	case <-release:
	case <-time.After(20 * time.Second):
	}
}

func invokeParallel(t *testing.T, p *Pool, n int, event map[string]any) []Result {
	t.Helper()
	results := make([]Result, n)
	var wg sync.WaitGroup
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			results[i] = invoke(t, p, event)
		}()
	}
	wg.Wait()
	return results
}

func TestPoolConcurrencyAndQueueing(t *testing.T) {
	tests := []struct {
		name        string
		concurrency int
		invocations int
		barrier     int
		wantMax     int
	}{
		// Three invocations that can only finish together: they ran at once on three workers.
		{"parallel", 3, 3, 3, 3},
		// Eight invocations, two workers: they passed two by two, the rest waited in the queue.
		{"queued", 2, 8, 2, 2},
		// The default cap holds a burst of twenty at once, as Lambda gives each concurrent request an
		// environment of its own (https://docs.aws.amazon.com/lambda/latest/dg/lambda-concurrency.html).
		{"default cap holds a burst", 0, 20, 20, 20},
	}
	for _, rt := range runtimes {
		for _, tt := range tests {
			t.Run(rt.name+"/"+tt.name, func(t *testing.T) {
				cfg := rt.config(t)
				cfg.Concurrency = tt.concurrency
				cfg.Timeout = 30 * time.Second
				p := newPool(t, cfg)
				b, url := startBarrier(t, tt.barrier)
				results := invokeParallel(t, p, tt.invocations, map[string]any{"action": "barrier", "url": url})
				pids := map[float64]bool{}
				for _, r := range results {
					pids[decode(t, r)["pid"].(float64)] = true
				}
				if b.max != tt.wantMax {
					t.Errorf("at most %d invocations ran at once, want %d", b.max, tt.wantMax)
				}
				limit := tt.concurrency
				if limit == 0 {
					limit = DefaultConcurrency
				}
				if tt.barrier == tt.invocations && len(pids) != tt.invocations {
					t.Errorf("%d worker processes served %d invocations that could only finish together, want one each", len(pids), tt.invocations)
				}
				if len(pids) > limit {
					t.Errorf("%d worker processes served, want at most %d", len(pids), limit)
				}
				if n := p.Workers(); n > limit {
					t.Errorf("%d workers alive, want at most %d", n, limit)
				}
			})
		}
	}
}

func TestPoolKeepsWorkersWarm(t *testing.T) {
	for _, rt := range runtimes {
		t.Run(rt.name, func(t *testing.T) {
			p := newPool(t, rt.config(t))
			first := pidOf(t, p)
			for range 5 {
				if pid := pidOf(t, p); pid != first {
					t.Fatalf("invocation ran on pid %v, want the warm worker %v", pid, first)
				}
			}
		})
	}
}

func TestPoolReloadStartsFreshWorkers(t *testing.T) {
	p := newPool(t, goConfig(t))
	before := pidOf(t, p)
	cfg := p.Config()
	cfg.Env = map[string]string{"GREETING": "reloaded"}
	if err := p.Reload(cfg); err != nil {
		t.Fatal(err)
	}
	m := decode(t, invoke(t, p, map[string]any{"action": "echo"}))
	if m["pid"].(float64) == before {
		t.Errorf("worker %v still serving after Reload", before)
	}
	if got := m["env"].(map[string]any)["GREETING"]; got != "reloaded" {
		t.Errorf("GREETING = %v after Reload, want reloaded", got)
	}
	eventually(t, "old worker exits", func() bool { return processGone(int(before)) })
}

func TestPoolCloseKillsProcessGroups(t *testing.T) {
	p, err := NewPool(goConfig(t))
	if err != nil {
		t.Fatal(err)
	}
	worker := int(pidOf(t, p))
	child := int(decode(t, invoke(t, p, map[string]any{"action": "spawn"}))["child"].(float64))
	if processGone(child) {
		t.Fatalf("child %d of the handler is not running", child)
	}
	if err := p.Close(); err != nil {
		t.Fatal(err)
	}
	if n := p.Workers(); n != 0 {
		t.Errorf("%d workers alive after Close, want 0", n)
	}
	eventually(t, "worker and its child exit", func() bool { return processGone(worker) && processGone(child) })
	if _, err := p.Invoke(context.Background(), []byte(`{}`)); err != ErrClosed {
		t.Errorf("Invoke after Close: %v, want %v", err, ErrClosed)
	}
}

func TestPoolWorkerOutputLines(t *testing.T) {
	for _, rt := range runtimes {
		t.Run(rt.name, func(t *testing.T) {
			var stdout, stderr syncBuffer
			cfg := rt.config(t)
			cfg.Stdout, cfg.Stderr = &stdout, &stderr
			p := newPool(t, cfg)
			if r := invoke(t, p, map[string]any{"action": "log", "message": "hello"}); string(r.Payload) != `"logged"` {
				t.Fatalf("payload %s, want \"logged\"", r.Payload)
			}
			eventually(t, "output copied", func() bool {
				return strings.Contains(stdout.String(), "to stdout: hello\n") && strings.Contains(stderr.String(), "to stderr: hello\n")
			})
		})
	}
}

func TestPoolInvokeContextCanceledWhileQueued(t *testing.T) {
	cfg := goConfig(t)
	cfg.Concurrency = 1
	cfg.Timeout = 30 * time.Second
	p := newPool(t, cfg)
	b, url := startBarrier(t, 2)
	done := make(chan Result)
	go func() { done <- invoke(t, p, map[string]any{"action": "barrier", "url": url}) }()
	eventually(t, "first invocation running", func() bool { b.mu.Lock(); defer b.mu.Unlock(); return b.waiting == 1 })
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := p.Invoke(ctx, []byte(`{"action":"echo"}`)); err != context.Canceled {
		t.Errorf("queued Invoke with canceled context: %v, want %v", err, context.Canceled)
	}
	resp, err := http.Get(url) // the barrier's second arrival lets the first invocation finish
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if r := <-done; r.Err != nil {
		t.Errorf("running invocation failed: %v", r.Err)
	}
}

func TestNewPoolRejectsBadConfig(t *testing.T) {
	tests := []struct {
		cfg  Config
		want string
	}{
		{Config{}, "function name is empty; set Config.Name\nfunction \"\" has no worker command; set Config.Command"},
		{Config{Function: Function{Name: "f"}, Command: []string{"x"}, Concurrency: -1},
			"function \"f\": concurrency -1 is negative; use 0 for the default or a positive number"},
	}
	for _, tt := range tests {
		_, err := NewPool(tt.cfg)
		if err == nil || err.Error() != tt.want {
			t.Errorf("NewPool(%+v) error = %v, want %q", tt.cfg, err, tt.want)
		}
	}
}

func TestPoolCommandThatCannotStart(t *testing.T) {
	cfg := goConfig(t)
	cfg.Command = []string{"/nonexistent/bootstrap"}
	p := newPool(t, cfg)
	_, err := p.Invoke(context.Background(), []byte(`{}`))
	want := `start worker of function "hello" (/nonexistent/bootstrap): fork/exec /nonexistent/bootstrap: no such file or directory; check that the handler was built`
	if err == nil || err.Error() != want {
		t.Errorf("error = %v, want %q", err, want)
	}
}

// TestPoolInvokeContextEndsWhileRunning checks that Invoke returns when its context ends, that the
// function runs on to its end, and that the worker then serves the next invocation with its own
// result: nothing of the abandoned one leaks into it.
func TestPoolInvokeContextEndsWhileRunning(t *testing.T) {
	for _, rt := range runtimes {
		t.Run(rt.name, func(t *testing.T) {
			cfg := rt.config(t)
			cfg.Concurrency = 1
			cfg.Timeout = 10 * time.Second
			p := newPool(t, cfg)

			// A fresh worker: the context may end while it starts, or while it runs.
			ctx, cancel := context.WithTimeout(context.Background(), time.Millisecond)
			_, err := p.Invoke(ctx, []byte(`{"action":"sleep","ms":300}`))
			cancel()
			if err != context.DeadlineExceeded {
				t.Fatalf("Invoke with a context that ends first: %v, want %v", err, context.DeadlineExceeded)
			}
			first := invoke(t, p, map[string]any{"action": "echo"})
			if m := decode(t, first); m["requestId"] != first.RequestID {
				t.Fatalf("next invocation got another one's result: %s", first.Payload)
			}

			// A warm worker, well into the function.
			ctx, cancel = context.WithTimeout(context.Background(), 100*time.Millisecond)
			_, err = p.Invoke(ctx, []byte(`{"action":"sleep","ms":400}`))
			cancel()
			if err != context.DeadlineExceeded {
				t.Fatalf("Invoke with a context that ends first: %v, want %v", err, context.DeadlineExceeded)
			}
			r := invoke(t, p, map[string]any{"action": "echo"})
			m := decode(t, r)
			if m["requestId"] != r.RequestID {
				t.Fatalf("next invocation got another one's result: %s", r.Payload)
			}
			if m["pid"] != decode(t, first)["pid"] {
				t.Errorf("worker replaced after an abandoned invocation (pid %v then %v); it should stay warm", decode(t, first)["pid"], m["pid"])
			}
		})
	}
}

// TestPoolLargePayloads sends an event and gets a response of several megabytes, far more than a pipe
// or socket buffer holds, and then a small invocation on the same worker.
func TestPoolLargePayloads(t *testing.T) {
	pad := strings.Repeat("0123456789abcdef", 4<<20/16) // 4 MiB
	for _, rt := range runtimes {
		t.Run(rt.name, func(t *testing.T) {
			p := newPool(t, rt.config(t))
			r := invoke(t, p, map[string]any{"action": "echo", "pad": pad})
			m := decode(t, r)
			if ev := m["event"].(map[string]any); ev["pad"] != pad {
				t.Errorf("echoed pad of %d bytes, want the %d sent", len(fmt.Sprint(ev["pad"])), len(pad))
			}
			small := invoke(t, p, map[string]any{"action": "echo"})
			if got := decode(t, small); got["requestId"] != small.RequestID || got["pid"] != m["pid"] {
				t.Errorf("small invocation after a large one: %s", small.Payload)
			}
		})
	}
}

// TestPoolPipeWorkerThatDoesNotSpeakIt checks the errors when a pipe worker is not one: a program
// that writes something else, and one that exits without a word (an aws-lambda-go binary without
// the local server's loop finds no Runtime API and exits).
func TestPoolPipeWorkerThatDoesNotSpeakIt(t *testing.T) {
	tests := []struct {
		name    string
		script  string
		errType string
		message string
	}{
		{"other protocol", `printf 'HTTP/1.1 200' >&4; sleep 5`, "Runtime.InvalidProtocol",
			`worker of function "hello" does not speak pipe protocol SW01 (it sent "HTTP"); rebuild it`},
		{"exits at once", `echo "no runtime api" >&2; exit 4`, "Runtime.ExitError",
			"RequestId: %s Error: Runtime exited with error: exit status 4"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cfg := goPipeConfig(t)
			cfg.Command = []string{"sh", "-c", tt.script}
			r := invoke(t, newPool(t, cfg), map[string]any{"action": "echo"})
			msg := tt.message
			if strings.Contains(msg, "%s") {
				msg = fmt.Sprintf(msg, r.RequestID)
			}
			if r.Err == nil || r.Err.Type != tt.errType || r.Err.Message != msg {
				t.Errorf("error = %v, want %s: %s", r.Err, tt.errType, msg)
			}
		})
	}
}
