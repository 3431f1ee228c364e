//go:build !linux

package devserver

// notifier is inotify's on Linux; elsewhere sources stat what their last walk saw.
type notifier struct{}

func newNotifier() *notifier                    { return nil }
func (n *notifier) watch(string, *sources) bool { return false }
func (n *notifier) poll()                       {}
func (n *notifier) close()                      {}
