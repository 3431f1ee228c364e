//go:build unix && !linux

package runtimeapi

import "syscall"

// sysProcAttr puts a worker in its own process group, so that killing the group also kills whatever
// the handler started.
func sysProcAttr() *syscall.SysProcAttr {
	return &syscall.SysProcAttr{Setpgid: true}
}
