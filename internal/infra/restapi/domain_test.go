package restapi_test

import (
	"strings"
	"testing"

	"github.com/pulumi/pulumi-aws/sdk/v7/go/aws"
	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/stelvio-go/stelvio/aws/route53"
	"github.com/stelvio-go/stelvio/cloudflare"
	"github.com/stelvio-go/stelvio/dns"
	"github.com/stelvio-go/stelvio/internal/infra/acm"
	"github.com/stelvio-go/stelvio/internal/infra/restapi"
	"github.com/stelvio-go/stelvio/internal/resourcetest"
	"github.com/stelvio-go/stelvio/internal/route"
)

// What ACM and API Gateway answer for api.example.com.
const (
	certArn            = "arn:aws:acm:eu-west-1:123456789012:certificate/todo-api:domain:certificate"
	validationName     = "_a79865eb4cd1a6ab990a45779b4e0b96.api.example.com."
	validationValue    = "_424c7224e9b0146f9a8808af955727d0.acm-validations.aws."
	regionalDomainName = "d-abc123xyz.execute-api.eu-west-1.amazonaws.com"
	regionalZoneID     = "ZLY8HYME6SFDD"
	cloudfrontDomain   = "d111111abcdef8.cloudfront.net"
	cloudfrontZoneID   = "Z2FDTNDATAQYW2"
)

func cloudOutputs(typ, name string, in resource.PropertyMap) resource.PropertyMap {
	switch typ {
	case "aws:acm/certificate:Certificate":
		return resource.NewPropertyMapFromMap(map[string]any{
			"arn": "arn:aws:acm:eu-west-1:123456789012:certificate/" + name,
			"domainValidationOptions": []any{map[string]any{
				"domainName":          in["domainName"].StringValue(),
				"resourceRecordName":  validationName,
				"resourceRecordType":  "CNAME",
				"resourceRecordValue": validationValue,
			}},
		})
	case "aws:apigateway/domainName:DomainName":
		return resource.NewPropertyMapFromMap(map[string]any{
			"regionalDomainName":   regionalDomainName,
			"regionalZoneId":       regionalZoneID,
			"cloudfrontDomainName": cloudfrontDomain,
			"cloudfrontZoneId":     cloudfrontZoneID,
		})
	}
	return nil
}

// restApiProgram creates api's RestApi; edge APIs get the us-east-1 provider the app's program makes for
// them unless noUSEast1.
func restApiProgram(api *route.Api, p dns.Provider, noUSEast1 bool, got **restapi.RestApi) pulumi.RunFunc {
	return func(ctx *pulumi.Context) error {
		args := &restapi.RestApiArgs{App: "todo", Env: "prod", Api: api, DNS: p}
		if api.EndpointType == "EDGE" && !noUSEast1 {
			east, err := aws.NewProvider(ctx, "aws-us-east-1", &aws.ProviderArgs{Region: pulumi.String("us-east-1")})
			if err != nil {
				return err
			}
			args.USEast1 = east
		}
		r, err := restapi.NewRestApi(ctx, api.Name, args)
		*got = r
		return err
	}
}

