package restapi

import (
	"fmt"
	"slices"
	"sort"
	"strings"

	"github.com/pulumi/pulumi-aws/sdk/v7/go/aws/apigateway"
	"github.com/pulumi/pulumi-aws/sdk/v7/go/aws/lambda"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/stelvio-go/stelvio/internal/authorizer"
	"github.com/stelvio-go/stelvio/internal/route"
)

// AuthorizerName is the logical name of an API's authorizer: "my-api:authorizer tokens".
func AuthorizerName(api, name string) string { return api + ":authorizer " + name }

// GatewayResponseName is the logical name of an API's gateway response of a type:
// "my-api:response DEFAULT_4XX".
func GatewayResponseName(api, responseType string) string { return api + ":response " + responseType }

// newAuthorizers creates the API's TOKEN, REQUEST and COGNITO_USER_POOLS authorizers (AWS_IAM needs
// none: it is a method's authorization type) and, for each Lambda authorizer, the permission for API
// Gateway to invoke its function as that authorizer.
// https://docs.aws.amazon.com/apigateway/latest/api/API_CreateAuthorizer.html
func newAuthorizers(ctx *pulumi.Context, args *RestApiArgs, rest *apigateway.RestApi, parent pulumi.ResourceOption) (map[*authorizer.Config]*apigateway.Authorizer, error) {
	api := args.Api
	out := map[*authorizer.Config]*apigateway.Authorizer{}
	for _, c := range api.Authorizers {
		if c.Kind == authorizer.KindIAM {
			continue
		}
		ttl := authorizer.DefaultTTL
		if c.TTL != nil {
			ttl = *c.TTL
		}
		a := &apigateway.AuthorizerArgs{
			Name:                         pulumi.String(c.Name),
			RestApi:                      rest.ID(),
			Type:                         pulumi.String(string(c.Kind)),
			IdentitySource:               pulumi.String(IdentitySource(c)),
			AuthorizerResultTtlInSeconds: pulumi.Int(ttl),
		}
		if c.ValidationExpression != "" {
			a.IdentityValidationExpression = pulumi.String(c.ValidationExpression)
		}
		var lam pulumi.StringOutput
		if c.Kind == authorizer.KindCognito {
			a.ProviderArns = pulumi.ToStringArray(c.ProviderARNs)
		} else {
			l := args.Functions[c.Function]
			if l == nil {
				return nil, fmt.Errorf("api %q: authorizer %q: function %q has no Lambda", api.Name, c.Name, c.Function)
			}
			a.AuthorizerUri = l.InvokeArn
			lam = l.Name
		}
		auth, err := apigateway.NewAuthorizer(ctx, AuthorizerName(api.Name, c.Name), a, parent)
		if err != nil {
			return nil, fmt.Errorf("api %q: authorizer %q: %w", api.Name, c.Name, err)
		}
		out[c] = auth
		if c.Kind == authorizer.KindCognito {
			continue
		}
		// API Gateway calls an authorizer's function as the authorizer, not as a method.
		// https://docs.aws.amazon.com/apigateway/latest/developerguide/apigateway-use-lambda-authorizer.html
		_, err = lambda.NewPermission(ctx, AuthorizerName(api.Name, c.Name), &lambda.PermissionArgs{
			Function:          lam,
			Action:            pulumi.String("lambda:InvokeFunction"),
			Principal:         pulumi.String("apigateway.amazonaws.com"),
			SourceArn:         pulumi.Sprintf("%s/authorizers/%s", rest.ExecutionArn, auth.ID()),
			StatementIdPrefix: pulumi.String(statementPrefix(api.Name)),
		}, parent)
		if err != nil {
			return nil, fmt.Errorf("api %q: permission for authorizer %q: %w", api.Name, c.Name, err)
		}
	}
	return out, nil
}

// IdentitySource is the identitySource of an authorizer: the token header of a TOKEN or Cognito
// authorizer ("method.request.header.Authorization"), the comma-separated identity sources of a
// REQUEST authorizer.
func IdentitySource(c *authorizer.Config) string {
	if c.Kind == authorizer.KindRequest {
		return strings.Join(c.IdentitySources, ",")
	}
	h := c.TokenHeader
	if h == "" {
		h = authorizer.DefaultTokenHeader
	}
	return "method.request.header." + h
}

// methodAuth sets a route's method authorization: NONE, CUSTOM (Lambda authorizers),
// COGNITO_USER_POOLS with its scopes, or AWS_IAM.
func methodAuth(m *apigateway.MethodArgs, rt *route.Route, auths map[*authorizer.Config]*apigateway.Authorizer) {
	m.Authorization = pulumi.String("NONE")
	if rt.Auth == nil {
		return
	}
	switch rt.Auth.Kind {
	case authorizer.KindIAM:
		m.Authorization = pulumi.String("AWS_IAM")
		return
	case authorizer.KindCognito:
		m.Authorization = pulumi.String("COGNITO_USER_POOLS")
		if len(rt.Scopes) > 0 {
			m.AuthorizationScopes = pulumi.ToStringArray(rt.Scopes)
		}
	default:
		m.Authorization = pulumi.String("CUSTOM")
	}
	m.AuthorizerId = auths[rt.Auth].ID()
}

