// Package dns is the interface between stelvio and the DNS provider that serves an app's domains.
//
// stelvio creates the records a custom domain needs (certificate validation, the API's own name) through
// a Provider; nothing else in stelvio knows which provider it is. The aws/route53 and cloudflare packages
// implement it; implement Provider yourself to use another one.
package dns

import (
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

// Record is a DNS record stelvio asks a provider to create. Name, Type and Value are inputs because
// they are often known only during deployment, e.g. the validation record of a new certificate.
type Record struct {
	// Name is the fully qualified record name, e.g. "api.example.com".
	Name pulumi.StringInput
	// Type is the record type: "CNAME", "A", "TXT". It is not used when Alias is set.
	Type pulumi.StringInput
	// Value is the record's value (the target of a CNAME).
	Value pulumi.StringInput
	// TTL in seconds; 0 lets the provider choose.
	TTL int
	// Alias, when set, asks for an alias to an AWS endpoint instead of a plain record, where the provider
	// supports it (Route53 makes an A alias record). Providers without aliases create a CNAME to
	// Alias.Name.
	Alias *Alias
}

// Alias points a name at an AWS endpoint such as an API Gateway regional domain.
type Alias struct {
	Name   pulumi.StringInput // e.g. the regional domain name of an API Gateway domain
	ZoneID pulumi.StringInput // that endpoint's hosted zone id
}

// Provider creates DNS records as Pulumi resources.
type Provider interface {
	// CreateRecord creates rec as a resource named name (unique in the stack), with opts (stelvio passes
	// the parent component). Resources that need the record, such as the certificate validation, depend
	// on the returned resource: return the custom resource of the record, or a component that has it as a
	// child (depending on a component waits for its children only).
	CreateRecord(ctx *pulumi.Context, name string, rec Record, opts ...pulumi.ResourceOption) (pulumi.Resource, error)
}
