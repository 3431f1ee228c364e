package cli

import (
	"github.com/spf13/cobra"
	"github.com/stelvio-go/stelvio/internal/runtime/registry"

	"github.com/stelvio-go/stelvio/internal/devserver"
)

// DevOptions are the inputs of dev.
type DevOptions struct {
	Factory *Factory
	// Env is the environment whose configuration the handlers see (--env or the argument).
	Env string
	// Host and Port are where the API is served.
	Host string
	Port int
	// Concurrency bounds the warm workers of each function.
	Concurrency int
	// RuntimeAPI sends handlers their invocations through the Lambda Runtime API over HTTP.
	RuntimeAPI bool
	// ResetData deletes the local tables' data before serving.
	ResetData bool
}

func newDevCmd(f *Factory, runF func(*DevOptions) error) *cobra.Command {
	opts := &DevOptions{Factory: f}
	cmd := &cobra.Command{
		Use:   "dev [ENV]",
		Short: "Serve the app's APIs on this machine with its real handlers",
		Long: "Serve every API of the app on http://HOST:PORT as API Gateway would, running the real Python\n" +
			"and Go handlers on this machine (no AWS, no containers). Changed handlers are picked up by the\n" +
			"next request. Ctrl-C stops the server and every worker.",
		Args: maxOneEnv,
		RunE: func(cmd *cobra.Command, args []string) error {
			s := StackFlags{Env: opts.Env}
			if err := envArg(&s, args); err != nil {
				return err
			}
			opts.Env = s.Env
			return runF(opts)
		},
	}
	cmd.Flags().StringVar(&opts.Env, "env", "", "environment (default: your personal environment)")
	cmd.Flags().StringVar(&opts.Host, "host", devserver.DefaultHost, "address to listen on")
	cmd.Flags().IntVar(&opts.Port, "port", devserver.DefaultPort, "port to listen on")
	cmd.Flags().IntVar(&opts.Concurrency, "concurrency", 0, "warm workers per function (default 8)")
	cmd.Flags().BoolVar(&opts.ResetData, "reset-data", false, "delete the local DynamoDB tables' data (.stelvio/dev/dynamodb) before serving")
	cmd.Flags().BoolVar(&opts.RuntimeAPI, "runtime-api", false, "invoke handlers through the Lambda Runtime API over HTTP instead of a pipe (slower)")
	return cmd
}

func runDev(opts *DevOptions) error {
	f := opts.Factory
	env, err := resolveEnv(f, opts.Env, false, "dev")
	if err != nil {
		return err
	}
	table, err := f.Program.LoadChecked(f.Context, env, f.Dir, registry.Checker(f.Dir))
	if err != nil {
		return err
	}
	// Tables and links: the local DynamoDB engine and the link variables (devtables.go).
	links, err := startDevLinks(f.Context, table, f.Dir, opts.ResetData, devURL(opts.Host, opts.Port), f.Err)
	if err != nil {
		return err
	}
	defer links.closeLogged(f.Err)
	return devserver.Run(f.Context, table, devserver.Options{
		Env:         links.Env,
		Region:      links.Region,
		Host:        opts.Host,
		Port:        opts.Port,
		ProjectDir:  f.Dir,
		Concurrency: opts.Concurrency,
		RuntimeAPI:  opts.RuntimeAPI,
		Log:         f.Err,
	})
}
