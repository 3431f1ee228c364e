package deploy

import (
	"github.com/spf13/cobra"
	"github.com/stelvio-go/stelvio/internal/cli"
)

// DestroyOptions are the inputs of destroy.
type DestroyOptions struct {
	Factory *Factory
	cli.StackFlags
	// Yes skips typing the environment name.
	Yes  bool
	JSON bool
}

func newDestroyCmd(f *Factory, runF func(*DestroyOptions) error) *cobra.Command {
	opts := &DestroyOptions{Factory: f}
	cmd := newEnvCmd("destroy [ENV]", "Delete every resource of an environment",
		"Delete every resource of ENV. Without --yes you confirm by typing the environment name.",
		&opts.StackFlags, func() error { return runF(opts) })
	cmd.Flags().BoolVarP(&opts.Yes, "yes", "y", false, "destroy without typing the environment name")
	cmd.Flags().BoolVar(&opts.JSON, "json", false, "stream progress as JSON objects, one per line")
	return cmd
}

func runDestroy(opts *DestroyOptions) error {
	f := opts.Factory
	env, err := cli.ResolveEnv(f.Factory, opts.Env, true, "destroy")
	if err != nil {
		return err
	}
	opts.Env = env
	if !opts.Yes {
		if opts.JSON {
			return cli.UsageErrorf("destroy --json cannot ask for confirmation; add --yes")
		}
		answer, err := confirm(f, "This deletes every resource of "+env+". Type the environment name to confirm: ")
		if err != nil {
			return err
		}
		if answer != env {
			return &cli.CancelError{What: "destroy (typed " + quote(answer) + ", not " + quote(env) + ")"}
		}
	}
	st, err := openStack(f, opts.StackFlags, stackOpen{json: opts.JSON})
	if err != nil {
		return err
	}
	_, err = st.Destroy(f.Context)
	return err
}

func quote(s string) string { return "\"" + s + "\"" }
