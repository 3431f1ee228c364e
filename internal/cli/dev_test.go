package cli

import (
	"slices"
	"strings"
	"testing"
)

// TestDevFlagErrors checks that dev refuses flag values it cannot run with before it loads the app, with
// exit code 2 and a message naming the flag and the fix.
func TestDevFlagErrors(t *testing.T) {
	tests := []struct {
		args    []string
		wantErr string
	}{
		{[]string{"dev", "--concurrency", "-1"}, "error: --concurrency -1: not a number of workers; use a positive number, or 0 for the default (64 per function)\n"},
		{[]string{"dev", "--host", "999.1.1.1"}, "error: --host 999.1.1.1: not a valid IP address; use 127.0.0.1 (this machine only) or 0.0.0.0 (every network interface)\n"},
		{[]string{"dev", "--host", "bad_host!"}, "error: --host bad_host!: not a valid IP address or host name; use 127.0.0.1 (this machine only) or 0.0.0.0 (every network interface)\n"},
		{[]string{"dev", "--port", "70000"}, "error: --port 70000: not a TCP port; use 1 to 65535, or 0 for a free port\n"},
		{[]string{"dev", "--allow-host", "myapp.test:3000"}, "error: --allow-host myapp.test:3000: not a host name or IP address; give the name alone, without scheme or port: --allow-host myapp.test\n"},
		{[]string{"dev", "--allow-host", "http://myapp.test"}, "error: --allow-host http://myapp.test: not a host name or IP address; give the name alone, without scheme or port: --allow-host myapp.test\n"},
		{[]string{"dev", "--allow-host", ""}, "error: --allow-host : not a host name or IP address; give the name alone, without scheme or port: --allow-host myapp.test\n"},
		{[]string{"dev", "--port", "-1"}, "error: --port -1: not a TCP port; use 1 to 65535, or 0 for a free port\n"},
	}
	for _, tt := range tests {
		t.Run(strings.Join(tt.args, " "), func(t *testing.T) {
			f, _, errOut := testFactory(t, nil)
			if code := Run(f, tt.args); code != ExitUsage {
				t.Errorf("exit code = %d, want %d", code, ExitUsage)
			}
			want := tt.wantErr + "run 'stelvio dev --help' for usage\n"
			if errOut.String() != want {
				t.Errorf("stderr = %q\nwant     %q", errOut.String(), want)
			}
		})
	}
}

// TestDevAllowHost checks that every --allow-host reaches dev's options, in order.
func TestDevAllowHost(t *testing.T) {
	f, _, _ := testFactory(t, nil)
	var got *DevOptions
	cmd := newDevCmd(f, func(o *DevOptions) error { got = o; return nil })
	cmd.SetArgs([]string{"--allow-host", "myapp.test", "--allow-host", "192.168.1.20", "--allow-host", "[::2]"})
	if err := cmd.Execute(); err != nil {
		t.Fatal(err)
	}
	if want := []string{"myapp.test", "192.168.1.20", "[::2]"}; !slices.Equal(got.AllowHosts, want) {
		t.Errorf("AllowHosts = %q, want %q", got.AllowHosts, want)
	}
}
