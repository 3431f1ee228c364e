package devserver

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/lambda"
	"github.com/aws/aws-sdk-go-v2/service/lambda/types"
	"github.com/aws/smithy-go"
	smithyhttp "github.com/aws/smithy-go/transport/http"

	"github.com/stelvio-go/stelvio/internal/route"
	"github.com/stelvio-go/stelvio/internal/runtime/python/endpointshim"
)

// invokeApp is an app with a routed Python function "caller" linked to "summarize", a function.New
// no route uses, and "lonely", a function.New nothing is linked to. caller.py invokes summarize with
// boto3 (the Python interpreter is python), through the endpoint shim when its botocore is old.
func invokeApp(t *testing.T, python string) (*testServer, string) {
	t.Helper()
	dir := t.TempDir()
	write(t, dir, "functions/summarize.py", `import json, time


def handler(event, context):
    if event.get("attempts"):
        with open(event["attempts"], "a+") as f:
            f.write("attempt\n")
            f.seek(0)
            n = len(f.readlines())
        if n < event["succeed_at"]:
            raise RuntimeError("attempt %d" % n)
        return n
    if event.get("fail"):
        raise ValueError("no summary for " + json.dumps(event))
    if event.get("marker"):
        with open(event["marker"], "w") as f:
            f.write(context.function_name)
    return {"got": event, "function": context.function_name}
`)
	write(t, dir, "functions/lonely.py", `def handler(event, context):
    return "lonely"
`)
	write(t, dir, "functions/caller.py", `import json, os, boto3, botocore


def handler(event, context):
    client = boto3.client("lambda")
    target = (event.get("queryStringParameters") or {}).get("target", "invoke-dev-summarize")
    out = {"botocore": botocore.__version__, "endpoint": client.meta.endpoint_url}
    try:
        resp = client.invoke(FunctionName=target, Payload=json.dumps({"titles": ["a", "b"]}))
        out["status"] = resp["StatusCode"]
        out["version"] = resp["ExecutedVersion"]
        out["payload"] = json.loads(resp["Payload"].read())
        out["error"] = resp.get("FunctionError", "")
        failed = client.invoke(FunctionName=target, Payload=json.dumps({"fail": 1}))
        out["failed"] = failed.get("FunctionError", "")
        out["failed_payload"] = json.loads(failed["Payload"].read())["errorType"]
        queued = client.invoke(FunctionName=target, InvocationType="Event", Payload=b"{}")
        out["event_status"] = queued["StatusCode"]
    except botocore.exceptions.ClientError as e:
        out["client_error"] = e.response["Error"]["Code"]
        out["status"] = e.response["ResponseMetadata"]["HTTPStatusCode"]
    return {"statusCode": 200, "body": json.dumps(out)}
`)
	summarize := &route.FunctionDecl{Name: "summarize", Config: route.FunctionConfig{Handler: "functions/summarize.handler"}}
	lonely := &route.FunctionDecl{Name: "lonely", Config: route.FunctionConfig{Handler: "functions/lonely.handler"}}
	caller := &route.FunctionDecl{Name: "caller", Config: route.FunctionConfig{Handler: "functions/caller.handler",
		Links: []*route.LinkDecl{{Function: summarize}}}}
	d := &route.Decls{
		Functions: []*route.FunctionDecl{summarize, lonely, caller},
		Apis:      []*route.ApiDecl{{Name: "api", Routes: []*route.RouteDecl{{Methods: "GET", Path: "/call", Function: caller}}}},
	}
	table, err := route.Build(d, "invoke", "dev", dir)
	if err != nil {
		t.Fatal(err)
	}
	shim, err := endpointshim.Write(filepath.Join(dir, ".stelvio", "dev", "site"))
	if err != nil {
		t.Fatal(err)
	}
	ts := startServer(t, table, Options{ProjectDir: dir, Python: python, Env: map[string]string{"PYTHONPATH": shim}})
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	t.Cleanup(cancel)
	ts.srv.ServeLambda(ctx, ln)
	return ts, dir
}

