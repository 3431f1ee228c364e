package cli

import (
	"errors"
	"fmt"
	"os"
	"os/user"
	"path/filepath"
	"regexp"
	"strings"

	"github.com/spf13/cobra"

	"github.com/stelvio-go/stelvio/internal/project"
)

// envNamePattern is what an environment name may contain; it becomes a
// Pulumi stack name and part of every physical resource name.
var envNamePattern = regexp.MustCompile(`^[a-z0-9][a-z0-9-]{0,31}$`)

// StackFlags are the flags of every command that works on an environment's
// deployment.
type StackFlags struct {
	// Env is the environment from the positional argument or --env.
	Env string
	// Backend overrides the state backend (file://..., s3://...).
	Backend string
	// Region and Profile override the app's AWS settings.
	Region, Profile string
	// Verbose shows the raw engine output.
	Verbose bool
}

// addStackFlags adds the flags every environment command has.
func addStackFlags(cmd *cobra.Command, s *StackFlags) {
	cmd.Flags().StringVarP(&s.Env, "env", "e", "", "environment to work on (default: your personal environment)")
	cmd.Flags().StringVar(&s.Backend, "backend", "", "state backend URL, e.g. s3://bucket/prefix (default: file backend in .stelvio/state)")
	cmd.Flags().StringVar(&s.Region, "region", "", "AWS region (default: the app's, else AWS_REGION)")
	cmd.Flags().StringVar(&s.Profile, "profile", "", "AWS profile (default: the app's, else AWS_PROFILE)")
	cmd.Flags().BoolVarP(&s.Verbose, "verbose", "v", false, "show the raw engine output")
}

// envArg merges the optional positional ENV with --env.
func envArg(s *StackFlags, args []string) error {
	if len(args) == 0 {
		return nil
	}
	if args[0] == "" {
		return usageErrorf("the environment argument is empty; name one, e.g. prod, or leave it out for your personal environment")
	}
	if s.Env != "" && s.Env != args[0] {
		return usageErrorf("environment given twice: %q as argument and %q with --env; give one", args[0], s.Env)
	}
	s.Env = args[0]
	return nil
}

// maxOneEnv accepts at most one positional argument, the environment.
func maxOneEnv(cmd *cobra.Command, args []string) error {
	if len(args) > 1 {
		return usageErrorf("%s takes at most one environment, got %d arguments: %s",
			cmd.Name(), len(args), strings.Join(args, " "))
	}
	return nil
}

// AddStackFlags adds the flags every environment command has.
func AddStackFlags(cmd *cobra.Command, s *StackFlags) { addStackFlags(cmd, s) }

// EnvArg merges the optional positional ENV with --env.
func EnvArg(s *StackFlags, args []string) error { return envArg(s, args) }

// MaxOneEnv accepts at most one positional argument, the environment.
func MaxOneEnv(cmd *cobra.Command, args []string) error { return maxOneEnv(cmd, args) }

// ResolveEnv picks the environment a command works on (see resolveEnv).
func ResolveEnv(f *Factory, explicit string, requireExplicitOnCI bool, cmdName string) (string, error) {
	return resolveEnv(f, explicit, requireExplicitOnCI, cmdName)
}

// resolveEnv picks the environment a command works on: the explicit one,
// else (outside CI, or when explicitOnCI is false) the user's personal
// environment from .stelvio/userenv, created from the OS user name on first
// use. The app checks the result (a valid name, one of its environments if it
// declares any).
func resolveEnv(f *Factory, explicit string, requireExplicitOnCI bool, cmdName string) (string, error) {
	env := explicit
	fromFile := "" // the file env was read from, named in its errors
	if env == "" {
		if requireExplicitOnCI && f.Getenv("CI") != "" {
			return "", usageErrorf("CI is set, so %s needs an explicit environment: %s ENV or --env ENV", cmdName, cmdName)
		}
		var err error
		if env, err = userEnv(f.Dir); err != nil {
			return "", err
		}
		fromFile = filepath.Join(project.StateDir, "userenv")
	}
	var err error
	if f.Program != nil {
		err = f.Program.CheckEnv(env)
	} else if !envNamePattern.MatchString(env) {
		err = fmt.Errorf("environment %q is not a valid name; use 1 to 32 lowercase letters, digits and -, e.g. \"prod\" or \"dev\"", env)
	}
	switch {
	case err == nil:
		return env, nil
	case fromFile != "":
		return "", usageErrorf("your personal environment, read from %s: %v; fix the name in that file, delete it (stelvio writes it again from your OS user name), or name the environment explicitly", fromFile, err)
	}
	return "", &UsageError{Err: err}
}

// userEnv reads the personal environment from .stelvio/userenv, creating it
// from the OS user name when missing. Users may edit the file.
func userEnv(dir string) (string, error) {
	file := filepath.Join(dir, project.StateDir, "userenv")
	data, err := os.ReadFile(file)
	if err == nil {
		env := strings.TrimSpace(string(data))
		if env == "" {
			return "", usageErrorf("%s is empty; write your personal environment name into it or delete it", file)
		}
		return env, nil
	}
	if !errors.Is(err, os.ErrNotExist) {
		return "", fmt.Errorf("read your personal environment from %s: %w", filepath.Join(project.StateDir, "userenv"), err)
	}
	u, err := user.Current()
	if err != nil {
		return "", fmt.Errorf("personal environment: OS user: %w; name the environment explicitly", err)
	}
	env := sanitizeEnv(u.Username)
	if env == "" {
		return "", usageErrorf("OS user name %q gives no usable environment name; name the environment explicitly", u.Username)
	}
	if err := os.MkdirAll(filepath.Dir(file), 0o755); err != nil {
		return "", fmt.Errorf("create %s: %w", project.StateDir, err)
	}
	if err := os.WriteFile(file, []byte(env+"\n"), 0o644); err != nil {
		return "", fmt.Errorf("write personal environment: %w", err)
	}
	return env, nil
}

// sanitizeEnv turns a user name into an environment name: lowercase, runs of
// other characters become '-'.
func sanitizeEnv(name string) string {
	var b strings.Builder
	dash := false
	for _, r := range strings.ToLower(name) {
		if (r >= 'a' && r <= 'z') || (r >= '0' && r <= '9') {
			b.WriteRune(r)
			dash = false
		} else if b.Len() > 0 && !dash {
			b.WriteByte('-')
			dash = true
		}
	}
	return strings.TrimRight(b.String(), "-")
}
