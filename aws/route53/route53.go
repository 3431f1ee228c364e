// Package route53 is the dns.Provider for a Route53 hosted zone: the records of an app's custom domains
// are route53.Record resources in that zone.
//
//	app := stelvio.New("my-app", route53.Use("Z0123456789ABCDEFGHIJ"))
package route53

import (
	"github.com/pulumi/pulumi-aws/sdk/v7/go/aws/route53"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"github.com/stelvio-go/stelvio"
	"github.com/stelvio-go/stelvio/internal/app"

	"github.com/stelvio-go/stelvio/dns"
)

// DefaultTTL is the TTL of a record that does not set one.
const DefaultTTL = 300

type zone struct{ id string }

// New returns the DNS provider for the hosted zone with id zoneID ("Z0123456789ABCDEFGHIJ"). Every domain
// the app serves must be in that zone.
func New(zoneID string) dns.Provider { return zone{id: zoneID} }

// CreateRecord creates a route53.Record. An alias (an API Gateway domain) becomes an A alias record to
// the endpoint's name and hosted zone; anything else a record of rec.Type with the one value rec.Value.
func (z zone) CreateRecord(ctx *pulumi.Context, name string, rec dns.Record, opts ...pulumi.ResourceOption) (pulumi.Resource, error) {
	args := &route53.RecordArgs{ZoneId: pulumi.String(z.id), Name: rec.Name}
	if rec.Alias != nil {
		args.Type = pulumi.String("A")
		args.Aliases = route53.RecordAliasArray{route53.RecordAliasArgs{
			Name:                 rec.Alias.Name,
			ZoneId:               rec.Alias.ZoneID,
			EvaluateTargetHealth: pulumi.Bool(false),
		}}
	} else {
		ttl := rec.TTL
		if ttl == 0 {
			ttl = DefaultTTL
		}
		args.Type = rec.Type
		args.Records = pulumi.StringArray{rec.Value}
		args.Ttl = pulumi.Int(ttl)
	}
	return route53.NewRecord(ctx, name, args, opts...)
}

// Use makes the hosted zone zoneID ("Z0123456789ABCDEFGHIJ") the DNS provider of the app, the one that serves its custom
// domains: stelvio.New("todo", route53.Use("...")). An app without custom domains needs none, and its
// dev build then never compiles the Pulumi SDK.
func Use(zoneID string) stelvio.Option {
	p := New(zoneID)
	return func(a *stelvio.App) { app.SetDNS(a, p) }
}
