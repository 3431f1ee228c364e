package acm_test

import (
	"testing"

	"github.com/pulumi/pulumi-aws/sdk/v7/go/aws"
	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/stelvio-go/stelvio/dns"
	"github.com/stelvio-go/stelvio/internal/infra/acm"
	"github.com/stelvio-go/stelvio/internal/resourcetest"
)

// recorder is a dns.Provider of the kind a user writes for another DNS service: one resource of its own
// provider package per record.
type recorder struct{}

type record struct{ pulumi.CustomResourceState }

func (recorder) CreateRecord(ctx *pulumi.Context, name string, rec dns.Record, opts ...pulumi.ResourceOption) (pulumi.Resource, error) {
	r := &record{}
	props := pulumi.Map{"name": rec.Name, "type": rec.Type, "value": rec.Value}
	if err := ctx.RegisterResource("mydns:index:Record", name, props, r, opts...); err != nil {
		return nil, err
	}
	return r, nil
}

func outputs(typ, name string, in resource.PropertyMap) resource.PropertyMap {
	if typ != "aws:acm/certificate:Certificate" {
		return nil
	}
	return resource.NewPropertyMapFromMap(map[string]any{
		"arn": "arn:aws:acm:us-east-1:123456789012:certificate/abc",
		"domainValidationOptions": []any{map[string]any{
			"domainName":          in["domainName"].StringValue(),
			"resourceRecordName":  "_x1.www.example.com.",
			"resourceRecordType":  "CNAME",
			"resourceRecordValue": "_y2.acm-validations.aws.",
		}},
	})
}

func TestAcmValidatedDomain(t *testing.T) {
	for _, tc := range []struct {
		name         string
		withProvider bool
	}{
		{"inherited provider", false},
		{"explicit us-east-1 provider", true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			m := &resourcetest.Mocks{Outputs: outputs}
			p := recorder{}
			var d *acm.AcmValidatedDomain
			err := m.Run(func(ctx *pulumi.Context) error {
				args := &acm.AcmValidatedDomainArgs{DomainName: "www.example.com", DNS: p}
				if tc.withProvider {
					east, err := aws.NewProvider(ctx, "east", &aws.ProviderArgs{Region: pulumi.String(acm.EdgeRegion)})
					if err != nil {
						return err
					}
					args.Provider = east
				}
				var err error
				d, err = acm.NewAcmValidatedDomain(ctx, "www", args)
				return err
			})
			if err != nil {
				t.Fatal(err)
			}
			cert := m.Find(t, "aws:acm/certificate:Certificate", "www")
			if cert.Input("domainName") != "www.example.com" || cert.Input("validationMethod") != "DNS" {
				t.Errorf("certificate inputs %v, want domainName www.example.com and validationMethod DNS", cert.Inputs)
			}
			rec := m.Find(t, "mydns:index:Record", "www-validation-record")
			if got := [3]string{rec.Input("name"), rec.Input("type"), rec.Input("value")}; got != [3]string{"_x1.www.example.com.", "CNAME", "_y2.acm-validations.aws."} {
				t.Errorf("validation record (name, type, value) = %q, want ACM's validation option", got)
			}
			val := m.Find(t, "aws:acm/certificateValidation:CertificateValidation", "www-validation")
			if val.Input("certificateArn") != "arn:aws:acm:us-east-1:123456789012:certificate/abc" || val.Path("validationRecordFqdns", 0) != "_x1.www.example.com." {
				t.Errorf("validation inputs %v, want the certificate's ARN and the record's name", val.Inputs)
			}
			recURN := resourcetest.URN("mydns:index:Record", "www-validation-record", acm.AcmValidatedDomainType)
			found := false
			for _, dep := range val.Dependencies {
				found = found || dep == recURN
			}
			if !found {
				t.Errorf("validation depends on %q, want the validation record %q", val.Dependencies, recURN)
			}
			for _, r := range []*resourcetest.Resource{cert, val} {
				if got := r.UsesProvider("aws", "east"); got != tc.withProvider {
					t.Errorf("%s through the given provider = %v, want %v (%q)", r.Type, got, tc.withProvider, r.Provider)
				}
			}
			arn := make(chan string, 1)
			d.CertificateArn.ApplyT(func(s string) string { arn <- s; return s })
			if got := <-arn; got != "arn:aws:acm:us-east-1:123456789012:certificate/abc" {
				t.Errorf("CertificateArn = %q", got)
			}
		})
	}
}

func TestAcmValidatedDomainErrors(t *testing.T) {
	for _, tc := range []struct {
		name string
		args *acm.AcmValidatedDomainArgs
		want string
	}{
		{"no domain", &acm.AcmValidatedDomainArgs{DNS: recorder{}}, `certificate "www": no domain name; set AcmValidatedDomainArgs.DomainName, e.g. "api.example.com"`},
		{"no dns provider", &acm.AcmValidatedDomainArgs{DomainName: "www.example.com"}, `certificate "www" for www.example.com: no DNS provider to create the validation record; set AcmValidatedDomainArgs.DNS, e.g. route53.New("ZONE_ID")`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			m := &resourcetest.Mocks{}
			var err error
			_ = m.Run(func(ctx *pulumi.Context) error {
				_, err = acm.NewAcmValidatedDomain(ctx, "www", tc.args)
				return err
			})
			if err == nil || err.Error() != tc.want {
				t.Fatalf("error:\n got %v\nwant %s", err, tc.want)
			}
			if n := len(m.Resources()); n != 0 {
				t.Errorf("%d resources created, want none", n)
			}
		})
	}
}