// TestLambdaInvoke checks every answer of the local Invoke operation over HTTP, as Lambda documents
// them at https://docs.aws.amazon.com/lambda/latest/api/API_Invoke.html: 200 with the function's
// response and X-Amz-Executed-Version for RequestResponse, X-Amz-Function-Error with the error
// document when the function fails, 202 for Event, 204 for DryRun, 404 ResourceNotFoundException for
// a function that does not exist, with the error type in x-amzn-ErrorType and {"Type", "message"} in
// the body (the shape of Lambda's errors in the API reference's Errors section), 413
// RequestEntityTooLargeException with Lambda's message over 6,291,456 bytes (as Lambda answers it:
// https://zaccharles.medium.com/deep-dive-lambdas-request-payload-size-limit-2-2-6350c1ae5577), and
// 403 AccessDeniedException for a function whose role may not invoke the other one
// (https://docs.aws.amazon.com/lambda/latest/dg/troubleshooting-invocation.html: "is not authorized
// to perform: lambda:InvokeFunction on resource").
func TestLambdaInvoke(t *testing.T) {
	ts, dir := invokeApp(t, "")
	endpoint := ts.srv.LambdaEndpoint()
	const arn = "arn:aws:lambda:us-east-1:123456789012:function:invoke-dev-summarize"
	marker := filepath.Join(dir, "event-ran")
	tests := []struct {
		name       string
		method     string
		path       string
		header     []string
		body       []byte
		wantStatus int
		wantHeader map[string]string // "" asserts the header is absent
		wantBody   string            // JSON compared as JSON; exact otherwise
	}{
		{name: "by name", path: "invoke-dev-summarize", body: []byte(`{"a":1}`), wantStatus: 200,
			wantHeader: map[string]string{"X-Amz-Executed-Version": "$LATEST", "Content-Type": "application/json", "X-Amz-Function-Error": ""},
			wantBody:   `{"got":{"a":1},"function":"invoke-dev-summarize"}`},
		{name: "by ARN", path: arn, body: []byte(`{"a":2}`), wantStatus: 200,
			wantBody: `{"got":{"a":2},"function":"invoke-dev-summarize"}`},
		{name: "by escaped ARN", path: strings.ReplaceAll(arn, ":", "%3A"), body: []byte(`{"a":3}`), wantStatus: 200,
			wantBody: `{"got":{"a":3},"function":"invoke-dev-summarize"}`},
		{name: "by partial ARN", path: "123456789012:function:invoke-dev-summarize", body: []byte(`{"b":1}`), wantStatus: 200,
			wantBody: `{"got":{"b":1},"function":"invoke-dev-summarize"}`},
		{name: "no payload is {}", path: "invoke-dev-summarize?Qualifier=%24LATEST", wantStatus: 200,
			wantBody: `{"got":{},"function":"invoke-dev-summarize"}`},
		{name: "name:$LATEST", path: "invoke-dev-summarize:$LATEST", body: []byte(`{}`), wantStatus: 200,
			wantBody: `{"got":{},"function":"invoke-dev-summarize"}`},
		{name: "log tail is not returned", path: "invoke-dev-summarize", header: []string{"X-Amz-Log-Type", "Tail"}, body: []byte(`{}`), wantStatus: 200,
			wantHeader: map[string]string{"X-Amz-Log-Result": ""}, wantBody: `{"got":{},"function":"invoke-dev-summarize"}`},
		{name: "function error", path: "invoke-dev-summarize", body: []byte(`{"fail":1}`), wantStatus: 200,
			wantHeader: map[string]string{"X-Amz-Function-Error": "Unhandled", "X-Amz-Executed-Version": "$LATEST"},
			wantBody:   "errorType ValueError: no summary for {\"fail\": 1}"},
		{name: "event", path: "invoke-dev-summarize", header: []string{"X-Amz-Invocation-Type", "Event"},
			body: []byte(`{"marker":"` + marker + `"}`), wantStatus: 202, wantBody: ""},
		{name: "dry run", path: "invoke-dev-summarize", header: []string{"X-Amz-Invocation-Type", "DryRun"},
			body: []byte(`{"fail":1}`), wantStatus: 204, wantBody: ""},
		{name: "unknown function", path: "nope", body: []byte(`{}`), wantStatus: 404,
			wantHeader: map[string]string{"x-amzn-ErrorType": "ResourceNotFoundException"},
			wantBody:   `{"Type":"User","message":"Function not found: arn:aws:lambda:us-east-1:123456789012:function:nope"}`},
		{name: "unknown version", path: "invoke-dev-summarize?Qualifier=7", body: []byte(`{}`), wantStatus: 404,
			wantHeader: map[string]string{"x-amzn-ErrorType": "ResourceNotFoundException"},
			wantBody:   `{"Type":"User","message":"Function not found: ` + arn + `:7"}`},
		{name: "another account", path: "arn:aws:lambda:us-east-1:210987654321:function:invoke-dev-summarize", body: []byte(`{}`), wantStatus: 404,
			wantBody: `{"Type":"User","message":"Function not found: arn:aws:lambda:us-east-1:210987654321:function:invoke-dev-summarize"}`},
		{name: "another region", path: "arn:aws:lambda:eu-west-1:123456789012:function:invoke-dev-summarize", body: []byte(`{}`), wantStatus: 404,
			wantBody: `{"Type":"User","message":"Function not found: arn:aws:lambda:eu-west-1:123456789012:function:invoke-dev-summarize"}`},
		{name: "too large", path: "invoke-dev-summarize", body: bytes.Repeat([]byte("1"), MaxInvokePayload+1), wantStatus: 413,
			wantHeader: map[string]string{"x-amzn-ErrorType": "RequestEntityTooLargeException"},
			wantBody:   `{"message":"Request must be smaller than 6291456 bytes for the InvokeFunction operation"}`},
		{name: "not JSON", path: "invoke-dev-summarize", body: []byte(`{"a":`), wantStatus: 400,
			wantHeader: map[string]string{"x-amzn-ErrorType": "InvalidRequestContentException"},
			wantBody:   `{"Type":"User","message":"Could not parse request body into json: the payload is not valid JSON"}`},
		{name: "unknown invocation type", path: "invoke-dev-summarize", header: []string{"X-Amz-Invocation-Type", "Later"}, body: []byte(`{}`), wantStatus: 400,
			wantHeader: map[string]string{"x-amzn-ErrorType": "ValidationException"},
			wantBody:   `{"message":"1 validation error detected: Value 'Later' at 'invocationType' failed to satisfy constraint: Member must satisfy enum value set: [Event, RequestResponse, DryRun]"}`},
		{name: "malformed name", path: "not%20a%20name", body: []byte(`{}`), wantStatus: 400,
			wantHeader: map[string]string{"x-amzn-ErrorType": "ValidationException"},
			wantBody: `{"message":"1 validation error detected: Value 'not a name' at 'functionName' failed to satisfy constraint: Member must satisfy regular expression pattern: ` +
				`(arn:(aws[a-zA-Z-]*)?:lambda:)?([a-z]{2}(-gov)?-[a-z]+-\\d{1}:)?(\\d{12}:)?(function:)?([a-zA-Z0-9-_\\.]+)(:(\\$LATEST|[a-zA-Z0-9-_]+))?"}`},
		{name: "linked caller", path: "invoke-dev-summarize", header: []string{"X-Amz-Security-Token", ts.srv.lambda.tokens["caller"]},
			body: []byte(`{}`), wantStatus: 200, wantBody: `{"got":{},"function":"invoke-dev-summarize"}`},
		{name: "unlinked caller", path: "invoke-dev-lonely", header: []string{"X-Amz-Security-Token", ts.srv.lambda.tokens["caller"]},
			body: []byte(`{}`), wantStatus: 403,
			wantHeader: map[string]string{"x-amzn-ErrorType": "AccessDeniedException"},
			wantBody: `{"message":"User: arn:aws:sts::123456789012:assumed-role/invoke-dev-caller-role/invoke-dev-caller is not authorized to perform: lambda:InvokeFunction on resource: arn:aws:lambda:us-east-1:123456789012:function:invoke-dev-lonely because no identity-based policy allows the lambda:InvokeFunction action ` +
				`(link function \"lonely\" to function \"caller\" to allow it)"}`},
		{name: "dry run of an unlinked caller", path: "invoke-dev-lonely", header: []string{"X-Amz-Security-Token", ts.srv.lambda.tokens["caller"], "X-Amz-Invocation-Type", "DryRun"},
			body: []byte(`{}`), wantStatus: 403, wantHeader: map[string]string{"x-amzn-ErrorType": "AccessDeniedException"}},
		{name: "developer's call to an unlinked function", path: "invoke-dev-lonely", body: []byte(`{}`), wantStatus: 200, wantBody: `"lonely"`},
		{name: "other operation", method: "GET", path: "invoke-dev-summarize", wantStatus: 404,
			wantHeader: map[string]string{"x-amzn-ErrorType": "UnknownOperationException"},
			wantBody:   `{"message":"stelvio dev serves Lambda's Invoke operation only: POST /2015-03-31/functions/{FunctionName}/invocations"}`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			method := tt.method
			if method == "" {
				method = http.MethodPost
			}
			path, query, _ := strings.Cut(tt.path, "?")
			u := endpoint + "/2015-03-31/functions/" + path + "/invocations"
			if query != "" {
				u += "?" + query
			}
			req, err := http.NewRequest(method, u, bytes.NewReader(tt.body))
			if err != nil {
				t.Fatal(err)
			}
			for i := 0; i+1 < len(tt.header); i += 2 {
				req.Header.Set(tt.header[i], tt.header[i+1])
			}
			resp, err := (&http.Client{Timeout: time.Minute}).Do(req)
			if err != nil {
				t.Fatal(err)
			}
			body, err := io.ReadAll(resp.Body)
			resp.Body.Close()
			if err != nil {
				t.Fatal(err)
			}
			if resp.StatusCode != tt.wantStatus {
				t.Fatalf("status %d, want %d; body %s", resp.StatusCode, tt.wantStatus, body)
			}
			for k, want := range tt.wantHeader {
				if got := resp.Header.Get(k); got != want {
					t.Errorf("header %s = %q, want %q", k, got, want)
				}
			}
			if resp.Header.Get("x-amzn-RequestId") == "" {
				t.Error("no x-amzn-RequestId header")
			}
			switch {
			case strings.HasPrefix(tt.wantBody, "errorType "):
				var doc struct {
					ErrorType    string   `json:"errorType"`
					ErrorMessage string   `json:"errorMessage"`
					StackTrace   []string `json:"stackTrace"`
				}
				if err := json.Unmarshal(body, &doc); err != nil {
					t.Fatalf("error document %s: %v", body, err)
				}
				if got := "errorType " + doc.ErrorType + ": " + doc.ErrorMessage; got != tt.wantBody || len(doc.StackTrace) == 0 {
					t.Errorf("error document %s, want %s with a stack trace", body, tt.wantBody)
				}
			case tt.wantBody == "" && (tt.wantStatus == 202 || tt.wantStatus == 204):
				if len(body) != 0 {
					t.Errorf("body %q, want none", body)
				}
			case tt.wantBody != "":
				var got, want any
				if json.Unmarshal(body, &got) != nil || json.Unmarshal([]byte(tt.wantBody), &want) != nil || !equalJSON(got, want) {
					t.Errorf("body %s, want %s", body, tt.wantBody)
				}
			}
		})
	}
	// The Event invocation ran in the background, on summarize's workers.
	deadline := time.Now().Add(time.Minute)
	for {
		b, err := os.ReadFile(marker)
		if err == nil && string(b) == "invoke-dev-summarize" {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("the Event invocation did not run within a minute (marker %q, %v)", b, err)
		}
		time.Sleep(20 * time.Millisecond)
	}
	// The dev log names the app's functions for an unknown one, and the link to add for an unlinked call.
	for _, want := range []string{
		`lambda: no function of the app is deployed as "nope"; the app's functions are invoke-dev-caller, invoke-dev-lonely, invoke-dev-summarize`,
		"lambda: LogType Tail: stelvio dev returns no X-Amz-Log-Result; the functions' output is in this log\n",
		`[caller] invoke lonely: AccessDeniedException: function "caller" is not linked to function "lonely"; on AWS its role may not invoke it either: add function.Link to "caller"'s options`,
	} {
		if !strings.Contains(ts.log.String(), want) {
			t.Errorf("log has no %q:\n%s", want, ts.log.String())
		}
	}
}

