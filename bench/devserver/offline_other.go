//go:build !linux

package main

import (
	"os"
	"syscall"
	"time"
)

func offlineProcAttr() *syscall.SysProcAttr { return nil }

// stopGroup ends p; without process groups its Python processes end when their stdin closes.
func stopGroup(p *os.Process, exited <-chan struct{}) {
	p.Signal(os.Interrupt) //nolint:errcheck // already gone is fine
	select {
	case <-exited:
	case <-time.After(5 * time.Second):
		p.Kill() //nolint:errcheck // already gone is fine
	}
}
