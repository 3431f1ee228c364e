package devserver

import (
	"regexp"
	"strings"
	"testing"

	"github.com/stelvio-go/stelvio/internal/route"
	"github.com/stelvio-go/stelvio/internal/runtimeapi"
)

// TestOutOfMemoryIs502 checks a Python handler that allocates more than its function's 128 MB: Lambda
// ends the execution environment (Runtime.OutOfMemory), so API Gateway answers 502; the log shows the
// error and the REPORT line of the invocation. The next request gets a fresh environment.
// https://docs.aws.amazon.com/apigateway/latest/developerguide/set-up-lambda-proxy-integrations.html
// (a Lambda function error makes the proxy integration answer 502)
func TestOutOfMemoryIs502(t *testing.T) {
	if !runtimeapi.MemoryLimits() {
		t.Skip("memory limits are not enforced on this machine")
	}
	dir := t.TempDir()
	write(t, dir, "functions/hungry.py", `def handler(event, context):
    mb = int(event["queryStringParameters"]["mb"])
    held = b"x" * (mb << 20)
    return {"statusCode": 200, "body": "held %d MB" % (len(held) >> 20)}
`)
	d := &route.Decls{Apis: []*route.ApiDecl{{Name: "api", Routes: []*route.RouteDecl{
		{Methods: "GET", Path: "/hungry", Handler: "functions/hungry.handler", Config: route.FunctionConfig{Memory: 128}, HasConfig: true},
	}}}}
	table, err := route.Build(d, "mem", "dev", dir)
	if err != nil {
		t.Fatal(err)
	}
	ts := startServer(t, table, Options{ProjectDir: dir})
	steps := []struct {
		mb         string
		wantStatus int
		wantBody   string
	}{
		{"16", 200, "held 16 MB"},
		{"200", 502, `{"message": "Internal server error"}`},
		{"16", 200, "held 16 MB"},
	}
	for _, st := range steps {
		if got := ts.do(t, "GET", "/hungry?mb="+st.mb, nil); got.status != st.wantStatus || got.body != st.wantBody {
			t.Errorf("GET /hungry?mb=%s = %d %q, want %d %q", st.mb, got.status, got.body, st.wantStatus, st.wantBody)
		}
	}
	log := ts.log.String()
	oom := regexp.MustCompile(`\[functions-hungry\] Runtime.OutOfMemory: RequestId: ([0-9a-f-]{36}) Error: Runtime exited with error: signal: killed\n`)
	m := oom.FindStringSubmatch(log)
	if m == nil {
		t.Fatalf("log lacks the Runtime.OutOfMemory error:\n%s", log)
	}
	report := regexp.MustCompile(`\[functions-hungry\] REPORT RequestId: ` + m[1] + `\tDuration: \d+\.\d\d ms\tBilled Duration: \d+ ms\tMemory Size: 128 MB\tMax Memory Used: \d+ MB\n`)
	if !report.MatchString(log) || !strings.Contains(log, "[functions-hungry] START RequestId: "+m[1]+" Version: $LATEST\n") {
		t.Errorf("log lacks the START and REPORT lines of the killed invocation:\n%s", log)
	}
}
