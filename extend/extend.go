// Package extend adds your own Pulumi resources to a stelvio app: anything pulumi-aws (or another
// Pulumi provider) can make, in the same deployment as the app's APIs and functions, with access to what
// stelvio made.
//
//	bucketName := ctx.Output("uploads-bucket", "local-uploads")
//	files := function.New(ctx, "files", "functions/files.handler", function.EnvOutput("BUCKET", bucketName))
//	api.RouteFunction("ANY", "/files/{key+}", files)
//	extend.Pulumi(ctx, func(p *pulumi.Context, app *extend.App) error {
//		bucket, err := s3.NewBucket(p, "uploads", nil, app.AWSProvider())
//		if err != nil {
//			return err
//		}
//		app.Set(bucketName, bucket.Bucket)
//		return app.Function(files).Allow("uploads-rw", []string{"s3:GetObject", "s3:PutObject"},
//			pulumi.Sprintf("%s/*", bucket.Arn))
//	})
//
// The function runs during plan, deploy, diff and destroy, never under dev: dev serves the app's routes
// with the outputs' dev values. Importing this package (and pulumi-aws) makes the app's dev build compile
// the Pulumi SDK; apps that do not extend never compile it for dev.
package extend

import (
	"encoding/json"
	"errors"
	"fmt"

	awsapigateway "github.com/pulumi/pulumi-aws/sdk/v7/go/aws/apigateway"
	"github.com/pulumi/pulumi-aws/sdk/v7/go/aws/iam"
	"github.com/pulumi/pulumi-aws/sdk/v7/go/aws/lambda"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/stelvio-go/stelvio"
	"github.com/stelvio-go/stelvio/aws/apigateway"
	"github.com/stelvio-go/stelvio/aws/function"
	"github.com/stelvio-go/stelvio/dns"
	"github.com/stelvio-go/stelvio/internal/app"
	"github.com/stelvio-go/stelvio/internal/infra"
	"github.com/stelvio-go/stelvio/internal/route"
)

// Pulumi registers fn to run inside the app's Pulumi program (plan, deploy, diff, destroy), after the
// app's functions and APIs are declared. Resources fn makes are part of the environment's stack: they
// are deployed, updated and destroyed with it. Errors fn returns stop the deployment.
func Pulumi(ctx *stelvio.Context, fn func(p *pulumi.Context, app *App) error) {
	source := route.Caller(1)
	d := app.Declare(ctx, source, "extend.Pulumi")
	if fn == nil {
		d.Problems = append(d.Problems, route.Problem{Source: source, Subject: "extend.Pulumi", Message: "the function is nil; pass func(p *pulumi.Context, app *extend.App) error"})
		return
	}
	var run infra.Extension = func(p *pulumi.Context, m *infra.Made) error { return fn(p, &App{m: m}) }
	d.Extensions = append(d.Extensions, route.Extension{Run: run, Source: source})
}

// DNS makes p the DNS provider of the app, for a DNS service stelvio does not ship (implement
// dns.Provider): stelvio.New("todo", extend.DNS(myProvider)). For Route53 and Cloudflare use
// route53.Use and cloudflare.Use.
func DNS(p dns.Provider) stelvio.Option {
	return func(a *stelvio.App) { app.SetDNS(a, p) }
}

// App is what stelvio made in the environment being deployed.
type App struct {
	m *infra.Made
}

// Name is the app's name.
func (a *App) Name() string { return a.m.Table.App }

// Env is the environment being deployed, e.g. "prod".
func (a *App) Env() string { return a.m.Table.Env }

// AWSProvider is a resource option with the environment's aws provider: the app's region and profile,
// and the default tags stelvio:app and stelvio:env. Pass it to the resources you make, so that they
// land in the same account and region as the app's.
func (a *App) AWSProvider() pulumi.ResourceOption {
	if a.m.AWS == nil {
		return pulumi.Providers()
	}
	return pulumi.Provider(a.m.AWS)
}

