package deploy

import (
	"context"
	"errors"
	"strings"

	"github.com/spf13/cobra"

	"github.com/stelvio-go/stelvio/internal/cli"
	"github.com/stelvio-go/stelvio/internal/engine"
	"github.com/stelvio-go/stelvio/internal/route"
)

// Factory is the command line's Factory with what the deployment commands add: the builder of the
// program the engine deploys.
type Factory struct {
	*cli.Factory
	// Resources turns an environment's route table into the program the engine deploys. Commands
	// sets the AWS components; tests may set their own.
	Resources func(context.Context, *route.Table) (engine.Program, error)
}

// Commands are the deployment commands of an app's command line, in the order help lists them.
func Commands(cf *cli.Factory) []*cobra.Command {
	f := &Factory{Factory: cf}
	f.Resources = awsResources(f)
	return commandsOf(f)
}

func commandsOf(f *Factory) []*cobra.Command {
	cmds := []*cobra.Command{
		newPlanCmd(f, runPlan),
		newDeployCmd(f, runDeploy),
		newStackCmd(f, diffCmd, runStack(f, diffCmd)),
		newDestroyCmd(f, runDestroy),
		newOutputsCmd(f, runOutputs),
		newStackCmd(f, refreshCmd, runStack(f, refreshCmd)),
		newUnlockCmd(f, runUnlock),
	}
	for _, c := range cmds {
		run := c.RunE
		c.RunE = func(cmd *cobra.Command, args []string) error { return coded(run(cmd, args)) }
	}
	return cmds
}

// stackCmd describes a command that runs one engine operation on an environment's stack and prints
// its progress: diff and refresh.
type stackCmd struct {
	use, short, jsonHelp string
	// explicitOnCI requires a named environment when CI is set.
	explicitOnCI bool
	// withProgram loads the app's program (a preview needs it; a refresh reads only state), and
	// create allows an environment that was never deployed.
	withProgram, create bool
	run                 func(ctx context.Context, st *engine.Stack) error
}

var diffCmd = stackCmd{
	use: "diff [ENV]", short: "Show what deploy would change in an environment",
	jsonHelp:     "print the changes as JSON objects, one per line",
	explicitOnCI: true, withProgram: true, create: true,
	run: func(ctx context.Context, st *engine.Stack) error { _, err := st.Preview(ctx); return err },
}

var refreshCmd = stackCmd{
	use: "refresh [ENV]", short: "Read the actual state of an environment's resources into its state",
	jsonHelp: "stream progress as JSON objects, one per line",
	run:      func(ctx context.Context, st *engine.Stack) error { _, err := st.Refresh(ctx); return err },
}

// StackOptions are the inputs of a stackCmd.
type StackOptions struct {
	Factory *Factory
	cli.StackFlags
	JSON bool
}

func newStackCmd(f *Factory, c stackCmd, runF func(*StackOptions) error) *cobra.Command {
	opts := &StackOptions{Factory: f}
	cmd := newEnvCmd(c.use, c.short, "", &opts.StackFlags, func() error { return runF(opts) })
	cmd.Flags().BoolVar(&opts.JSON, "json", false, c.jsonHelp)
	return cmd
}

// runStack opens the environment's stack and runs c's operation on it.
func runStack(f *Factory, c stackCmd) func(*StackOptions) error {
	return func(opts *StackOptions) error {
		name, _, _ := strings.Cut(c.use, " ")
		env, err := cli.ResolveEnv(f.Factory, opts.Env, c.explicitOnCI, name)
		if err != nil {
			return err
		}
		opts.Env = env
		st, err := openStack(f, opts.StackFlags, stackOpen{create: c.create, withProgram: c.withProgram, json: opts.JSON})
		if err != nil {
			return err
		}
		return c.run(f.Context, st)
	}
}

// coded gives engine errors their exit codes: a locked stack exits with cli.ExitLocked.
func coded(err error) error {
	var locked *engine.LockedError
	if errors.As(err, &locked) {
		return &cli.CodedError{Code: cli.ExitLocked, Err: err}
	}
	return err
}

// newEnvCmd is a command on one environment: an optional ENV argument merged with --env, the stack
// flags, and run once they are parsed. Each command adds its own flags to what it returns.
func newEnvCmd(use, short, long string, s *cli.StackFlags, run func() error) *cobra.Command {
	cmd := &cobra.Command{
		Use:   use,
		Short: short,
		Long:  long,
		Args:  cli.MaxOneEnv,
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := cli.EnvArg(s, args); err != nil {
				return err
			}
			return run()
		},
	}
	cli.AddStackFlags(cmd, s)
	return cmd
}
