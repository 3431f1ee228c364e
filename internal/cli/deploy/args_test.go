package deploy

import (
	"bytes"
	"context"
	"strings"
	"testing"

	"github.com/spf13/cobra"

	"github.com/stelvio-go/stelvio/internal/cli"
)

func testFactory(t *testing.T, env map[string]string) (*Factory, *bytes.Buffer, *bytes.Buffer) {
	t.Helper()
	var out, errOut bytes.Buffer
	return &Factory{Factory: &cli.Factory{
		Dir: t.TempDir(), In: strings.NewReader(""), Out: &out, Err: &errOut,
		Getenv: func(k string) string { return env[k] }, Context: context.Background(),
	}}, &out, &errOut
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

func newDiff(f *Factory, runF func(*StackOptions) error) *cobra.Command {
	return newStackCmd(f, diffCmd, runF)
}
func newRefresh(f *Factory, runF func(*StackOptions) error) *cobra.Command {
	return newStackCmd(f, refreshCmd, runF)
}

// Run runs args against the app's command line with f's deployment commands.
func Run(f *Factory, args []string) int {
	f.Deploy = func(*cli.Factory) []*cobra.Command { return commandsOf(f) }
	return cli.Run(f.Factory, args)
}

func TestDeployArgs(t *testing.T) {
	tests := []struct {
		name    string
		args    []string
		want    cli.StackFlags
		yes     bool
		json    bool
		wantErr string
	}{
		{name: "personal env", args: nil},
		{name: "positional", args: []string{"prod"}, want: cli.StackFlags{Env: "prod"}},
		{name: "flag", args: []string{"--env", "prod", "-y"}, want: cli.StackFlags{Env: "prod"}, yes: true},
		{name: "same twice", args: []string{"prod", "-e", "prod"}, want: cli.StackFlags{Env: "prod"}},
		{name: "all flags", args: []string{"staging", "--yes", "--json", "--backend", "s3://b/p", "--region", "eu-west-1", "--profile", "ops", "-v"},
			want: cli.StackFlags{Env: "staging", Backend: "s3://b/p", Region: "eu-west-1", Profile: "ops", Verbose: true}, yes: true, json: true},
		{name: "conflict", args: []string{"prod", "--env", "dev"},
			wantErr: `environment given twice: "prod" as argument and "dev" with --env; give one`},
		{name: "two envs", args: []string{"a", "b"}, wantErr: "deploy takes at most one environment, got 2 arguments: a b"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := parse(t, newDeployCmd, tt.args)
			if tt.wantErr != "" {
				if err == nil || err.Error() != tt.wantErr {
					t.Fatalf("error = %v, want %q", err, tt.wantErr)
				}
				if cli.ExitCode(err) != cli.ExitUsage {
					t.Errorf("exit code = %d, want %d", cli.ExitCode(err), cli.ExitUsage)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if got.StackFlags != tt.want || got.Yes != tt.yes || got.JSON != tt.json {
				t.Errorf("options = %+v yes=%v json=%v, want %+v yes=%v json=%v", got.StackFlags, got.Yes, got.JSON, tt.want, tt.yes, tt.json)
			}
		})
	}
}

func TestOtherCommandArgs(t *testing.T) {
	if o, err := parse(t, newDestroyCmd, []string{"dev", "--yes"}); err != nil || o.Env != "dev" || !o.Yes {
		t.Errorf("destroy dev --yes = %+v, %v", o, err)
	}
	if o, err := parse(t, newDiff, []string{"--env", "dev", "--json"}); err != nil || o.Env != "dev" || !o.JSON {
		t.Errorf("diff --env dev --json = %+v, %v", o, err)
	}
	if o, err := parse(t, newOutputsCmd, []string{"prod", "--json"}); err != nil || o.Env != "prod" || !o.JSON {
		t.Errorf("outputs prod --json = %+v, %v", o, err)
	}
	if o, err := parse(t, newRefresh, []string{"-v"}); err != nil || o.Env != "" || !o.Verbose {
		t.Errorf("refresh -v = %+v, %v", o, err)
	}
	if o, err := parse(t, newUnlockCmd, []string{"dev", "--force"}); err != nil || o.Env != "dev" || !o.Force {
		t.Errorf("unlock dev --force = %+v, %v", o, err)
	}
}

func TestRunUsageErrors(t *testing.T) {
	tests := []struct {
		args    []string
		wantErr string
	}{
		{[]string{"plan", ""}, "error: the environment argument is empty; name one, e.g. prod, or leave it out for your personal environment\nrun 'stelvio plan --help' for usage\n"},
		{[]string{"plan", "prod", "--region", "not a region"}, "error: --region: region \"not a region\" is not an AWS region name; use one such as \"us-east-1\" or \"eu-west-1\"\nrun 'stelvio plan --help' for usage\n"},
		{[]string{"deploy", "--nope"}, "error: unknown flag: --nope\nrun 'stelvio deploy --help' for usage\n"},
		{[]string{"outputs", "a", "b"}, "error: outputs takes at most one environment, got 2 arguments: a b\nrun 'stelvio outputs --help' for usage\n"},
		{[]string{"deploy", "Prod"}, "error: environment \"Prod\" is not a valid name; use 1 to 32 lowercase letters, digits and -, e.g. \"prod\" or \"dev\"\nrun 'stelvio deploy --help' for usage\n"},
	}
	for _, tt := range tests {
		t.Run(strings.Join(tt.args, " "), func(t *testing.T) {
			f, _, errOut := testFactory(t, nil)
			if code := Run(f, tt.args); code != cli.ExitUsage {
				t.Errorf("exit code = %d, want %d", code, cli.ExitUsage)
			}
			if errOut.String() != tt.wantErr {
				t.Errorf("stderr = %q, want %q", errOut.String(), tt.wantErr)
			}
		})
	}
}

// TestCommandNames: a binary without the engine lists the same commands, with the same summaries.
func TestCommandNames(t *testing.T) {
	f, _, _ := testFactory(t, nil)
	cmds := commandsOf(f)
	names := cli.DeployCommandNames()
	if len(cmds) != len(names) {
		t.Fatalf("%d commands, %d names", len(cmds), len(names))
	}
	for i, c := range cmds {
		if c.Name() != names[i][0] || c.Short != names[i][1] {
			t.Errorf("command %d: %q %q, the light binary lists %q %q", i, c.Name(), c.Short, names[i][0], names[i][1])
		}
	}
}
