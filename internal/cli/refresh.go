package cli

import (
	"github.com/spf13/cobra"
)

// RefreshOptions are the inputs of refresh.
type RefreshOptions struct {
	Factory *Factory
	StackFlags
	JSON bool
}

func init() { addCommand(func(f *Factory) *cobra.Command { return newRefreshCmd(f, runRefresh) }) }

func newRefreshCmd(f *Factory, runF func(*RefreshOptions) error) *cobra.Command {
	opts := &RefreshOptions{Factory: f}
	cmd := &cobra.Command{
		Use:   "refresh [ENV]",
		Short: "Read the actual state of an environment's resources into its state",
		Args:  maxOneEnv,
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := envArg(&opts.StackFlags, args); err != nil {
				return err
			}
			return runF(opts)
		},
	}
	addStackFlags(cmd, &opts.StackFlags)
	cmd.Flags().BoolVar(&opts.JSON, "json", false, "stream progress as JSON objects, one per line")
	return cmd
}

func runRefresh(opts *RefreshOptions) error {
	f := opts.Factory
	env, err := resolveEnv(f, opts.Env, false, "refresh")
	if err != nil {
		return err
	}
	opts.Env = env
	st, err := openStack(f, opts.StackFlags, false, false, opts.JSON)
	if err != nil {
		return err
	}
	_, err = st.Refresh(f.Context)
	return err
}
