package cli

import (
	"context"
	"fmt"

	"github.com/pulumi/pulumi-aws/sdk/v7/go/aws"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/stelvio-go/stelvio/aws/apigateway"
	"github.com/stelvio-go/stelvio/aws/function"
	"github.com/stelvio-go/stelvio/internal/engine"
	"github.com/stelvio-go/stelvio/internal/route"
	"github.com/stelvio-go/stelvio/internal/runtime/registry"
)

// awsResources builds every function's package, then returns the program
// that deploys the route table: a Lambda component per function and a
// RestApi component per API, all under the environment's tagged aws
// provider. Packages are built before the engine starts, so a handler that
// does not compile is reported before any cloud call.
func awsResources(f *Factory) func(context.Context, *route.Table) (engine.Program, error) {
	return func(ctx context.Context, t *route.Table) (engine.Program, error) {
		pkgs, err := registry.Packager(f.Dir).PackageAll(ctx, t)
		if err != nil {
			return nil, err
		}
		return func(pctx *pulumi.Context, p engine.Providers) error {
			opts := pulumi.Providers(p.AWS)
			lambdas := make(map[string]*function.Lambda, len(t.Functions))
			for _, fn := range t.Functions {
				pkg := pkgs[fn.Name]
				l, err := function.NewLambda(pctx, fn.Name, &function.LambdaArgs{
					App: t.App, Env: t.Env, Function: fn, Code: pkg.Path, CodeHash: pkg.Hash, Handler: pkg.Handler,
				}, opts)
				if err != nil {
					return fmt.Errorf("function %q: %w", fn.Name, err)
				}
				lambdas[fn.Name] = l
			}
			var east *aws.Provider
			for _, api := range t.Apis {
				if api.DomainName != "" && api.EndpointType == "EDGE" && east == nil {
					// An edge-optimized domain's certificate must be in us-east-1.
					if east, err = usEast1(pctx, t); err != nil {
						return err
					}
				}
				args := &apigateway.RestApiArgs{App: t.App, Env: t.Env, Api: api, Functions: lambdas, USEast1: east}
				if f.Program != nil {
					args.DNS = f.Program.DNS
				}
				r, err := apigateway.NewRestApi(pctx, api.Name, args, opts)
				if err != nil {
					return fmt.Errorf("api %q: %w", api.Name, err)
				}
				pctx.Export(api.Name+"-url", r.Url)
			}
			return nil
		}, nil
	}
}

// usEast1 is an aws provider in us-east-1 with the environment's tags.
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
