package cli

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"path/filepath"
	"strings"

	"github.com/spf13/cobra"

	"github.com/stelvio-go/stelvio/internal/app"
)

// Factory holds what every command needs: the app program, the standard
// streams and the process environment. Tests build one directly.
type Factory struct {
	// Program is the user's app as declared in their infrastructure program.
	Program *app.Program
	// Dir is the project directory: .stelvio lives here and handler paths
	// are relative to it.
	Dir string
	In  io.Reader
	Out io.Writer
	Err io.Writer
	// Getenv reads the process environment.
	Getenv func(string) string
	// Context is cancelled on interrupt.
	Context context.Context
	// Deploy makes the commands that run the deployment engine (plan, deploy, diff, destroy,
	// outputs, refresh, unlock): internal/cli/deploy's in a build with the engine, or commands that
	// build one and hand over to it (ExecDeploy).
	Deploy func(*Factory) []*cobra.Command

	// started is set once cobra has parsed the arguments and runs a command.
	started bool
}

// Started marks that cobra parsed the arguments and runs a command: errors from here on are the
// command's, not usage errors.
func (f *Factory) Started() { f.started = true }

// Main runs the command line for p with args (without the program name) and
// returns the process exit code. deploy makes the deployment commands (see Factory.Deploy).
func Main(p *app.Program, args []string, stdout, stderr io.Writer, deploy func(*Factory) []*cobra.Command) int {
	// The project directory is the app's (where its main.go is) when known,
	// so the program works from any working directory.
	dir := p.Dir
	if dir == "" {
		wd, err := os.Getwd()
		if err != nil {
			fmt.Fprintf(stderr, "error: current directory: %v\n", err)
			return ExitFailed
		}
		dir = wd
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	f := &Factory{
		Program: p, Dir: dir, In: os.Stdin, Out: stdout, Err: stderr, Getenv: os.Getenv, Context: ctx, Deploy: deploy,
	}
	return Run(f, args)
}

// Run executes args against the app's root command built from f, prints any
// error to f.Err and returns the exit code.
func Run(f *Factory, args []string) int {
	return execute(f, newRootCmd(f), args)
}

// Execute runs args against root (made with NewBaseCmd), prints any error to f.Err and returns the
// exit code; tests of other command sets use it.
func Execute(f *Factory, root *cobra.Command, args []string) int { return execute(f, root, args) }

// NewBaseCmd is a root command with stelvio's settings and sub as its commands.
func NewBaseCmd(f *Factory, use, short string, sub ...*cobra.Command) *cobra.Command {
	return newBaseCmd(f, use, short, sub...)
}

func execute(f *Factory, root *cobra.Command, args []string) int {
	root.SetArgs(args)
	err := root.Execute()
	if err == nil {
		return ExitOK
	}
	if !f.started {
		// Cobra failed before any command ran: unknown command, bad flag or
		// wrong number of arguments.
		err = &UsageError{Err: err}
	}
	var silent *silentExit
	if errors.As(err, &silent) {
		return silent.code
	}
	fmt.Fprintf(f.Err, "error: %v\n", err)
	code := ExitCode(err)
	if code == ExitUsage {
		fmt.Fprintf(f.Err, "run '%s --help' for usage\n", commandLine(root, args))
	}
	return code
}

// commandLine is the command path the arguments name, for help hints.
func commandLine(root *cobra.Command, args []string) string {
	c, _, err := root.Find(args)
	if err != nil || c == nil {
		return root.Name()
	}
	return c.CommandPath()
}

func newRootCmd(f *Factory) *cobra.Command {
	name := filepath.Base(os.Args[0])
	if name == "" || strings.HasSuffix(name, ".test") {
		name = "stelvio"
	}
	cmds := []*cobra.Command{newDevCmd(f, runDev), newTokenCmd(f, runToken), newVersionCmd(f)}
	if f.Deploy != nil {
		cmds = append(cmds, f.Deploy(f)...)
	}
	return newBaseCmd(f, name+" <command>", "Build, run locally and deploy the serverless app declared in this program", cmds...)
}

// newBaseCmd is a root command with stelvio's settings: errors printed once by execute, no usage dump
// on failure, no completion command, the Factory's streams, and sub as its commands.
func newBaseCmd(f *Factory, use, short string, sub ...*cobra.Command) *cobra.Command {
	root := &cobra.Command{
		Use:           use,
		Short:         short,
		SilenceErrors: true,
		SilenceUsage:  true,
		PersistentPreRun: func(*cobra.Command, []string) {
			f.started = true
		},
	}
	root.SetIn(f.In)
	root.SetOut(f.Out)
	root.SetErr(f.Err)
	root.CompletionOptions.DisableDefaultCmd = true
	root.AddCommand(sub...)
	return root
}
