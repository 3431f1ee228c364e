package restapi_test

import (
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	lambdafn "github.com/stelvio-go/stelvio/internal/infra/function"
	"github.com/stelvio-go/stelvio/internal/infra/restapi"
	"github.com/stelvio-go/stelvio/internal/resourcetest"
	"github.com/stelvio-go/stelvio/internal/route"
)

// TestAnyBesideMethods: ANY and GET on one resource are two Methods of that resource, each integrated
// with its own function; API Gateway sends GET to the GET method and every other method to ANY
// (https://docs.aws.amazon.com/apigateway/latest/developerguide/api-gateway-swagger-extensions-any-method.html:
// ANY "can exist alongside other Operation objects and will catch any HTTP method that wasn't
// explicitly declared").
func TestAnyBesideMethods(t *testing.T) {
	p, err := route.ParsePath("/x")
	if err != nil {
		t.Fatal(err)
	}
	anyFn := &route.Function{Name: "any", RuntimeID: "python3.12", Memory: 128, Timeout: 30, Architecture: "x86_64"}
	getFn := &route.Function{Name: "get", RuntimeID: "python3.12", Memory: 128, Timeout: 30, Architecture: "x86_64"}
	api := &route.Api{Name: "api", StageName: "v1", EndpointType: "REGIONAL"}
	api.Routes = []*route.Route{
		{Api: api, Methods: []string{"ANY"}, Path: p, Function: anyFn},
		{Api: api, Methods: []string{"GET"}, Path: p, Function: getFn},
	}
	anyFn.Routes, getFn.Routes = api.Routes[:1], api.Routes[1:]
	m := &resourcetest.Mocks{Outputs: func(typ, name string, in resource.PropertyMap) resource.PropertyMap {
		switch typ {
		case "aws:lambda/function:Function":
			return resource.NewPropertyMapFromMap(map[string]any{"invokeArn": "invoke:" + name, "name": "todo-prod-" + name})
		case "aws:apigateway/restApi:RestApi":
			return resource.NewPropertyMapFromMap(map[string]any{"executionArn": "arn:aws:execute-api:eu-west-1:123456789012:api-id", "rootResourceId": "root-id"})
		}
		return nil
	}}
	err = m.Run(func(ctx *pulumi.Context) error {
		lambdas := map[string]*lambdafn.Lambda{}
		for _, fn := range []*route.Function{anyFn, getFn} {
			l, err := lambdafn.NewLambda(ctx, fn.Name, &lambdafn.LambdaArgs{App: "todo", Env: "prod", Function: fn, Code: "pkg.zip", CodeHash: "h", Handler: "h.h"})
			if err != nil {
				return err
			}
			lambdas[fn.Name] = l
		}
		_, err := restapi.NewRestApi(ctx, "api", &restapi.RestApiArgs{App: "todo", Env: "prod", Api: api, Functions: lambdas})
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	for _, tt := range []struct{ method, fn string }{{"ANY", "any"}, {"GET", "get"}} {
		name := "api:" + tt.method + " /x"
		method := m.Find(t, "aws:apigateway/method:Method", name)
		integ := m.Find(t, "aws:apigateway/integration:Integration", name)
		for _, c := range []struct{ what, got, want string }{
			{"method httpMethod", method.Input("httpMethod"), tt.method},
			{"method resourceId", method.Input("resourceId"), "api:/x-id"},
			{"integration httpMethod", integ.Input("httpMethod"), tt.method},
			{"integration resourceId", integ.Input("resourceId"), "api:/x-id"},
			{"integration uri", integ.Input("uri"), "invoke:" + tt.fn},
			{"integration type", integ.Input("type"), "AWS_PROXY"},
		} {
			if c.got != c.want {
				t.Errorf("%s: %s = %q, want %q", name, c.what, c.got, c.want)
			}
		}
	}
	n := 0
	for _, r := range m.Resources() {
		if r.Type == "aws:apigateway/method:Method" {
			n++
		}
	}
	if n != 2 {
		t.Errorf("%d methods, want 2 (ANY and GET on /x)", n)
	}
}
