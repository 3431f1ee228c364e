package runtimeapi

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

// Each worker runs in a memory cgroup of its own whose limit is the function's memory size, so that a
// function using more memory than it has is killed by the kernel's OOM killer as on Lambda. Both cgroup
// versions work: v2 (memory.max, memory.events) when this process's cgroup delegates the memory
// controller, v1 (memory.limit_in_bytes, memory.oom_control) when the memory hierarchy is mounted and
// writable. Without either (no permission, no memory controller, another OS) limits are not enforced.

// memoryCgroups is where the workers' cgroups are made: a directory of this process's own memory cgroup.
type memoryCgroups struct {
	dir string // this process's cgroup in the memory hierarchy
	v2  bool
}

var (
	cgroupsOnce   sync.Once
	cgroups       *memoryCgroups
	cgroupsReason string // why limits are not enforced
	cgroupSeq     atomic.Int64
)

// workerCgroups returns the cgroups workers are placed in, or nil and the reason limits cannot be
// enforced on this machine.
func workerCgroups() (*memoryCgroups, string) {
	cgroupsOnce.Do(func() {
		cgroups, cgroupsReason = findCgroups()
		if cgroups != nil {
			cgroups.removeStale()
		}
	})
	return cgroups, cgroupsReason
}

func findCgroups() (*memoryCgroups, string) {
	data, err := os.ReadFile("/proc/self/cgroup")
	if err != nil {
		return nil, "cannot read /proc/self/cgroup: " + err.Error()
	}
	var v1Path, v2Path string
	hasV2 := false
	for _, line := range strings.Split(strings.TrimSpace(string(data)), "\n") {
		parts := strings.SplitN(line, ":", 3)
		if len(parts) != 3 {
			continue
		}
		if parts[0] == "0" && parts[1] == "" {
			v2Path, hasV2 = parts[2], true
			continue
		}
		for _, c := range strings.Split(parts[1], ",") {
			if c == "memory" {
				v1Path = parts[2]
			}
		}
	}
	if v1Path != "" {
		dir := filepath.Join("/sys/fs/cgroup/memory", v1Path)
		if _, err := os.Stat(filepath.Join(dir, "memory.limit_in_bytes")); err == nil {
			if writable(dir) {
				return &memoryCgroups{dir: dir}, ""
			}
			return nil, "the memory cgroup " + dir + " is not writable by this user"
		}
	}
	if hasV2 {
		dir := filepath.Join("/sys/fs/cgroup", v2Path)
		controllers, err := os.ReadFile(filepath.Join(dir, "cgroup.subtree_control"))
		if err != nil {
			return nil, "no cgroup v2 memory controller at " + dir
		}
		if !bytes.Contains(controllers, []byte("memory")) {
			// Enabling it works only where this cgroup holds no process itself; systemd's delegated
			// user slices do, a login session's scope does not.
			if err := os.WriteFile(filepath.Join(dir, "cgroup.subtree_control"), []byte("+memory"), 0o644); err != nil {
				return nil, "the cgroup " + dir + " does not delegate the memory controller (" + err.Error() + "); run dev in a cgroup that does, e.g. systemd-run --user --scope -p Delegate=yes"
			}
		}
		if !writable(dir) {
			return nil, "the cgroup " + dir + " is not writable by this user"
		}
		return &memoryCgroups{dir: dir, v2: true}, ""
	}
	return nil, "no memory cgroup is available to this process"
}

func writable(dir string) bool {
	probe := filepath.Join(dir, fmt.Sprintf("stelvio-probe-%d", os.Getpid()))
	if err := os.Mkdir(probe, 0o755); err != nil {
		return false
	}
	os.Remove(probe)
	return true
}

// removeStale removes the empty cgroups left by servers that were killed before they could.
func (m *memoryCgroups) removeStale() {
	entries, err := os.ReadDir(m.dir)
	if err != nil {
		return
	}
	for _, e := range entries {
		if e.IsDir() && strings.HasPrefix(e.Name(), "stelvio-") {
			// rmdir fails on a cgroup that still has processes, such as another server's worker.
			os.Remove(filepath.Join(m.dir, e.Name()))
		}
	}
}

// workerCgroup is the memory cgroup of one worker.
type workerCgroup struct {
	dir string
	v2  bool
}