// newCORS creates, for an API with CORS, an OPTIONS method on every path that has routes (no
// authorization, a MOCK integration answering 200 with the preflight headers) and the DEFAULT_4XX and
// DEFAULT_5XX gateway responses carrying the CORS headers. It returns what the deployment depends on.
// https://docs.aws.amazon.com/apigateway/latest/developerguide/how-to-cors.html
func newCORS(ctx *pulumi.Context, api *route.Api, rest *apigateway.RestApi, ids map[string]pulumi.StringOutput, parent pulumi.ResourceOption) ([]pulumi.Resource, error) {
	if api.CORS == nil {
		return nil, nil
	}
	var deployed []pulumi.Resource
	for _, p := range pathMethods(api) {
		pre := api.CORS.Preflight(p.methods)
		name := MethodName(api.Name, "OPTIONS", p.path)
		method, err := apigateway.NewMethod(ctx, name, &apigateway.MethodArgs{
			RestApi:       rest.ID(),
			ResourceId:    ids[p.path],
			HttpMethod:    pulumi.String("OPTIONS"),
			Authorization: pulumi.String("NONE"),
		}, parent)
		if err != nil {
			return nil, fmt.Errorf("api %q: method OPTIONS %s: %w", api.Name, p.path, err)
		}
		integ, err := apigateway.NewIntegration(ctx, name, &apigateway.IntegrationArgs{
			RestApi:          rest.ID(),
			ResourceId:       ids[p.path],
			HttpMethod:       method.HttpMethod,
			Type:             pulumi.String("MOCK"),
			RequestTemplates: pulumi.StringMap{"application/json": pulumi.String(`{"statusCode": 200}`)},
		}, parent)
		if err != nil {
			return nil, fmt.Errorf("api %q: integration OPTIONS %s: %w", api.Name, p.path, err)
		}
		declared, values := pulumi.BoolMap{}, pulumi.StringMap{}
		for name, v := range pre.Headers {
			if !strings.HasPrefix(name, "Access-Control-") {
				continue
			}
			declared["method.response.header."+name] = pulumi.Bool(true)
			values["method.response.header."+name] = pulumi.String("'" + v[0] + "'")
		}
		mresp, err := apigateway.NewMethodResponse(ctx, name, &apigateway.MethodResponseArgs{
			RestApi:            rest.ID(),
			ResourceId:         ids[p.path],
			HttpMethod:         method.HttpMethod,
			StatusCode:         pulumi.String("200"),
			ResponseModels:     pulumi.StringMap{"application/json": pulumi.String("Empty")},
			ResponseParameters: declared,
		}, parent)
		if err != nil {
			return nil, fmt.Errorf("api %q: method response OPTIONS %s: %w", api.Name, p.path, err)
		}
		iresp, err := apigateway.NewIntegrationResponse(ctx, name, &apigateway.IntegrationResponseArgs{
			RestApi:            rest.ID(),
			ResourceId:         ids[p.path],
			HttpMethod:         method.HttpMethod,
			StatusCode:         mresp.StatusCode,
			ResponseParameters: values,
		}, parent, pulumi.DependsOn([]pulumi.Resource{integ}))
		if err != nil {
			return nil, fmt.Errorf("api %q: integration response OPTIONS %s: %w", api.Name, p.path, err)
		}
		deployed = append(deployed, method, integ, mresp, iresp)
	}
	params := pulumi.StringMap{}
	for name, v := range api.CORS.GatewayResponseHeaders() {
		params["gatewayresponse.header."+name] = pulumi.String("'" + v[0] + "'")
	}
	for _, typ := range []string{"DEFAULT_4XX", "DEFAULT_5XX"} {
		resp, err := apigateway.NewResponse(ctx, GatewayResponseName(api.Name, typ), &apigateway.ResponseArgs{
			RestApiId:          rest.ID(),
			ResponseType:       pulumi.String(typ),
			ResponseParameters: params,
		}, parent)
		if err != nil {
			return nil, fmt.Errorf("api %q: gateway response %s: %w", api.Name, typ, err)
		}
		deployed = append(deployed, resp)
	}
	return deployed, nil
}

// pathMethod is a path that has routes, with the methods routed on it.
type pathMethod struct {
	path    string
	methods []string
}

// pathMethods lists the paths that have routes, in the order of their first route.
func pathMethods(api *route.Api) []pathMethod {
	var out []pathMethod
	index := map[string]int{}
	for _, rt := range api.Routes {
		p := rt.Path.String()
		i, ok := index[p]
		if !ok {
			i = len(out)
			index[p] = i
			out = append(out, pathMethod{path: p})
		}
		for _, m := range rt.Methods {
			if !slices.Contains(out[i].methods, m) {
				out[i].methods = append(out[i].methods, m)
			}
		}
	}
	for i := range out {
		sort.Strings(out[i].methods)
	}
	return out
}
