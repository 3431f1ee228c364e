package devserver

import (
	"errors"
	"fmt"
	"net"
	"strconv"
	"strings"
	"syscall"
)

// AddressError is a --host or --port value the server cannot listen on. Flag names the option to change.
type AddressError struct {
	Flag    string // "--host" or "--port"
	Value   string
	Problem string // what is wrong and how to fix it
	Err     error  // the listen error, when there was one
}

func (e *AddressError) Error() string { return e.Flag + " " + e.Value + ": " + e.Problem }
func (e *AddressError) Unwrap() error { return e.Err }

const hostFix = "use 127.0.0.1 (this machine only) or 0.0.0.0 (every network interface)"

// CheckAddress checks host and port before anything listens: host is an IP address, "localhost" or a
// host name, and port a TCP port (0 picks a free one).
func CheckAddress(host string, port int) error {
	if port < 0 || port > 65535 {
		return &AddressError{Flag: "--port", Value: strconv.Itoa(port), Problem: "not a TCP port; use 1 to 65535, or 0 for a free port"}
	}
	if host == "" || host == "localhost" || net.ParseIP(strings.Trim(host, "[]")) != nil {
		return nil
	}
	if strings.Trim(host, "0123456789.") == "" || strings.Contains(host, ":") {
		return &AddressError{Flag: "--host", Value: host, Problem: "not a valid IP address; " + hostFix}
	}
	if !validHostName(host) {
		return &AddressError{Flag: "--host", Value: host, Problem: "not a valid IP address or host name; " + hostFix}
	}
	return nil
}

// validHostName reports whether name is a DNS host name: dot-separated labels of letters, digits and
// hyphens, each 1 to 63 characters, not starting or ending with a hyphen.
func validHostName(name string) bool {
	if len(name) > 253 {
		return false
	}
	for _, label := range strings.Split(strings.TrimSuffix(name, "."), ".") {
		if label == "" || len(label) > 63 || label[0] == '-' || label[len(label)-1] == '-' {
			return false
		}
		for _, r := range label {
			if !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '-') {
				return false
			}
		}
	}
	return true
}

// listen opens the server's listener on host:port (port 0: a free port). A failure says which of
// --host and --port to change.
func listen(host string, port int) (net.Listener, error) {
	if err := CheckAddress(host, port); err != nil {
		return nil, err
	}
	ln, err := net.Listen("tcp", net.JoinHostPort(strings.Trim(host, "[]"), strconv.Itoa(port)))
	if err == nil {
		return ln, nil
	}
	p := strconv.Itoa(port)
	var dns *net.DNSError
	switch {
	case errors.As(err, &dns):
		return nil, &AddressError{Flag: "--host", Value: host, Err: err,
			Problem: "this machine cannot resolve the host name (" + dns.Err + "); " + hostFix}
	case errors.Is(err, syscall.EADDRNOTAVAIL):
		return nil, &AddressError{Flag: "--host", Value: host, Err: err,
			Problem: "no network interface of this machine has this address, so it cannot be bound here; " + hostFix}
	case errors.Is(err, syscall.EADDRINUSE):
		return nil, &AddressError{Flag: "--port", Value: p, Err: err,
			Problem: fmt.Sprintf("another program already listens on %s; choose another port with --port, or --port 0 for a free one", net.JoinHostPort(host, p))}
	case errors.Is(err, syscall.EACCES):
		return nil, &AddressError{Flag: "--port", Value: p, Err: err,
			Problem: "this user may not listen on a port below 1024; choose a port from 1024 to 65535"}
	}
	return nil, fmt.Errorf("listen on %s: %w", net.JoinHostPort(host, p), err)
}
