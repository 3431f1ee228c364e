package deploy

import (
	"context"

	"github.com/stelvio-go/stelvio/internal/engine"
	"github.com/stelvio-go/stelvio/internal/infra"
	"github.com/stelvio-go/stelvio/internal/route"
	"github.com/stelvio-go/stelvio/internal/runtime/registry"
)

// awsResources builds every function's package, then returns the program
// that deploys the route table (internal/infra: the Lambda and RestApi
// components under the environment's tagged aws provider). Packages are
// built before the engine starts, so a handler that does not compile is
// reported before any cloud call.
func awsResources(f *Factory) func(context.Context, *route.Table) (engine.Program, error) {
	return func(ctx context.Context, t *route.Table) (engine.Program, error) {
		pkgs, err := registry.Packager(f.Dir).PackageAll(ctx, t)
		if err != nil {
			return nil, err
		}
		return infra.Resources(f.Program, t, infra.Options{Packager: infra.Built(pkgs)}), nil
	}
}