// TestLambdaInvokeFromLoopbackOnly checks that a request from another machine is refused, whatever
// it asks.
func TestLambdaInvokeFromLoopbackOnly(t *testing.T) {
	ts, _ := invokeApp(t, "")
	req := httptest.NewRequest("POST", "/2015-03-31/functions/invoke-dev-summarize/invocations", strings.NewReader("{}"))
	req.RemoteAddr = "192.0.2.7:40000"
	rec := httptest.NewRecorder()
	ts.srv.serveLambda(rec, req)
	if rec.Code != 403 || rec.Header().Get("x-amzn-ErrorType") != "AccessDeniedException" ||
		rec.Body.String() != `{"message":"the local Lambda endpoint of stelvio dev answers this machine only"}` {
		t.Errorf("got %d %v %s", rec.Code, rec.Header(), rec.Body)
	}
}

// TestBoto3InvokesLinkedFunction runs a Python handler that invokes a linked function.New function
// with boto3, with every interpreter here that has it: Debian's python3-boto3 (botocore 1.29, which
// reaches the local endpoint through the endpoint shim) and a newer one, if any (which reads
// AWS_ENDPOINT_URL_LAMBDA itself).
func TestBoto3InvokesLinkedFunction(t *testing.T) {
	for _, py := range pythonsWithBoto3(t) {
		t.Run(py, func(t *testing.T) {
			ts, _ := invokeApp(t, py)
			endpoint := ts.srv.LambdaEndpoint()
			got := ts.do(t, "GET", "/call", nil)
			var out map[string]any
			if got.status != 200 || json.Unmarshal([]byte(got.body), &out) != nil {
				t.Fatalf("GET /call = %d %s", got.status, got.body)
			}
			delete(out, "botocore")
			want := map[string]any{"endpoint": endpoint, "status": 200, "version": "$LATEST", "error": "",
				"payload": map[string]any{"got": map[string]any{"titles": []any{"a", "b"}}, "function": "invoke-dev-summarize"},
				"failed":  "Unhandled", "failed_payload": "ValueError", "event_status": 202}
			if !equalJSON(out, want) {
				t.Errorf("GET /call answered %s, want %v", got.body, want)
			}
			// An unlinked function: AccessDeniedException, as the role of the deployed function would get.
			got = ts.do(t, "GET", "/call?target=invoke-dev-lonely", nil)
			json.Unmarshal([]byte(got.body), &out) //nolint:errcheck // Checked below.
			if out["client_error"] != "AccessDeniedException" || out["status"] != float64(403) {
				t.Errorf("GET /call?target=invoke-dev-lonely answered %s, want AccessDeniedException 403", got.body)
			}
		})
	}
}

