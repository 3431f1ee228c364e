package cli

import (
	"context"
	"fmt"
	"io"
	"os"
	"os/signal"

	"github.com/spf13/cobra"

	"github.com/stelvio-go/stelvio/internal/project"
)

// ToolMain runs the stelvio binary's own command line (init, version): the
// commands that work without an app. It returns the process exit code.
func ToolMain(args []string, stdout, stderr io.Writer) int {
	dir, err := os.Getwd()
	if err != nil {
		fmt.Fprintf(stderr, "error: current directory: %v\n", err)
		return ExitFailed
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	f := &Factory{Dir: dir, In: os.Stdin, Out: stdout, Err: stderr, Getenv: os.Getenv, Context: ctx}
	return execute(f, newToolCmd(f), args)
}

func newToolCmd(f *Factory) *cobra.Command {
	return newBaseCmd(f, "stelvio <command>", "Create stelvio projects; each project's infra program is its own command line",
		newInitCmd(f, runInit), newVersionCmd(f))
}

func newVersionCmd(f *Factory) *cobra.Command {
	return &cobra.Command{
		Use:   "version",
		Short: "Print the stelvio and pulumi versions",
		Args:  noArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			fmt.Fprintf(f.Out, "stelvio %s (pulumi v%s)\n", Version(), project.PulumiVersion)
			return nil
		},
	}
}
