package cli

import (
	"errors"
	"fmt"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"syscall"

	"github.com/spf13/cobra"

	"github.com/stelvio-go/stelvio/internal/project"
)

// DeployTag is the build tag of an app binary that holds the deployment engine (plan, deploy, ...).
// Without it the binary holds only dev, and hands deployment commands over to a build with it, so
// that dev never compiles the Pulumi SDK.
const DeployTag = "stelvio_deploy"

// deployCommands are the names and summaries of the deployment commands, for the help of a binary
// without them; internal/cli/deploy's tests check that they match its commands.
var deployCommands = [][2]string{
	{"plan", "List every AWS resource the app becomes, offline"},
	{"deploy", "Deploy the app to an environment"},
	{"diff", "Show what deploy would change in an environment"},
	{"destroy", "Delete every resource of an environment"},
	{"outputs", "Print the outputs of an environment's last deployment (URLs, names)"},
	{"refresh", "Read the actual state of an environment's resources into its state"},
	{"unlock", "Remove the lock a crashed or killed deployment left on an environment"},
}

// DeployCommandNames are the names and summaries of the deployment commands.
func DeployCommandNames() [][2]string { return deployCommands }

// ExecDeploy makes the deployment commands of a binary built without DeployTag: each one builds the
// app's main package with the tag (into .stelvio/bin; go build's cache makes later builds quick) and
// runs the same command line there.
func ExecDeploy(f *Factory) []*cobra.Command {
	var cmds []*cobra.Command
	for _, c := range deployCommands {
		cmds = append(cmds, &cobra.Command{
			Use:                c[0],
			Short:              c[1],
			DisableFlagParsing: true,
			RunE: func(cmd *cobra.Command, args []string) error {
				return execDeploy(f, append([]string{c[0]}, args...))
			},
		})
	}
	return cmds
}

// execDeploy builds the app with DeployTag and runs args with it, passing on the standard streams,
// the environment, signals and the exit code.
func execDeploy(f *Factory, args []string) error {
	if os.Getenv("STELVIO_DEPLOY_BUILD") != "" {
		return errors.New("this binary was built to deploy but has no deployment commands; build it with -tags " + DeployTag)
	}
	mainDir := ""
	if f.Program != nil {
		mainDir = f.Program.MainDir
	}
	if mainDir == "" {
		return fmt.Errorf("%s needs the app's source to build its deployment tools, and this binary does not know where its main package is; build the app with -tags %s instead", args[0], DeployTag)
	}
	goBin, err := exec.LookPath("go")
	if err != nil {
		return fmt.Errorf("%s builds the app's deployment tools with the go command, which is not on PATH; install Go, or build the app with -tags %s", args[0], DeployTag)
	}
	binDir := filepath.Join(f.Dir, project.StateDir, "bin")
	if err := os.MkdirAll(binDir, 0o755); err != nil {
		return fmt.Errorf("%s is not writable (%v); make the project directory writable", filepath.Join(f.Dir, project.StateDir), err)
	}
	bin := filepath.Join(binDir, "deploy")
	build := exec.CommandContext(f.Context, goBin, "build", "-tags", DeployTag, "-o", bin, ".")
	build.Dir = mainDir
	build.Stdout, build.Stderr = f.Err, f.Err
	fmt.Fprintf(f.Err, "building the app's deployment tools (go build -tags %s) ...\n", DeployTag)
	if err := build.Run(); err != nil {
		return fmt.Errorf("build the app with -tags %s in %s: %w", DeployTag, mainDir, err)
	}
	run := exec.Command(bin, args...)
	// The deployment binary names itself as this one does in help and messages ("quickstart plan").
	run.Args[0] = os.Args[0]
	run.Dir = f.Dir
	run.Stdin, run.Stdout, run.Stderr = f.In, f.Out, f.Err
	run.Env = append(os.Environ(), "STELVIO_DEPLOY_BUILD=1")
	if err := run.Start(); err != nil {
		return fmt.Errorf("run %s: %w", bin, err)
	}
	// The child gets the signals the user sends (Ctrl-C reaches the whole process group anyway; a
	// SIGTERM sent to this process alone is passed on) and decides itself how to stop.
	sigs := make(chan os.Signal, 1)
	signal.Notify(sigs, syscall.SIGTERM, syscall.SIGHUP)
	defer signal.Stop(sigs)
	done := make(chan struct{})
	go func() {
		for {
			select {
			case s := <-sigs:
				_ = run.Process.Signal(s)
			case <-done:
				return
			}
		}
	}()
	err = run.Wait()
	close(done)
	var exit *exec.ExitError
	if errors.As(err, &exit) {
		return &silentExit{code: exit.ExitCode()}
	}
	if err != nil {
		return fmt.Errorf("run %s: %w", bin, err)
	}
	return nil
}

// silentExit ends the command line with a code whose message the child process printed already.
type silentExit struct{ code int }

func (e *silentExit) Error() string { return fmt.Sprintf("exit status %d", e.code) }