// pythonsWithBoto3 lists the interpreters that import boto3: python3 on PATH and the system one
// (Debian's python3-boto3). Under CI finding none fails the test.
func pythonsWithBoto3(t *testing.T) []string {
	t.Helper()
	var found []string
	seen := map[string]bool{}
	for _, py := range []string{"python3", "/usr/bin/python3"} {
		path, err := exec.LookPath(py)
		if err != nil {
			continue
		}
		real, err := filepath.EvalSymlinks(path)
		if err != nil || seen[real] {
			continue
		}
		seen[real] = true
		if exec.Command(path, "-c", "import boto3").Run() == nil {
			found = append(found, path)
		}
	}
	if len(found) == 0 {
		if os.Getenv("CI") != "" {
			t.Fatal("no python3 with boto3 (.ci/setup installs python3-boto3 with apt-get)")
		}
		t.Skip("no python3 with boto3; install python3-boto3")
	}
	return found
}

// TestLambdaInvokeWithAWSSDK checks that aws-sdk-go-v2's Lambda client reads the endpoint's answers as
// it reads Lambda's: results, invocation types, function errors and the modeled and unmodeled errors.
func TestLambdaInvokeWithAWSSDK(t *testing.T) {
	ts, _ := invokeApp(t, "")
	client := lambda.New(lambda.Options{
		Region:       "us-east-1",
		BaseEndpoint: aws.String(ts.srv.LambdaEndpoint()),
		Credentials:  credentials.NewStaticCredentialsProvider("local", "local", ts.srv.lambda.tokens["caller"]),
	})
	ctx := context.Background()

	out, err := client.Invoke(ctx, &lambda.InvokeInput{FunctionName: aws.String("invoke-dev-summarize"), Payload: []byte(`{"n":1}`)})
	if err != nil || out.StatusCode != 200 || aws.ToString(out.ExecutedVersion) != "$LATEST" || out.FunctionError != nil ||
		string(out.Payload) != `{"got": {"n": 1}, "function": "invoke-dev-summarize"}` {
		t.Errorf("RequestResponse: %+v %s, %v", out, out.Payload, err)
	}
	out, err = client.Invoke(ctx, &lambda.InvokeInput{FunctionName: aws.String("invoke-dev-summarize"), Payload: []byte(`{"fail":true}`)})
	if err != nil || out.StatusCode != 200 || aws.ToString(out.FunctionError) != "Unhandled" || !bytes.Contains(out.Payload, []byte(`"errorType": "ValueError"`)) {
		t.Errorf("function error: %+v %s, %v", out, out.Payload, err)
	}
	for kind, status := range map[types.InvocationType]int32{types.InvocationTypeEvent: 202, types.InvocationTypeDryRun: 204} {
		out, err = client.Invoke(ctx, &lambda.InvokeInput{FunctionName: aws.String("invoke-dev-summarize"), InvocationType: kind, Payload: []byte(`{}`)})
		if err != nil || out.StatusCode != status || len(out.Payload) != 0 {
			t.Errorf("%s: %+v, %v; want status %d", kind, out, err, status)
		}
	}

	_, err = client.Invoke(ctx, &lambda.InvokeInput{FunctionName: aws.String("nope")})
	var notFound *types.ResourceNotFoundException
	if !errors.As(err, &notFound) || notFound.ErrorMessage() != "Function not found: arn:aws:lambda:us-east-1:123456789012:function:nope" || aws.ToString(notFound.Type) != "User" {
		t.Errorf("unknown function: %v, want ResourceNotFoundException", err)
	}
	for _, tt := range []struct {
		function string
		payload  []byte
		code     string
		status   int
	}{
		{"invoke-dev-lonely", []byte(`{}`), "AccessDeniedException", 403},
		{"invoke-dev-summarize", bytes.Repeat([]byte(" "), MaxInvokePayload+1), "RequestEntityTooLargeException", 413},
	} {
		_, err = client.Invoke(ctx, &lambda.InvokeInput{FunctionName: aws.String(tt.function), Payload: tt.payload})
		var apiErr smithy.APIError
		var respErr *smithyhttp.ResponseError
		if !errors.As(err, &apiErr) || apiErr.ErrorCode() != tt.code || !errors.As(err, &respErr) || respErr.HTTPStatusCode() != tt.status {
			t.Errorf("invoke %s with %d bytes: %v, want %s (%d)", tt.function, len(tt.payload), err, tt.code, tt.status)
		}
	}
}

