package devloop

import (
	"bytes"
	"context"
	"encoding/binary"
	"encoding/json"
	"errors"
	"io"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-lambda-go/events"
	"github.com/aws/aws-lambda-go/lambda"
	"github.com/aws/aws-lambda-go/lambdacontext"
)

// frame encodes a request frame as the local server does.
func frame(id, arn, trace string, deadline time.Time, payload []byte) []byte {
	b := []byte{0, 0, 0, 0}
	b = binary.BigEndian.AppendUint64(b, uint64(deadline.UnixMilli()))
	for _, s := range []string{id, arn, trace} {
		b = binary.BigEndian.AppendUint16(b, uint16(len(s)))
		b = append(b, s...)
	}
	b = append(b, payload...)
	binary.BigEndian.PutUint32(b, uint32(len(b)-4))
	return b
}

// proxyEvent is a GET /hello event as the local server sends it.
const proxyEvent = `{"resource":"/hello","path":"/hello","httpMethod":"GET","headers":{"Accept-Encoding":"gzip","Host":"127.0.0.1:3000","User-Agent":"Go-http-client/1.1","X-Amzn-Trace-Id":"Root=1-6745f1c2-9d1f0a5c3e2b4a6d8c0e1f23","X-Forwarded-For":"127.0.0.1","X-Forwarded-Port":"3000","X-Forwarded-Proto":"http"},"multiValueHeaders":{"Accept-Encoding":["gzip"],"Host":["127.0.0.1:3000"],"User-Agent":["Go-http-client/1.1"],"X-Amzn-Trace-Id":["Root=1-6745f1c2-9d1f0a5c3e2b4a6d8c0e1f23"],"X-Forwarded-For":["127.0.0.1"],"X-Forwarded-Port":["3000"],"X-Forwarded-Proto":["http"]},"queryStringParameters":null,"multiValueQueryStringParameters":null,"pathParameters":null,"stageVariables":null,"requestContext":{"accountId":"012345678912","resourceId":"a1b2c3","stage":"v1","requestId":"c6af9ac6-7b61-11e6-9a41-93e8deadbeef","identity":{"sourceIp":"127.0.0.1","userAgent":"Go-http-client/1.1"},"resourcePath":"/hello","httpMethod":"GET","apiId":"abcdef1234","protocol":"HTTP/1.1","requestTime":"25/Nov/2026:16:00:00 +0000","requestTimeEpoch":1795622400000,"domainName":"127.0.0.1:3000","path":"/v1/hello"},"body":null,"isBase64Encoded":false}`

func hello(ctx context.Context, req events.APIGatewayProxyRequest) (events.APIGatewayProxyResponse, error) {
	return events.APIGatewayProxyResponse{StatusCode: 200, Headers: map[string]string{"Content-Type": "application/json"}, Body: `{"hello":"world"}`}, nil
}

// BenchmarkServe measures the worker's own work per invocation, without the pipes: decode the frame,
// aws-lambda-go's invoke (event JSON in, response JSON out), encode the result.
func BenchmarkServe(b *testing.B) {
	fn := lambda.NewFunction(lambda.NewHandler(hello))
	req := frame("c6af9ac6-7b61-11e6-9a41-93e8deadbeef", "arn:aws:lambda:eu-west-1:012345678912:function:hello",
		"Root=1-6745f1c2-9d1f0a5c3e2b4a6d8c0e1f23;Parent=1;Sampled=0", time.Now().Add(time.Hour), []byte(proxyEvent))
	in := bytes.Repeat(req, b.N)
	b.ResetTimer()
	if err := serve(fn.Invoke, bytes.NewReader(in), io.Discard); err != io.EOF {
		b.Fatal(err)
	}
}

type result struct {
	status byte
	body   string
}

// results splits a worker's output into its magic and result frames.
func results(t *testing.T, out []byte) []result {
	t.Helper()
	if !bytes.HasPrefix(out, []byte(pipeMagic)) {
		t.Fatalf("output does not start with %q: %q", pipeMagic, out)
	}
	out = out[len(pipeMagic):]
	var rs []result
	for len(out) > 0 {
		n := int(binary.BigEndian.Uint32(out))
		rs = append(rs, result{out[4], string(out[5 : 4+n])})
		out = out[4+n:]
	}
	return rs
}

