package deploy

import (
	"fmt"
	"github.com/spf13/cobra"
	"github.com/stelvio-go/stelvio/internal/app"
	"github.com/stelvio-go/stelvio/internal/cli"
	"github.com/stelvio-go/stelvio/internal/runtime/registry"

	"github.com/stelvio-go/stelvio/internal/plan"
)

// PlanOptions are the inputs of plan.
type PlanOptions struct {
	Factory *Factory
	// Env is the environment planned (--env or the argument).
	Env string
	// Region goes into the planned ARNs and URLs (default: the app's, else AWS_REGION).
	Region string
	// JSON prints the resources as one JSON array.
	JSON bool
}

func newPlanCmd(f *Factory, runF func(*PlanOptions) error) *cobra.Command {
	opts := &PlanOptions{Factory: f}
	cmd := &cobra.Command{
		Use:   "plan [ENV]",
		Short: "List every AWS resource the app becomes, offline",
		Long: "Validate the app, build its Lambda packages and list every AWS resource a deploy to ENV would\n" +
			"create, with its inputs, without an AWS account or the pulumi CLI (the program runs under Pulumi\n" +
			"mocks; ids and the account are placeholders). Every problem of the app is reported at once.",
		Args: cli.MaxOneEnv,
		RunE: func(cmd *cobra.Command, args []string) error {
			s := cli.StackFlags{Env: opts.Env}
			if err := cli.EnvArg(&s, args); err != nil {
				return err
			}
			opts.Env = s.Env
			return runF(opts)
		},
	}
	cmd.Flags().StringVarP(&opts.Env, "env", "e", "", "environment to plan (default: your personal environment)")
	cmd.Flags().StringVar(&opts.Region, "region", "", "AWS region (default: the app's, else AWS_REGION)")
	cmd.Flags().BoolVar(&opts.JSON, "json", false, "print the resources as a JSON array of {type, name, parent, urn, inputs}")
	return cmd
}

func runPlan(opts *PlanOptions) error {
	f := opts.Factory
	env, err := cli.ResolveEnv(f.Factory, opts.Env, false, "plan")
	if err != nil {
		return err
	}
	opts.Env = env
	if err := app.CheckRegion(opts.Region); err != nil {
		return cli.UsageErrorf("--region: %v", err)
	}
	pl, err := plan.Run(f.Context, f.Program, plan.Options{Env: env, ProjectDir: f.Dir, Region: opts.Region, Check: registry.Checker(f.Dir)})
	if err != nil {
		return err
	}
	for _, w := range pl.Warnings {
		fmt.Fprintln(f.Err, w)
	}
	if opts.JSON {
		return pl.WriteJSON(f.Out)
	}
	return pl.WriteText(f.Out)
}