func TestApiDomain(t *testing.T) {
	const (
		certType       = "aws:acm/certificate:Certificate"
		validationType = "aws:acm/certificateValidation:CertificateValidation"
		domainType     = "aws:apigateway/domainName:DomainName"
		mappingType    = "aws:apigateway/basePathMapping:BasePathMapping"
		route53Type    = "aws:route53/record:Record"
		cloudflareType = "cloudflare:index/dnsRecord:DnsRecord"
	)
	for _, tc := range []struct {
		name     string
		dns      dns.Provider
		endpoint string
	}{
		{"route53 regional", route53.New("Z0123456789ABCDEFGHIJ"), "REGIONAL"},
		{"route53 edge", route53.New("Z0123456789ABCDEFGHIJ"), "EDGE"},
		{"cloudflare regional", cloudflare.New("023e105f4ecef8ad9ca31a8372d0c353"), "REGIONAL"},
		{"cloudflare edge", cloudflare.New("023e105f4ecef8ad9ca31a8372d0c353"), "EDGE"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			api := &route.Api{Name: "todo-api", StageName: "v1", EndpointType: tc.endpoint, DomainName: "api.example.com"}
			m := &resourcetest.Mocks{Outputs: cloudOutputs}
			var r *restapi.RestApi
			if err := m.Run(restApiProgram(api, tc.dns, false, &r)); err != nil {
				t.Fatal(err)
			}
			edge := tc.endpoint == "EDGE"
			onRoute53 := strings.HasPrefix(tc.name, "route53")
			recordType := cloudflareType
			if onRoute53 {
				recordType = route53Type
			}
			check := func(what, got, want string) {
				t.Helper()
				if got != want {
					t.Errorf("%s = %q, want %q", what, got, want)
				}
			}
			wantProvider := func(r *resourcetest.Resource) {
				t.Helper()
				if got := r.UsesProvider("aws", "aws-us-east-1"); got != edge {
					t.Errorf("%s %s through the us-east-1 provider = %v, want %v (provider %q)", r.Type, r.Name, got, edge, r.Provider)
				}
			}

			cert := m.Find(t, certType, "todo-api:domain:certificate")
			check("certificate domainName", cert.Input("domainName"), "api.example.com")
			check("certificate validationMethod", cert.Input("validationMethod"), "DNS")
			wantProvider(cert)
			if edge {
				p := m.Find(t, "pulumi:providers:aws", "aws-us-east-1")
				check("edge certificate provider region", p.Input("region"), "us-east-1")
			}

			rec := m.Find(t, recordType, "todo-api:domain:certificate-validation-record")
			if onRoute53 {
				check("validation record name", rec.Input("name"), validationName)
			} else {
				check("validation record name (without the final dot Cloudflare does not store)", rec.Input("name"), strings.TrimSuffix(validationName, "."))
			}
			check("validation record type", rec.Input("type"), "CNAME")
			if onRoute53 {
				check("validation record zoneId", rec.Input("zoneId"), "Z0123456789ABCDEFGHIJ")
				check("validation record value", rec.Path("records", 0), validationValue)
			} else {
				check("validation record zoneId", rec.Input("zoneId"), "023e105f4ecef8ad9ca31a8372d0c353")
				check("validation record content", rec.Input("content"), strings.TrimSuffix(validationValue, "."))
				check("validation record proxied", rec.Input("proxied"), "false")
			}

			val := m.Find(t, validationType, "todo-api:domain:certificate-validation")
			check("validation certificateArn", val.Input("certificateArn"), certArn)
			check("validation validationRecordFqdns", val.Path("validationRecordFqdns", 0), validationName)
			wantProvider(val)
			recURN := resourcetest.URN(recordType, rec.Name, restapi.RestApiType, restapi.ApiDomainType, acm.AcmValidatedDomainType)
			if !contains(val.Dependencies, recURN) {
				t.Errorf("validation depends on %q, want %q among them", val.Dependencies, recURN)
			}

			domain := m.Find(t, domainType, "todo-api:domain")
			check("domain name domainName", domain.Input("domainName"), "api.example.com")
			check("domain name endpointConfiguration.types", domain.Path("endpointConfiguration", "types"), tc.endpoint)
			if edge {
				check("domain name certificateArn", domain.Input("certificateArn"), certArn)
				check("domain name regionalCertificateArn", domain.Input("regionalCertificateArn"), "")
			} else {
				check("domain name regionalCertificateArn", domain.Input("regionalCertificateArn"), certArn)
				check("domain name certificateArn", domain.Input("certificateArn"), "")
			}

			target, zone := regionalDomainName, regionalZoneID
			if edge {
				target, zone = cloudfrontDomain, cloudfrontZoneID
			}
			apiRec := m.Find(t, recordType, "todo-api:domain:record")
			check("api record name", apiRec.Input("name"), "api.example.com")
			if onRoute53 {
				check("api record type", apiRec.Input("type"), "A")
				check("api record alias name", apiRec.Path("aliases", 0, "name"), target)
				check("api record alias zoneId", apiRec.Path("aliases", 0, "zoneId"), zone)
				check("api record alias evaluateTargetHealth", apiRec.Path("aliases", 0, "evaluateTargetHealth"), "false")
			} else {
				check("api record type", apiRec.Input("type"), "CNAME")
				check("api record content", apiRec.Input("content"), target)
				check("api record proxied", apiRec.Input("proxied"), "false")
			}

			mapping := m.Find(t, mappingType, "todo-api:domain:mapping")
			check("mapping restApi", mapping.Input("restApi"), "todo-api-id")
			check("mapping stageName", mapping.Input("stageName"), "v1")
			check("mapping domainName", mapping.Input("domainName"), "api.example.com")

			if r.Domain == nil {
				t.Fatal("RestApi.Domain is nil for an api with a domain")
			}
			url := make(chan string, 1)
			r.Domain.Url.ApplyT(func(s string) string { url <- s; return s })
			check("custom url", <-url, "https://api.example.com")
		})
	}
}

func TestApiDomainErrors(t *testing.T) {
	for _, tc := range []struct {
		name      string
		endpoint  string
		dns       dns.Provider
		noUSEast1 bool
		want      string
	}{
		{
			name: "no dns provider", endpoint: "REGIONAL",
			want: `api "todo-api": domain api.example.com needs a DNS provider; create the app with stelvio.New(name, route53.Use("ZONE_ID")) or cloudflare.Use("ZONE_ID")`,
		},
		{
			name: "edge certificate not in us-east-1", endpoint: "EDGE", dns: route53.New("Z1"), noUSEast1: true,
			want: `api "todo-api": domain api.example.com: the certificate of an edge-optimized api must be in us-east-1, but no aws provider for us-east-1 was given (RestApiArgs.USEast1), so it would be made in the stack's region; pass one, or make the api regional (apigateway.Regional)`,
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			api := &route.Api{Name: "todo-api", StageName: "v1", EndpointType: tc.endpoint, DomainName: "api.example.com"}
			m := &resourcetest.Mocks{Outputs: cloudOutputs}
			var r *restapi.RestApi
			var err error
			program := restApiProgram(api, tc.dns, tc.noUSEast1, &r)
			_ = m.Run(func(ctx *pulumi.Context) error { err = program(ctx); return err })
			if err == nil || err.Error() != tc.want {
				t.Fatalf("error:\n got %v\nwant %s", err, tc.want)
			}
			// Rejected before anything of the api exists.
			for _, res := range m.Resources() {
				t.Errorf("%s %s was created although the api is rejected", res.Type, res.Name)
			}
		})
	}
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}