// brokenBuilder is a Builder whose handlers never compile.
type brokenBuilder struct{}

func (brokenBuilder) Worker(ctx context.Context, fn *route.Function) (Worker, error) {
	return Worker{}, &BuildError{Function: fn.Name, Output: "summary.go:3:1: syntax error", Err: errors.New("exit status 1")}
}

func (brokenBuilder) Sources(fn *route.Function) (string, []string, bool) {
	return fn.Dir, []string{"*.go"}, false
}

// TestLambdaInvokeOfAFunctionThatDoesNotBuild: the caller gets a failed invocation naming the problem,
// the first time (the build fails) and the next (the failure is remembered until the code changes).
func TestLambdaInvokeOfAFunctionThatDoesNotBuild(t *testing.T) {
	dir := t.TempDir()
	write(t, dir, "functions/summarize.py", "def handler(event, context):\n    return 1\n")
	d := &route.Decls{
		Functions: []*route.FunctionDecl{{Name: "summarize", Config: route.FunctionConfig{Handler: "functions/summarize.handler"}}},
		Apis:      []*route.ApiDecl{{Name: "api", Routes: []*route.RouteDecl{{Methods: "GET", Path: "/", Handler: "functions/summarize.handler"}}}},
	}
	table, err := route.Build(d, "invoke", "dev", dir)
	if err != nil {
		t.Fatal(err)
	}
	ts := startServer(t, table, Options{ProjectDir: dir, Builder: brokenBuilder{}})
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	t.Cleanup(cancel)
	ts.srv.ServeLambda(ctx, ln)
	for range 2 {
		resp, err := http.Post(ts.srv.LambdaEndpoint()+"/2015-03-31/functions/invoke-dev-summarize/invocations", "application/json", strings.NewReader("{}"))
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		want := `{"errorMessage":"function \"summarize\" does not build; fix the compiler errors printed in the stelvio dev log","errorType":"Runtime.BuildError"}`
		if resp.StatusCode != 200 || resp.Header.Get("X-Amz-Function-Error") != "Unhandled" || string(body) != want {
			t.Errorf("got %d (X-Amz-Function-Error %q) %s, want 200 Unhandled %s", resp.StatusCode, resp.Header.Get("X-Amz-Function-Error"), body, want)
		}
	}
}

