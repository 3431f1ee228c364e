package deploy

import (
	"github.com/stelvio-go/stelvio/internal/cli/clitest"

	"encoding/json"
	"github.com/stelvio-go/stelvio/internal/cli"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stelvio-go/stelvio/internal/engine/enginetest"
)

// TestCustomDomainLifecycle deploys examples/custom-domain with its own command line through the real
// pulumi CLI and the stand-in providers: the environment's subdomain gets a certificate, a validation
// record, an API Gateway domain, a DNS record and a base path mapping; changing the domain changes those
// and nothing else; destroy leaves an empty stack.
func TestCustomDomainLifecycle(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and deploys the custom-domain example")
	}
	enginetest.Setup(t)
	dir, bin, run := buildExample(t, "custom-domain")
	expect := expectCode(t)

	r := run("deploy", "test", "--yes", "--json")
	expect(r, cli.ExitOK, "first deploy")
	created := map[string]bool{}
	for _, op := range doneOps(t, r.out) {
		if strings.HasPrefix(op, "create ") {
			created[strings.Fields(op)[1]] = true
		}
	}
	for _, typ := range []string{
		"aws:acm/certificate:Certificate", "aws:route53/record:Record", "aws:acm/certificateValidation:CertificateValidation",
		"aws:apigateway/domainName:DomainName", "aws:apigateway/basePathMapping:BasePathMapping",
	} {
		if !created[typ] {
			t.Errorf("first deploy created no %s; created types: %v", typ, created)
		}
	}
	r = run("outputs", "test", "--json")
	expect(r, cli.ExitOK, "outputs")
	var outs map[string]string
	if err := json.Unmarshal([]byte(r.out), &outs); err != nil {
		t.Fatalf("outputs --json = %q: %v", r.out, err)
	}
	if got := outs["todo-api-domain-url"]; got != "https://test.api.example.com" {
		t.Errorf("todo-api-domain-url = %q, want https://test.api.example.com (outputs %v)", got, outs)
	}
	if !strings.HasPrefix(outs["todo-api-url"], "https://") {
		t.Errorf("todo-api-url = %q, want the invoke URL next to the custom one", outs["todo-api-url"])
	}

	// Move the API to another domain: the certificate, its validation, the API Gateway domain, the
	// records and the mapping change; no function, role or route resource is touched.
	main := filepath.Join(dir, "main.go")
	src, err := os.ReadFile(main)
	if err != nil {
		t.Fatal(err)
	}
	changed := strings.Replace(string(src), `const Domain = "api.example.com"`, `const Domain = "api.example.org"`, 1)
	if changed == string(src) {
		t.Fatal("custom-domain main.go no longer has the Domain constant this test changes")
	}
	clitest.WriteFile(t, main, changed)
	clitest.GoCmd(t, dir, "build", "-o", bin, ".")
	r = run("deploy", "test", "--yes", "--json")
	expect(r, cli.ExitOK, "deploy after a domain change")
	ops := doneOps(t, r.out)
	t.Logf("domain change:\n  %s", strings.Join(ops, "\n  "))
	changedTypes := map[string]bool{}
	for _, op := range ops {
		f := strings.Fields(op)
		if f[0] == "same" {
			continue
		}
		changedTypes[f[1]] = true
		for _, untouched := range []string{"aws:lambda/function:Function", "aws:iam/role:Role", "aws:apigateway/method:Method", "aws:apigateway/resource:Resource"} {
			if f[1] == untouched {
				t.Errorf("a domain change touched %s", op)
			}
		}
	}
	for _, typ := range []string{"aws:acm/certificate:Certificate", "aws:apigateway/domainName:DomainName", "aws:apigateway/basePathMapping:BasePathMapping"} {
		if !changedTypes[typ] {
			t.Errorf("a domain change left %s as it was; ops: %q", typ, ops)
		}
	}
	r = run("outputs", "test", "--json")
	expect(r, cli.ExitOK, "outputs after the domain change")
	if err := json.Unmarshal([]byte(r.out), &outs); err != nil || outs["todo-api-domain-url"] != "https://test.api.example.org" {
		t.Errorf("todo-api-domain-url after the change = %q (%v), want https://test.api.example.org", outs["todo-api-domain-url"], err)
	}

	r = run("destroy", "test", "--yes")
	expect(r, cli.ExitOK, "destroy")
	r = run("outputs", "test", "--json")
	expect(r, cli.ExitOK, "outputs after destroy")
	if strings.TrimSpace(r.out) != "{}" {
		t.Errorf("outputs after destroy = %q, want {}", r.out)
	}
}
