package engine

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"time"

	"github.com/pulumi/pulumi-aws/sdk/v7/go/aws"
	"github.com/pulumi/pulumi/sdk/v3/go/auto"
	"github.com/pulumi/pulumi/sdk/v3/go/auto/events"
	"github.com/pulumi/pulumi/sdk/v3/go/auto/optdestroy"
	"github.com/pulumi/pulumi/sdk/v3/go/auto/optpreview"
	"github.com/pulumi/pulumi/sdk/v3/go/auto/optrefresh"
	"github.com/pulumi/pulumi/sdk/v3/go/auto/optup"
	"github.com/pulumi/pulumi/sdk/v3/go/common/tokens"
	"github.com/pulumi/pulumi/sdk/v3/go/common/workspace"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

// Tag keys every AWS resource of an environment carries.
const (
	TagApp = "stelvio:app"
	TagEnv = "stelvio:env"
)

// Providers are the explicit providers of one environment. Resources must be
// created with them (pulumi.Provider(p.AWS), or pulumi.Providers(p.AWS) on a
// component) so they carry the environment's region and default tags.
type Providers struct {
	AWS *aws.Provider
}

// Program declares the resources of one environment. It runs inside the
// Pulumi engine for every operation that needs the desired state.
type Program func(ctx *pulumi.Context, p Providers) error

// Options select a stack and how operations report on it.
type Options struct {
	// App is the Pulumi project name.
	App string
	// Env is the environment; one stack per environment.
	Env string
	// Dir is the project directory that holds .stelvio.
	Dir string
	// Backend is a Pulumi backend URL; empty means DefaultBackend(Dir).
	Backend string
	// Region and Profile configure AWS; empty falls back to AWS_REGION
	// (then AWS_DEFAULT_REGION) and AWS_PROFILE.
	Region, Profile string
	// Program declares the environment's resources.
	Program Program
	// Out receives progress: one line per resource, a summary and outputs,
	// or, with JSON, one JSON object per line.
	Out io.Writer
	// JSON selects machine-readable progress on Out.
	JSON bool
	// Verbose copies the raw engine output to Log as it happens.
	Verbose bool
	// Log receives the raw engine output when Verbose; nil means Out.
	Log io.Writer
	// PulumiBin overrides the discovery of the pulumi CLI.
	PulumiBin string
}

// Stack is one environment's Pulumi stack, ready for operations.
type Stack struct {
	opts    Options
	stack   auto.Stack
	backend string
}

// stackNamePattern is what Pulumi accepts as a stack name.
var stackNamePattern = regexp.MustCompile(`^[A-Za-z0-9_.-]+$`)

// Open prepares the environment's stack: finds the pulumi CLI, creates the
// state folder and passphrase when needed, and writes the AWS stack config.
// With create false an environment that was never deployed is an error
// (NotDeployedError) instead of a new empty stack.
func Open(ctx context.Context, opts Options, create bool) (*Stack, error) {
	if opts.App == "" {
		return nil, errors.New("open stack: app name is empty")
	}
	if !stackNamePattern.MatchString(opts.Env) {
		return nil, fmt.Errorf("environment %q: use only letters, digits, '-', '_' and '.'", opts.Env)
	}
	if opts.Out == nil {
		opts.Out = io.Discard
	}
	if opts.Log == nil {
		opts.Log = opts.Out
	}
	dir, err := filepath.Abs(opts.Dir)
	if err != nil {
		return nil, fmt.Errorf("project directory: %w", err)
	}
	opts.Dir = dir
	if opts.Region == "" {
		opts.Region = firstEnv("AWS_REGION", "AWS_DEFAULT_REGION")
	}
	if opts.Profile == "" {
		opts.Profile = os.Getenv("AWS_PROFILE")
	}

	bin := opts.PulumiBin
	if bin == "" {
		if bin, err = FindPulumi(); err != nil {
			return nil, err
		}
	}
	cmd, err := pulumiCommand(bin, filepath.Join(dir, StateDir, "cli"))
	if err != nil {
		return nil, err
	}

	backend := opts.Backend
	if backend == "" {
		backend = DefaultBackend(dir)
	}
	if err := prepareBackend(backend); err != nil {
		return nil, err
	}
	env := map[string]string{"PULUMI_SKIP_UPDATE_CHECK": "true"}
	pass, err := passphraseEnv(dir)
	if err != nil {
		return nil, err
	}
	for k, v := range pass {
		env[k] = v
	}
	workDir := filepath.Join(dir, StateDir, "workspace")
	if err := os.MkdirAll(workDir, 0o755); err != nil {
		return nil, fmt.Errorf("create pulumi workspace: %w", err)
	}

	project := workspace.Project{
		Name:    tokens.PackageName(opts.App),
		Runtime: workspace.NewProjectRuntimeInfo("go", nil),
		Backend: &workspace.ProjectBackend{URL: backend},
	}
	name := auto.FullyQualifiedStackName("organization", opts.App, opts.Env)
	wsOpts := []auto.LocalWorkspaceOption{
		auto.Project(project), auto.Pulumi(cmd), auto.EnvVars(env), auto.WorkDir(workDir),
	}
	program := inline(opts)
	var st auto.Stack
	if create {
		st, err = auto.UpsertStackInlineSource(ctx, name, opts.App, program, wsOpts...)
	} else {
		st, err = auto.SelectStackInlineSource(ctx, name, opts.App, program, wsOpts...)
		if auto.IsSelectStack404Error(err) {
			return nil, &NotDeployedError{App: opts.App, Env: opts.Env}
		}
	}
	if err != nil {
		return nil, fmt.Errorf("open stack %s: %w", name, err)
	}
	s := &Stack{opts: opts, stack: st, backend: backend}
	if err := s.writeConfig(ctx); err != nil {
		return nil, err
	}
	return s, nil
}