// TestLambdaEventRetries: an asynchronous invocation whose function fails is tried twice more, after
// one and two minutes on Lambda (here shortened), and then discarded
// (https://docs.aws.amazon.com/lambda/latest/dg/invocation-async-error-handling.html).
func TestLambdaEventRetries(t *testing.T) {
	ts, dir := invokeApp(t, "")
	ts.srv.mu.Lock()
	ts.srv.eventRetries = []time.Duration{10 * time.Millisecond, 20 * time.Millisecond}
	ts.srv.mu.Unlock()
	for _, tt := range []struct {
		succeedAt int
		wantLog   []string
	}{
		{3, []string{
			"[summarize] asynchronous invocation failed (attempt 1 of 3): RuntimeError: attempt 1; retrying in 10ms\n",
			"[summarize] asynchronous invocation failed (attempt 2 of 3): RuntimeError: attempt 2; retrying in 20ms\n",
		}},
		{9, []string{
			"[summarize] asynchronous invocation failed (attempt 3 of 3): RuntimeError: attempt 3; the event is discarded\n",
		}},
	} {
		attempts := filepath.Join(dir, fmt.Sprintf("attempts-%d", tt.succeedAt))
		payload := fmt.Sprintf(`{"attempts":%q,"succeed_at":%d}`, attempts, tt.succeedAt)
		req, err := http.NewRequest("POST", ts.srv.LambdaEndpoint()+"/2015-03-31/functions/invoke-dev-summarize/invocations", strings.NewReader(payload))
		if err != nil {
			t.Fatal(err)
		}
		req.Header.Set("X-Amz-Invocation-Type", "Event")
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != 202 {
			t.Fatalf("status %d, want 202", resp.StatusCode)
		}
		deadline := time.Now().Add(time.Minute)
		for !strings.Contains(ts.log.String(), tt.wantLog[len(tt.wantLog)-1]) {
			if time.Now().After(deadline) {
				t.Fatalf("no %q in the log within a minute:\n%s", tt.wantLog[len(tt.wantLog)-1], ts.log.String())
			}
			time.Sleep(10 * time.Millisecond)
		}
		time.Sleep(100 * time.Millisecond) // a fourth attempt would come after at most 20 ms
		if b, err := os.ReadFile(attempts); err != nil || strings.Count(string(b), "attempt") != 3 {
			t.Errorf("succeeding at attempt %d: attempts %q (%v), want 3", tt.succeedAt, b, err)
		}
		for _, want := range tt.wantLog {
			if !strings.Contains(ts.log.String(), want) {
				t.Errorf("log has no %q", want)
			}
		}
	}
	if strings.Contains(ts.log.String(), "attempt 3 of 3): RuntimeError: attempt 3; retrying") {
		t.Error("a third failure was retried")
	}
}

