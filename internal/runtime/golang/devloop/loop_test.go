package devloop

import (
	"bytes"
	"context"
	"encoding/binary"
	"io"
	"testing"
	"time"

	"github.com/aws/aws-lambda-go/events"
	"github.com/aws/aws-lambda-go/lambda"
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