func firstEnv(names ...string) string {
	for _, n := range names {
		if v := os.Getenv(n); v != "" {
			return v
		}
	}
	return ""
}

// Backend is the backend URL the stack's state lives in.
func (s *Stack) Backend() string { return s.backend }

// Name is the fully qualified Pulumi stack name.
func (s *Stack) Name() string { return s.stack.Name() }

// tags returns the default tags of the environment.
func (s *Stack) tags() map[string]string {
	return map[string]string{TagApp: s.opts.App, TagEnv: s.opts.Env}
}

func (s *Stack) writeConfig(ctx context.Context) error {
	cfg := auto.ConfigMap{
		"aws:defaultTags": {Value: fmt.Sprintf(`{"tags":{%q:%q,%q:%q}}`, TagApp, s.opts.App, TagEnv, s.opts.Env)},
	}
	if s.opts.Region != "" {
		cfg["aws:region"] = auto.ConfigValue{Value: s.opts.Region}
	}
	if s.opts.Profile != "" {
		cfg["aws:profile"] = auto.ConfigValue{Value: s.opts.Profile}
	}
	if err := s.stack.SetAllConfigWithOptions(ctx, cfg, &auto.ConfigOptions{Path: false}); err != nil {
		return fmt.Errorf("write stack config: %w", err)
	}
	var stale []string
	if s.opts.Region == "" {
		stale = append(stale, "aws:region")
	}
	if s.opts.Profile == "" {
		stale = append(stale, "aws:profile")
	}
	if len(stale) > 0 {
		if err := s.stack.RemoveAllConfig(ctx, stale); err != nil {
			return fmt.Errorf("write stack config: %w", err)
		}
	}
	return nil
}

// inline wraps the user's program: it creates the tagged aws provider the
// program's resources use.
func inline(opts Options) pulumi.RunFunc {
	return func(ctx *pulumi.Context) error {
		args := &aws.ProviderArgs{
			DefaultTags: &aws.ProviderDefaultTagsArgs{
				Tags: pulumi.StringMap{TagApp: pulumi.String(opts.App), TagEnv: pulumi.String(opts.Env)},
			},
		}
		if opts.Region != "" {
			args.Region = pulumi.String(opts.Region)
		}
		if opts.Profile != "" {
			args.Profile = pulumi.String(opts.Profile)
		}
		p, err := aws.NewProvider(ctx, "aws", args)
		if err != nil {
			return fmt.Errorf("aws provider: %w", err)
		}
		if opts.Program == nil {
			return nil
		}
		return opts.Program(ctx, Providers{AWS: p})
	}
}

// Result is what an operation did.
type Result struct {
	// Op is "preview", "update", "refresh" or "destroy".
	Op string
	// Changes counts resources by operation: create, update, replace,
	// delete, same.
	Changes map[string]int
	// Steps lists the resource operations other than "same", in the order
	// they finished.
	Steps []Step
	// Duration is the engine's own measure of the operation.
	Duration time.Duration
	// Outputs are the stack outputs after the operation.
	Outputs map[string]any
	// LogFile holds the raw engine output.
	LogFile string
}

// Step is one resource operation.
type Step struct {
	Op       string        `json:"op"`
	URN      string        `json:"urn"`
	Type     string        `json:"type"`
	Name     string        `json:"name"`
	Duration time.Duration `json:"-"`
	Failed   bool          `json:"failed,omitempty"`
}

