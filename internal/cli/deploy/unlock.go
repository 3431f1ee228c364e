package deploy

import (
	"fmt"
	"github.com/stelvio-go/stelvio/internal/cli"

	"github.com/spf13/cobra"
)

// UnlockOptions are the inputs of unlock.
type UnlockOptions struct {
	Factory *Factory
	cli.StackFlags
	// Force removes a lock even when its process still runs here.
	Force bool
}

func newUnlockCmd(f *Factory, runF func(*UnlockOptions) error) *cobra.Command {
	opts := &UnlockOptions{Factory: f}
	cmd := newEnvCmd("unlock [ENV]", "Remove the lock a crashed or killed deployment left on an environment",
		"Remove the lock an interrupted operation left on ENV's state, and say whose it was.\n"+
			"A lock held by a process still running on this machine is kept unless --force.",
		&opts.StackFlags, func() error { return runF(opts) })
	cmd.Flags().BoolVar(&opts.Force, "force", false, "remove the lock even if its process still runs")
	return cmd
}

func runUnlock(opts *UnlockOptions) error {
	f := opts.Factory
	env, err := cli.ResolveEnv(f.Factory, opts.Env, false, "unlock")
	if err != nil {
		return err
	}
	opts.Env = env
	st, err := openStack(f, opts.StackFlags, stackOpen{})
	if err != nil {
		return err
	}
	rep, err := st.Unlock(f.Context, opts.Force)
	if err != nil {
		return err
	}
	fmt.Fprintln(f.Out, rep.Message)
	return nil
}
