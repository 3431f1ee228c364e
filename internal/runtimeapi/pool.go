package runtimeapi

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"math"
	"os"
	"os/exec"
	goruntime "runtime"
	"sort"
	"strconv"
	"sync"
	"sync/atomic"
	"time"
)

// DefaultConcurrency is how many workers of one function run at once when Config.Concurrency is zero.
// Lambda gives every concurrent request of a function an execution environment of its own, up to the
// account's concurrency (1,000 by default), so the local cap is set high enough that a burst of
// parallel requests does not queue behind it; each worker costs a process (about 10 MB for Go, 15 MB
// for Python) and stays warm.
const DefaultConcurrency = 64

// Config is one function run by a Pool.
type Config struct {
	// Function is the identity and limits the Runtime API reports and enforces.
	Function
	// Command is the worker's argv: an aws-lambda-go binary, or the Python loop with its interpreter.
	Command []string
	// Dir is the function's code directory: the worker's working directory and LAMBDA_TASK_ROOT.
	Dir string
	// Handler is _HANDLER, the handler setting of the function (users.index for Python).
	Handler string
	// MemoryMB is AWS_LAMBDA_FUNCTION_MEMORY_SIZE; 128 when zero, Lambda's default.
	MemoryMB int
	// ExecutionEnv is AWS_EXECUTION_ENV (AWS_Lambda_python3.11); unset when empty, as on OS-only
	// runtimes such as provided.al2023.
	ExecutionEnv string
	// Env holds the function's own environment variables. Lambda's reserved variables win over them.
	Env map[string]string
	// Concurrency bounds how many workers run at once; further invocations wait for a free worker.
	// DefaultConcurrency when zero.
	Concurrency int
	// Pipe runs workers over the pipe protocol (PipeEnv) instead of the Runtime API over HTTP: one write
	// and one read per invocation on each side. The worker must speak it, as Go workers built for the
	// local server do.
	Pipe bool
	// Stdout and Stderr receive the workers' output, whole lines per Write; discarded when nil.
	Stdout, Stderr io.Writer
	// Log receives the lines Lambda adds to a function's log for each invocation (START, END and
	// REPORT with duration, billed duration, memory size, max memory used and, on a cold start, init
	// duration) and notices of the pool, such as memory limits that this machine cannot enforce.
	// Discarded when nil.
	Log io.Writer
}

func (c Config) memoryMB() int {
	if c.MemoryMB <= 0 {
		return 128
	}
	return c.MemoryMB
}

func (c Config) validate() error {
	var problems []error
	if c.Name == "" {
		problems = append(problems, errors.New("function name is empty; set Config.Name"))
	}
	if len(c.Command) == 0 {
		problems = append(problems, fmt.Errorf("function %q has no worker command; set Config.Command", c.Name))
	}
	if c.Concurrency < 0 {
		problems = append(problems, fmt.Errorf("function %q: concurrency %d is negative; use 0 for the default or a positive number", c.Name, c.Concurrency))
	}
	return errors.Join(problems...)
}

