package infra_test

import (
	"strings"
	"testing"

	"github.com/stelvio-go/stelvio"
	"github.com/stelvio-go/stelvio/aws/apigateway"
)

// TestHTTPApiFunctions: the routes of an HTTP API whose handlers are in one Python file or one Go
// package are one Lambda function with the generated router as its handler, one apigatewayv2
// integration (payload format 2.0) and one permission, and each route key targets its function's
// integration; a function of one route calls its handler directly.
// https://docs.aws.amazon.com/apigateway/latest/developerguide/http-api-develop-integrations-lambda.html
func TestHTTPApiFunctions(t *testing.T) {
	pl := planOf(t, func(ctx *stelvio.Context) error {
		api := apigateway.NewHTTP(ctx, "web")
		api.Route("GET", "/users", "functions/users.index")
		api.Route("GET", "/users/{id}", "functions/users.get")
		api.Route("POST", "/users", "functions/users.create")
		api.Route("GET", "/hello", "functions/hello.Hello")
		api.Route("ANY", "/hello/{proxy+}", "functions/hello.Any")
		api.Route("ANY", apigateway.DefaultRoute, "functions/orders.index")
		return nil
	})
	handlers := map[string]string{
		"functions-users":  "stelvio_router.handler",
		"functions-hello":  "bootstrap",
		"functions-orders": "orders.index",
	}
	if got := names(pl.OfType(tFunction)); strings.Join(got, ",") != "functions-hello,functions-orders,functions-users" {
		t.Errorf("functions %q", got)
	}
	for fn, handler := range handlers {
		if got := str(find(t, pl, tFunction, fn), "handler"); got != handler {
			t.Errorf("function %s: handler %q, want %q", fn, got, handler)
		}
	}

	const tV2Integration, tV2Route = "aws:apigatewayv2/integration:Integration", "aws:apigatewayv2/route:Route"
	if got := names(pl.OfType(tV2Integration)); strings.Join(got, ",") != "web:integration functions-hello,web:integration functions-orders,web:integration functions-users" {
		t.Errorf("integrations %q, want one per function", got)
	}
	for fn := range handlers {
		in := find(t, pl, tV2Integration, "web:integration "+fn)
		if str(in, "integrationUri") != invokeArn("shop-test-"+fn) || str(in, "payloadFormatVersion") != "2.0" || str(in, "integrationType") != "AWS_PROXY" {
			t.Errorf("integration of %s: %v", fn, in.Inputs)
		}
	}
	routes := map[string]string{
		"GET /users":          "functions-users",
		"GET /users/{id}":     "functions-users",
		"POST /users":         "functions-users",
		"GET /hello":          "functions-hello",
		"ANY /hello/{proxy+}": "functions-hello",
		"$default":            "functions-orders",
	}
	if got := len(pl.OfType(tV2Route)); got != len(routes) {
		t.Errorf("%d routes, want %d", got, len(routes))
	}
	for key, fn := range routes {
		r := find(t, pl, tV2Route, "web:"+key)
		if want := "integrations/<Integration web:integration " + fn + " id>"; str(r, "routeKey") != key || str(r, "target") != want {
			t.Errorf("route %s: routeKey %q, target %q; want %q", key, str(r, "routeKey"), str(r, "target"), want)
		}
	}
	if got := strings.Join(names(pl.OfType(tPermission)), ","); got != "web:functions-hello,web:functions-orders,web:functions-users" {
		t.Errorf("permissions %s, want one per function", got)
	}
}
