package restapi

import (
	"errors"
	"fmt"

	"github.com/pulumi/pulumi-aws/sdk/v7/go/aws"
	"github.com/pulumi/pulumi-aws/sdk/v7/go/aws/apigateway"
	"github.com/pulumi/pulumi-aws/sdk/v7/go/aws/lambda"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/stelvio-go/stelvio/dns"
	"github.com/stelvio-go/stelvio/internal/infra/function"
	"github.com/stelvio-go/stelvio/internal/naming"
	"github.com/stelvio-go/stelvio/internal/route"
)

// RestApiType is the Pulumi type of the RestApi component.
const RestApiType = "stelvio:apigateway:RestApi"

// RestApiArgs are the inputs of NewRestApi.
type RestApiArgs struct {
	// App and Env make the physical names: "{app}-{env}-{api}".
	App, Env string
	// Api is the API of the app's route table.
	Api *route.Api
	// Functions are the app's Lambdas by function name (route.Function.Name); every function a route of
	// Api calls must be there.
	Functions map[string]*function.Lambda
	// DNS creates the records of the API's custom domain (Api.DomainName): the app's DNS provider.
	DNS dns.Provider
	// USEast1 is an aws provider in us-east-1, where the certificate of an edge-optimized custom domain
	// must live; nil when the app has none.
	USEast1 *aws.Provider
}

// RestApi is a REST API (API Gateway v1) serving routes with Lambda functions, deployed to one stage.
type RestApi struct {
	pulumi.ResourceState

	Api        *apigateway.RestApi
	Deployment *apigateway.Deployment
	Stage      *apigateway.Stage

	// Url is the stage's invoke URL: https://{id}.execute-api.{region}.amazonaws.com/{stage}.
	Url pulumi.StringOutput
	// Domain serves the stage on the API's custom domain (Domain.Url); nil when the API has none.
	Domain *ApiDomain
}

// Logical names of an API's children. Each carries the API's name and the exact path, so two
// different paths ("/user-profiles" and "/user/profiles", "/users/{id}" and "/users/id") can never
// give the same name.

// ResourceName is the logical name of the apigateway.Resource of path: "my-api:/users/{id}".
func ResourceName(api, path string) string { return api + ":" + path }

// MethodName is the logical name of the Method and the Integration of method on path:
// "my-api:GET /users/{id}".
func MethodName(api, method, path string) string { return api + ":" + method + " " + path }

// PermissionName is the logical name of the permission of api to invoke function fn: "my-api:fn".
func PermissionName(api, fn string) string { return api + ":" + fn }

