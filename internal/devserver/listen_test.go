package devserver

import (
	"net"
	"strconv"
	"testing"
)

// TestListenErrors checks what dev says when its address cannot be used: which flag to change and why.
func TestListenErrors(t *testing.T) {
	busy, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer busy.Close()
	busyPort := busy.Addr().(*net.TCPAddr).Port
	tests := []struct {
		name    string
		host    string
		port    int
		wantErr string
	}{
		{"not an address", "999.1.1.1", 0, "--host 999.1.1.1: not a valid IP address; use 127.0.0.1 (this machine only) or 0.0.0.0 (every network interface)"},
		// 192.0.2.0/24 is TEST-NET-1 (RFC 5737): no interface has it; binding sends no traffic.
		{"address of another machine", "192.0.2.1", 0, "--host 192.0.2.1: no network interface of this machine has this address, so it cannot be bound here; use 127.0.0.1 (this machine only) or 0.0.0.0 (every network interface)"},
		{"port in use", "127.0.0.1", busyPort, "--port " + strconv.Itoa(busyPort) + ": another program already listens on 127.0.0.1:" + strconv.Itoa(busyPort) + "; choose another port with --port, or --port 0 for a free one"},
		{"not a port", "127.0.0.1", 65536, "--port 65536: not a TCP port; use 1 to 65535, or 0 for a free port"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ln, err := listen(tt.host, tt.port)
			if err == nil {
				ln.Close()
				t.Fatalf("listen(%q, %d) succeeded", tt.host, tt.port)
			}
			if err.Error() != tt.wantErr {
				t.Errorf("error = %q\nwant    %q", err, tt.wantErr)
			}
		})
	}
}

// TestNegativeConcurrency checks that the server refuses a negative worker count instead of failing
// every request.
func TestNegativeConcurrency(t *testing.T) {
	dir := appDir(t)
	_, err := New(testApp(t, dir), Options{ProjectDir: dir, Concurrency: -1})
	want := "concurrency -1: not a number of workers; use a positive number, or 0 for the default"
	if err == nil || err.Error() != want {
		t.Errorf("New with concurrency -1: error = %v, want %q", err, want)
	}
}
