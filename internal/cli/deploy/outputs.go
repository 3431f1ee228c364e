package deploy

import (
	"encoding/json"
	"fmt"
	"github.com/stelvio-go/stelvio/internal/cli"

	"github.com/spf13/cobra"

	"github.com/stelvio-go/stelvio/internal/engine"
)

// OutputsOptions are the inputs of outputs.
type OutputsOptions struct {
	Factory *Factory
	cli.StackFlags
	JSON bool
}

func newOutputsCmd(f *Factory, runF func(*OutputsOptions) error) *cobra.Command {
	opts := &OutputsOptions{Factory: f}
	cmd := newEnvCmd("outputs [ENV]", "Print the outputs of an environment's last deployment (URLs, names)",
		"",
		&opts.StackFlags, func() error { return runF(opts) })
	cmd.Flags().BoolVar(&opts.JSON, "json", false, "print the outputs as one JSON object")
	return cmd
}

func runOutputs(opts *OutputsOptions) error {
	f := opts.Factory
	env, err := cli.ResolveEnv(f.Factory, opts.Env, false, "outputs")
	if err != nil {
		return err
	}
	opts.Env = env
	st, err := openStack(f, opts.StackFlags, stackOpen{json: opts.JSON})
	if err != nil {
		return err
	}
	outs, err := st.Outputs(f.Context)
	if err != nil {
		return err
	}
	if opts.JSON {
		b, err := json.MarshalIndent(outs, "", "  ")
		if err != nil {
			return fmt.Errorf("encode outputs: %w", err)
		}
		fmt.Fprintf(f.Out, "%s\n", b)
		return nil
	}
	engine.WriteOutputs(f.Out, outs)
	return nil
}
