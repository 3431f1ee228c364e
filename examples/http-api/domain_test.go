package main

import (
	"context"
	"testing"

	"github.com/stelvio-go/stelvio"
	"github.com/stelvio-go/stelvio/aws/apigateway"
	"github.com/stelvio-go/stelvio/aws/route53"
	"github.com/stelvio-go/stelvio/internal/app"
	"github.com/stelvio-go/stelvio/internal/infra"
	"github.com/stelvio-go/stelvio/internal/plan"
)

// An HTTP API's custom domain may depend on the environment, as a REST API's does: each
// environment's plan holds that environment's certificate, API Gateway domain name, $default mapping
// and DNS record, and the domain URL output.
// https://docs.aws.amazon.com/apigateway/latest/developerguide/http-api-custom-domain-names.html
func TestPlanDomainPerEnvironment(t *testing.T) {
	domainFor := func(env string) string {
		if env == "prod" {
			return "api.example.com"
		}
		return env + ".api.example.com"
	}
	run := func(ctx *stelvio.Context) error {
		api := apigateway.NewHTTP(ctx, "web", apigateway.DomainName(domainFor(ctx.Env())))
		api.Route("GET", "/plain", "functions/plain.Plain")
		return nil
	}
	for _, env := range []string{"prod", "staging"} {
		t.Run(env, func(t *testing.T) {
			domain := domainFor(env)
			program := app.ProgramOf(stelvio.New("http-api", route53.Use("Z0123456789ABCDEFGHIJ")), run)
			pl, err := plan.Run(context.Background(), program, plan.Options{Env: env, ProjectDir: ".", Region: "eu-west-1"})
			if err != nil {
				t.Fatal(err)
			}
			inputs := map[string]map[string]any{}
			for _, r := range pl.Resources {
				switch r.Type {
				case "aws:acm/certificate:Certificate", "aws:apigatewayv2/domainName:DomainName",
					"aws:apigatewayv2/apiMapping:ApiMapping", "aws:route53/record:Record":
					if inputs[r.Type] != nil && r.Type != "aws:route53/record:Record" {
						t.Errorf("two %s resources", r.Type)
					}
					if r.Type == "aws:route53/record:Record" && r.Inputs["type"] != "A" {
						continue // the certificate's validation record
					}
					inputs[r.Type] = r.Inputs
				}
			}
			for typ, key := range map[string]string{
				"aws:acm/certificate:Certificate":        "domainName",
				"aws:apigatewayv2/domainName:DomainName": "domainName",
				"aws:apigatewayv2/apiMapping:ApiMapping": "domainName",
				"aws:route53/record:Record":              "name",
			} {
				in := inputs[typ]
				if in == nil {
					t.Errorf("no %s in the %s plan", typ, env)
					continue
				}
				got, _ := in[key].(string)
				if typ == "aws:apigatewayv2/apiMapping:ApiMapping" {
					if in["stage"] == nil {
						t.Errorf("%s: no stage", typ)
					}
					continue // the domain name resource's id, unknown in a plan
				}
				if got != domain {
					t.Errorf("%s %s = %q, want %q", typ, key, got, domain)
				}
			}
			if got, want := pl.Outputs[infra.DomainURLOutput("web")], "https://"+domain; got != want {
				t.Errorf("output %s = %v, want %s", infra.DomainURLOutput("web"), got, want)
			}
		})
	}
}
