package plan_test

import (
	"bytes"
	"encoding/json"
	"path/filepath"
	"strings"
	"testing"

	"github.com/pulumi/pulumi-aws/sdk/v7/go/aws"
	"github.com/pulumi/pulumi-aws/sdk/v7/go/aws/acm"
	"github.com/pulumi/pulumi-aws/sdk/v7/go/aws/lambda"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/stelvio-go/stelvio/internal/plan"
)

// TestMocksRecordInputs: secrets are masked, archives shown as their project-relative path, keys
// sorted, and the outputs AWS would add are made from the inputs.
func TestMocksRecordInputs(t *testing.T) {
	dir := t.TempDir()
	m := &plan.Mocks{App: "shop", Env: "test", Region: "eu-west-1", ProjectDir: dir}
	var invokeArn string
	err := pulumi.RunErr(func(ctx *pulumi.Context) error {
		fn, err := lambda.NewFunction(ctx, "fn", &lambda.FunctionArgs{
			Name: pulumi.String("shop-test-fn"),
			Role: pulumi.String("arn:aws:iam::123456789012:role/r"),
			Code: pulumi.NewFileArchive(filepath.Join(dir, ".stelvio", "build", "fn", "abc.zip")),
			Environment: &lambda.FunctionEnvironmentArgs{Variables: pulumi.StringMap{
				"TOKEN": pulumi.ToSecret(pulumi.String("hunter2")).(pulumi.StringOutput),
				"MODE":  pulumi.String("fast"),
			}},
		})
		if err != nil {
			return err
		}
		fn.InvokeArn.ApplyT(func(s string) string { invokeArn = s; return s })
		return nil
	}, pulumi.WithMocks("shop", "test", m))
	if err != nil {
		t.Fatal(err)
	}
	rs := m.Resources()
	if len(rs) != 1 {
		t.Fatalf("%d resources recorded, want 1", len(rs))
	}
	r := rs[0]
	if r.URN != "urn:pulumi:test::shop::aws:lambda/function:Function::fn" || r.Parent != "" || r.Component {
		t.Errorf("recorded %+v", r)
	}
	got, _ := json.Marshal(r.Inputs)
	want := `{"code":".stelvio/build/fn/abc.zip","environment":{"variables":{"MODE":"fast","TOKEN":"[secret]"}},"name":"shop-test-fn","role":"arn:aws:iam::123456789012:role/r"}`
	if string(got) != want {
		t.Errorf("inputs\n got %s\nwant %s", got, want)
	}
	if want := "arn:aws:apigateway:eu-west-1:lambda:path/2015-03-31/functions/arn:aws:lambda:eu-west-1:123456789012:function:shop-test-fn/invocations"; invokeArn != want {
		t.Errorf("invokeArn = %q, want %q", invokeArn, want)
	}

	p := &plan.Plan{App: "shop", Env: "test", Resources: plan.Sort(rs)}
	var js, text bytes.Buffer
	if err := p.WriteJSON(&js); err != nil {
		t.Fatal(err)
	}
	if strings.Contains(js.String(), "hunter2") || !strings.HasPrefix(js.String(), "[\n  {\n    \"type\": \"aws:lambda/function:Function\",") {
		t.Errorf("plan --json:\n%s", js.String())
	}
	if err := p.WriteText(&text); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(text.String(), "\naws:lambda/function:Function  fn\n") ||
		!strings.Contains(text.String(), "      environment.variables.TOKEN  [secret]\n") || strings.Contains(text.String(), "hunter2") {
		t.Errorf("plan text:\n%s", text.String())
	}
}

// TestMocksRefuseDuplicateURNs: like the engine, the plan fails on two resources with one URN.
func TestMocksRefuseDuplicateURNs(t *testing.T) {
	m := &plan.Mocks{App: "shop", Env: "test", Region: "eu-west-1"}
	err := pulumi.RunErr(func(ctx *pulumi.Context) error {
		for range 2 {
			if _, err := lambda.NewPermission(ctx, "api:fn", &lambda.PermissionArgs{
				Action: pulumi.String("lambda:InvokeFunction"), Function: pulumi.String("f"), Principal: pulumi.String("p"),
			}); err != nil {
				return err
			}
		}
		return nil
	}, pulumi.WithMocks("shop", "test", m))
	if err == nil || !strings.Contains(err.Error(), "duplicate resource URN urn:pulumi:test::shop::aws:lambda/permission:Permission::api:fn") {
		t.Errorf("error = %v, want a duplicate URN", err)
	}
}

// TestMocksProviderRegion: a resource made through a provider of another region (an edge API's
// certificate, through the us-east-1 provider) names that provider and region in the plan, and its
// ARN has that region, as ACM would give it.
func TestMocksProviderRegion(t *testing.T) {
	m := &plan.Mocks{App: "shop", Env: "test", Region: "eu-west-1"}
	var certArn string
	err := pulumi.RunErr(func(ctx *pulumi.Context) error {
		main, err := aws.NewProvider(ctx, "aws", &aws.ProviderArgs{Region: pulumi.String("eu-west-1")})
		if err != nil {
			return err
		}
		east, err := aws.NewProvider(ctx, "aws-us-east-1", &aws.ProviderArgs{Region: pulumi.String("us-east-1")})
		if err != nil {
			return err
		}
		cert, err := acm.NewCertificate(ctx, "cert", &acm.CertificateArgs{
			DomainName: pulumi.String("api.example.com"), ValidationMethod: pulumi.String("DNS"),
		}, pulumi.Provider(east))
		if err != nil {
			return err
		}
		cert.Arn.ApplyT(func(s string) string { certArn = s; return s })
		_, err = lambda.NewPermission(ctx, "perm", &lambda.PermissionArgs{
			Action: pulumi.String("lambda:InvokeFunction"), Function: pulumi.String("f"), Principal: pulumi.String("p"),
		}, pulumi.Provider(main))
		return err
	}, pulumi.WithMocks("shop", "test", m))
	if err != nil {
		t.Fatal(err)
	}
	if want := "arn:aws:acm:us-east-1:123456789012:certificate/<Certificate cert id>"; certArn != want {
		t.Errorf("certificate ARN %q, want %q", certArn, want)
	}
	p := &plan.Plan{App: "shop", Env: "test", Resources: plan.Sort(m.Resources())}
	cert := p.Find("aws:acm/certificate:Certificate", "cert")
	if cert == nil || cert.ProviderName != "aws-us-east-1" || cert.ProviderRegion != "us-east-1" {
		t.Fatalf("certificate %+v, want provider aws-us-east-1 in us-east-1", cert)
	}
	var js, text bytes.Buffer
	if err := p.WriteJSON(&js); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(js.String(), `    "inputs": {
      "domainName": "api.example.com",
      "validationMethod": "DNS"
    },
    "provider": "aws-us-east-1",
    "providerRegion": "us-east-1"
  }`) {
		t.Errorf("plan --json does not show the certificate's provider:\n%s", js.String())
	}
	if err := p.WriteText(&text); err != nil {
		t.Fatal(err)
	}
	for _, line := range []string{
		"aws:acm/certificate:Certificate  cert  (provider aws-us-east-1, us-east-1)\n",
		"aws:lambda/permission:Permission  perm  (provider aws, eu-west-1)\n",
	} {
		if !strings.Contains(text.String(), "\n"+line) {
			t.Errorf("plan text lacks %q:\n%s", line, text.String())
		}
	}
}
