package runtimeapi

import (
	"strings"
	"testing"
)

// TestOutOfMemory checks that a function using more memory than its memory size is ended as Lambda
// ends it: the kernel kills the runtime, the invocation fails with Runtime.OutOfMemory and the error
// message of a runtime killed by a signal, and the next invocation runs in a fresh environment.
// https://docs.aws.amazon.com/lambda/latest/dg/configuration-memory.html (memory size 128 MB to 10,240 MB)
// https://docs.aws.amazon.com/lambda/latest/operatorguide/computing-power.html ("Max Memory Used")
func TestOutOfMemory(t *testing.T) {
	if m, reason := workerCgroups(); m == nil {
		t.Skipf("memory limits are not enforced on this machine: %s", reason)
	}
	for _, rt := range runtimes {
		t.Run(rt.name, func(t *testing.T) {
			log := &syncBuffer{}
			cfg := rt.config(t)
			cfg.MemoryMB = 128
			cfg.Log = log
			p := newPool(t, cfg)
			if r := invoke(t, p, map[string]any{"action": "alloc", "mb": 32}); r.Err != nil {
				t.Fatalf("32 MB within a 128 MB function: %v", r.Err)
			}
			r := invoke(t, p, map[string]any{"action": "alloc", "mb": 200})
			want := "RequestId: " + r.RequestID + " Error: Runtime exited with error: signal: killed"
			if r.Err == nil || r.Err.Type != "Runtime.OutOfMemory" || r.Err.Message != want || r.Err.Kind != KindExit {
				t.Fatalf("200 MB in a 128 MB function = %+v %s, want Runtime.OutOfMemory %q", r.Err, r.Payload, want)
			}
			if string(r.Payload) != `{"errorType":"Runtime.OutOfMemory","errorMessage":"`+want+`"}` {
				t.Errorf("error document = %s", r.Payload)
			}
			if r := invoke(t, p, map[string]any{"action": "alloc", "mb": 8}); r.Err != nil {
				t.Errorf("the invocation after the kill: %v", r.Err)
			}
			if !strings.Contains(log.String(), "END RequestId: "+r.RequestID+"\nREPORT RequestId: "+r.RequestID+"\t") {
				t.Errorf("no REPORT line for the killed invocation:\n%s", log)
			}
		})
	}
}
