package devloop

// This file is copied, with its package clause changed, into the main package that the local server
// builds for a Go function, so it may import only the standard library and aws-lambda-go.

import (
	"bufio"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log"
	"os"
	"syscall"
	"time"

	"github.com/aws/aws-lambda-go/lambda"
	"github.com/aws/aws-lambda-go/lambda/messages"
)

// pipeEnv names the variable the local server sets when it talks to the worker over two pipes: the
// worker reads invocations from descriptor 3 and writes results to descriptor 4.
const pipeEnv = "STELVIO_WORKER_PIPE"

// pipeMagic opens the result stream, telling the server that initialisation is over and which
// protocol version the worker speaks.
const pipeMagic = "SW01"

// Result statuses.
const (
	statusOK        = 0 // body is the handler's response
	statusError     = 1 // body is the error document
	statusErrorExit = 2 // body is the error document; the worker exits after a panic
	statusOKExit    = 4 // body is a response over Lambda's limit; the worker exits, as lambda.Start does
)

// maxResponseSize is the largest response Lambda accepts from a synchronous invocation (6 MB). The
// Runtime API refuses a larger one, and lambda.Start then ends the process.
const maxResponseSize = 6 * 1024 * 1024

// start runs handler the way the environment asks: over the local server's pipes when it set
// STELVIO_WORKER_PIPE, otherwise with lambda.Start, which speaks the Lambda Runtime API.
func start(handler any) {
	if os.Getenv(pipeEnv) == "" {
		lambda.Start(handler)
		return
	}
	// Processes the handler starts must not hold the pipes: the server sees the worker's end as EOF.
	syscall.CloseOnExec(3)
	syscall.CloseOnExec(4)
	requests := os.NewFile(3, "stelvio-requests")
	results := os.NewFile(4, "stelvio-results")
	//nolint:staticcheck // Function is aws-lambda-go's own invoke path: context, errors and panics as on Lambda.
	fn := lambda.NewFunction(lambda.NewHandler(handler))
	err := serve(fn.Invoke, requests, results)
	if errors.Is(err, io.EOF) {
		os.Exit(0) // the server closed the pipe: the worker is no longer needed
	}
	log.Fatalf("%v", err)
}

// serve answers invocations read from in on out until in ends. Each request frame is
//
//	uint32 length of the rest | int64 deadline (Unix ms) | uint16 length + request ID |
//	uint16 length + function ARN | uint16 length + trace ID | payload
//
// and each result frame is
//
//	uint32 length of the rest | uint8 status | body
//
// all big-endian, with the statuses above (3, an initialisation error announced by "SWIE" instead of
// the magic, is sent only by the Python loop). A failed invocation is logged as aws-lambda-go logs
// it; a panic, or a response over Lambda's limit, ends the process after its result is written, as
// lambda.Start does.
func serve(invoke func(*messages.InvokeRequest, *messages.InvokeResponse) error, in io.Reader, out io.Writer) error {
	if _, err := io.WriteString(out, pipeMagic); err != nil {
		return fmt.Errorf("stelvio worker: write ready: %w", err)
	}
	r := bufio.NewReaderSize(in, 64<<10)
	var frame, result []byte
	for {
		var err error
		frame, err = readFrame(r, frame)
		if err != nil {
			return err
		}
		req, err := decodeRequest(frame)
		if err != nil {
			return err
		}
		var resp messages.InvokeResponse
		if err := invoke(&req, &resp); err != nil {
			return fmt.Errorf("stelvio worker: invoke: %w", err)
		}
		status, body := byte(statusOK), resp.Payload
		if len(body) > maxResponseSize {
			status = statusOKExit
		}
		if resp.Error != nil {
			body = errorDocument(resp.Error)
			log.Printf("%s", body)
			status = statusError
			if resp.Error.ShouldExit {
				status = statusErrorExit
			}
		}
		result = append(result[:0], 0, 0, 0, 0, status)
		binary.BigEndian.PutUint32(result, uint32(1+len(body)))
		result = append(result, body...)
		if _, err := out.Write(result); err != nil {
			return fmt.Errorf("stelvio worker: write result: %w", err)
		}
		switch status {
		case statusErrorExit:
			return errors.New("calling the handler function resulted in a panic, the process should exit")
		case statusOKExit:
			return fmt.Errorf("unexpected error occurred when sending the function functionResponse to the API: response of %d bytes over the %d bytes limit", len(body), maxResponseSize)
		}
	}
}

func readFrame(r *bufio.Reader, buf []byte) ([]byte, error) {
	var n [4]byte
	if _, err := io.ReadFull(r, n[:]); err != nil {
		return nil, err // io.EOF between frames: the server is done with this worker
	}
	size := int(binary.BigEndian.Uint32(n[:]))
	if cap(buf) < size {
		buf = make([]byte, size)
	}
	buf = buf[:size]
	if _, err := io.ReadFull(r, buf); err != nil {
		return nil, fmt.Errorf("stelvio worker: read request: %w", err)
	}
	return buf, nil
}

func decodeRequest(frame []byte) (messages.InvokeRequest, error) {
	var req messages.InvokeRequest
	if len(frame) < 8 {
		return req, errors.New("stelvio worker: short request frame")
	}
	deadline := time.UnixMilli(int64(binary.BigEndian.Uint64(frame)))
	req.Deadline = messages.InvokeRequest_Timestamp{Seconds: deadline.Unix(), Nanos: int64(deadline.Nanosecond())}
	rest := frame[8:]
	for _, field := range []*string{&req.RequestId, &req.InvokedFunctionArn, &req.XAmznTraceId} {
		if len(rest) < 2 || len(rest) < 2+int(binary.BigEndian.Uint16(rest)) {
			return req, errors.New("stelvio worker: short request frame")
		}
		n := int(binary.BigEndian.Uint16(rest))
		*field = string(rest[2 : 2+n])
		rest = rest[2+n:]
	}
	req.Payload = rest
	return req, nil
}

// errorDocument is the error as aws-lambda-go posts it to the Runtime API.
func errorDocument(e *messages.InvokeResponse_Error) []byte {
	doc, err := json.Marshal(e)
	if err != nil {
		doc, _ = json.Marshal(&messages.InvokeResponse_Error{Type: "Runtime.SerializationError", Message: err.Error()})
	}
	return doc
}
