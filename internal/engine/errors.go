package engine

import (
	"fmt"
	"strings"
	"time"
)

// LockedError reports that another operation holds the environment's stack.
type LockedError struct {
	Env   string
	Locks []Lock
}

func (e *LockedError) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "environment %q is locked by another operation", e.Env)
	for _, l := range e.Locks {
		b.WriteString("; " + l.String())
	}
	fmt.Fprintf(&b, "; wait for it to finish, or if it no longer runs, remove the lock with `unlock %s`", e.Env)
	return b.String()
}

// NotDeployedError reports an operation on an environment that has no stack.
type NotDeployedError struct {
	App, Env string
}

func (e *NotDeployedError) Error() string {
	return fmt.Sprintf("environment %q of app %q was never deployed; run `deploy %s` first", e.Env, e.App, e.Env)
}

// OpError is a failed engine operation. Log holds the engine's full output.
type OpError struct {
	Op, Env, Log string
	Err          error
}

func (e *OpError) Error() string {
	return fmt.Sprintf("%s of environment %q failed (engine log: %s): %v", e.Op, e.Env, e.Log, e.Err)
}

func (e *OpError) Unwrap() error { return e.Err }

// Lock is one lock on a stack, as the backend records it.
type Lock struct {
	Key      string    `json:"key"`
	Pid      int       `json:"pid"`
	Username string    `json:"username"`
	Hostname string    `json:"hostname"`
	Time     time.Time `json:"timestamp"`
}

func (l Lock) String() string {
	if l.Hostname == "" {
		return "lock " + l.Key
	}
	return fmt.Sprintf("held by %s@%s (pid %d) since %s", l.Username, l.Hostname, l.Pid, l.Time.Format(time.RFC3339))
}
