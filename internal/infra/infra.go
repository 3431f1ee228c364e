// Package infra is the Pulumi program of an app's environment: a Lambda for every function of the route
// table, a REST API for every API, the account's API Gateway CloudWatch role when it has none, and the
// stack outputs (each API's invoke URL, each function's name).
//
// Resources is what the engine deploys, diffs and destroys (an engine.Program: the engine supplies the
// tagged aws provider); Program wraps it in the engine's own provider set-up, which is what the offline
// plan runs under Pulumi mocks. The deployment packages come from a Packager: internal/runtime builds
// them; tests and the plan benchmark pass packagers that do not build.
package infra

import (
	"context"
	"errors"
	"fmt"

	"github.com/pulumi/pulumi-aws/sdk/v7/go/aws"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/stelvio-go/stelvio/dns"
	"github.com/stelvio-go/stelvio/internal/app"
	"github.com/stelvio-go/stelvio/internal/engine"
	"github.com/stelvio-go/stelvio/internal/infra/function"
	"github.com/stelvio-go/stelvio/internal/infra/httpapi"
	"github.com/stelvio-go/stelvio/internal/infra/restapi"
	"github.com/stelvio-go/stelvio/internal/route"
	"github.com/stelvio-go/stelvio/internal/runtime"
)

// Packager builds the deployment packages of an app's functions, by function name; all failures are
// reported together. *runtime.Packager is the one stelvio uses.
type Packager interface {
	PackageAll(ctx context.Context, t *route.Table) (map[string]runtime.Package, error)
}

// Options configure the program.
type Options struct {
	// Packager builds the functions' packages.
	Packager Packager
	// Region and Profile configure the aws provider (Program only; with Resources the engine has its
	// own); empty leaves them to the standard AWS environment.
	Region, Profile string
	// Export, when set, is called with every stack output besides ctx.Export (the plan reads them so).
	Export func(name string, value pulumi.StringOutput)
}

func (o Options) export(ctx *pulumi.Context, name string, value pulumi.StringOutput) {
	ctx.Export(name, value)
	if o.Export != nil {
		o.Export(name, value)
	}
}

// Built is a Packager of packages built already, by function name: build them before the engine
// starts, so that a handler that does not compile is reported before anything else happens.
type Built map[string]runtime.Package

// PackageAll returns the packages.
func (b Built) PackageAll(context.Context, *route.Table) (map[string]runtime.Package, error) {
	return b, nil
}

// URLOutput is the stack output holding an API's invoke URL: "my-api-url".
func URLOutput(api string) string { return api + "-url" }

// DomainURLOutput is the stack output holding an API's custom URL: "my-api-domain-url" is
// "https://api.example.com".
func DomainURLOutput(api string) string { return api + "-domain-url" }

// FunctionOutput is the stack output holding a function's physical name: "reports-function".
func FunctionOutput(fn string) string { return fn + "-function" }

// AccountName is the logical name of the API Gateway account settings component.
const AccountName = "apigateway-account"

// Program is the whole Pulumi program of t's environment as the engine runs it: the aws provider with
// the default tags stelvio:app and stelvio:env, then Resources.
func Program(p *app.Program, t *route.Table, opts Options) pulumi.RunFunc {
	return engine.Inline(engine.Options{
		App: t.App, Env: t.Env, Region: opts.Region, Profile: opts.Profile,
		Program: Resources(p, t, opts),
	})
}

// Resources declares t's resources with the environment's providers.
func Resources(p *app.Program, t *route.Table, opts Options) engine.Program {
	return func(ctx *pulumi.Context, prov engine.Providers) error {
		if opts.Packager == nil {
			return errors.New("no packager to build the functions' packages")
		}
		pkgs, err := opts.Packager.PackageAll(ctx.Context(), t)
		if err != nil {
			return err
		}
		var res []pulumi.ResourceOption
		if prov.AWS != nil {
			res = append(res, pulumi.Providers(prov.AWS))
		}

		made := newMade(ctx, t, prov.AWS)
		made.Export = func(name string, v pulumi.StringOutput) { opts.export(ctx, name, v) }
		// Every placeholder is settled when the program ends, so nothing waits for an output that no
		// extension set.
		defer made.settle()
		lambdas := made.Lambdas
		tbls, err := tables(ctx, t, opts, res) // links.go
		if err != nil {
			return err
		}
		if len(t.Apis) > 0 {
			if _, err := restapi.NewAccount(ctx, AccountName, &restapi.AccountArgs{App: t.App, Env: t.Env}, res...); err != nil {
				return err
			}
		}
		var east *aws.Provider
		// Each function after the functions and APIs it links, each API after its functions (links.go).
		httpMade := map[string]*httpapi.HttpApi{}
		for _, node := range deployOrder(t) {
			if api := node.HTTPApi; api != nil {
				h, err := httpApi(ctx, p, t, api, lambdas, opts, res) // httpapis.go
				if err != nil {
					return err
				}
				httpMade[api.Name] = h
				continue
			}
			if api := node.Api; api != nil {
				if api.DomainName != "" && api.EndpointType == "EDGE" && east == nil {
					// The certificate of an edge-optimized domain must be in us-east-1.
					if east, err = usEast1(ctx, t); err != nil {
						return err
					}
				}
				args := &restapi.RestApiArgs{App: t.App, Env: t.Env, Api: api, Functions: lambdas, USEast1: east}
				if p != nil && p.DNS != nil {
					d, ok := p.DNS.(dns.Provider)
					if !ok {
						return fmt.Errorf("the app's DNS provider %T is not a dns.Provider", p.DNS)
					}
					args.DNS = d
				}
				r, err := restapi.NewRestApi(ctx, api.Name, args, res...)
				if err != nil {
					return err
				}
				made.Apis[api.Name] = r
				opts.export(ctx, URLOutput(api.Name), r.Url)
				if r.Domain != nil {
					opts.export(ctx, DomainURLOutput(api.Name), r.Domain.Url)
				}
				continue
			}
			fn := node.Function
			linkEnv, linkPolicy, err := linkArgs(fn, tbls, lambdas, made.Apis, httpMade)
			if err != nil {
				return err
			}
			pkg, ok := pkgs[fn.Name]
			if !ok {
				return fmt.Errorf("function %q: no package was built", fn.Name)
			}
			l, err := function.NewLambda(ctx, fn.Name, &function.LambdaArgs{
				App: t.App, Env: t.Env, Function: fn,
				Code: pkg.Path, CodeHash: pkg.Hash, Handler: pkg.Handler,
				Outputs: made.envOutputs(fn),
				LinkEnv: linkEnv, LinkPolicy: linkPolicy,
			}, res...)
			if err != nil {
				return err
			}
			lambdas[fn.Name] = l
			opts.export(ctx, FunctionOutput(fn.Name), l.Name)
		}
		if err := subscriptions(ctx, t, tbls, lambdas, res); err != nil { // subscriptions.go
			return err
		}
		return made.runExtensions()
	}
}

// usEast1 is an aws provider in us-east-1 with the environment's default tags.
func usEast1(ctx *pulumi.Context, t *route.Table) (*aws.Provider, error) {
	p, err := aws.NewProvider(ctx, "aws-us-east-1", &aws.ProviderArgs{
		Region: pulumi.String("us-east-1"),
		DefaultTags: &aws.ProviderDefaultTagsArgs{
			Tags: pulumi.StringMap{engine.TagApp: pulumi.String(t.App), engine.TagEnv: pulumi.String(t.Env)},
		},
	})
	if err != nil {
		return nil, fmt.Errorf("aws provider for us-east-1: %w", err)
	}
	return p, nil
}
