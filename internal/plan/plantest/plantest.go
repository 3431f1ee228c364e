// Package plantest helps test and measure plans: a packager that builds nothing, generated apps of any
// number of routes, and the bare Pulumi program that registers an app's resources directly, without
// stelvio's components, to measure stelvio's overhead against.
package plantest

import (
	"context"
	"crypto/sha256"
	"encoding/base64"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/pulumi/pulumi-aws/sdk/v7/go/aws"
	awsapigateway "github.com/pulumi/pulumi-aws/sdk/v7/go/aws/apigateway"
	"github.com/pulumi/pulumi-aws/sdk/v7/go/aws/iam"
	"github.com/pulumi/pulumi-aws/sdk/v7/go/aws/lambda"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/stelvio-go/stelvio"
	"github.com/stelvio-go/stelvio/aws/apigateway"
	"github.com/stelvio-go/stelvio/internal/app"
	"github.com/stelvio-go/stelvio/internal/engine"
	"github.com/stelvio-go/stelvio/internal/infra"
	lambdafn "github.com/stelvio-go/stelvio/internal/infra/function"
	"github.com/stelvio-go/stelvio/internal/infra/restapi"
	"github.com/stelvio-go/stelvio/internal/naming"
	"github.com/stelvio-go/stelvio/internal/route"
	"github.com/stelvio-go/stelvio/internal/runtime"
	"github.com/stelvio-go/stelvio/internal/runtime/registry"
)

// Packager builds nothing: each function's package is a path under the project's .stelvio/build that
// need not exist, its hash a hash of the function's name, and its handler the one its runtime gives.
type Packager struct {
	ProjectDir string
}

// PackageAll returns the packages.
func (p Packager) PackageAll(_ context.Context, t *route.Table) (map[string]runtime.Package, error) {
	rts := registry.Default("")
	out := make(map[string]runtime.Package, len(t.Functions))
	for _, fn := range t.Functions {
		rt, err := rts.For(fn)
		if err != nil {
			return nil, err
		}
		sum := sha256.Sum256([]byte(fn.Name))
		out[fn.Name] = runtime.Package{
			Path:    filepath.Join(runtime.BuildDir(p.ProjectDir), fn.Name, "package.zip"),
			Hash:    base64.StdEncoding.EncodeToString(sum[:]),
			Handler: rt.Handler(fn),
		}
	}
	return out, nil
}

// RoutesPerFunction is how many routes share one Python file in a generated app.
const RoutesPerFunction = 10

// GenerateApp writes the Python files of an app with n GET routes into dir and returns its program:
// routes i*10 to i*10+9 are served by functions/f{i}.py (so each function gets generated routing code),
// on the paths /s{i}/r{j} and, for every other route, /s{i}/r{j}/{id}.
func GenerateApp(dir string, n int) (*app.Program, error) {
	files := (n + RoutesPerFunction - 1) / RoutesPerFunction
	if err := os.MkdirAll(filepath.Join(dir, "functions"), 0o755); err != nil {
		return nil, err
	}
	for f := range files {
		var b strings.Builder
		for j := f * RoutesPerFunction; j < min(n, (f+1)*RoutesPerFunction); j++ {
			fmt.Fprintf(&b, "def r%d(event, context):\n    return {\"statusCode\": 200}\n\n", j)
		}
		if err := os.WriteFile(filepath.Join(dir, "functions", fmt.Sprintf("f%d.py", f)), []byte(b.String()), 0o644); err != nil {
			return nil, err
		}
	}
	p := app.ProgramOf(stelvio.New("bench"), func(ctx *stelvio.Context) error {
		api := apigateway.New(ctx, "api")
		for j := range n {
			f := j / RoutesPerFunction
			path := fmt.Sprintf("/s%d/r%d", f, j)
			if j%2 == 1 {
				path += "/{id}"
			}
			api.Route("GET", path, fmt.Sprintf("functions/f%d.r%d", f, j))
		}
		return nil
	})
	p.Dir = dir
	return p, nil
}

