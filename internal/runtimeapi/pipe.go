package runtimeapi

import (
	"bufio"
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"os"
	"sync"
	"sync/atomic"
	"time"
)

// PipeEnv is set in the environment of a worker that speaks the pipe protocol instead of the Runtime
// API; the worker reads invocations from descriptor 3 and writes results to descriptor 4. The worker
// side is internal/runtime/golang/devloop, which documents the frames.
const PipeEnv = "STELVIO_WORKER_PIPE"

// A worker's result stream opens with pipeMagic when its initialisation is done, or with
// pipeInitError followed by a result frame of status pipeInitError when it failed (and exits).
const (
	pipeMagic     = "SW01"
	pipeInitError = "SWIE"
)

// Result statuses of the pipe protocol.
const (
	pipeOK        = 0 // the function's response
	pipeError     = 1 // the function's error document
	pipeErrorExit = 2 // an error document; the runtime exits after it (a Go panic)
	pipeInit      = 3 // the runtime's initialisation error; it exits after it
	pipeOKExit    = 4 // a response; the runtime exits after it (aws-lambda-go refused a too large one)
)

// pipe is one execution environment whose runtime is reached over a pair of pipes: one write and one
// read per invocation on each side, no HTTP. It keeps the Runtime API's semantics: the deadline, the
// timeout, the error documents, a crash as Runtime.ExitError.
type pipe struct {
	fn         Function
	arn        string
	requests   *os.File // write end; the worker's descriptor 3 reads it
	results    *os.File // read end; the worker's descriptor 4 writes it
	r          *bufio.Reader
	ready      bool
	initFailed bool   // the runtime sent pipeInitError
	frame      []byte // request frame buffer

	// Progress through the stream of results, kept across calls so that a read stopped at a deadline
	// goes on where it stopped.
	magic    [len(pipeMagic)]byte
	nmagic   int
	hdr      [5]byte // uint32 length, status
	nhdr     int
	sized    bool
	tooLarge bool
	body     []byte
	nbody    int
	skip     int

	readyAt atomic.Int64 // Unix ns when the runtime finished its initialisation

	exited    chan struct{}
	exitOnce  sync.Once
	mu        sync.Mutex
	exitErr   error
	closeOnce sync.Once
}

// readySince returns when the runtime finished its initialisation; zero before.
func (p *pipe) readySince() time.Time { return unixNano(p.readyAt.Load()) }

// newPipe returns the server side of a pipe worker and the two files the worker inherits (its
// descriptors 3 and 4), which the caller closes once the process started.
func newPipe(fn Function) (p *pipe, workerFiles []*os.File, err error) {
	fn = fn.withDefaults()
	reqR, reqW, err := os.Pipe()
	if err != nil {
		return nil, nil, fmt.Errorf("pipes for function %q: %w", fn.Name, err)
	}
	resR, resW, err := os.Pipe()
	if err != nil {
		reqR.Close()
		reqW.Close()
		return nil, nil, fmt.Errorf("pipes for function %q: %w", fn.Name, err)
	}
	p = &pipe{
		fn:       fn,
		arn:      fn.ARN(),
		requests: reqW,
		results:  resR,
		r:        bufio.NewReaderSize(resR, 64<<10),
		exited:   make(chan struct{}),
	}
	return p, []*os.File{reqR, resW}, nil
}

// pendingError is an invocation whose caller stopped waiting (its context ended) while the function
// runs; finish waits for the rest of it, as Lambda lets a function run on after its caller left.
type pendingError struct{ finish func() Result }

func (e *pendingError) Error() string {
	return "the invocation goes on after its caller stopped waiting"
}

// invoke runs one invocation on the caller's goroutine. When ctx ends first, it returns a
// *pendingError whose finish completes the invocation.
func (p *pipe) invoke(ctx context.Context, id string, payload []byte) (Result, error) {
	inv := &invocation{id: id, traceID: newTraceID()}
	fired := make(chan struct{})
	stop := context.AfterFunc(ctx, func() {
		p.results.SetReadDeadline(time.Now()) //nolint:errcheck // Pipes support deadlines.
		close(fired)
	})
	r, err, cut := p.step(inv, payload)
	if !stop() {
		<-fired // the deadline was moved; the steps below set their own again
		if cut {
			return Result{}, &pendingError{finish: func() Result {
				for {
					r, err, cut := p.step(inv, payload)
					if errors.Is(err, errNotTaken) {
						return p.exitResult(inv)
					}
					if !cut {
						return r
					}
				}
			}}
		}
	}
	return r, err
}