// BenchmarkLambdaInvoke measures a warm RequestResponse invocation of a Python function through the
// local endpoint, over HTTP as an SDK sends it.
func BenchmarkLambdaInvoke(b *testing.B) {
	dir := b.TempDir()
	if err := os.MkdirAll(filepath.Join(dir, "functions"), 0o755); err != nil {
		b.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "functions", "echo.py"), []byte("def handler(event, context):\n    return event\n"), 0o644); err != nil {
		b.Fatal(err)
	}
	d := &route.Decls{
		Functions: []*route.FunctionDecl{{Name: "echo", Config: route.FunctionConfig{Handler: "functions/echo.handler"}}},
		Apis:      []*route.ApiDecl{{Name: "api", Routes: []*route.RouteDecl{{Methods: "GET", Path: "/", Handler: "functions/echo.handler"}}}},
	}
	table, err := route.Build(d, "bench", "dev", dir)
	if err != nil {
		b.Fatal(err)
	}
	s, err := New(table, Options{ProjectDir: dir, Log: io.Discard})
	if err != nil {
		b.Fatal(err)
	}
	defer s.Close()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		b.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	s.ServeLambda(ctx, ln)
	url := s.LambdaEndpoint() + "/2015-03-31/functions/bench-dev-echo/invocations"
	invoke := func() {
		resp, err := http.Post(url, "application/json", strings.NewReader(`{"n":1}`))
		if err != nil {
			b.Fatal(err)
		}
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != 200 || string(body) != `{"n": 1}` {
			b.Fatalf("%d %s", resp.StatusCode, body)
		}
	}
	invoke() // start the worker
	b.ResetTimer()
	for b.Loop() {
		invoke()
	}
}