// BareProgram registers the resources of t that stelvio's program registers, with the same names and
// inputs, directly: no components, no packaging, no route table work.
func BareProgram(t *route.Table, pkgs map[string]runtime.Package) pulumi.RunFunc {
	return func(ctx *pulumi.Context) error {
		prov, err := aws.NewProvider(ctx, "aws", &aws.ProviderArgs{DefaultTags: &aws.ProviderDefaultTagsArgs{
			Tags: pulumi.StringMap{engine.TagApp: pulumi.String(t.App), engine.TagEnv: pulumi.String(t.Env)},
		}})
		if err != nil {
			return err
		}
		opt := pulumi.Provider(prov)
		fns := map[string]*lambda.Function{}
		for _, fn := range t.Functions {
			role, err := iam.NewRole(ctx, fn.Name, &iam.RoleArgs{
				Name:             pulumi.String(lambdafn.RoleName(t.App, t.Env, fn.Name)),
				AssumeRolePolicy: pulumi.String(lambdafn.LambdaTrustPolicy),
			}, opt)
			if err != nil {
				return err
			}
			logs, err := iam.NewRolePolicyAttachment(ctx, fn.Name, &iam.RolePolicyAttachmentArgs{
				Role: role.Name, PolicyArn: pulumi.String(string(iam.ManagedPolicyAWSLambdaBasicExecutionRole)),
			}, opt)
			if err != nil {
				return err
			}
			pkg := pkgs[fn.Name]
			f, err := lambda.NewFunction(ctx, fn.Name, &lambda.FunctionArgs{
				Name: pulumi.String(naming.Physical(t.App, t.Env, fn.Name, naming.LambdaLimit)), Role: role.Arn,
				Runtime: pulumi.String(fn.RuntimeID), Handler: pulumi.String(pkg.Handler),
				MemorySize: pulumi.Int(fn.Memory), Timeout: pulumi.Int(fn.Timeout),
				Architectures: pulumi.StringArray{pulumi.String(fn.Architecture)},
				Code:          pulumi.NewFileArchive(pkg.Path), SourceCodeHash: pulumi.String(pkg.Hash),
			}, opt, pulumi.DependsOn([]pulumi.Resource{logs}))
			if err != nil {
				return err
			}
			fns[fn.Name] = f
			ctx.Export(infra.FunctionOutput(fn.Name), f.Name)
		}
		if len(t.Apis) > 0 {
			if _, err := awsapigateway.GetAccount(ctx, infra.AccountName+"-current", pulumi.ID(restapi.AccountID), nil, opt); err != nil {
				return err
			}
			role, err := iam.NewRole(ctx, infra.AccountName+"-cloudwatch", &iam.RoleArgs{
				Name:             pulumi.String(restapi.CloudWatchRoleName(t.App, t.Env)),
				AssumeRolePolicy: pulumi.String(restapi.CloudWatchTrustPolicy),
			}, opt, pulumi.RetainOnDelete(true))
			if err != nil {
				return err
			}
			logs, err := iam.NewRolePolicyAttachment(ctx, infra.AccountName+"-cloudwatch", &iam.RolePolicyAttachmentArgs{
				Role: role.Name, PolicyArn: pulumi.String(string(iam.ManagedPolicyAmazonAPIGatewayPushToCloudWatchLogs)),
			}, opt, pulumi.RetainOnDelete(true))
			if err != nil {
				return err
			}
			if _, err := awsapigateway.NewAccount(ctx, infra.AccountName, &awsapigateway.AccountArgs{CloudwatchRoleArn: role.Arn},
				opt, pulumi.RetainOnDelete(true), pulumi.DependsOn([]pulumi.Resource{logs})); err != nil {
				return err
			}
		}
		for _, api := range t.Apis {
			if err := bareApi(ctx, t, api, fns, opt); err != nil {
				return err
			}
		}
		return nil
	}
}

func bareApi(ctx *pulumi.Context, t *route.Table, api *route.Api, fns map[string]*lambda.Function, opt pulumi.ResourceOption) error {
	rest, err := awsapigateway.NewRestApi(ctx, api.Name, &awsapigateway.RestApiArgs{
		Name:                  pulumi.String(naming.Physical(t.App, t.Env, api.Name, 255)),
		EndpointConfiguration: &awsapigateway.RestApiEndpointConfigurationArgs{Types: pulumi.String(api.EndpointType)},
	}, opt)
	if err != nil {
		return err
	}
	ids := map[string]pulumi.StringOutput{"/": rest.RootResourceId}
	for _, rp := range api.Resources() {
		res, err := awsapigateway.NewResource(ctx, restapi.ResourceName(api.Name, rp.Path), &awsapigateway.ResourceArgs{
			RestApi: rest.ID(), ParentId: ids[rp.Parent], PathPart: pulumi.String(rp.Part),
		}, opt)
		if err != nil {
			return err
		}
		ids[rp.Path] = res.ID().ToStringOutput()
	}
	var deployed []pulumi.Resource
	for _, rt := range api.Routes {
		path := rt.Path.String()
		for _, m := range rt.Methods {
			name := restapi.MethodName(api.Name, m, path)
			method, err := awsapigateway.NewMethod(ctx, name, &awsapigateway.MethodArgs{
				RestApi: rest.ID(), ResourceId: ids[path], HttpMethod: pulumi.String(m), Authorization: pulumi.String("NONE"),
			}, opt)
			if err != nil {
				return err
			}
			integ, err := awsapigateway.NewIntegration(ctx, name, &awsapigateway.IntegrationArgs{
				RestApi: rest.ID(), ResourceId: ids[path], HttpMethod: method.HttpMethod, Type: pulumi.String("AWS_PROXY"),
				IntegrationHttpMethod: pulumi.String("POST"), Uri: fns[rt.Function.Name].InvokeArn,
			}, opt)
			if err != nil {
				return err
			}
			deployed = append(deployed, method, integ)
		}
	}
	seen := map[string]bool{}
	for _, rt := range api.Routes {
		fn := rt.Function.Name
		if seen[fn] {
			continue
		}
		seen[fn] = true
		if _, err := lambda.NewPermission(ctx, restapi.PermissionName(api.Name, fn), &lambda.PermissionArgs{
			Function: fns[fn].Name, Action: pulumi.String("lambda:InvokeFunction"),
			Principal: pulumi.String("apigateway.amazonaws.com"), SourceArn: pulumi.Sprintf("%s/*/*", rest.ExecutionArn),
			StatementIdPrefix: pulumi.String("apigateway-" + api.Name + "-"),
		}, opt); err != nil {
			return err
		}
	}
	dep, err := awsapigateway.NewDeployment(ctx, api.Name, &awsapigateway.DeploymentArgs{
		RestApi: rest.ID(), Triggers: pulumi.StringMap{"routes": pulumi.String(api.Fingerprint())},
	}, opt, pulumi.DependsOn(deployed))
	if err != nil {
		return err
	}
	stage, err := awsapigateway.NewStage(ctx, api.Name, &awsapigateway.StageArgs{
		RestApi: rest.ID(), Deployment: dep.ID(), StageName: pulumi.String(api.StageName),
	}, opt)
	if err != nil {
		return err
	}
	ctx.Export(infra.URLOutput(api.Name), stage.InvokeUrl)
	return nil
}
