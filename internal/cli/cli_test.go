package cli

import (
	"bytes"
	"context"
	"os"
	"os/user"
	"path/filepath"
	"strings"
	"testing"

	"github.com/spf13/cobra"
)

func testFactory(t *testing.T, env map[string]string) (*Factory, *bytes.Buffer, *bytes.Buffer) {
	t.Helper()
	var out, errOut bytes.Buffer
	return &Factory{
		Dir: t.TempDir(), In: strings.NewReader(""), Out: &out, Err: &errOut,
		Getenv: func(k string) string { return env[k] }, Context: context.Background(),
	}, &out, &errOut
}

// parse runs args through a command whose run function records the options.
func parse[O any](t *testing.T, newCmd func(*Factory, func(*O) error) *cobra.Command, args []string) (*O, error) {
	t.Helper()
	f, _, _ := testFactory(t, nil)
	var got *O
	cmd := newCmd(f, func(o *O) error { got = o; return nil })
	cmd.SetArgs(args)
	cmd.SetOut(&bytes.Buffer{})
	cmd.SetErr(&bytes.Buffer{})
	cmd.SilenceErrors, cmd.SilenceUsage = true, true
	err := cmd.Execute()
	return got, err
}

func TestInitArgs(t *testing.T) {
	if o, err := parse(t, newInitCmd, []string{"shop", "--name", "my-shop", "--stelvio-path", "/src/stelvio", "--no-tidy"}); err != nil ||
		!strings.HasSuffix(o.Dir, "/shop") || o.Name != "my-shop" || o.StelvioPath != "/src/stelvio" || !o.NoTidy {
		t.Errorf("init shop ... = %+v, %v", o, err)
	}
}

func TestRunUsageErrors(t *testing.T) {
	tests := []struct {
		args    []string
		wantErr string
	}{
		{[]string{"bogus"}, "error: unknown command \"bogus\" for \"stelvio\"\nrun 'stelvio --help' for usage\n"},
		{[]string{"version", "x"}, "error: version takes no arguments, got [\"x\"]\nrun 'stelvio version --help' for usage\n"},
	}
	for _, tt := range tests {
		t.Run(strings.Join(tt.args, " "), func(t *testing.T) {
			f, _, errOut := testFactory(t, nil)
			if code := Run(f, tt.args); code != ExitUsage {
				t.Errorf("exit code = %d, want %d", code, ExitUsage)
			}
			if errOut.String() != tt.wantErr {
				t.Errorf("stderr = %q, want %q", errOut.String(), tt.wantErr)
			}
		})
	}
}

// TestExecDeployNeedsSource: a binary without the deployment engine that does not know its main
// package says how to get one instead of failing obscurely.
func TestExecDeployNeedsSource(t *testing.T) {
	f, _, errOut := testFactory(t, nil)
	f.Deploy = ExecDeploy
	if code := Run(f, []string{"plan", "prod"}); code != ExitFailed {
		t.Errorf("exit code = %d, want %d", code, ExitFailed)
	}
	want := "error: plan needs the app's source to build its deployment tools, and this binary does not know where its main package is; build the app with -tags stelvio_deploy instead\n"
	if errOut.String() != want {
		t.Errorf("stderr = %q, want %q", errOut.String(), want)
	}
}

func TestResolveEnv(t *testing.T) {
	t.Run("CI needs an explicit env", func(t *testing.T) {
		f, _, _ := testFactory(t, map[string]string{"CI": "true"})
		_, err := resolveEnv(f, "", true, "deploy")
		want := "CI is set, so deploy needs an explicit environment: deploy ENV or --env ENV"
		if err == nil || err.Error() != want || ExitCode(err) != ExitUsage {
			t.Errorf("error = %v, want %q (usage)", err, want)
		}
		if env, err := resolveEnv(f, "prod", true, "deploy"); err != nil || env != "prod" {
			t.Errorf("explicit env on CI = %q, %v", env, err)
		}
	})
	t.Run("personal env is created once and editable", func(t *testing.T) {
		f, _, _ := testFactory(t, nil)
		u, err := user.Current()
		if err != nil {
			t.Skip(err)
		}
		env, err := resolveEnv(f, "", true, "deploy")
		if err != nil || env != sanitizeEnv(u.Username) {
			t.Fatalf("personal env = %q, %v; want %q", env, err, sanitizeEnv(u.Username))
		}
		file := filepath.Join(f.Dir, ".stelvio", "userenv")
		if b, err := os.ReadFile(file); err != nil || string(b) != env+"\n" {
			t.Fatalf("userenv file = %q, %v", b, err)
		}
		if err := os.WriteFile(file, []byte("alice-dev\n"), 0o644); err != nil {
			t.Fatal(err)
		}
		if env, err := resolveEnv(f, "", true, "deploy"); err != nil || env != "alice-dev" {
			t.Errorf("edited personal env = %q, %v; want alice-dev", env, err)
		}
	})
}

func TestSanitizeEnv(t *testing.T) {
	for in, want := range map[string]string{
		"alice": "alice", "Bob.Smith": "bob-smith", "DOMAIN\\carol": "domain-carol", "__x__": "x", "...": "",
	} {
		if got := sanitizeEnv(in); got != want {
			t.Errorf("sanitizeEnv(%q) = %q, want %q", in, got, want)
		}
	}
}
