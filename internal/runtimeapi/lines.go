package runtimeapi

import (
	"bufio"
	"io"
)

// maxLine bounds one line of worker output; a longer line is written in pieces.
const maxLine = 256 * 1024

// copyLines copies r to w one whole line per Write, so that the lines of concurrent workers sharing w
// never interleave mid-line. It returns at EOF, when every process holding the pipe has exited.
func copyLines(w io.Writer, r io.ReadCloser) {
	defer r.Close()
	if w == nil {
		w = io.Discard
	}
	br := bufio.NewReaderSize(r, maxLine)
	for {
		line, err := br.ReadSlice('\n')
		if len(line) > 0 {
			if line[len(line)-1] != '\n' && err != bufio.ErrBufferFull {
				line = append(line, '\n')
			}
			if _, werr := w.Write(line); werr != nil {
				w = io.Discard
			}
		}
		if err != nil && err != bufio.ErrBufferFull {
			return
		}
	}
}
