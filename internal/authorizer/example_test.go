package authorizer_test

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"

	"github.com/stelvio-go/stelvio/internal/authorizer"
	"github.com/stelvio-go/stelvio/internal/cors"
	"github.com/stelvio-go/stelvio/internal/runtimeapi"
)

// devRoute stands for the local server's matched route with its auth settings.
type devRoute struct {
	methods    []string // the methods of the route's path
	auth       *authorizer.Config
	scopes     []string
	resource   string
	pathParams map[string]string
}

// serve is how the local server wires both packages in, per request, after matching the route:
// preflight first (API Gateway's OPTIONS mock method has no authorizer), then the authorizer, then the
// handler with requestContext.authorizer; every answer the gateway makes itself gets the CORS
// gateway-response headers, the handler's response passes untouched.
func serve(w http.ResponseWriter, r *http.Request, rt devRoute, corsCfg *cors.Config, engine *authorizer.Engine,
	invoke authorizer.Invoker, handler func(authorizerCtx map[string]any) string) {
	if corsCfg != nil && r.Method == http.MethodOptions && !slices.Contains(rt.methods, "OPTIONS") {
		pre := corsCfg.Preflight(rt.methods)
		for k, v := range pre.Headers {
			w.Header()[k] = v
		}
		w.WriteHeader(pre.Status)
		return
	}
	var authCtx map[string]any
	if rt.auth != nil {
		body, _ := io.ReadAll(r.Body)
		res := engine.Authorize(r.Context(), rt.auth, &authorizer.Request{
			HTTP: r, Body: body, Resource: rt.resource, PathParameters: rt.pathParams, Scopes: rt.scopes,
			Region: "us-east-1", AccountID: "123456789012", APIID: "abc123defg", Stage: "v1",
		}, invoke)
		if res.Answer != nil {
			if corsCfg != nil {
				corsCfg.AddGatewayResponseHeaders(res.Answer.Headers)
			}
			res.Answer.Write(w)
			return
		}
		// The event's requestContext.authorizer (and, for AWS_IAM, requestContext.identity's
		// accessKey, accountId, caller, user, userArn from res.Identity).
		authCtx = res.Authorizer
	}
	fmt.Fprint(w, handler(authCtx))
}

// Example shows the local server's use of the engine and the CORS configuration.
func Example() {
	corsCfg := &cors.Config{AllowOrigins: []string{"https://app.example.com"}}
	engine := authorizer.NewEngine(authorizer.Options{})
	auth := &authorizer.Config{Name: "tokens", Kind: authorizer.KindToken, Function: "functions/auth"}
	// The invoker runs the authorizer's function on a worker; here a stand-in that allows "letmein".
	invoke := func(_ context.Context, function string, event []byte) ([]byte, error) {
		var ev struct{ AuthorizationToken, MethodArn string }
		json.Unmarshal(event, &ev)
		if ev.AuthorizationToken != "letmein" {
			return nil, &runtimeapi.FunctionError{Kind: runtimeapi.KindFunction, Type: "Exception", Message: "Unauthorized"}
		}
		return json.Marshal(map[string]any{
			"principalId":    "user-1",
			"policyDocument": map[string]any{"Statement": []any{map[string]any{"Effect": "Allow", "Action": "execute-api:Invoke", "Resource": ev.MethodArn}}},
			"context":        map[string]any{"plan": "pro", "seats": 3},
		})
	}
	rt := devRoute{methods: []string{"GET", "PUT"}, auth: auth, resource: "/users/{id}", pathParams: map[string]string{"id": "42"}}
	handler := func(a map[string]any) string {
		return fmt.Sprintf("hello %v (%v, %v seats)", a["principalId"], a["plan"], a["seats"])
	}

	for _, c := range []struct{ method, token string }{{"OPTIONS", ""}, {"GET", ""}, {"GET", "wrong"}, {"GET", "letmein"}} {
		r := httptest.NewRequest(c.method, "/users/42", nil)
		if c.token != "" {
			r.Header.Set("Authorization", c.token)
		}
		w := httptest.NewRecorder()
		serve(w, r, rt, corsCfg, engine, invoke, handler)
		fmt.Printf("%s %q -> %d %s | origin %s, methods %q, error type %q\n", c.method, c.token, w.Code,
			strings.TrimSpace(w.Body.String()), w.Header().Get("Access-Control-Allow-Origin"),
			w.Header().Get("Access-Control-Allow-Methods"), w.Header().Get("x-amzn-ErrorType"))
	}
	// Output:
	// OPTIONS "" -> 200  | origin https://app.example.com, methods "GET,OPTIONS,PUT", error type ""
	// GET "" -> 401 {"message":"Unauthorized"} | origin https://app.example.com, methods "", error type "UnauthorizedException"
	// GET "wrong" -> 401 {"message":"Unauthorized"} | origin https://app.example.com, methods "", error type "UnauthorizedException"
	// GET "letmein" -> 200 hello user-1 (pro, 3 seats) | origin , methods "", error type ""
}