// Environ is the environment of a worker whose Runtime API listens on runtimeAPI (or, when runtimeAPI
// is empty, of a pipe worker, with PipeEnv set instead): the variables Lambda sets (AWS_LAMBDA_RUNTIME_API, AWS_LAMBDA_FUNCTION_NAME, AWS_LAMBDA_FUNCTION_MEMORY_SIZE,
// AWS_LAMBDA_FUNCTION_VERSION, AWS_REGION, AWS_DEFAULT_REGION, _HANDLER, LAMBDA_TASK_ROOT, TZ, ...),
// the function's own variables, and the host's PATH: Lambda's defined runtime variables and no others
// (https://docs.aws.amazon.com/lambda/latest/dg/configuration-envvars.html), so a handler cannot come
// to rely on one that Lambda does not set. A runtime loop learns each invocation's deadline from the
// Runtime API's Lambda-Runtime-Deadline-Ms header, as on Lambda. Entries are sorted.
func (c Config) Environ(runtimeAPI string) []string {
	fn := c.Function.withDefaults()
	memory := c.memoryMB()
	env := map[string]string{
		"PATH": os.Getenv("PATH"),
		"LANG": "en_US.UTF-8",
	}
	for k, v := range c.Env {
		env[k] = v
	}
	reserved := map[string]string{
		"AWS_LAMBDA_RUNTIME_API":          runtimeAPI,
		"AWS_LAMBDA_FUNCTION_NAME":        fn.Name,
		"AWS_LAMBDA_FUNCTION_MEMORY_SIZE": strconv.Itoa(memory),
		"AWS_LAMBDA_FUNCTION_VERSION":     "$LATEST",
		"AWS_LAMBDA_INITIALIZATION_TYPE":  "on-demand",
		"AWS_LAMBDA_LOG_GROUP_NAME":       "/aws/lambda/" + fn.Name,
		"AWS_LAMBDA_LOG_STREAM_NAME":      logStreamName(time.Now()),
		"AWS_REGION":                      fn.Region,
		"AWS_DEFAULT_REGION":              fn.Region,
		"_HANDLER":                        c.Handler,
		"LAMBDA_TASK_ROOT":                c.Dir,
		"TZ":                              ":UTC",
	}
	if c.ExecutionEnv != "" {
		reserved["AWS_EXECUTION_ENV"] = c.ExecutionEnv
	}
	if runtimeAPI == "" {
		delete(reserved, "AWS_LAMBDA_RUNTIME_API")
		reserved[PipeEnv] = "3,4"
	}
	for k, v := range reserved {
		env[k] = v
	}
	out := make([]string, 0, len(env))
	for k, v := range env {
		out = append(out, k+"="+v)
	}
	sort.Strings(out)
	return out
}

// logStreamName is the name of an execution environment's log stream started at t, in Lambda's
// convention YYYY/MM/DD/[version]<execution environment GUID>, the GUID being 32 hex digits
// (https://docs.aws.amazon.com/lambda/latest/operatorguide/log-structure.html), e.g.
// 2026/11/28/[$LATEST]0c5c0bd3a4b94a0e8cbe8a0ba8fa27b1.
func logStreamName(t time.Time) string {
	var b [16]byte
	rand.Read(b[:]) //nolint:errcheck // crypto/rand.Read never fails.
	return t.UTC().Format("2006/01/02") + "/[$LATEST]" + hex.EncodeToString(b[:])
}

// Pool runs one function: warm workers, bounded concurrency, a queue, timeouts and replacement of
// failed workers.
type Pool struct {
	slots chan struct{} // one token per running invocation

	mu       sync.Mutex
	cfg      Config
	cap      int // most workers
	gen      int // bumped by Reload; workers of older generations retire
	idle     []*worker
	all      map[*worker]struct{}
	starting int           // workers being started
	initAvg  time.Duration // moving averages of the workers' init durations and of invocations
	runAvg   time.Duration
	changed  chan struct{} // closed and replaced when a worker becomes idle or goes away
	closed   bool
	closing  chan struct{}
	wg       sync.WaitGroup // worker wait goroutines
}

// NewPool returns a pool for cfg. Workers start on the first invocations and stay warm until Close.
func NewPool(cfg Config) (*Pool, error) {
	if err := cfg.validate(); err != nil {
		return nil, err
	}
	n := cfg.Concurrency
	if n == 0 {
		n = DefaultConcurrency
	}
	return &Pool{
		slots:   make(chan struct{}, n),
		cfg:     cfg,
		cap:     n,
		changed: make(chan struct{}),
		all:     map[*worker]struct{}{},
		closing: make(chan struct{}),
	}, nil
}

// Config returns the pool's current configuration.
func (p *Pool) Config() Config {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.cfg
}

// Reload makes the next invocations run on fresh workers started from cfg (a rebuilt binary, changed
// source files): idle workers stop now, busy ones when their invocation ends. Concurrency is fixed at
// NewPool.
func (p *Pool) Reload(cfg Config) error {
	if err := cfg.validate(); err != nil {
		return err
	}
	p.mu.Lock()
	p.cfg = cfg
	p.gen++
	idle := p.idle
	p.idle = nil
	p.mu.Unlock()
	for _, w := range idle {
		w.stop()
	}
	return nil
}

// Workers returns how many worker processes are alive, not counting those that are ending.
func (p *Pool) Workers() int {
	p.mu.Lock()
	defer p.mu.Unlock()
	n := 0
	for w := range p.all {
		if !w.retiring.Load() {
			n++
		}
	}
	return n
}

