package cli

import (
	"github.com/spf13/cobra"
)

// DiffOptions are the inputs of diff.
type DiffOptions struct {
	Factory *Factory
	StackFlags
	JSON bool
}

func init() { addCommand(func(f *Factory) *cobra.Command { return newDiffCmd(f, runDiff) }) }

func newDiffCmd(f *Factory, runF func(*DiffOptions) error) *cobra.Command {
	opts := &DiffOptions{Factory: f}
	cmd := &cobra.Command{
		Use:   "diff [ENV]",
		Short: "Show what deploy would change in an environment",
		Args:  maxOneEnv,
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := envArg(&opts.StackFlags, args); err != nil {
				return err
			}
			return runF(opts)
		},
	}
	addStackFlags(cmd, &opts.StackFlags)
	cmd.Flags().BoolVar(&opts.JSON, "json", false, "print the changes as JSON objects, one per line")
	return cmd
}

func runDiff(opts *DiffOptions) error {
	f := opts.Factory
	env, err := resolveEnv(f, opts.Env, true, "diff")
	if err != nil {
		return err
	}
	opts.Env = env
	st, err := openStack(f, opts.StackFlags, true, true, opts.JSON)
	if err != nil {
		return err
	}
	_, err = st.Preview(f.Context)
	return err
}
