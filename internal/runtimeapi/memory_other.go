//go:build !linux

package runtimeapi

import "runtime"

// Memory limits need Linux cgroups; elsewhere (macOS) a function may use more memory than its memory
// size locally, and REPORT lines have no Max Memory Used.

type memoryCgroups struct{}

type workerCgroup struct{}

func workerCgroups() (*memoryCgroups, string) {
	return nil, "memory limits need Linux cgroups, not available on " + runtime.GOOS
}

func (m *memoryCgroups) newWorkerCgroup(int) (*workerCgroup, error) { return nil, nil }
func (c *workerCgroup) add(int) error                               { return nil }
func (c *workerCgroup) oomKilled() bool                             { return false }
func (c *workerCgroup) remove()                                     {}
func (c *workerCgroup) peak() int64                                 { return -1 }
func peakRSS(int) int64                                             { return -1 }
