package runtimeapi

import "syscall"

// sysProcAttr puts a worker in its own process group, so that killing the group also kills whatever
// the handler started, and asks the kernel to kill the worker if the server dies without closing it.
func sysProcAttr() *syscall.SysProcAttr {
	return &syscall.SysProcAttr{Setpgid: true, Pdeathsig: syscall.SIGKILL}
}