// Invoke runs payload on a warm worker, or a new one, waiting for a free worker when Concurrency are
// busy. A failed invocation (function error, timeout, crash, init error) is a Result with Err set; the
// worker is replaced when the failure leaves it unusable. Invoke returns an error when the invocation
// could not be run: ctx done, pool closed, or the worker command cannot start. When ctx ends while the
// function runs, Invoke returns at once and the invocation finishes in the background, as on Lambda.
func (p *Pool) Invoke(ctx context.Context, payload []byte) (Result, error) {
	select {
	case p.slots <- struct{}{}:
	case <-ctx.Done():
		return Result{}, ctx.Err()
	case <-p.closing:
		return Result{}, ErrClosed
	}
	if p.direct() {
		r, err, finish := p.run(ctx, ctx, payload)
		if finish != nil {
			go func() {
				defer func() { <-p.slots }()
				finish()
			}()
			return r, err
		}
		<-p.slots
		return r, err
	}
	type outcome struct {
		r   Result
		err error
	}
	ch := make(chan outcome, 1)
	go func() {
		defer func() { <-p.slots }()
		r, err, _ := p.run(ctx, context.Background(), payload)
		ch <- outcome{r, err}
	}()
	select {
	case o := <-ch:
		return o.r, o.err
	case <-ctx.Done():
		return Result{}, ctx.Err()
	}
}

// direct reports whether invocations run on the caller's goroutine: pipe workers give up waiting when
// ctx ends and leave the rest of the invocation to a finish function, so no goroutine is needed
// per invocation.
func (p *Pool) direct() bool {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.cfg.Pipe
}

// run executes one invocation while holding a slot; waiting for a worker ends with wait. When ctx ends
// while the function runs, run returns ctx's error and a finish function that waits for the invocation
// and settles its worker.
func (p *Pool) run(wait, ctx context.Context, payload []byte) (Result, error, func()) {
	id := newRequestID()
	for attempt := 0; ; attempt++ {
		w, err := p.acquire(wait)
		if err != nil {
			return Result{}, err, nil
		}
		warm := w.runs.Add(1) > 1
		if attempt == 0 && w.log != nil {
			fmt.Fprintf(w.log, "START RequestId: %s Version: $LATEST\n", id)
		}
		sent := time.Now()
		r, err := w.env.invoke(ctx, id, payload)
		if errors.Is(err, errNotTaken) {
			p.discard(w)
			// A warm worker that died while idle did not see this invocation: run it on a fresh one.
			if warm && attempt == 0 {
				continue
			}
			r := w.env.exitResult(&invocation{id: id})
			w.report(id, sent, !warm)
			return r, nil, nil
		}
		if rest := (*pendingError)(nil); errors.As(err, &rest) {
			return Result{}, ctx.Err(), func() {
				r := rest.finish()
				w.report(id, sent, !warm)
				p.settle(w, r, nil)
			}
		}
		if err == nil {
			d := w.report(id, sent, !warm)
			p.mu.Lock()
			p.runAvg = average(p.runAvg, d)
			p.mu.Unlock()
		}
		p.settle(w, r, err)
		if p.isClosed() {
			return Result{}, ErrClosed, nil
		}
		return r, err, nil
	}
}

// settle returns w to the idle workers after an invocation, or stops it when the invocation left it
// unusable.
func (p *Pool) settle(w *worker, r Result, err error) {
	if err == nil && r.exits {
		// The runtime ends its own process after this result and logs why as it goes (aws-lambda-go's
		// panic message): let it, then make sure.
		w.retiring.Store(true)
		go func() {
			t := time.NewTimer(2 * time.Second)
			defer t.Stop()
			select {
			case <-w.exited:
			case <-t.C:
			}
			p.discard(w)
		}()
		return
	}
	if err != nil || r.resetsEnvironment() {
		p.discard(w)
	} else {
		p.release(w)
	}
}

// startLimit bounds how many workers of a pool start at once. A cold start is mostly CPU (an
// interpreter and its imports, a Go runtime): started all together, a burst's workers share the cores
// and all become ready late; started a few at a time, the first ones serve the burst's first requests
// while the next ones start.
var startLimit = max(2, goruntime.NumCPU())

