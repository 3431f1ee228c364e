package restapi

import (
	"errors"
	"fmt"

	"github.com/pulumi/pulumi-aws/sdk/v7/go/aws"
	"github.com/pulumi/pulumi-aws/sdk/v7/go/aws/apigateway"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/stelvio-go/stelvio/dns"
	"github.com/stelvio-go/stelvio/internal/infra/acm"
	"github.com/stelvio-go/stelvio/internal/route"
)

// ApiDomainType is the Pulumi type of the ApiDomain component.
const ApiDomainType = "stelvio:apigateway:ApiDomain"

// ApiDomain serves a REST API's stage on its custom domain: a validated certificate, the API Gateway
// domain name, the DNS record that points the domain at it, and the base path mapping to the stage.
type ApiDomain struct {
	pulumi.ResourceState

	Certificate *acm.AcmValidatedDomain
	DomainName  *apigateway.DomainName
	Record      pulumi.Resource
	Mapping     *apigateway.BasePathMapping
	// Url is the API's custom URL, "https://api.example.com".
	Url pulumi.StringOutput
}

// DomainResourceName is the logical name of an API's ApiDomain component and of its API Gateway
// DomainName: "my-api:domain". Its certificate is "my-api:domain:certificate", the DNS record
// "my-api:domain:record" and the base path mapping "my-api:domain:mapping".
func DomainResourceName(api string) string { return api + ":domain" }

// checkDomain reports what would stop the API's custom domain, before anything is created: a domain
// needs a DNS provider, and an edge-optimized API's certificate must be in us-east-1.
func checkDomain(args *RestApiArgs) error {
	api := args.Api
	if api.DomainName == "" {
		return nil
	}
	if args.DNS == nil {
		return fmt.Errorf("api %q: domain %s needs a DNS provider; create the app with stelvio.New(name, route53.Use(\"ZONE_ID\")) or cloudflare.Use(\"ZONE_ID\")", api.Name, api.DomainName)
	}
	if api.EndpointType == "EDGE" && args.USEast1 == nil {
		return fmt.Errorf("api %q: domain %s: the certificate of an edge-optimized api must be in %s, but no aws provider for %s was given (RestApiArgs.USEast1), so it would be made in the stack's region; pass one, or make the api regional (apigateway.Regional)", api.Name, api.DomainName, acm.EdgeRegion, acm.EdgeRegion)
	}
	return nil
}

// newDomain creates the API's custom domain (args.Api.DomainName) as an ApiDomain component with opts;
// NewRestApi has checked args with checkDomain. For a regional API the certificate is a regional
// certificate in the stack's region and the DNS record points at the domain's regional endpoint; for an
// edge-optimized API the certificate is made with args.USEast1 and the record points at the domain's
// CloudFront distribution.
func (r *RestApi) newDomain(ctx *pulumi.Context, _ string, args *RestApiArgs, opts ...pulumi.ResourceOption) error {
	d, err := newApiDomain(ctx, args.Api, r.Api, r.Stage, args.DNS, args.USEast1, opts...)
	if err != nil {
		return err
	}
	r.Domain = d
	return nil
}

func newApiDomain(ctx *pulumi.Context, api *route.Api, rest *apigateway.RestApi, stage *apigateway.Stage, p dns.Provider, usEast1 *aws.Provider, opts ...pulumi.ResourceOption) (*ApiDomain, error) {
	if rest == nil || stage == nil {
		return nil, errors.New("the api's RestApi and Stage must exist before its domain")
	}
	name := DomainResourceName(api.Name)
	edge := api.EndpointType == "EDGE"
	d := &ApiDomain{}
	if err := ctx.RegisterComponentResource(ApiDomainType, name, d, opts...); err != nil {
		return nil, err
	}
	parent := pulumi.Parent(d)

	certArgs := &acm.AcmValidatedDomainArgs{DomainName: api.DomainName, DNS: p}
	if edge {
		certArgs.Provider = usEast1
	}
	cert, err := acm.NewAcmValidatedDomain(ctx, name+":certificate", certArgs, parent)
	if err != nil {
		return nil, err
	}

	domainArgs := &apigateway.DomainNameArgs{
		DomainName:            pulumi.String(api.DomainName),
		EndpointConfiguration: &apigateway.DomainNameEndpointConfigurationArgs{Types: pulumi.String(api.EndpointType)},
	}
	if edge {
		domainArgs.CertificateArn = cert.CertificateArn
	} else {
		domainArgs.RegionalCertificateArn = cert.CertificateArn
	}
	domain, err := apigateway.NewDomainName(ctx, name, domainArgs, parent)
	if err != nil {
		return nil, fmt.Errorf("api gateway domain name: %w", err)
	}

	alias := &dns.Alias{Name: domain.RegionalDomainName, ZoneID: domain.RegionalZoneId}
	if edge {
		alias = &dns.Alias{Name: domain.CloudfrontDomainName, ZoneID: domain.CloudfrontZoneId}
	}
	record, err := p.CreateRecord(ctx, name+":record", dns.Record{Name: pulumi.String(api.DomainName), Alias: alias}, parent)
	if err != nil {
		return nil, fmt.Errorf("dns record: %w", err)
	}

	mapping, err := apigateway.NewBasePathMapping(ctx, name+":mapping", &apigateway.BasePathMappingArgs{
		RestApi:    rest.ID(),
		StageName:  stage.StageName,
		DomainName: domain.DomainName,
	}, parent)
	if err != nil {
		return nil, fmt.Errorf("base path mapping: %w", err)
	}

	d.Certificate, d.DomainName, d.Record, d.Mapping = cert, domain, record, mapping
	d.Url = pulumi.Sprintf("https://%s", domain.DomainName)
	if err := ctx.RegisterResourceOutputs(d, pulumi.Map{"url": d.Url}); err != nil {
		return nil, err
	}
	return d, nil
}
