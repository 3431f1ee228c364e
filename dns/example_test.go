package dns_test

import (
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/stelvio-go/stelvio/dns"
)

// myRecord is a record of another DNS service's Pulumi provider ("mydns").
type myRecord struct{ pulumi.CustomResourceState }

// myDNS serves one zone of that service.
type myDNS struct{ zone string }

// CreateRecord makes one record resource; an alias becomes a CNAME to the alias name, as the service has
// no aliases to AWS endpoints.
func (p myDNS) CreateRecord(ctx *pulumi.Context, name string, rec dns.Record, opts ...pulumi.ResourceOption) (pulumi.Resource, error) {
	typ, value := rec.Type, rec.Value
	if rec.Alias != nil {
		typ, value = pulumi.String("CNAME"), rec.Alias.Name
	}
	r := &myRecord{}
	props := pulumi.Map{"zone": pulumi.String(p.zone), "name": rec.Name, "type": typ, "value": value}
	if err := ctx.RegisterResource("mydns:index:Record", name, props, r, opts...); err != nil {
		return nil, err
	}
	return r, nil
}

// A DNS provider for a service stelvio does not ship: pass it to extend.DNS(myDNS{zone: "example.com"}).
func Example() {
	var _ dns.Provider = myDNS{zone: "example.com"}
}
