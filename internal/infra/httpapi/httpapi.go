// Package httpapi makes the AWS resources of an HTTP API (API Gateway v2) of the route table: the
// Api with its CORS configuration, a Lambda proxy integration (payload format 2.0) per function, a
// route per route key with its authorization, the authorizers, a $default stage that deploys every
// change and writes access logs, the permissions for API Gateway to call the functions, and the
// custom domain.
package httpapi

import (
	"errors"
	"fmt"

	"github.com/pulumi/pulumi-aws/sdk/v7/go/aws/apigatewayv2"
	"github.com/pulumi/pulumi-aws/sdk/v7/go/aws/cloudwatch"
	"github.com/pulumi/pulumi-aws/sdk/v7/go/aws/lambda"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/stelvio-go/stelvio/dns"
	"github.com/stelvio-go/stelvio/internal/infra/acm"
	"github.com/stelvio-go/stelvio/internal/infra/function"
	"github.com/stelvio-go/stelvio/internal/naming"
	"github.com/stelvio-go/stelvio/internal/route"
)

// HttpApiType is the Pulumi type of the HttpApi component.
const HttpApiType = "stelvio:apigatewayv2:HttpApi"

// HttpApiArgs are the inputs of NewHttpApi.
type HttpApiArgs struct {
	// App and Env make the physical names: "{app}-{env}-{api}".
	App, Env string
	Api      *route.HTTPApi
	// Functions are the app's Lambdas by function name; every function a route or authorizer of Api
	// runs must be there.
	Functions map[string]*function.Lambda
	// DNS creates the record of the API's custom domain; needed when Api.DomainName is set.
	DNS dns.Provider
}

// HttpApi is an HTTP API serving routes with Lambda functions.
type HttpApi struct {
	pulumi.ResourceState

	Api   *apigatewayv2.Api
	Stage *apigatewayv2.Stage
	Logs  *cloudwatch.LogGroup
	// Url is the $default stage's URL, https://{id}.execute-api.{region}.amazonaws.com/.
	Url pulumi.StringOutput
	// DomainUrl is "https://{domain}" when the API has a custom domain.
	DomainUrl pulumi.StringOutput
	// LinkUrl is the URL functions linked to the API get, without a trailing slash as a REST API's
	// link has none: DomainUrl when the API has a custom domain, else the API's endpoint
	// (apiEndpoint, https://{id}.execute-api.{region}.amazonaws.com), where the $default stage is
	// served with no stage path.
	LinkUrl pulumi.StringOutput
}

// Logical names of an API's children.

// IntegrationName is the logical name of the integration of function fn: "my-api:integration fn".
func IntegrationName(api, fn string) string { return api + ":integration " + fn }

// RouteName is the logical name of the route of a route key: "my-api:GET /users/{id}".
func RouteName(api, key string) string { return api + ":" + key }

// AuthorizerName is the logical name of an authorizer: "my-api:authorizer users".
func AuthorizerName(api, name string) string { return api + ":authorizer " + name }

// PermissionName is the logical name of the permission of api to invoke function fn: "my-api:fn".
func PermissionName(api, fn string) string { return api + ":" + fn }

// AccessLogFormat is the stage's access log line: one JSON object per request.
// https://docs.aws.amazon.com/apigateway/latest/developerguide/http-api-logging-variables.html
const AccessLogFormat = `{"requestId":"$context.requestId","ip":"$context.identity.sourceIp","requestTime":"$context.requestTime",` +
	`"httpMethod":"$context.httpMethod","routeKey":"$context.routeKey","status":"$context.status","protocol":"$context.protocol",` +
	`"responseLength":"$context.responseLength","integrationError":"$context.integrationErrorMessage","authorizerError":"$context.authorizer.error"}`

// LogRetentionDays is how long the access logs are kept.
const LogRetentionDays = 30

