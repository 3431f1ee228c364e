package cli

import (
	"errors"
	"fmt"
	"os/signal"
	"syscall"

	"github.com/spf13/cobra"
	"github.com/stelvio-go/stelvio/internal/runtime/registry"

	"github.com/stelvio-go/stelvio/internal/devserver"
	"github.com/stelvio-go/stelvio/internal/runtimeapi"
)

// DevOptions are the inputs of dev.
type DevOptions struct {
	Factory *Factory
	// Env is the environment whose configuration the handlers see (--env or the argument).
	Env string
	// Host and Port are where the API is served.
	Host string
	Port int
	// AllowHosts are Host names answered besides the loopback names while dev listens on a loopback
	// address (--allow-host, repeatable).
	AllowHosts []string
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
			"next request. Ctrl-C, SIGTERM or SIGHUP stops the server, every worker and every process a handler\n" +
			"started.\n\n" +
			"On a loopback address (the default --host 127.0.0.1) dev answers only requests whose Host header\n" +
			"is localhost, a name under .localhost, an address of 127.0.0.0/8 or [::1], so that a web page\n" +
			"cannot reach it through DNS rebinding; other names get 403 until allowed with --allow-host NAME.\n" +
			"On any other --host (0.0.0.0) every Host is answered.",
		Args: maxOneEnv,
		RunE: func(cmd *cobra.Command, args []string) error {
			s := StackFlags{Env: opts.Env}
			if err := envArg(&s, args); err != nil {
				return err
			}
			opts.Env = s.Env
			if err := opts.check(); err != nil {
				return err
			}
			return runF(opts)
		},
	}
	cmd.Flags().StringVar(&opts.Env, "env", "", "environment (default: your personal environment)")
	cmd.Flags().StringVar(&opts.Host, "host", devserver.DefaultHost, "address to listen on")
	cmd.Flags().StringArrayVar(&opts.AllowHosts, "allow-host", nil, "also answer requests whose Host header is `NAME` (repeatable); on a loopback --host only loopback names are answered")
	cmd.Flags().IntVar(&opts.Port, "port", devserver.DefaultPort, "port to listen on (0: a free port)")
	cmd.Flags().IntVar(&opts.Concurrency, "concurrency", 0, fmt.Sprintf("most workers (execution environments) per function (default %d)", runtimeapi.DefaultConcurrency))
	cmd.Flags().BoolVar(&opts.ResetData, "reset-data", false, "delete the local DynamoDB tables' data (.stelvio/dev/dynamodb) before serving")
	cmd.Flags().BoolVar(&opts.RuntimeAPI, "runtime-api", false, "invoke handlers through the Lambda Runtime API over HTTP instead of a pipe (slower)")
	return cmd
}

// check rejects flag values dev cannot run with, before the app is loaded.
func (o *DevOptions) check() error {
	if o.Concurrency < 0 {
		return usageErrorf("--concurrency %d: not a number of workers; use a positive number, or 0 for the default (%d per function)", o.Concurrency, runtimeapi.DefaultConcurrency)
	}
	if err := devserver.CheckAddress(o.Host, o.Port); err != nil {
		return &UsageError{Err: err}
	}
	for _, h := range o.AllowHosts {
		if err := devserver.CheckAllowHost(h); err != nil {
			return &UsageError{Err: err}
		}
	}
	return nil
}

func runDev(opts *DevOptions) error {
	f := opts.Factory
	env, err := resolveEnv(f, opts.Env, false, "dev")
	if err != nil {
		return err
	}
	table, err := f.Program.LoadChecked(f.Context, env, f.Dir, registry.DevChecker(f.Dir))
	if err != nil {
		return err
	}
	// A terminal closing (SIGHUP) or a process manager stopping dev (SIGTERM) must stop the workers as
	// Ctrl-C does: each worker's whole process group, so that no process a handler started outlives dev.
	ctx, stop := signal.NotifyContext(f.Context, syscall.SIGTERM, syscall.SIGHUP)
	defer stop()
	port := opts.Port
	if port == 0 {
		port = -1 // a free port
	}
	// Tables and links: the local DynamoDB engine and the link variables (devtables.go).
	links, err := startDevLinks(ctx, table, f.Dir, opts.ResetData, devURL(opts.Host, opts.Port), f.Err)
	if err != nil {
		return err
	}
	defer links.closeLogged(f.Err)
	streams, streamsEndpoint, err := links.streams(ctx, table) // devstreams.go
	if err != nil {
		return err
	}
	err = devserver.Run(ctx, table, devserver.Options{
		Env:         links.Env,
		Region:      links.Region,
		Host:        opts.Host,
		Port:        port,
		AllowHosts:  opts.AllowHosts,
		ProjectDir:  f.Dir,
		Concurrency: opts.Concurrency,
		RuntimeAPI:  opts.RuntimeAPI,
		Log:         f.Err,

		Streams:         streams,
		StreamsEndpoint: streamsEndpoint,
	})
	if addr := (*devserver.AddressError)(nil); errors.As(err, &addr) {
		return &UsageError{Err: err}
	}
	return err
}
