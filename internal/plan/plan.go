// Package plan shows what an app's environment becomes on AWS without any cloud account: it runs the
// app's Pulumi program (internal/infra) under Pulumi mocks, with no pulumi CLI and no credentials, and
// records every resource with its type, name, parent and inputs. The plan command prints it as a tree
// or as JSON; tests read it to assert what a user relies on.
package plan

import (
	"cmp"
	"context"
	"fmt"
	"os"
	"slices"
	"sync"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/stelvio-go/stelvio/internal/app"
	"github.com/stelvio-go/stelvio/internal/infra"
	"github.com/stelvio-go/stelvio/internal/route"
	"github.com/stelvio-go/stelvio/internal/runtime/registry"
)

// Resource is one resource of a plan.
type Resource struct {
	// Type is the Pulumi type ("aws:lambda/function:Function", "stelvio:apigateway:RestApi").
	Type string `json:"type"`
	// Name is the logical name, unique among the resources of its type.
	Name string `json:"name"`
	// Parent is the URN of the component the resource belongs to; "" at the top.
	Parent string `json:"parent"`
	URN    string `json:"urn"`
	// Component marks a stelvio component, which groups resources and has no inputs of its own.
	Component bool `json:"component,omitempty"`
	// Read marks an existing resource that is only read (with ID), never created or changed.
	Read bool   `json:"read,omitempty"`
	ID   string `json:"id,omitempty"`
	// RetainOnDelete marks a resource kept in the account when the environment is destroyed.
	RetainOnDelete bool `json:"retainOnDelete,omitempty"`
	// Inputs are the resource's inputs: secrets are "[secret]", archives their project-relative path.
	Inputs map[string]any `json:"inputs"`
	// ProviderName and ProviderRegion name the provider resource the resource is made with and the
	// region that provider works in: an edge-optimized API's certificate is made in us-east-1 through
	// "aws-us-east-1", whatever the app's region.
	ProviderName   string `json:"provider,omitempty"`
	ProviderRegion string `json:"providerRegion,omitempty"`

	// Provider is the URN of the provider the resource is managed with; DependsOn the URNs it waits
	// for (explicitly or through its inputs). Tests read them; the printed plan leaves them out.
	Provider  string   `json:"-"`
	DependsOn []string `json:"-"`
}

// Plan is everything an app's environment becomes.
type Plan struct {
	App, Env string
	// Resources in tree order: each component before its children, siblings by name and type.
	Resources []Resource
	// Outputs are the stack outputs: each API's URL, each function's name.
	Outputs map[string]any
	// Warnings are the app's problems that do not stop it (route.Table.Warnings).
	Warnings []route.Problem
}

// Find returns the resource of type typ named name, or nil.
func (p *Plan) Find(typ, name string) *Resource {
	for i := range p.Resources {
		if r := &p.Resources[i]; r.Type == typ && r.Name == name {
			return r
		}
	}
	return nil
}

// OfType returns the resources of type typ, in plan order.
func (p *Plan) OfType(typ string) []Resource {
	var out []Resource
	for _, r := range p.Resources {
		if r.Type == typ {
			out = append(out, r)
		}
	}
	return out
}

// Options configure a plan.
type Options struct {
	// Env is the environment planned.
	Env string
	// ProjectDir is the directory handler paths are relative to.
	ProjectDir string
	// Check checks the handler code of the program's functions (registry.Checker); its problems are
	// reported with the program's own. nil checks nothing beyond building the packages.
	Check func(context.Context, *route.Table) []route.Problem
	// Packager builds the packages; nil builds them with stelvio's runtimes (cached in .stelvio/build).
	Packager infra.Packager
	// Region and Profile are the AWS settings; an empty Region falls back to the app's, then AWS_REGION
	// and AWS_DEFAULT_REGION, and is shown as "<region>" in ARNs when none is set.
	Region, Profile string
	// CloudWatchRoleArn is the account's API Gateway CloudWatch role as the plan assumes it to be: ""
	// plans for an account without one (the role and settings are then created).
	CloudWatchRoleArn string
}

// Run loads and validates p's program for opts.Env (all problems are returned together) and plans it.
func Run(ctx context.Context, p *app.Program, opts Options) (*Plan, error) {
	t, err := p.LoadChecked(ctx, opts.Env, opts.ProjectDir, opts.Check)
	if err != nil {
		return nil, err
	}
	return RunTable(ctx, p, t, opts)
}

// RunTable plans the route table t of p.
func RunTable(ctx context.Context, p *app.Program, t *route.Table, opts Options) (*Plan, error) {
	packager := opts.Packager
	if packager == nil {
		packager = registry.Packager(opts.ProjectDir)
	}
	// Packages are built before the program runs, so that an interrupt stops the build.
	pkgs, err := packager.PackageAll(ctx, t)
	if err != nil {
		return nil, err
	}
	region := firstNonEmpty(opts.Region, p.Region, os.Getenv("AWS_REGION"), os.Getenv("AWS_DEFAULT_REGION"))
	mocks := &Mocks{
		App: t.App, Env: t.Env, Region: cmp.Or(region, "<region>"),
		CloudWatchRoleArn: opts.CloudWatchRoleArn, ProjectDir: opts.ProjectDir,
	}
	var mu sync.Mutex
	outputs := map[string]any{}
	program := infra.Program(p, t, infra.Options{
		Packager: infra.Built(pkgs), Region: region, Profile: firstNonEmpty(opts.Profile, p.Profile),
		Export: func(name string, v pulumi.StringOutput) {
			// The program's run waits for this apply to finish.
			v.ApplyT(func(s string) string {
				mu.Lock()
				defer mu.Unlock()
				outputs[name] = s
				return s
			})
		},
	})
	err = pulumi.RunErr(program, pulumi.WithMocks(t.App, t.Env, mocks))
	if err != nil {
		return nil, fmt.Errorf("plan %s: %w", t.Env, single(err))
	}
	return &Plan{App: t.App, Env: t.Env, Resources: Sort(mocks.Resources()), Outputs: outputs, Warnings: t.Warnings}, nil
}

// Sort orders resources as a tree: every resource right after its parent (or at the top), siblings by
// name, then type.
func Sort(rs []Resource) []Resource {
	children := map[string][]Resource{}
	urns := map[string]bool{}
	for _, r := range rs {
		urns[r.URN] = true
	}
	for _, r := range rs {
		parent := r.Parent
		if !urns[parent] {
			parent = ""
		}
		children[parent] = append(children[parent], r)
	}
	out := make([]Resource, 0, len(rs))
	var walk func(parent string)
	walk = func(parent string) {
		kids := children[parent]
		slices.SortFunc(kids, func(a, b Resource) int {
			return cmp.Or(cmp.Compare(a.Name, b.Name), cmp.Compare(a.Type, b.Type))
		})
		for _, k := range kids {
			out = append(out, k)
			walk(k.URN)
		}
	}
	walk("")
	return out
}

func firstNonEmpty(s ...string) string {
	for _, v := range s {
		if v != "" {
			return v
		}
	}
	return ""
}

// single is the one error the Pulumi SDK wrapped in a list of errors ("1 error occurred:\n\t* ..."),
// so that a plan's error reads as the program's own; a list of several is kept as it is.
func single(err error) error {
	if list, ok := err.(interface{ WrappedErrors() []error }); ok {
		if errs := list.WrappedErrors(); len(errs) == 1 {
			return errs[0]
		}
	}
	return err
}