// step carries inv as far as it can: wait for the worker to be ready, send the request, read the
// result. It reports cut when a read stopped at a deadline earlier than inv's own (the caller's
// context ended); calling it again goes on where it stopped.
func (p *pipe) step(inv *invocation, payload []byte) (r Result, err error, cut bool) {
	if !p.ready {
		if inv.readyBy.IsZero() {
			inv.readyBy = time.Now().Add(p.fn.InitTimeout + p.fn.Timeout)
		}
		if r, err, cut, stop := p.readReady(inv); stop {
			return r, err, cut
		}
	}

	if p.initFailed {
		// The runtime's initialisation error is the result of this invocation; the request is not sent.
		inv.deadline = inv.readyBy
		if inv.deadline.IsZero() {
			inv.deadline = time.Now().Add(p.fn.InitTimeout)
		}
	}
	if inv.deadline.IsZero() {
		inv.deadline = time.Now().Add(p.fn.Timeout)
		frame := p.encode(inv, payload)
		// The runtime reads whenever it waits for an invocation, so a frame that fits in a pipe of the
		// smallest capacity (one page) is written at once; only a larger one needs a deadline (each
		// deadline is a timer to arm).
		if len(frame) > 4096 {
			p.requests.SetWriteDeadline(inv.deadline) //nolint:errcheck // Pipes support deadlines.
			defer p.requests.SetWriteDeadline(time.Time{})
		}
		if _, err := p.requests.Write(frame); err != nil {
			if errors.Is(err, os.ErrDeadlineExceeded) {
				return p.timeoutResult(inv), nil, false
			}
			p.waitExit()
			return Result{}, errNotTaken, false // the worker is gone
		}
	}

	p.results.SetReadDeadline(inv.deadline) //nolint:errcheck // Pipes support deadlines.
	status, body, err := p.next()
	switch {
	case errors.Is(err, os.ErrDeadlineExceeded):
		if time.Now().Before(inv.deadline) {
			return Result{}, nil, true
		}
		return p.timeoutResult(inv), nil, false
	case errors.Is(err, errTooLarge):
		msg := fmt.Sprintf("Response payload size exceeded maximum allowed payload size (%d bytes).", MaxResponseSize)
		r := errorResult(inv.id, KindResponseTooLarge, "Function.ResponseSizeTooLarge", msg)
		r.exits = status == pipeOKExit
		return r, nil, false
	case err != nil:
		// The worker closed its end: it is exiting. Its status makes the error message.
		p.waitExit()
		return p.exitResult(inv), nil, false
	}
	switch status {
	case pipeOK, pipeOKExit:
		return Result{RequestID: inv.id, Payload: body, exits: status == pipeOKExit}, nil, false
	case pipeError, pipeErrorExit:
		r := runtimeErrorResult(KindFunction, "", body)
		r.RequestID = inv.id
		r.exits = status == pipeErrorExit
		return r, nil, false
	case pipeInit:
		r := runtimeErrorResult(KindInit, "", body)
		r.RequestID = inv.id
		r.exits = true
		return r, nil, false
	default:
		return errorResult(inv.id, KindExit, "Runtime.InvalidResponse",
			fmt.Sprintf("worker of function %q sent result status %d", p.fn.Name, status)), nil, false
	}
}

