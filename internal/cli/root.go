package cli

import (
	"context"
	"fmt"
	"io"
	"os"
	"os/signal"
	"path/filepath"
	"strings"

	"github.com/spf13/cobra"

	"github.com/stelvio-go/stelvio/internal/app"
	"github.com/stelvio-go/stelvio/internal/engine"
	"github.com/stelvio-go/stelvio/internal/route"
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
	// Resources turns an environment's route table into the program the
	// engine deploys. Main sets the AWS components; tests may set their own.
	Resources func(context.Context, *route.Table) (engine.Program, error)

	// started is set once cobra has parsed the arguments and runs a command.
	started bool
}

// commands are the constructors of the root's subcommands; each command's
// file adds its own from an init function.
var commands []func(*Factory) *cobra.Command

// addCommand registers a subcommand constructor.
func addCommand(newCmd func(*Factory) *cobra.Command) {
	commands = append(commands, newCmd)
}

// Main runs the command line for p with args (without the program name) and
// returns the process exit code.
func Main(p *app.Program, args []string, stdout, stderr io.Writer) int {
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
		Program: p, Dir: dir, In: os.Stdin, Out: stdout, Err: stderr, Getenv: os.Getenv, Context: ctx,
	}
	f.Resources = awsResources(f)
	return Run(f, args)
}

// Run executes args against the app's root command built from f, prints any
// error to f.Err and returns the exit code.
func Run(f *Factory, args []string) int {
	return execute(f, newRootCmd(f), args)
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
	cmds := make([]*cobra.Command, 0, len(commands))
	for _, newCmd := range commands {
		cmds = append(cmds, newCmd(f))
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
