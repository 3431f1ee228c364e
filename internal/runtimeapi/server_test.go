package runtimeapi

import (
	"context"
	"io"
	"net/http"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"
)

// fakeRuntime speaks the Runtime API by hand, so each exchange can be checked byte for byte.
type fakeRuntime struct {
	t    *testing.T
	base string
}

func (f fakeRuntime) do(method, path, body string, header ...string) (*http.Response, string) {
	f.t.Helper()
	req, err := http.NewRequest(method, f.base+path, strings.NewReader(body))
	if err != nil {
		f.t.Fatal(err)
	}
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		f.t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		f.t.Fatal(err)
	}
	return resp, string(b)
}

func startInvoke(s *Server, payload string) <-chan Result {
	ch := make(chan Result, 1)
	go func() {
		r, err := s.Invoke(context.Background(), []byte(payload))
		if err != nil {
			r.Err = &FunctionError{Message: "invoke: " + err.Error()}
		}
		ch <- r
	}()
	return ch
}

var uuidPattern = regexp.MustCompile(`^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$`)

func TestServerProtocol(t *testing.T) {
	s, err := NewServer(Function{Name: "orders", Region: "eu-central-1", Timeout: 30 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if !strings.HasPrefix(s.Addr(), "127.0.0.1:") {
		t.Errorf("Addr() = %q, want a 127.0.0.1 address", s.Addr())
	}
	rt := fakeRuntime{t, "http://" + s.Addr() + "/2018-06-01/runtime"}

	tests := []struct {
		name       string
		path       string // after /invocation/{id}
		body       string
		header     []string
		wantStatus int
		wantResult Result
	}{
		{"response", "/response", `{"ok":true}`, nil, 202, Result{Payload: []byte(`{"ok":true}`)}},
		{"error", "/error", `{"errorMessage":"no stock","errorType":"OutOfStock","stackTrace":[]}`,
			[]string{HeaderFunctionErrorType, "OutOfStock"}, 202,
			Result{Payload: []byte(`{"errorMessage":"no stock","errorType":"OutOfStock","stackTrace":[]}`),
				Err: &FunctionError{Kind: KindFunction, Type: "OutOfStock", Message: "no stock"}}},
		{"error that is not json", "/error", `segfault`, []string{HeaderFunctionErrorType, "Runtime.Crash"}, 202,
			Result{Payload: []byte(`{"errorType":"Runtime.Crash","errorMessage":"segfault"}`),
				Err: &FunctionError{Kind: KindFunction, Type: "Runtime.Crash", Message: "segfault"}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			done := startInvoke(s, `{"n":1}`)
			resp, body := rt.do("GET", "/invocation/next", "")
			if resp.StatusCode != 200 || body != `{"n":1}` {
				t.Fatalf("next: %d %s, want 200 with the payload", resp.StatusCode, body)
			}
			id := resp.Header.Get(HeaderRequestID)
			if !uuidPattern.MatchString(id) {
				t.Errorf("%s = %q, want a UUID", HeaderRequestID, id)
			}
			if got := resp.Header.Get(HeaderInvokedFunctionArn); got != "arn:aws:lambda:eu-central-1:012345678912:function:orders" {
				t.Errorf("%s = %q", HeaderInvokedFunctionArn, got)
			}
			if got := resp.Header.Get(HeaderTraceID); !regexp.MustCompile(`^Root=1-[0-9a-f]{8}-[0-9a-f]{24};Parent=[0-9a-f]{16};Sampled=0$`).MatchString(got) {
				t.Errorf("%s = %q", HeaderTraceID, got)
			}
			deadline, err := strconv.ParseInt(resp.Header.Get(HeaderDeadlineMs), 10, 64)
			if err != nil || deadline <= time.Now().UnixMilli() {
				t.Errorf("%s = %q, want a future epoch in ms", HeaderDeadlineMs, resp.Header.Get(HeaderDeadlineMs))
			}
			if got := resp.Header.Get("Content-Type"); got != "application/json" {
				t.Errorf("Content-Type = %q", got)
			}

			resp, body = rt.do("POST", "/invocation/not-the-id"+tt.path, tt.body)
			if resp.StatusCode != 400 || body != `{"errorMessage":"Invalid request ID","errorType":"InvalidRequestID"}`+"\n" {
				t.Errorf("post with an unknown id: %d %s", resp.StatusCode, body)
			}
			resp, body = rt.do("POST", "/invocation/"+id+tt.path, tt.body, tt.header...)
			if resp.StatusCode != tt.wantStatus || body != `{"status":"OK"}` {
				t.Errorf("post: %d %s, want %d {\"status\":\"OK\"}", resp.StatusCode, body, tt.wantStatus)
			}
			r := <-done
			if r.RequestID != id || string(r.Payload) != string(tt.wantResult.Payload) {
				t.Errorf("result = %s %s, want %s %s", r.RequestID, r.Payload, id, tt.wantResult.Payload)
			}
			if (r.Err == nil) != (tt.wantResult.Err == nil) || (r.Err != nil && *r.Err != *tt.wantResult.Err) {
				t.Errorf("result error = %+v, want %+v", r.Err, tt.wantResult.Err)
			}
			resp, _ = rt.do("POST", "/invocation/"+id+tt.path, tt.body)
			if resp.StatusCode != 400 {
				t.Errorf("second post for the same invocation: %d, want 400", resp.StatusCode)
			}
		})
	}
}

func TestServerInitError(t *testing.T) {
	s, err := NewServer(Function{Name: "orders"})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	rt := fakeRuntime{t, "http://" + s.Addr() + "/2018-06-01/runtime"}
	done := startInvoke(s, `{}`)
	doc := `{"errorMessage":"Unable to import module 'orders'","errorType":"Runtime.ImportModuleError","stackTrace":[]}`
	resp, body := rt.do("POST", "/init/error", doc, HeaderFunctionErrorType, "Runtime.ImportModuleError")
	if resp.StatusCode != 202 || body != `{"status":"OK"}` {
		t.Errorf("init/error: %d %s", resp.StatusCode, body)
	}
	for _, r := range []Result{<-done, <-startInvoke(s, `{}`)} {
		if string(r.Payload) != doc || r.Err == nil || r.Err.Kind != KindInit || r.Err.Type != "Runtime.ImportModuleError" {
			t.Errorf("result = %s %+v, want the init error", r.Payload, r.Err)
		}
	}
}

func TestServerExitedBeforeTaking(t *testing.T) {
	s, err := NewServer(Function{Name: "orders"})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	s.Exited(nil)
	r, err := s.Invoke(context.Background(), []byte(`{}`))
	if err != nil {
		t.Fatal(err)
	}
	want := "RequestId: " + r.RequestID + " Error: Runtime exited without providing a reason"
	if r.Err == nil || r.Err.Type != "Runtime.ExitError" || r.Err.Message != want {
		t.Errorf("result error = %+v, want Runtime.ExitError %q", r.Err, want)
	}
}