// NewRestApi creates an API's RestApi, a Resource per path, a Method and a Lambda proxy Integration per
// route and method, one permission per function to be invoked by the API, and a Deployment (replaced
// whenever the routes or their functions' configuration change) with its Stage.
func NewRestApi(ctx *pulumi.Context, name string, args *RestApiArgs, opts ...pulumi.ResourceOption) (*RestApi, error) {
	if args == nil || args.Api == nil {
		return nil, errors.New("rest api: no api given")
	}
	api := args.Api
	for _, rt := range api.Routes {
		if args.Functions[rt.Function.Name] == nil {
			return nil, fmt.Errorf("api %q: route %s: function %q has no Lambda", api.Name, rt, rt.Function.Name)
		}
	}
	if err := checkDomain(args); err != nil {
		return nil, err
	}
	r := &RestApi{}
	if err := ctx.RegisterComponentResource(RestApiType, name, r, opts...); err != nil {
		return nil, err
	}
	parent := pulumi.Parent(r)

	restArgs := &apigateway.RestApiArgs{
		Name:                  pulumi.String(naming.Physical(args.App, args.Env, api.Name, 255)),
		EndpointConfiguration: &apigateway.RestApiEndpointConfigurationArgs{Types: pulumi.String(api.EndpointType)},
	}
	if len(api.BinaryMediaTypes) > 0 {
		restArgs.BinaryMediaTypes = pulumi.ToStringArray(api.BinaryMediaTypes)
	}
	rest, err := apigateway.NewRestApi(ctx, api.Name, restArgs, parent)
	if err != nil {
		return nil, fmt.Errorf("api %q: %w", api.Name, err)
	}
	r.Api = rest

	// Resources, parents first; the root "/" is the API's own root resource.
	ids := map[string]pulumi.StringOutput{"/": rest.RootResourceId}
	for _, rp := range api.Resources() {
		res, err := apigateway.NewResource(ctx, ResourceName(api.Name, rp.Path), &apigateway.ResourceArgs{
			RestApi:  rest.ID(),
			ParentId: ids[rp.Parent],
			PathPart: pulumi.String(rp.Part),
		}, parent)
		if err != nil {
			return nil, fmt.Errorf("api %q: resource %s: %w", api.Name, rp.Path, err)
		}
		ids[rp.Path] = res.ID().ToStringOutput()
	}

	// Authorizers and CORS: auth.go.
	auths, err := newAuthorizers(ctx, args, rest, parent)
	if err != nil {
		return nil, err
	}

	var deployed []pulumi.Resource
	for _, rt := range api.Routes {
		lam := args.Functions[rt.Function.Name]
		path := rt.Path.String()
		for _, m := range rt.Methods {
			mname := MethodName(api.Name, m, path)
			margs := &apigateway.MethodArgs{
				RestApi:    rest.ID(),
				ResourceId: ids[path],
				HttpMethod: pulumi.String(m),
			}
			methodAuth(margs, rt, auths)
			method, err := apigateway.NewMethod(ctx, mname, margs, parent)
			if err != nil {
				return nil, fmt.Errorf("api %q: method %s %s: %w", api.Name, m, path, err)
			}
			integ, err := apigateway.NewIntegration(ctx, mname, &apigateway.IntegrationArgs{
				RestApi:               rest.ID(),
				ResourceId:            ids[path],
				HttpMethod:            method.HttpMethod,
				Type:                  pulumi.String("AWS_PROXY"),
				IntegrationHttpMethod: pulumi.String("POST"),
				Uri:                   lam.InvokeArn,
			}, parent)
			if err != nil {
				return nil, fmt.Errorf("api %q: integration %s %s: %w", api.Name, m, path, err)
			}
			deployed = append(deployed, method, integ)
		}
	}
	corsRes, err := newCORS(ctx, api, rest, ids, parent)
	if err != nil {
		return nil, err
	}
	deployed = append(deployed, corsRes...)

	// One permission per function, whatever the number of its routes: a function's resource policy is
	// limited to 20 KB.
	seen := map[string]bool{}
	for _, rt := range api.Routes {
		fn := rt.Function.Name
		if seen[fn] {
			continue
		}
		seen[fn] = true
		_, err := lambda.NewPermission(ctx, PermissionName(api.Name, fn), &lambda.PermissionArgs{
			Function:          args.Functions[fn].Name,
			Action:            pulumi.String("lambda:InvokeFunction"),
			Principal:         pulumi.String("apigateway.amazonaws.com"),
			SourceArn:         pulumi.Sprintf("%s/*/*", rest.ExecutionArn),
			StatementIdPrefix: pulumi.String(statementPrefix(api.Name)),
		}, parent)
		if err != nil {
			return nil, fmt.Errorf("api %q: permission for function %q: %w", api.Name, fn, err)
		}
	}

	dep, err := apigateway.NewDeployment(ctx, api.Name, &apigateway.DeploymentArgs{
		RestApi: rest.ID(),
		// A new fingerprint replaces the deployment, and the stage moves to the new one.
		Triggers: pulumi.StringMap{"routes": pulumi.String(api.Fingerprint())},
	}, parent, pulumi.DependsOn(deployed))
	if err != nil {
		return nil, fmt.Errorf("api %q: deployment: %w", api.Name, err)
	}
	stage, err := apigateway.NewStage(ctx, api.Name, &apigateway.StageArgs{
		RestApi:    rest.ID(),
		Deployment: dep.ID(),
		StageName:  pulumi.String(api.StageName),
	}, parent)
	if err != nil {
		return nil, fmt.Errorf("api %q: stage: %w", api.Name, err)
	}
	r.Deployment, r.Stage, r.Url = dep, stage, stage.InvokeUrl

	if api.DomainName != "" {
		if err := r.newDomain(ctx, name, args, parent); err != nil {
			return nil, fmt.Errorf("api %q: domain %s: %w", api.Name, api.DomainName, err)
		}
	}

	if err := ctx.RegisterResourceOutputs(r, pulumi.Map{"url": r.Url}); err != nil {
		return nil, err
	}
	return r, nil
}

// statementPrefix starts the statement id of an API's permission on a function's policy; the provider
// completes it with a unique suffix, so a replaced permission never clashes with the one it replaces.
func statementPrefix(api string) string {
	const max = 60 // statement ids are at most 100 characters; the suffix takes 26
	p := "apigateway-" + api
	if len(p) > max {
		p = p[:max]
	}
	return p + "-"
}