// acquire returns an idle worker of the current generation, or waits for one. A call that finds none
// starts a worker in the background (up to the pool's cap) and takes whichever worker is ready first:
// the one it started, or one another invocation releases meanwhile, which on a machine of few cores is
// often sooner than a cold start. A worker it started and did not take stays warm in the pool.
func (p *Pool) acquire(ctx context.Context) (*worker, error) {
	var mine chan started // the start this call asked for, while it runs
	var waited <-chan time.Time
	impatient := false
	for {
		p.mu.Lock()
		if p.closed {
			p.mu.Unlock()
			return nil, ErrClosed
		}
		for len(p.idle) > 0 {
			w := p.idle[len(p.idle)-1]
			p.idle = p.idle[:len(p.idle)-1]
			if w.gen == p.gen && !w.dead() {
				p.mu.Unlock()
				return w, nil
			}
			go w.stop()
		}
		if mine == nil && len(p.all)+p.starting < p.cap && p.starting < startLimit {
			// A cold start is worth it unless the function's invocations are known to end sooner than
			// its workers start; a call that waited as long as a start takes starts one anyway, so a
			// slow invocation never holds up the others.
			if impatient || len(p.all) == 0 || p.initAvg == 0 || p.runAvg == 0 || p.runAvg >= p.initAvg {
				p.starting++
				mine = make(chan started, 1)
				go p.start(p.cfg, p.gen, mine)
			} else if waited == nil {
				waited = time.After(p.initAvg)
			}
		}
		changed := p.changed
		p.mu.Unlock()
		select {
		case <-waited:
			waited, impatient = nil, true
		case <-changed:
		case st := <-mine:
			mine = nil
			if st.err != nil {
				return nil, st.err
			}
			if st.w != nil {
				return st.w, nil
			}
		case <-ctx.Done():
			return nil, ctx.Err()
		case <-p.closing:
			return nil, ErrClosed
		}
	}
}

// started is the outcome of a start: an error, a worker that exited during its initialisation (the
// invocation that asked for it runs on it, to report why), or neither when the worker joined the idle
// ones.
type started struct {
	w   *worker
	err error
}

// start starts a worker from cfg, waits until its runtime is initialised (or failed, or exited: the
// invocation that takes it learns which), adds it to the idle workers and reports to done.
func (p *Pool) start(cfg Config, gen int, done chan<- started) {
	w, err := startWorker(cfg, gen)
	p.mu.Lock()
	p.starting--
	if err != nil {
		p.broadcast() // another waiting invocation may try in its turn
		p.mu.Unlock()
		done <- started{err: err}
		return
	}
	if p.closed {
		p.mu.Unlock()
		w.stop()
		done <- started{err: ErrClosed}
		return
	}
	p.all[w] = struct{}{}
	p.wg.Add(1)
	p.mu.Unlock()
	go func() {
		defer p.wg.Done()
		<-w.exited
		p.forget(w)
	}()
	fn := cfg.Function.withDefaults()
	w.env.awaitReady(time.Now().Add(fn.InitTimeout))
	if ready := w.env.readySince(); !ready.IsZero() {
		p.mu.Lock()
		p.initAvg = average(p.initAvg, ready.Sub(w.started))
		p.mu.Unlock()
	}
	if w.dead() || w.env.readySince().IsZero() {
		// It exited, failed or timed out before it was ready: the invocation that asked for it runs on
		// it and reports why.
		done <- started{w: w}
		return
	}
	p.release(w)
	done <- started{}
}

// average is a moving average of durations, avg zero when there is none yet.
func average(avg, d time.Duration) time.Duration {
	if avg == 0 {
		return d
	}
	return (3*avg + d) / 4
}

// broadcast wakes the calls waiting in acquire; p.mu is held.
func (p *Pool) broadcast() {
	close(p.changed)
	p.changed = make(chan struct{})
}

func (p *Pool) isClosed() bool {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.closed
}

func (p *Pool) release(w *worker) {
	p.mu.Lock()
	if p.closed || w.gen != p.gen || w.dead() {
		p.mu.Unlock()
		w.stop()
		return
	}
	p.idle = append(p.idle, w)
	p.broadcast()
	p.mu.Unlock()
}

func (p *Pool) discard(w *worker) {
	w.stop()
	p.forget(w)
}

