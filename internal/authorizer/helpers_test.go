package authorizer

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"
	"time"

	"github.com/stelvio-go/stelvio/internal/runtimeapi"
)

const (
	testRegion  = "us-east-1"
	testAccount = "123456789012"
	testAPI     = "abc123defg"
	testStage   = "v1"
)

// fakeInvoker is a counting stand-in for the local server's function runner.
type fakeInvoker struct {
	mu      sync.Mutex
	calls   int
	events  [][]byte
	answer  func(event map[string]any) ([]byte, error)
	lastArg string
}

func (f *fakeInvoker) invoke(_ context.Context, function string, event []byte) ([]byte, error) {
	f.mu.Lock()
	f.calls++
	f.events = append(f.events, event)
	f.lastArg = function
	f.mu.Unlock()
	var ev map[string]any
	if err := json.Unmarshal(event, &ev); err != nil {
		return nil, err
	}
	return f.answer(ev)
}

func (f *fakeInvoker) count() int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.calls
}

// policyOutput is an authorizer output with one statement.
func policyOutput(effect, resource string, ctx map[string]any) func(map[string]any) ([]byte, error) {
	return func(map[string]any) ([]byte, error) {
		return json.Marshal(map[string]any{
			"principalId": "user-1",
			"policyDocument": map[string]any{
				"Version": "2012-10-17",
				"Statement": []any{map[string]any{
					"Action": "execute-api:Invoke", "Effect": effect, "Resource": resource,
				}},
			},
			"context": ctx,
		})
	}
}

// allowMethodARN allows exactly the method ARN the event names (the common authorizer sample).
func allowMethodARN(ev map[string]any) ([]byte, error) {
	return policyOutput("Allow", ev["methodArn"].(string), nil)(ev)
}

func functionError(msg string) func(map[string]any) ([]byte, error) {
	return func(map[string]any) ([]byte, error) {
		return nil, &runtimeapi.FunctionError{Kind: runtimeapi.KindFunction, Type: "Exception", Message: msg}
	}
}

func newRequest(method, target string, header http.Header) *Request {
	r := httptest.NewRequest(method, target, nil)
	for k, v := range header {
		r.Header[k] = v
	}
	return &Request{
		HTTP: r, Resource: "/users/{id}", PathParameters: map[string]string{"id": "42"},
		Region: testRegion, AccountID: testAccount, APIID: testAPI, Stage: testStage,
	}
}

// clock is a settable test clock.
type clock struct {
	mu  sync.Mutex
	now time.Time
}

func (c *clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *clock) advance(d time.Duration) {
	c.mu.Lock()
	c.now = c.now.Add(d)
	c.mu.Unlock()
}

func newClock() *clock { return &clock{now: time.Date(2026, 11, 27, 12, 0, 0, 0, time.UTC)} }

// wantAnswer checks a gateway answer exactly: status, body, Content-Type and x-amzn-ErrorType.
func wantAnswer(t *testing.T, got *Answer, status int, body, errorType string) {
	t.Helper()
	if got == nil {
		t.Fatalf("no answer; want %d %s", status, body)
	}
	if got.Status != status || string(got.Body) != body {
		t.Errorf("answer = %d %s, want %d %s", got.Status, got.Body, status, body)
	}
	if ct := got.Headers.Get("Content-Type"); ct != "application/json" {
		t.Errorf("Content-Type = %q, want application/json", ct)
	}
	if et := got.Headers.Get("x-amzn-ErrorType"); et != errorType {
		t.Errorf("x-amzn-ErrorType = %q, want %q", et, errorType)
	}
	rec := httptest.NewRecorder()
	got.Write(rec)
	if rec.Code != status || !bytes.Equal(rec.Body.Bytes(), []byte(body)) || rec.Header().Get("X-Amzn-Errortype") != errorType {
		t.Errorf("Write wrote %d %q %v", rec.Code, rec.Body.String(), rec.Header())
	}
}

func intp(n int) *int { return &n }
