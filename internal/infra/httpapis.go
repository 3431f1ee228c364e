package infra

import (
	"fmt"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/stelvio-go/stelvio/dns"
	"github.com/stelvio-go/stelvio/internal/app"
	"github.com/stelvio-go/stelvio/internal/infra/function"
	"github.com/stelvio-go/stelvio/internal/infra/httpapi"
	"github.com/stelvio-go/stelvio/internal/route"
)

// httpApi makes one HTTP API of t, once the functions it calls have their Lambdas, and exports its
// URL (URLOutput) and custom URL (DomainURLOutput).
func httpApi(ctx *pulumi.Context, p *app.Program, t *route.Table, api *route.HTTPApi, lambdas map[string]*function.Lambda, opts Options, res []pulumi.ResourceOption) (*httpapi.HttpApi, error) {
	args := &httpapi.HttpApiArgs{App: t.App, Env: t.Env, Api: api, Functions: lambdas}
	if api.DomainName != "" && p != nil && p.DNS != nil {
		d, ok := p.DNS.(dns.Provider)
		if !ok {
			return nil, fmt.Errorf("the app's DNS provider %T is not a dns.Provider", p.DNS)
		}
		args.DNS = d
	}
	h, err := httpapi.NewHttpApi(ctx, api.Name, args, res...)
	if err != nil {
		return nil, err
	}
	opts.export(ctx, URLOutput(api.Name), h.Url)
	if api.DomainName != "" {
		opts.export(ctx, DomainURLOutput(api.Name), h.DomainUrl)
	}
	return h, nil
}
