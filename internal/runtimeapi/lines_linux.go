package runtimeapi

import (
	"os"

	"golang.org/x/sys/unix"
)

// pipeBuffered is how many bytes f, the read end of a pipe, holds unread (TIOCINQ, alias FIONREAD).
func pipeBuffered(f *os.File) (int, bool) {
	rc, err := f.SyscallConn()
	if err != nil {
		return 0, false
	}
	n, ierr := 0, error(nil)
	if err := rc.Control(func(fd uintptr) { n, ierr = unix.IoctlGetInt(int(fd), unix.TIOCINQ) }); err != nil || ierr != nil {
		return 0, false
	}
	return n, true
}
