package runtimeapi

import (
	"bufio"
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"os"
	"sync"
	"time"
)

// PipeEnv is set in the environment of a worker that speaks the pipe protocol instead of the Runtime
// API; the worker reads invocations from descriptor 3 and writes results to descriptor 4. The worker
// side is internal/runtime/golang/devloop, which documents the frames.
const PipeEnv = "STELVIO_WORKER_PIPE"

const pipeMagic = "SW01"

// Result statuses of the pipe protocol.
const (
	pipeOK        = 0
	pipeError     = 1
	pipeErrorExit = 2
)

// pipe is one execution environment whose runtime is reached over a pair of pipes: one write and one
// read per invocation on each side, no HTTP. It keeps the Runtime API's semantics: the deadline, the
// timeout, the error documents, a crash as Runtime.ExitError.
type pipe struct {
	fn       Function
	arn      string
	requests *os.File // write end; the worker's descriptor 3 reads it
	results  *os.File // read end; the worker's descriptor 4 writes it
	r        *bufio.Reader
	ready    bool
	frame    []byte

	exited    chan struct{}
	exitOnce  sync.Once
	mu        sync.Mutex
	exitErr   error
	closeOnce sync.Once
}

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

func (p *pipe) invoke(_ context.Context, payload []byte) (Result, error) {
	inv := &invocation{id: newRequestID(), traceID: newTraceID()}
	if !p.ready {
		// The worker writes the magic when its initialisation is done, as a runtime's first /next.
		p.results.SetReadDeadline(time.Now().Add(p.fn.InitTimeout + p.fn.Timeout)) //nolint:errcheck // Pipes support deadlines.
		var magic [len(pipeMagic)]byte
		if _, err := io.ReadFull(p.r, magic[:]); err != nil {
			if errors.Is(err, os.ErrDeadlineExceeded) {
				return p.timeoutResult(inv), nil
			}
			return Result{}, errNotTaken
		}
		if string(magic[:]) != pipeMagic {
			return errorResult(inv.id, KindInit, "Runtime.InvalidProtocol",
				fmt.Sprintf("worker of function %q does not speak pipe protocol %s (it sent %q); rebuild it", p.fn.Name, pipeMagic, magic[:])), nil
		}
		p.ready = true
	}

	inv.deadline = time.Now().Add(p.fn.Timeout)
	frame := p.encode(inv, payload)
	p.requests.SetWriteDeadline(inv.deadline) //nolint:errcheck // Pipes support deadlines.
	if _, err := p.requests.Write(frame); err != nil {
		if errors.Is(err, os.ErrDeadlineExceeded) {
			return p.timeoutResult(inv), nil
		}
		return Result{}, errNotTaken // the worker is gone
	}

	p.results.SetReadDeadline(inv.deadline) //nolint:errcheck // Pipes support deadlines.
	status, body, err := p.read()
	switch {
	case errors.Is(err, os.ErrDeadlineExceeded):
		return p.timeoutResult(inv), nil
	case errors.Is(err, errTooLarge):
		// aws-lambda-go exits when the Runtime API refuses its response; so does this environment.
		msg := fmt.Sprintf("Response payload size exceeded maximum allowed payload size (%d bytes).", MaxResponseSize)
		r := errorResult(inv.id, KindResponseTooLarge, "Function.ResponseSizeTooLarge", msg)
		r.exits = true
		return r, nil
	case err != nil:
		// The worker closed its end: it is exiting. Wait for its status for the error message.
		select {
		case <-p.exited:
		case <-time.After(2 * time.Second):
		}
		return p.exitResult(inv), nil
	}
	switch status {
	case pipeOK:
		return Result{RequestID: inv.id, Payload: body}, nil
	case pipeError, pipeErrorExit:
		r := runtimeErrorResult(KindFunction, "", body)
		r.RequestID = inv.id
		r.exits = status == pipeErrorExit
		return r, nil
	default:
		return errorResult(inv.id, KindExit, "Runtime.InvalidResponse", fmt.Sprintf("worker of function %q sent result status %d", p.fn.Name, status)), nil
	}
}

var errTooLarge = errors.New("response too large")

// read reads one result frame. A body over MaxResponseSize is drained and reported as errTooLarge.
func (p *pipe) read() (byte, []byte, error) {
	var n [5]byte
	if _, err := io.ReadFull(p.r, n[:]); err != nil {
		return 0, nil, err
	}
	size := int(binary.BigEndian.Uint32(n[:4])) - 1
	if size < 0 {
		return 0, nil, errors.New("empty result frame")
	}
	if size > MaxResponseSize {
		if _, err := io.CopyN(io.Discard, p.r, int64(size)); err != nil {
			return 0, nil, err
		}
		return n[4], nil, errTooLarge
	}
	body := make([]byte, size)
	if _, err := io.ReadFull(p.r, body); err != nil {
		return 0, nil, err
	}
	return n[4], body, nil
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

func (p *pipe) timeoutResult(inv *invocation) Result {
	msg := fmt.Sprintf("RequestId: %s Error: Task timed out after %.2f seconds", inv.id, p.fn.Timeout.Seconds())
	return errorResult(inv.id, KindTimeout, "Sandbox.Timedout", msg)
}

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