// Preview shows what Up would change without changing anything.
func (s *Stack) Preview(ctx context.Context) (*Result, error) {
	return s.run(ctx, "preview", func(ch chan<- events.EngineEvent, out, errOut io.Writer) error {
		_, err := s.stack.Preview(ctx, optpreview.EventStreams(ch),
			optpreview.ProgressStreams(out), optpreview.ErrorProgressStreams(errOut))
		return err
	})
}

// Up deploys the program.
func (s *Stack) Up(ctx context.Context) (*Result, error) {
	return s.run(ctx, "update", func(ch chan<- events.EngineEvent, out, errOut io.Writer) error {
		_, err := s.stack.Up(ctx, optup.EventStreams(ch),
			optup.ProgressStreams(out), optup.ErrorProgressStreams(errOut))
		return err
	})
}

// Destroy deletes every resource of the environment. The (empty) stack stays.
func (s *Stack) Destroy(ctx context.Context) (*Result, error) {
	return s.run(ctx, "destroy", func(ch chan<- events.EngineEvent, out, errOut io.Writer) error {
		_, err := s.stack.Destroy(ctx, optdestroy.EventStreams(ch),
			optdestroy.ProgressStreams(out), optdestroy.ErrorProgressStreams(errOut))
		return err
	})
}

// Refresh reads the actual state of every resource into the stack state.
func (s *Stack) Refresh(ctx context.Context) (*Result, error) {
	return s.run(ctx, "refresh", func(ch chan<- events.EngineEvent, out, errOut io.Writer) error {
		_, err := s.stack.Refresh(ctx, optrefresh.EventStreams(ch),
			optrefresh.ProgressStreams(out), optrefresh.ErrorProgressStreams(errOut))
		return err
	})
}

// Outputs returns the stack outputs; secret values are replaced by
// "[secret]".
func (s *Stack) Outputs(ctx context.Context) (map[string]any, error) {
	outs, err := s.stack.Outputs(ctx)
	if err != nil {
		return nil, fmt.Errorf("read outputs of %s: %w", s.opts.Env, err)
	}
	return plainOutputs(outs), nil
}

func plainOutputs(outs auto.OutputMap) map[string]any {
	m := make(map[string]any, len(outs))
	for k, v := range outs {
		if v.Secret {
			m[k] = "[secret]"
			continue
		}
		m[k] = v.Value
	}
	return m
}

type operation func(ch chan<- events.EngineEvent, out, errOut io.Writer) error

// run executes one engine operation with progress reporting and a log file.
func (s *Stack) run(ctx context.Context, op string, do operation) (*Result, error) {
	logFile, err := s.openLog(op)
	if err != nil {
		return nil, err
	}
	defer logFile.Close()
	out, errOut := io.Writer(logFile), io.Writer(logFile)
	if s.opts.Verbose {
		out = io.MultiWriter(logFile, s.opts.Log)
		errOut = io.MultiWriter(logFile, s.opts.Log)
	}

	p := newProgress(s.opts.Out, s.opts.JSON, op, s.opts.Env)
	ch := make(chan events.EngineEvent)
	done := make(chan struct{})
	go func() {
		defer close(done)
		for e := range ch {
			p.event(e)
		}
	}()
	runErr := do(ch, out, errOut)
	// The Automation API closes the channel when the engine's event stream
	// ends. An operation that fails before the engine starts streaming (a
	// locked stack, a broken program) never opens the stream, so the channel
	// stays open: then only a short wait for stragglers.
	if runErr == nil || p.seen() {
		<-done
	} else {
		select {
		case <-done:
		case <-time.After(2 * time.Second):
			p.silence()
		}
	}
	res := p.result()
	res.LogFile = logFile.Name()
	if runErr != nil {
		return res, s.opError(ctx, op, runErr, logFile.Name())
	}
	if op != "preview" {
		if res.Outputs, err = s.Outputs(ctx); err != nil {
			return res, err
		}
		p.outputs(res.Outputs)
	}
	return res, nil
}

func (s *Stack) openLog(op string) (*os.File, error) {
	dir := filepath.Join(s.opts.Dir, StateDir, "logs")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, fmt.Errorf("create log folder: %w", err)
	}
	name := fmt.Sprintf("%s-%s-%s.log", s.opts.Env, op, time.Now().UTC().Format("20060102T150405.000Z"))
	f, err := os.Create(filepath.Join(dir, name))
	if err != nil {
		return nil, fmt.Errorf("create engine log: %w", err)
	}
	return f, nil
}

// opError turns an Automation API error into one of the engine's errors.
func (s *Stack) opError(ctx context.Context, op string, err error, log string) error {
	if auto.IsConcurrentUpdateError(err) {
		locks, _ := s.locks(ctx)
		return &LockedError{Env: s.opts.Env, Locks: locks}
	}
	return &OpError{Op: op, Env: s.opts.Env, Log: log, Err: err}
}