// NewHttpApi creates the resources of args.Api.
func NewHttpApi(ctx *pulumi.Context, name string, args *HttpApiArgs, opts ...pulumi.ResourceOption) (*HttpApi, error) {
	if args == nil || args.Api == nil {
		return nil, errors.New("http api: no api given")
	}
	api := args.Api
	for _, rt := range api.Routes {
		if rt.Function == nil || args.Functions[rt.Function.Name] == nil {
			return nil, fmt.Errorf("api %q: route %s has no Lambda", api.Name, rt.Key)
		}
	}
	for _, a := range api.Authorizers {
		if a.Kind == route.HTTPAuthRequest && (a.Function == nil || args.Functions[a.Function.Name] == nil) {
			return nil, fmt.Errorf("api %q: authorizer %q has no Lambda", api.Name, a.Name)
		}
	}
	if api.DomainName != "" && args.DNS == nil {
		return nil, fmt.Errorf("api %q: domain %s needs a DNS provider; create the app with stelvio.New(name, route53.Use(\"ZONE_ID\")) or cloudflare.Use(\"ZONE_ID\")", api.Name, api.DomainName)
	}
	h := &HttpApi{}
	if err := ctx.RegisterComponentResource(HttpApiType, name, h, opts...); err != nil {
		return nil, err
	}
	parent := pulumi.Parent(h)
	physical := naming.Physical(args.App, args.Env, api.Name, 128)

	apiArgs := &apigatewayv2.ApiArgs{Name: pulumi.String(physical), ProtocolType: pulumi.String("HTTP")}
	if c := api.CORS; c != nil {
		cors := &apigatewayv2.ApiCorsConfigurationArgs{AllowOrigins: pulumi.ToStringArray(c.AllowOrigins)}
		if len(c.AllowMethods) > 0 {
			cors.AllowMethods = pulumi.ToStringArray(c.AllowMethods)
		}
		if len(c.AllowHeaders) > 0 {
			cors.AllowHeaders = pulumi.ToStringArray(c.AllowHeaders)
		}
		if len(c.ExposeHeaders) > 0 {
			cors.ExposeHeaders = pulumi.ToStringArray(c.ExposeHeaders)
		}
		if c.MaxAge > 0 {
			cors.MaxAge = pulumi.Int(c.MaxAge)
		}
		if c.AllowCredentials {
			cors.AllowCredentials = pulumi.Bool(true)
		}
		apiArgs.CorsConfiguration = cors
	}
	v2, err := apigatewayv2.NewApi(ctx, api.Name, apiArgs, parent)
	if err != nil {
		return nil, fmt.Errorf("api %q: %w", api.Name, err)
	}
	h.Api = v2

	// Authorizers.
	authIDs := map[string]pulumi.StringOutput{}
	for _, a := range api.Authorizers {
		if a.Kind == route.HTTPAuthIAM {
			continue // a route's authorizationType, not a resource
		}
		aargs := &apigatewayv2.AuthorizerArgs{
			ApiId:           v2.ID(),
			Name:            pulumi.String(a.Name),
			AuthorizerType:  pulumi.String(a.Kind),
			IdentitySources: pulumi.ToStringArray(a.IdentitySources),
		}
		if a.Kind == route.HTTPAuthJWT {
			aargs.JwtConfiguration = &apigatewayv2.AuthorizerJwtConfigurationArgs{
				Issuer:    pulumi.String(a.Issuer),
				Audiences: pulumi.ToStringArray(a.Audience),
			}
		} else {
			lam := args.Functions[a.Function.Name]
			aargs.AuthorizerUri = lam.InvokeArn
			aargs.AuthorizerPayloadFormatVersion = pulumi.String("2.0")
			aargs.EnableSimpleResponses = pulumi.Bool(a.SimpleResponses)
			aargs.AuthorizerResultTtlInSeconds = pulumi.Int(a.TTL)
		}
		auth, err := apigatewayv2.NewAuthorizer(ctx, AuthorizerName(api.Name, a.Name), aargs, parent)
		if err != nil {
			return nil, fmt.Errorf("api %q: authorizer %q: %w", api.Name, a.Name, err)
		}
		authIDs[a.Name] = auth.ID().ToStringOutput()
		if a.Kind == route.HTTPAuthRequest {
			_, err := lambda.NewPermission(ctx, AuthorizerName(api.Name, a.Name), &lambda.PermissionArgs{
				Function:          args.Functions[a.Function.Name].Name,
				Action:            pulumi.String("lambda:InvokeFunction"),
				Principal:         pulumi.String("apigateway.amazonaws.com"),
				SourceArn:         pulumi.Sprintf("%s/authorizers/%s", v2.ExecutionArn, auth.ID()),
				StatementIdPrefix: pulumi.String(statementPrefix(api.Name)),
			}, parent)
			if err != nil {
				return nil, fmt.Errorf("api %q: permission for authorizer %q: %w", api.Name, a.Name, err)
			}
		}
	}

	// One integration and one permission per function, whatever the number of its routes.
	integrations := map[string]pulumi.IDOutput{}
	for _, rt := range api.Routes {
		fn := rt.Function.Name
		if _, ok := integrations[fn]; ok {
			continue
		}
		lam := args.Functions[fn]
		integ, err := apigatewayv2.NewIntegration(ctx, IntegrationName(api.Name, fn), &apigatewayv2.IntegrationArgs{
			ApiId:                v2.ID(),
			IntegrationType:      pulumi.String("AWS_PROXY"),
			IntegrationMethod:    pulumi.String("POST"),
			IntegrationUri:       lam.InvokeArn,
			PayloadFormatVersion: pulumi.String("2.0"),
			TimeoutMilliseconds:  pulumi.Int(route.HTTPIntegrationTimeout * 1000),
		}, parent)
		if err != nil {
			return nil, fmt.Errorf("api %q: integration of function %q: %w", api.Name, fn, err)
		}
		integrations[fn] = integ.ID()
		_, err = lambda.NewPermission(ctx, PermissionName(api.Name, fn), &lambda.PermissionArgs{
			Function:          lam.Name,
			Action:            pulumi.String("lambda:InvokeFunction"),
			Principal:         pulumi.String("apigateway.amazonaws.com"),
			SourceArn:         pulumi.Sprintf("%s/*/*", v2.ExecutionArn),
			StatementIdPrefix: pulumi.String(statementPrefix(api.Name)),
		}, parent)
		if err != nil {
			return nil, fmt.Errorf("api %q: permission for function %q: %w", api.Name, fn, err)
		}
	}

	for _, rt := range api.Routes {
		rargs := &apigatewayv2.RouteArgs{
			ApiId:             v2.ID(),
			RouteKey:          pulumi.String(rt.Key),
			Target:            pulumi.Sprintf("integrations/%s", integrations[rt.Function.Name]),
			AuthorizationType: pulumi.String("NONE"),
		}
		if a := rt.Auth; a != nil && a.Kind == route.HTTPAuthIAM {
			// "--authorization-type AWS_IAM", without an authorizer.
			// https://docs.aws.amazon.com/apigateway/latest/developerguide/http-api-access-control-iam.html
			rargs.AuthorizationType = pulumi.String(route.HTTPAuthIAM)
		} else if a != nil {
			rargs.AuthorizerId = authIDs[a.Name]
			if a.Kind == route.HTTPAuthJWT {
				rargs.AuthorizationType = pulumi.String("JWT")
				if len(rt.Scopes) > 0 {
					rargs.AuthorizationScopes = pulumi.ToStringArray(rt.Scopes)
				}
			} else {
				rargs.AuthorizationType = pulumi.String("CUSTOM")
			}
		}
		if _, err := apigatewayv2.NewRoute(ctx, RouteName(api.Name, rt.Key), rargs, parent); err != nil {
			return nil, fmt.Errorf("api %q: route %s: %w", api.Name, rt.Key, err)
		}
	}

	logs, err := cloudwatch.NewLogGroup(ctx, api.Name+":access-logs", &cloudwatch.LogGroupArgs{
		Name:            pulumi.String("/aws/apigateway/" + physical + "/access"),
		RetentionInDays: pulumi.Int(LogRetentionDays),
	}, parent)
	if err != nil {
		return nil, fmt.Errorf("api %q: access log group: %w", api.Name, err)
	}
	stage, err := apigatewayv2.NewStage(ctx, api.Name, &apigatewayv2.StageArgs{
		ApiId:      v2.ID(),
		Name:       pulumi.String("$default"),
		AutoDeploy: pulumi.Bool(true),
		AccessLogSettings: &apigatewayv2.StageAccessLogSettingsArgs{
			DestinationArn: logs.Arn,
			Format:         pulumi.String(AccessLogFormat),
		},
	}, parent)
	if err != nil {
		return nil, fmt.Errorf("api %q: stage: %w", api.Name, err)
	}
	h.Stage, h.Logs = stage, logs
	h.Url = pulumi.Sprintf("%s/", v2.ApiEndpoint)
	h.LinkUrl = v2.ApiEndpoint
	outputs := pulumi.Map{"url": h.Url}

	if api.DomainName != "" {
		if err := h.newDomain(ctx, args, parent); err != nil {
			return nil, fmt.Errorf("api %q: domain %s: %w", api.Name, api.DomainName, err)
		}
		outputs["domainUrl"] = h.DomainUrl
		h.LinkUrl = h.DomainUrl
	}
	if err := ctx.RegisterResourceOutputs(h, outputs); err != nil {
		return nil, err
	}
	return h, nil
}