// newWorkerCgroup makes a cgroup whose processes may use at most limitMB megabytes together, swap
// included.
func (m *memoryCgroups) newWorkerCgroup(limitMB int) (*workerCgroup, error) {
	dir := filepath.Join(m.dir, fmt.Sprintf("stelvio-%d-%d", os.Getpid(), cgroupSeq.Add(1)))
	if err := os.Mkdir(dir, 0o755); err != nil {
		return nil, fmt.Errorf("memory cgroup for a worker: %w", err)
	}
	c := &workerCgroup{dir: dir, v2: m.v2}
	limit := []byte(strconv.FormatInt(int64(limitMB)<<20, 10))
	file, swap := "memory.limit_in_bytes", "memory.memsw.limit_in_bytes"
	if m.v2 {
		file, swap = "memory.max", "memory.swap.max"
	}
	if err := os.WriteFile(filepath.Join(dir, file), limit, 0o644); err != nil {
		os.Remove(dir)
		return nil, fmt.Errorf("memory limit for a worker: %w", err)
	}
	// Lambda has no swap; where swap is accounted, the limit covers it too.
	if m.v2 {
		os.WriteFile(filepath.Join(dir, swap), []byte("0"), 0o644) //nolint:errcheck // Absent without swap accounting.
	} else {
		os.WriteFile(filepath.Join(dir, swap), limit, 0o644) //nolint:errcheck // Absent without swap accounting.
	}
	return c, nil
}

// add moves process pid (and the processes it starts from now on) into the cgroup.
func (c *workerCgroup) add(pid int) error {
	if err := os.WriteFile(filepath.Join(c.dir, "cgroup.procs"), []byte(strconv.Itoa(pid)), 0o644); err != nil {
		return fmt.Errorf("move worker %d into its memory cgroup: %w", pid, err)
	}
	return nil
}

// oomKilled reports whether the kernel killed a process of the cgroup for exceeding its limit.
func (c *workerCgroup) oomKilled() bool {
	file := "memory.oom_control"
	if c.v2 {
		file = "memory.events"
	}
	f, err := os.Open(filepath.Join(c.dir, file))
	if err != nil {
		return false
	}
	defer f.Close()
	s := bufio.NewScanner(f)
	for s.Scan() {
		if n, ok := strings.CutPrefix(s.Text(), "oom_kill "); ok {
			k, _ := strconv.Atoi(n)
			return k > 0
		}
	}
	return false
}

// remove deletes the cgroup once its processes are gone, killing any left: a process the worker
// started in a session or process group of its own escaped the group kill, not its cgroup.
func (c *workerCgroup) remove() {
	for i := 0; i < 100; i++ {
		err := os.Remove(c.dir)
		if err == nil || errors.Is(err, os.ErrNotExist) {
			return
		}
		if i == 0 {
			killCgroup(c)
		}
		time.Sleep(10 * time.Millisecond) // SIGKILL is delivered asynchronously
	}
}

// killCgroup kills every process left in the cgroup, even one that left the worker's process group.
func killCgroup(c *workerCgroup) {
	if c.v2 {
		os.WriteFile(filepath.Join(c.dir, "cgroup.kill"), []byte("1"), 0o644) //nolint:errcheck // Kernels before 5.14 lack it.
		return
	}
	data, err := os.ReadFile(filepath.Join(c.dir, "cgroup.procs"))
	if err != nil {
		return
	}
	for _, f := range strings.Fields(string(data)) {
		if pid, err := strconv.Atoi(f); err == nil {
			killPID(pid)
		}
	}
}

// peakRSS returns the highest resident set size of process pid so far (VmHWM), in bytes, or -1.
func peakRSS(pid int) int64 {
	f, err := os.Open(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		return -1
	}
	defer f.Close()
	s := bufio.NewScanner(f)
	for s.Scan() {
		if v, ok := strings.CutPrefix(s.Text(), "VmHWM:"); ok {
			kb, err := strconv.ParseInt(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(v), "kB")), 10, 64)
			if err != nil {
				return -1
			}
			return kb << 10
		}
	}
	return -1
}

// peak returns the most memory the cgroup's processes used together, in bytes, or -1.
func (c *workerCgroup) peak() int64 {
	file := "memory.max_usage_in_bytes"
	if c.v2 {
		file = "memory.peak" // Linux 5.19 and later
	}
	data, err := os.ReadFile(filepath.Join(c.dir, file))
	if err != nil {
		return -1
	}
	n, err := strconv.ParseInt(strings.TrimSpace(string(data)), 10, 64)
	if err != nil {
		return -1
	}
	return n
}
