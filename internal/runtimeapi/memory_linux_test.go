package runtimeapi

import (
	"strings"
	"sync"
	"testing"
)

// TestMemoryNotEnforcedSaidOnce checks what a machine that cannot limit memory (no usable cgroup) gets:
// workers run without a limit and the log says so once, whatever the number of pools and workers.
func TestMemoryNotEnforcedSaidOnce(t *testing.T) {
	workerCgroups() // settle the real answer first
	saved, savedReason := cgroups, cgroupsReason
	cgroups, cgroupsReason = nil, "no memory cgroup is available to this process"
	memoryNotice = sync.Once{}
	t.Cleanup(func() {
		cgroups, cgroupsReason = saved, savedReason
		memoryNotice = sync.Once{}
	})
	log := &syncBuffer{}
	for _, config := range []func(testing.TB) Config{pythonPipeConfig, goPipeConfig} {
		cfg := config(t)
		cfg.Log = log
		p := newPool(t, cfg)
		invokeParallel(t, p, 2, map[string]any{"action": "echo"})
	}
	want := "memory sizes are not enforced on this machine: no memory cgroup is available to this process; a function that needs more memory than its memory size works here but fails on Lambda with Runtime.OutOfMemory\n"
	if n := strings.Count(log.String(), want); n != 1 {
		t.Errorf("the notice appears %d times, want once; log:\n%s", n, log)
	}
}
