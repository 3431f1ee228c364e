package runtimeapi

import (
	"bufio"
	"bytes"
	"io"
	"os"
	"sync/atomic"
	"time"
)

// maxLine bounds one line of worker output; a longer line is written in pieces.
const maxLine = 256 * 1024

// output copies one of a worker's output pipes to a writer, whole lines per Write, so that the
// lines of concurrent workers sharing the writer never interleave mid-line. It also tells when what
// the worker wrote so far has been copied (drained), so that the END line of an invocation comes after
// the handler's own output, as in the function's log on Lambda.
type output struct {
	f      *os.File
	reads  atomic.Uint64 // Read calls begun on f
	inRead atomic.Bool   // blocked in a Read of f: every whole line read so far is written
	done   atomic.Bool   // f reached EOF
}

// copyOutput starts copying f to w and returns its output. w gets whole lines, several at a time when
// several were read together.
func copyOutput(w io.Writer, f *os.File) *output {
	o := &output{f: f}
	go o.copy(w)
	return o
}

func (o *output) Read(p []byte) (int, error) {
	o.reads.Add(1)
	o.inRead.Store(true)
	n, err := o.f.Read(p)
	o.inRead.Store(false)
	return n, err
}

// copy copies until EOF, when every process holding the pipe has exited.
func (o *output) copy(w io.Writer) {
	defer o.f.Close()
	defer o.done.Store(true)
	if w == nil {
		w = io.Discard
	}
	// bufio only calls Read when its buffer holds no whole line, so while a Read is blocked every
	// whole line read so far has been written.
	br := bufio.NewReaderSize(o, maxLine)
	var batch []byte
	for {
		line, err := br.ReadSlice('\n')
		batch = append(batch[:0], line...)
		if err == nil {
			// The whole lines already read go out in the same Write: lines a handler wrote at once
			// (an error and its traceback) stay together in a log other goroutines write to.
			if n := br.Buffered(); n > 0 {
				more, _ := br.Peek(n)
				if i := bytes.LastIndexByte(more, '\n'); i >= 0 {
					batch = append(batch, more[:i+1]...)
					br.Discard(i + 1)
				}
			}
		}
		if len(batch) > 0 {
			if batch[len(batch)-1] != '\n' && err != bufio.ErrBufferFull {
				batch = append(batch, '\n')
			}
			if _, werr := w.Write(batch); werr != nil {
				w = io.Discard
			}
		}
		if err != nil && err != bufio.ErrBufferFull {
			return
		}
	}
}

// drained reports whether everything in the pipe so far has been copied: the copier waits in a Read
// and the pipe holds nothing, with no Read begun in between. Where the pipe's fill level is unknown it
// answers true.
func (o *output) drained() bool {
	if o.done.Load() {
		return true
	}
	n := o.reads.Load()
	if !o.inRead.Load() {
		return false
	}
	buffered, ok := pipeBuffered(o.f)
	if !ok {
		return true
	}
	return buffered == 0 && o.inRead.Load() && o.reads.Load() == n
}

// maxDrainWait bounds how long an invocation's END line waits for the handler's output to be copied.
const maxDrainWait = 50 * time.Millisecond

// drain waits, at most maxDrainWait, until outs have copied what their workers wrote so far.
func drain(outs ...*output) {
	deadline := time.Now().Add(maxDrainWait)
	for _, o := range outs {
		for o != nil && !o.drained() && time.Now().Before(deadline) {
			time.Sleep(100 * time.Microsecond)
		}
	}
}
