// Package acm makes TLS certificates for custom domains: an ACM certificate validated through DNS
// records that the app's dns.Provider creates.
package acm

import (
	"fmt"

	"github.com/pulumi/pulumi-aws/sdk/v7/go/aws"
	awsacm "github.com/pulumi/pulumi-aws/sdk/v7/go/aws/acm"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/stelvio-go/stelvio/dns"
)

// AcmValidatedDomainType is the Pulumi type of the AcmValidatedDomain component.
const AcmValidatedDomainType = "stelvio:acm:AcmValidatedDomain"

// EdgeRegion is the region where certificates for edge-optimized APIs (and CloudFront) must be.
const EdgeRegion = "us-east-1"

// AcmValidatedDomain is a certificate for one domain, the DNS record that proves the domain is ours, and
// the validation that waits until ACM has issued the certificate.
type AcmValidatedDomain struct {
	pulumi.ResourceState

	Certificate      *awsacm.Certificate
	ValidationRecord pulumi.Resource
	Validation       *awsacm.CertificateValidation
	// CertificateArn is the ARN of the issued certificate: resources that use it wait for the validation.
	CertificateArn pulumi.StringOutput
}

// AcmValidatedDomainArgs configures an AcmValidatedDomain.
type AcmValidatedDomainArgs struct {
	// DomainName is the domain the certificate is for, e.g. "api.example.com".
	DomainName string
	// DNS creates the validation record.
	DNS dns.Provider
	// Provider is the AWS provider the certificate and its validation are created with, e.g. one for
	// us-east-1 (EdgeRegion) for an edge-optimized API. nil uses the provider the component inherits.
	Provider *aws.Provider
}

// NewAcmValidatedDomain creates a certificate for args.DomainName with DNS validation, creates the
// validation record through args.DNS, and waits for the certificate to be issued.
func NewAcmValidatedDomain(ctx *pulumi.Context, name string, args *AcmValidatedDomainArgs, opts ...pulumi.ResourceOption) (*AcmValidatedDomain, error) {
	if args == nil || args.DomainName == "" {
		return nil, fmt.Errorf("certificate %q: no domain name; set AcmValidatedDomainArgs.DomainName, e.g. \"api.example.com\"", name)
	}
	if args.DNS == nil {
		return nil, fmt.Errorf("certificate %q for %s: no DNS provider to create the validation record; set AcmValidatedDomainArgs.DNS, e.g. route53.New(\"ZONE_ID\")", name, args.DomainName)
	}
	d := &AcmValidatedDomain{}
	if err := ctx.RegisterComponentResource(AcmValidatedDomainType, name, d, opts...); err != nil {
		return nil, err
	}
	awsOpts := []pulumi.ResourceOption{pulumi.Parent(d)}
	if args.Provider != nil {
		awsOpts = append(awsOpts, pulumi.Provider(args.Provider))
	}

	cert, err := awsacm.NewCertificate(ctx, name, &awsacm.CertificateArgs{
		DomainName:       pulumi.String(args.DomainName),
		ValidationMethod: pulumi.String("DNS"),
	}, awsOpts...)
	if err != nil {
		return nil, fmt.Errorf("certificate for %s: %w", args.DomainName, err)
	}
	// One domain, no alternative names: ACM asks for exactly one validation record.
	opt := cert.DomainValidationOptions.Index(pulumi.Int(0))
	recordName := opt.ResourceRecordName().Elem()
	record, err := args.DNS.CreateRecord(ctx, name+"-validation-record", dns.Record{
		Name:  recordName,
		Type:  opt.ResourceRecordType().Elem(),
		Value: opt.ResourceRecordValue().Elem(),
	}, pulumi.Parent(d))
	if err != nil {
		return nil, fmt.Errorf("validation record for %s: %w", args.DomainName, err)
	}
	if record == nil {
		return nil, fmt.Errorf("validation record for %s: the DNS provider returned no resource", args.DomainName)
	}
	validation, err := awsacm.NewCertificateValidation(ctx, name+"-validation", &awsacm.CertificateValidationArgs{
		CertificateArn:        cert.Arn,
		ValidationRecordFqdns: pulumi.StringArray{recordName},
	}, append(awsOpts, pulumi.DependsOn([]pulumi.Resource{record}))...)
	if err != nil {
		return nil, fmt.Errorf("certificate validation for %s: %w", args.DomainName, err)
	}

	d.Certificate, d.ValidationRecord, d.Validation = cert, record, validation
	d.CertificateArn = validation.CertificateArn
	if err := ctx.RegisterResourceOutputs(d, pulumi.Map{
		"domainName":     pulumi.String(args.DomainName),
		"certificateArn": d.CertificateArn,
	}); err != nil {
		return nil, err
	}
	return d, nil
}
