package deploy

import (
	"github.com/stelvio-go/stelvio/internal/cli"
	"strings"

	"github.com/spf13/cobra"
)

// DeployOptions are the inputs of deploy.
type DeployOptions struct {
	Factory *Factory
	cli.StackFlags
	// Yes skips the preview and the confirmation.
	Yes bool
	// JSON streams progress as JSON lines.
	JSON bool
}

func newDeployCmd(f *Factory, runF func(*DeployOptions) error) *cobra.Command {
	opts := &DeployOptions{Factory: f}
	cmd := newEnvCmd("deploy [ENV]", "Deploy the app to an environment",
		"Deploy the app to ENV (default: your personal environment, kept in .stelvio/userenv).\n"+
			"Without --yes, deploy shows what would change and asks before changing anything.",
		&opts.StackFlags, func() error { return runF(opts) })
	cmd.Flags().BoolVarP(&opts.Yes, "yes", "y", false, "deploy without showing the changes and asking")
	cmd.Flags().BoolVar(&opts.JSON, "json", false, "stream progress as JSON objects, one per line")
	return cmd
}

func runDeploy(opts *DeployOptions) error {
	f := opts.Factory
	env, err := cli.ResolveEnv(f.Factory, opts.Env, true, "deploy")
	if err != nil {
		return err
	}
	opts.Env = env
	st, err := openStack(f, opts.StackFlags, stackOpen{create: true, withProgram: true, json: opts.JSON})
	if err != nil {
		return err
	}
	if !opts.Yes {
		if opts.JSON {
			return cli.UsageErrorf("deploy --json cannot ask for confirmation; add --yes")
		}
		plan, err := st.Preview(f.Context)
		if err != nil {
			return err
		}
		if changed(plan) == 0 {
			return nil
		}
		answer, err := confirm(f, "Deploy these changes to "+env+"? [y/N] ")
		if err != nil {
			return err
		}
		if a := strings.ToLower(answer); a != "y" && a != "yes" {
			return &cli.CancelError{What: "deploy"}
		}
	}
	_, err = st.Up(f.Context)
	return err
}
