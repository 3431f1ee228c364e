// Package cloudflare is the dns.Provider for a Cloudflare zone: the records of an app's custom domains
// are cloudflare.DnsRecord resources in that zone, not proxied, so that clients reach API Gateway and
// its certificate directly.
//
//	app := stelvio.New("my-app", cloudflare.Use("023e105f4ecef8ad9ca31a8372d0c353"))
//
// The Cloudflare provider reads its API token from CLOUDFLARE_API_TOKEN.
package cloudflare

import (
	"github.com/stelvio-go/stelvio"
	"github.com/stelvio-go/stelvio/internal/app"
	"strings"

	"github.com/pulumi/pulumi-cloudflare/sdk/v6/go/cloudflare"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/stelvio-go/stelvio/dns"
)

// AutomaticTTL is Cloudflare's TTL value for "automatic", used when a record does not set one.
const AutomaticTTL = 1

type zone struct{ id string }

// New returns the DNS provider for the Cloudflare zone with id zoneID. Every domain the app serves must be
// in that zone.
func New(zoneID string) dns.Provider { return zone{id: zoneID} }

// CreateRecord creates a cloudflare.DnsRecord with proxying off. Cloudflare has no aliases to AWS
// endpoints: an alias becomes a CNAME to the alias name.
func (z zone) CreateRecord(ctx *pulumi.Context, name string, rec dns.Record, opts ...pulumi.ResourceOption) (pulumi.Resource, error) {
	ttl := rec.TTL
	if ttl == 0 {
		ttl = AutomaticTTL
	}
	args := &cloudflare.DnsRecordArgs{
		ZoneId:  pulumi.String(z.id),
		Name:    trimDot(rec.Name),
		Type:    rec.Type,
		Ttl:     pulumi.Float64(float64(ttl)),
		Proxied: pulumi.Bool(false),
	}
	content := rec.Value
	if rec.Alias != nil {
		args.Type = pulumi.String("CNAME")
		content = rec.Alias.Name
	}
	if content != nil {
		args.Content = trimDot(content).ToStringPtrOutput()
	}
	return cloudflare.NewDnsRecord(ctx, name, args, opts...)
}

// trimDot drops the final dot of a fully qualified name such as ACM's validation record names:
// Cloudflare stores names without it, and a name with it would differ from the stored one on every run.
func trimDot(s pulumi.StringInput) pulumi.StringOutput {
	return s.ToStringOutput().ApplyT(func(v string) string { return strings.TrimSuffix(v, ".") }).(pulumi.StringOutput)
}

// Use makes the Cloudflare zone zoneID the DNS provider of the app, the one that serves its custom
// domains: stelvio.New("todo", cloudflare.Use("...")). An app without custom domains needs none, and its
// dev build then never compiles the Pulumi SDK.
func Use(zoneID string) stelvio.Option {
	p := New(zoneID)
	return func(a *stelvio.App) { app.SetDNS(a, p) }
}
