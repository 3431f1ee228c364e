package devserver

import (
	"bytes"
	"errors"
	"sync"
	"syscall"
	"unsafe"
)

// notifier learns of source changes from inotify, so that a request costs one non-blocking read for
// the whole server instead of a stat per source file. A change written before a request is always seen
// by it: poll reads what the kernel queued during the write.
type notifier struct {
	fd int

	mu      sync.Mutex
	watches map[int32][]*sources
	buf     [16 << 10]byte
}

const watchMask = syscall.IN_CREATE | syscall.IN_DELETE | syscall.IN_MODIFY | syscall.IN_ATTRIB |
	syscall.IN_MOVED_FROM | syscall.IN_MOVED_TO | syscall.IN_CLOSE_WRITE | syscall.IN_DELETE_SELF | syscall.IN_MOVE_SELF

// newNotifier returns nil when inotify is not available; sources then stat what they saw.
func newNotifier() *notifier {
	fd, err := syscall.InotifyInit1(syscall.IN_NONBLOCK | syscall.IN_CLOEXEC)
	if err != nil {
		return nil
	}
	return &notifier{fd: fd, watches: map[int32][]*sources{}}
}

// watch reports changes in dir (not its subdirectories) to s. It returns false when dir cannot be
// watched.
func (n *notifier) watch(dir string, s *sources) bool {
	if n == nil {
		return false
	}
	n.mu.Lock()
	defer n.mu.Unlock()
	if n.fd < 0 {
		return false
	}
	wd, err := syscall.InotifyAddWatch(n.fd, dir, watchMask)
	if err != nil {
		return false
	}
	for _, x := range n.watches[int32(wd)] {
		if x == s {
			return true
		}
	}
	n.watches[int32(wd)] = append(n.watches[int32(wd)], s)
	return true
}

// poll reads the events queued so far and marks the sources they concern as changed.
func (n *notifier) poll() {
	if n == nil {
		return
	}
	n.mu.Lock()
	defer n.mu.Unlock()
	for n.fd >= 0 {
		k, err := syscall.Read(n.fd, n.buf[:])
		if err != nil || k <= 0 {
			if err != nil && !errors.Is(err, syscall.EAGAIN) && !errors.Is(err, syscall.EINTR) {
				n.all(true) // a failing notifier must not hide changes
			}
			return
		}
		for off := 0; off+syscall.SizeofInotifyEvent <= k; {
			ev := (*syscall.InotifyEvent)(unsafe.Pointer(&n.buf[off]))
			name := n.buf[off+syscall.SizeofInotifyEvent : off+syscall.SizeofInotifyEvent+int(ev.Len)]
			if i := bytes.IndexByte(name, 0); i >= 0 {
				name = name[:i]
			}
			off += syscall.SizeofInotifyEvent + int(ev.Len)
			if ev.Mask&syscall.IN_Q_OVERFLOW != 0 {
				n.all(true)
				continue
			}
			for _, s := range n.watches[ev.Wd] {
				s.changed(len(name) > 0 && s.matches(string(name)))
			}
			if ev.Mask&syscall.IN_IGNORED != 0 {
				delete(n.watches, ev.Wd) // the directory is gone; a new walk watches what replaces it
			}
		}
	}
}

// all marks every watched source as changed.
func (n *notifier) all(files bool) {
	for _, list := range n.watches {
		for _, s := range list {
			s.changed(files)
		}
	}
}

func (n *notifier) close() {
	if n == nil {
		return
	}
	n.mu.Lock()
	defer n.mu.Unlock()
	if n.fd >= 0 {
		syscall.Close(n.fd)
		n.fd = -1
	}
}