// forget drops a worker whose process has exited.
func (p *Pool) forget(w *worker) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if _, ok := p.all[w]; !ok {
		return
	}
	delete(p.all, w)
	for i, x := range p.idle {
		if x == w {
			p.idle = append(p.idle[:i], p.idle[i+1:]...)
			break
		}
	}
	p.broadcast() // a waiting invocation may start a worker in its place
}

// Close kills every worker's process group and waits for them to exit. Invocations in progress fail
// with ErrClosed.
func (p *Pool) Close() error {
	p.mu.Lock()
	if p.closed {
		p.mu.Unlock()
		return nil
	}
	p.closed = true
	close(p.closing)
	workers := make([]*worker, 0, len(p.all))
	for w := range p.all {
		workers = append(workers, w)
	}
	p.idle = nil
	p.mu.Unlock()
	for _, w := range workers {
		w.stop()
	}
	p.wg.Wait()
	return nil
}

// environment is how the pool reaches a worker's runtime: its Runtime API (*Server) or a pipe.
type environment interface {
	// invoke runs invocation id; errNotTaken when the runtime had exited before taking it. An
	// environment may stop waiting when ctx ends and return a *pendingError.
	invoke(ctx context.Context, id string, payload []byte) (Result, error)
	// readySince returns when the runtime finished its initialisation; zero before.
	readySince() time.Time
	// awaitReady waits until the runtime finished its initialisation, failed it or exited, at most
	// until by.
	awaitReady(by time.Time)
	// exitResult is the Runtime.ExitError of inv after the runtime exited.
	exitResult(inv *invocation) Result
	// Exited records the runtime process's exit status.
	Exited(err error)
	Close() error
}

// worker is one runtime process with its own execution environment.
type worker struct {
	gen      int
	env      environment
	cmd      *exec.Cmd
	started  time.Time
	memoryMB int
	log      io.Writer // Config.Log
	stdout   *output   // the worker's output pipes
	stderr   *output
	exitPeak atomic.Int64 // the memory cgroup's peak when the worker exited; -1 unknown
	retiring atomic.Bool  // the worker's runtime is ending its process after a result
	runs     atomic.Int64 // invocations given to the worker
	exited   chan struct{}
	stopMu   sync.Once
}

// report writes the END and REPORT lines of invocation id, sent at sent, as Lambda does: Duration
// from the moment the runtime could take the invocation to its result, Billed Duration rounded up to
// the millisecond, Max Memory Used the environment's peak so far, and Init Duration on a cold start.
// It returns the invocation's duration.
func (w *worker) report(id string, sent time.Time, cold bool) time.Duration {
	end := time.Now()
	begin, ready := sent, w.env.readySince()
	var initDur time.Duration
	if cold && !ready.IsZero() {
		initDur = ready.Sub(w.started)
		if ready.After(begin) {
			begin = ready
		}
	}
	if w.log == nil {
		return end.Sub(begin)
	}
	ms := float64(end.Sub(begin).Microseconds()) / 1000
	line := fmt.Sprintf("REPORT RequestId: %s\tDuration: %.2f ms\tBilled Duration: %d ms\tMemory Size: %d MB",
		id, ms, int64(math.Ceil(ms)), w.memoryMB)
	if peak := w.maxMemory(); peak >= 0 {
		line += fmt.Sprintf("\tMax Memory Used: %d MB", (peak+(1<<20)-1)>>20)
	}
	if initDur > 0 {
		line += fmt.Sprintf("\tInit Duration: %.2f ms", float64(initDur.Microseconds())/1000)
	}
	drain(w.stdout, w.stderr) // the handler's output first, as on Lambda
	fmt.Fprintf(w.log, "END RequestId: %s\n%s\n", id, line)
	return end.Sub(begin)
}

// maxMemory is the most memory the worker used so far, in bytes; -1 when this machine cannot tell.
func (w *worker) maxMemory() int64 {
	if !w.dead() {
		if peak := peakRSS(w.cmd.Process.Pid); peak >= 0 {
			return peak
		}
	}
	return w.exitPeak.Load()
}

