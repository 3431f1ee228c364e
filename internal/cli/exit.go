package cli

import (
	"errors"
	"fmt"
)

// Exit codes of every stelvio command.
const (
	ExitOK     = 0
	ExitFailed = 1
	ExitUsage  = 2
	ExitLocked = 4
)

// UsageError is a mistake in how a command was called: wrong arguments,
// flags or environment. It maps to exit code 2.
type UsageError struct {
	Err error
}

func (e *UsageError) Error() string { return e.Err.Error() }
func (e *UsageError) Unwrap() error { return e.Err }

// CodedError is an error that carries its own exit code (a locked stack: ExitLocked).
type CodedError struct {
	Code int
	Err  error
}

func (e *CodedError) Error() string { return e.Err.Error() }
func (e *CodedError) Unwrap() error { return e.Err }

// UsageErrorf returns a UsageError with a formatted message.
func UsageErrorf(format string, args ...any) error { return usageErrorf(format, args...) }

// usageErrorf returns a UsageError with a formatted message.
func usageErrorf(format string, args ...any) error {
	return &UsageError{Err: fmt.Errorf(format, args...)}
}

// CancelError is a confirmation the user declined. Nothing was changed.
type CancelError struct {
	What string
}

func (e *CancelError) Error() string { return e.What + " cancelled; nothing was changed" }

// ExitCode maps an error returned by a command to the process exit code.
func ExitCode(err error) int {
	var usage *UsageError
	var coded *CodedError
	switch {
	case err == nil:
		return ExitOK
	case errors.As(err, &coded):
		return coded.Code
	case errors.As(err, &usage):
		return ExitUsage
	default:
		return ExitFailed
	}
}