// DomainResourceName is the logical name of an API's domain name; its certificate is
// "my-api:domain:certificate", its DNS record "my-api:domain:record" and its mapping
// "my-api:domain:mapping".
func DomainResourceName(api string) string { return api + ":domain" }

// newDomain serves the $default stage on the API's custom domain: a regional certificate validated
// with DNS, the regional API Gateway domain name with TLS 1.2, the API mapping and the DNS record.
func (h *HttpApi) newDomain(ctx *pulumi.Context, args *HttpApiArgs, opts ...pulumi.ResourceOption) error {
	api := args.Api
	name := DomainResourceName(api.Name)
	cert, err := acm.NewAcmValidatedDomain(ctx, name+":certificate", &acm.AcmValidatedDomainArgs{DomainName: api.DomainName, DNS: args.DNS}, opts...)
	if err != nil {
		return err
	}
	domain, err := apigatewayv2.NewDomainName(ctx, name, &apigatewayv2.DomainNameArgs{
		DomainName: pulumi.String(api.DomainName),
		DomainNameConfiguration: &apigatewayv2.DomainNameDomainNameConfigurationArgs{
			CertificateArn: cert.CertificateArn,
			EndpointType:   pulumi.String("REGIONAL"),
			SecurityPolicy: pulumi.String("TLS_1_2"),
		},
	}, opts...)
	if err != nil {
		return fmt.Errorf("api gateway domain name: %w", err)
	}
	if _, err := apigatewayv2.NewApiMapping(ctx, name+":mapping", &apigatewayv2.ApiMappingArgs{
		ApiId:      h.Api.ID(),
		DomainName: domain.ID(),
		Stage:      h.Stage.ID(),
	}, opts...); err != nil {
		return fmt.Errorf("api mapping: %w", err)
	}
	cfg := domain.DomainNameConfiguration
	if _, err := args.DNS.CreateRecord(ctx, name+":record", dns.Record{Name: pulumi.String(api.DomainName), Alias: &dns.Alias{
		Name:   cfg.TargetDomainName().Elem(),
		ZoneID: cfg.HostedZoneId().Elem(),
	}}, opts...); err != nil {
		return fmt.Errorf("dns record: %w", err)
	}
	h.DomainUrl = pulumi.Sprintf("https://%s", domain.DomainName)
	return nil
}

// statementPrefix starts the statement id of an API's permission on a function's policy; the provider
// completes it with a unique suffix.
func statementPrefix(api string) string {
	const max = 60 // statement ids are at most 100 characters; the suffix takes 26
	p := "apigatewayv2-" + api
	if len(p) > max {
		p = p[:max]
	}
	return p + "-"
}