func startWorker(cfg Config, gen int) (*worker, error) {
	cmd := exec.Command(cfg.Command[0], cfg.Command[1:]...)
	cmd.Dir = cfg.Dir
	cmd.SysProcAttr = sysProcAttr()
	var env environment
	var inherited []*os.File // the worker's ends, closed here once it started
	if cfg.Pipe {
		p, files, err := newPipe(cfg.Function)
		if err != nil {
			return nil, err
		}
		env, inherited = p, files
		cmd.ExtraFiles = files // descriptors 3 and 4
		cmd.Env = cfg.Environ("")
	} else {
		srv, err := NewServer(cfg.Function)
		if err != nil {
			return nil, err
		}
		env = srv
		cmd.Env = cfg.Environ(srv.Addr())
	}
	closeInherited := func() {
		for _, f := range inherited {
			f.Close()
		}
	}

	// Own pipes rather than io.Writers: Wait then returns when the worker exits, even if a process it
	// started still holds the pipe.
	outR, outW, err := os.Pipe()
	if err != nil {
		env.Close()
		closeInherited()
		return nil, fmt.Errorf("start worker of function %q: %w", cfg.Name, err)
	}
	errR, errW, err := os.Pipe()
	if err != nil {
		env.Close()
		closeInherited()
		outR.Close()
		outW.Close()
		return nil, fmt.Errorf("start worker of function %q: %w", cfg.Name, err)
	}
	cmd.Stdout, cmd.Stderr = outW, errW
	if err := cmd.Start(); err != nil {
		env.Close()
		closeInherited()
		for _, f := range []*os.File{outR, outW, errR, errW} {
			f.Close()
		}
		return nil, fmt.Errorf("start worker of function %q (%s): %w; check that the handler was built", cfg.Name, cfg.Command[0], err)
	}
	closeInherited()
	outW.Close()
	errW.Close()
	w := &worker{gen: gen, env: env, cmd: cmd, started: time.Now(), memoryMB: cfg.memoryMB(), log: cfg.Log, exited: make(chan struct{}),
		stdout: copyOutput(cfg.Stdout, outR), stderr: copyOutput(cfg.Stderr, errR)}
	w.exitPeak.Store(-1)
	cg := limitMemory(cfg, cmd.Process.Pid)
	go func() {
		err := cmd.Wait()
		killGroup(cmd.Process.Pid) // whatever the worker started goes with it
		if cg != nil {
			if cg.oomKilled() {
				err = &outOfMemoryError{err: err}
			}
			w.exitPeak.Store(cg.peak())
			cg.remove()
		}
		env.Exited(err)
		close(w.exited)
	}()
	return w, nil
}

// MemoryLimits reports whether this machine enforces a function's memory size on its workers.
func MemoryLimits() bool {
	m, _ := workerCgroups()
	return m != nil
}

// memoryNotice is logged once per process when memory sizes cannot be enforced.
var memoryNotice sync.Once

// limitMemory puts the worker process pid in a memory cgroup of its own, limited to the function's
// memory size, as Lambda limits an execution environment. Where this machine cannot (see
// workerCgroups), the function runs without a limit and cfg.Log says so once.
func limitMemory(cfg Config, pid int) *workerCgroup {
	m, reason := workerCgroups()
	var cg *workerCgroup
	if m != nil {
		var err error
		if cg, err = m.newWorkerCgroup(cfg.memoryMB()); err == nil {
			if err = cg.add(pid); err != nil {
				cg.remove()
				cg = nil
			}
		}
		if err != nil {
			reason = err.Error()
		}
	}
	if cg == nil && cfg.Log != nil {
		memoryNotice.Do(func() {
			fmt.Fprintf(cfg.Log, "memory sizes are not enforced on this machine: %s; a function that needs more memory than its memory size works here but fails on Lambda with Runtime.OutOfMemory\n", reason)
		})
	}
	return cg
}

// outOfMemoryError is the exit of a worker the kernel killed for using more than its memory size.
type outOfMemoryError struct{ err error }

func (e *outOfMemoryError) Error() string { return e.err.Error() }
func (e *outOfMemoryError) Unwrap() error { return e.err }

func (w *worker) dead() bool {
	select {
	case <-w.exited:
		return true
	default:
		return false
	}
}

// stop kills the worker's process group and waits for it to exit.
func (w *worker) stop() {
	w.stopMu.Do(func() {
		killGroup(w.cmd.Process.Pid)
		<-w.exited
		w.env.Close()
	})
	<-w.exited
}
