package engine

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"syscall"
)

// UnlockReport says what Unlock found and did.
type UnlockReport struct {
	// Locks are the locks found (file backends only; empty for others,
	// whose locks pulumi removes without listing them).
	Locks []Lock
	// Removed is true when the locks were removed.
	Removed bool
	// Message explains the outcome to the user.
	Message string
}

// Unlock removes a stale lock, as `pulumi cancel` does. On a file backend it
// first reads the lock files: a lock held by a process that still runs on
// this machine is kept unless force is set, since removing it would let two
// deployments write the same state.
func (s *Stack) Unlock(ctx context.Context, force bool) (*UnlockReport, error) {
	locks, err := s.locks(ctx)
	if err != nil {
		return nil, err
	}
	rep := &UnlockReport{Locks: locks}
	if strings.HasPrefix(s.backend, "file://") && len(locks) == 0 {
		rep.Message = fmt.Sprintf("environment %q is not locked; nothing to do", s.opts.Env)
		return rep, nil
	}
	host, _ := os.Hostname()
	for _, l := range locks {
		if !force && l.Hostname == host && processRuns(l.Pid) {
			return rep, fmt.Errorf("environment %q is locked by a running process (%s); "+
				"wait for it or stop it, or use --force if it is not a stelvio or pulumi operation", s.opts.Env, l)
		}
	}
	if err := s.stack.Cancel(ctx); err != nil {
		return rep, fmt.Errorf("unlock environment %q: %w", s.opts.Env, err)
	}
	rep.Removed = true
	if len(locks) == 0 {
		rep.Message = fmt.Sprintf("removed any lock on environment %q in %s", s.opts.Env, s.backend)
		return rep, nil
	}
	var b strings.Builder
	fmt.Fprintf(&b, "removed %d stale lock(s) on environment %q:", len(locks), s.opts.Env)
	for _, l := range locks {
		fmt.Fprintf(&b, "\n  %s (%s)", l.Key, l)
	}
	b.WriteString("\nthe interrupted operation may have left resources the state does not know; " +
		"run `refresh " + s.opts.Env + "` to reconcile")
	rep.Message = b.String()
	return rep, nil
}

// locks lists the lock files of the stack in a file backend. Other backends
// report none.
func (s *Stack) locks(ctx context.Context) ([]Lock, error) {
	root, ok := strings.CutPrefix(s.backend, "file://")
	if !ok {
		return nil, nil
	}
	dir := filepath.Join(filepath.FromSlash(root), ".pulumi", "locks", "organization", s.opts.App, s.opts.Env)
	entries, err := os.ReadDir(dir)
	if errors.Is(err, os.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("read locks of environment %q: %w", s.opts.Env, err)
	}
	var locks []Lock
	for _, e := range entries {
		if e.IsDir() || !strings.HasSuffix(e.Name(), ".json") {
			continue
		}
		path := filepath.Join(dir, e.Name())
		l := Lock{Key: path}
		// An unreadable lock is still a lock; it is then reported by path only.
		if data, err := os.ReadFile(path); err == nil {
			if err := json.Unmarshal(data, &l); err != nil {
				l = Lock{}
			}
			l.Key = path
		}
		locks = append(locks, l)
	}
	return locks, nil
}

func processRuns(pid int) bool {
	if pid <= 0 {
		return false
	}
	p, err := os.FindProcess(pid)
	if err != nil {
		return false
	}
	return p.Signal(syscall.Signal(0)) == nil
}