func TestServe(t *testing.T) {
	deadline := time.Now().Add(time.Minute).Truncate(time.Millisecond)
	handler := func(ctx context.Context, ev map[string]any) (any, error) {
		lc, _ := lambdacontext.FromContext(ctx)
		d, _ := ctx.Deadline()
		switch ev["action"] {
		case "echo":
			return map[string]any{"id": lc.AwsRequestID, "arn": lc.InvokedFunctionArn, "deadline": d.Equal(deadline),
				"trace": ctx.Value("x-amzn-trace-id"), "event": ev}, nil
		case "error":
			return nil, errors.New("card declined")
		case "big":
			return strings.Repeat("a", maxResponseSize), nil
		case "panic":
			panic("nil map")
		}
		return nil, nil
	}
	fn := lambda.NewFunction(lambda.NewHandler(handler))
	req := func(id, action string) []byte {
		return frame(id, "arn:aws:lambda:eu-west-1:012345678912:function:f", "Root=1-abc", deadline, []byte(`{"action":"`+action+`"}`))
	}
	tests := []struct {
		name    string
		in      [][]byte
		want    []result
		wantErr string
	}{
		{"responses until the server closes the pipe", [][]byte{req("r1", "echo"), req("r2", "none")}, []result{
			{statusOK, `{"arn":"arn:aws:lambda:eu-west-1:012345678912:function:f","deadline":true,"event":{"action":"echo"},"id":"r1","trace":"Root=1-abc"}`},
			{statusOK, `null`},
		}, "EOF"},
		{"error document as aws-lambda-go posts it", [][]byte{req("r1", "error"), req("r2", "none")}, []result{
			{statusError, `{"errorMessage":"card declined","errorType":"errorString"}`},
			{statusOK, `null`},
		}, "EOF"},
		{"a panic ends the loop", [][]byte{req("r1", "panic"), req("r2", "none")}, []result{
			{statusErrorExit, ""}, // body checked below
		}, "calling the handler function resulted in a panic, the process should exit"},
		{"a response over 6 MB ends the loop", [][]byte{req("r1", "big"), req("r2", "none")}, []result{
			{statusOKExit, `"` + strings.Repeat("a", maxResponseSize) + `"`},
		}, "unexpected error occurred when sending the function functionResponse to the API: response of 6291458 bytes over the 6291456 bytes limit"},
		{"truncated request", [][]byte{req("r1", "echo")[:10]}, nil, "stelvio worker: read request: unexpected EOF"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var out bytes.Buffer
			err := serve(fn.Invoke, bytes.NewReader(bytes.Join(tt.in, nil)), &out)
			if err == nil || err.Error() != tt.wantErr {
				t.Errorf("serve returned %v, want %q", err, tt.wantErr)
			}
			got := results(t, out.Bytes())
			if len(got) != len(tt.want) {
				t.Fatalf("%d results, want %d: %q", len(got), len(tt.want), got)
			}
			for i, w := range tt.want {
				if got[i].status != w.status {
					t.Errorf("result %d: status %d, want %d", i, got[i].status, w.status)
				}
				if w.status == statusErrorExit {
					var doc struct {
						Message    string `json:"errorMessage"`
						Type       string `json:"errorType"`
						StackTrace []any  `json:"stackTrace"`
					}
					if err := json.Unmarshal([]byte(got[i].body), &doc); err != nil || doc.Message != "nil map" || doc.Type != "string" || len(doc.StackTrace) == 0 {
						t.Errorf("panic document = %s (%v), want errorMessage nil map, errorType string and a stack trace", got[i].body, err)
					}
				} else if got[i].body != w.body {
					t.Errorf("result %d: body %.200s, want %.200s", i, got[i].body, w.body)
				}
			}
		})
	}
}