// Set gives the deploy-time value o (ctx.Output) its value: functions whose environment uses o get v.
// Each output is set once.
func (a *App) Set(o *stelvio.Output, v pulumi.StringInput) error {
	d := app.OutputOf(o)
	if d == nil {
		return errors.New("extend: Set: the output is nil")
	}
	return a.m.Set(d, v)
}

// Export makes a stack output of the environment: deploy prints it, outputs lists it, plan shows it.
func (a *App) Export(name string, v pulumi.StringInput) {
	a.m.Export(name, v.ToStringOutput())
}

// Function is a function of the app as deployed.
type Function struct {
	ctx  *pulumi.Context
	name string
	// Lambda is the Lambda function.
	Lambda *lambda.Function
	// Role is the function's execution role; Allow adds policies to it.
	Role *iam.Role
}

// Function returns the deployed fn (made with function.New). It returns nil when fn is not a function
// of this app.
func (a *App) Function(fn *function.Function) *Function {
	d := app.FunctionDeclOf(fn)
	if d == nil {
		return nil
	}
	f := a.m.Table.FunctionOf(d)
	if f == nil {
		return nil
	}
	l := a.m.Lambdas[f.Name]
	if l == nil {
		return nil
	}
	return &Function{ctx: a.m.Ctx, name: f.Name, Lambda: l.Function, Role: l.Role}
}

// Name is the function's physical name, "{app}-{env}-{name}".
func (f *Function) Name() pulumi.StringOutput { return f.Lambda.Name }

// Arn is the function's ARN.
func (f *Function) Arn() pulumi.StringOutput { return f.Lambda.Arn }

// Allow adds an IAM policy named policy (unique for the function) to the function's role that allows
// actions on resources, e.g. Allow("uploads-rw", []string{"s3:GetObject"}, pulumi.Sprintf("%s/*", bucket.Arn)).
func (f *Function) Allow(policy string, actions []string, resources ...pulumi.StringInput) error {
	if f == nil {
		return errors.New("extend: Allow: the function is nil; get it with app.Function(fn) for a fn made with function.New")
	}
	if len(actions) == 0 || len(resources) == 0 {
		return fmt.Errorf("extend: Allow %q on function %q: give at least one action and one resource", policy, f.name)
	}
	arns := pulumi.StringArray{}
	for _, r := range resources {
		arns = append(arns, r)
	}
	doc := arns.ToStringArrayOutput().ApplyT(func(rs []string) (string, error) {
		b, err := json.Marshal(map[string]any{
			"Version":   "2012-10-17",
			"Statement": []map[string]any{{"Effect": "Allow", "Action": actions, "Resource": rs}},
		})
		return string(b), err
	}).(pulumi.StringOutput)
	_, err := iam.NewRolePolicy(f.ctx, f.name+"-"+policy, &iam.RolePolicyArgs{Role: f.Role.Name, Policy: doc}, pulumi.Parent(f.Role))
	return err
}

// Api is a REST API of the app as deployed.
type Api struct {
	// RestApi is the API.
	RestApi *awsapigateway.RestApi
	// Stage is the stage the API is deployed to.
	Stage *awsapigateway.Stage
	url   pulumi.StringOutput
}

// Api returns the deployed api, or nil when it is not an API of this app.
func (a *App) Api(api *apigateway.Api) *Api {
	if api == nil {
		return nil
	}
	r := a.m.Apis[api.Name()]
	if r == nil {
		return nil
	}
	return &Api{RestApi: r.Api, Stage: r.Stage, url: r.Url}
}

// ID is the REST API's id.
func (a *Api) ID() pulumi.StringOutput { return a.RestApi.ID().ToStringOutput() }

// URL is the stage's invoke URL, https://{id}.execute-api.{region}.amazonaws.com/{stage}.
func (a *Api) URL() pulumi.StringOutput { return a.url }