// readReady reads the start of the result stream, which the worker writes when its initialisation is
// done (as a runtime's first /next), until inv.readyBy. stop says that inv cannot go on: r, err and cut
// are then step's results.
func (p *pipe) readReady(inv *invocation) (r Result, err error, cut, stop bool) {
	p.results.SetReadDeadline(inv.readyBy) //nolint:errcheck // Pipes support deadlines.
	for p.nmagic < len(p.magic) {
		n, err := p.r.Read(p.magic[p.nmagic:])
		p.nmagic += n
		if errors.Is(err, os.ErrDeadlineExceeded) {
			if time.Now().Before(inv.readyBy) {
				return Result{}, nil, true, true
			}
			return p.timeoutResult(inv), nil, false, true
		}
		if err != nil {
			p.waitExit()
			return Result{}, errNotTaken, false, true
		}
	}
	p.readyAt.Store(time.Now().UnixNano())
	switch string(p.magic[:]) {
	case pipeMagic:
	case pipeInitError:
		p.initFailed = true
	default:
		return errorResult(inv.id, KindInit, "Runtime.InvalidProtocol",
			fmt.Sprintf("worker of function %q does not speak pipe protocol %s (it sent %q); rebuild it", p.fn.Name, pipeMagic, p.magic[:])), nil, false, true
	}
	p.ready = true
	return Result{}, nil, false, false
}

// awaitReady waits until the runtime finished its initialisation, failed it or exited, at most until
// by; the next invocation learns which.
func (p *pipe) awaitReady(by time.Time) {
	if !p.ready {
		p.readReady(&invocation{readyBy: by})
	}
}

// waitExit waits a little for the worker's exit status, which names the reason of a crash.
func (p *pipe) waitExit() {
	t := time.NewTimer(2 * time.Second)
	defer t.Stop()
	select {
	case <-p.exited:
	case <-t.C:
	}
}

var errTooLarge = errors.New("response too large")

// next reads the result frame, going on where an earlier call stopped at a deadline. A body over
// MaxResponseSize is drained and reported as errTooLarge.
func (p *pipe) next() (byte, []byte, error) {
	for p.nhdr < len(p.hdr) {
		n, err := p.r.Read(p.hdr[p.nhdr:])
		p.nhdr += n
		if err != nil {
			return 0, nil, err
		}
	}
	if !p.sized {
		size := int(binary.BigEndian.Uint32(p.hdr[:4])) - 1
		if size < 0 {
			return 0, nil, errors.New("empty result frame")
		}
		p.sized = true
		if size > MaxResponseSize {
			p.skip, p.tooLarge = size, true
		} else {
			p.body, p.nbody = make([]byte, size), 0
		}
	}
	for p.skip > 0 {
		n, err := p.r.Discard(min(p.skip, 64<<10))
		p.skip -= n
		if err != nil {
			return 0, nil, err
		}
	}
	for p.nbody < len(p.body) {
		n, err := p.r.Read(p.body[p.nbody:])
		p.nbody += n
		if err != nil {
			return 0, nil, err
		}
	}
	status, body, tooLarge := p.hdr[4], p.body, p.tooLarge
	p.nhdr, p.sized, p.tooLarge, p.body, p.nbody = 0, false, false, nil, 0
	if tooLarge {
		return status, nil, errTooLarge
	}
	if body == nil {
		body = []byte{}
	}
	return status, body, nil
}

// encode builds the request frame of inv in a buffer reused across invocations.
func (p *pipe) encode(inv *invocation, payload []byte) []byte {
	b := append(p.frame[:0], 0, 0, 0, 0)
	b = binary.BigEndian.AppendUint64(b, uint64(inv.deadline.UnixMilli()))
	for _, s := range []string{inv.id, p.arn, inv.traceID} {
		b = binary.BigEndian.AppendUint16(b, uint16(len(s)))
		b = append(b, s...)
	}
	b = append(b, payload...)
	binary.BigEndian.PutUint32(b, uint32(len(b)-4))
	if cap(b) <= 1<<20 {
		p.frame = b // large frames are not kept between invocations
	}
	return b
}

func (p *pipe) timeoutResult(inv *invocation) Result { return timeoutResult(inv.id, p.fn.Timeout) }

func (p *pipe) exitResult(inv *invocation) Result {
	p.mu.Lock()
	err := p.exitErr
	p.mu.Unlock()
	return exitErrorResult(inv.id, err)
}

// Exited records that the worker process exited with err.
func (p *pipe) Exited(err error) {
	p.exitOnce.Do(func() {
		p.mu.Lock()
		p.exitErr = err
		p.mu.Unlock()
		close(p.exited)
	})
}

// Close closes the server's ends of the pipes; a worker reading its next invocation sees the end.
func (p *pipe) Close() error {
	p.closeOnce.Do(func() {
		p.requests.Close()
		p.results.Close()
	})
	return nil
}
