package main

import (
	"os"
	"syscall"
	"time"
)

// offlineProcAttr puts serverless-offline in a process group of its own, so that its Python processes
// end with it, and ends it if the bench dies first.
func offlineProcAttr() *syscall.SysProcAttr {
	return &syscall.SysProcAttr{Setpgid: true, Pdeathsig: syscall.SIGKILL}
}

// stopGroup ends p's process group: SIGTERM, then SIGKILL if it has not exited within 5 s.
func stopGroup(p *os.Process, exited <-chan struct{}) {
	syscall.Kill(-p.Pid, syscall.SIGTERM) //nolint:errcheck // already gone is fine
	select {
	case <-exited:
	case <-time.After(5 * time.Second):
	}
	syscall.Kill(-p.Pid, syscall.SIGKILL) //nolint:errcheck // whatever is left of the group
}
