package golang

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stelvio-go/stelvio/internal/authorizer"
	"github.com/stelvio-go/stelvio/internal/route"
	"github.com/stelvio-go/stelvio/internal/runtime"
	"github.com/stelvio-go/stelvio/internal/runtime/runtimetest"
)

// sharedTypes is a package of the module other than the handlers': aliases of the event types and a
// type defined from one, which handlers of any package may use.
const sharedTypes = `package shared

import "github.com/aws/aws-lambda-go/events"

type (
	Request    = events.APIGatewayProxyRequest
	Response   = events.APIGatewayProxyResponse
	HTTPEvent  = events.APIGatewayV2HTTPRequest
	HTTPResult = events.APIGatewayV2HTTPResponse
	Token      = events.APIGatewayCustomAuthorizerRequest
	Policy     = events.APIGatewayCustomAuthorizerResponse
	Records    = events.DynamoDBEvent
	Own        events.APIGatewayProxyRequest
)
`

// typedHandlers declares handlers of every kind with aliases, defined types and raw events, in
// package functions/typed; each function sits on a line of its own, found by lineOf.
const typedHandlers = `package typed

import (
	"context"
	"encoding/json"

	lambdaevents "github.com/aws/aws-lambda-go/events"

	"example.com/app/shared"
)

type (
	Req     = lambdaevents.APIGatewayProxyRequest
	Resp    = lambdaevents.APIGatewayProxyResponse
	Chained = Req
	Ctx     = context.Context
	Err     = error
	Defined lambdaevents.APIGatewayProxyRequest
	result  lambdaevents.APIGatewayProxyResponse
	Twice   Defined
	OfAlias shared.Request
	Raw     json.RawMessage
	MyCtx   context.Context
	Body    struct{ Body string }
	V2      = lambdaevents.APIGatewayV2HTTPRequest
	V2Own   lambdaevents.APIGatewayV2HTTPRequest
	Stream  lambdaevents.DynamoDBEvent
)

func Alias(ctx context.Context, r Req) (Resp, error) { return Resp{}, nil }
func Other(r shared.Request) (shared.Response, error) { return shared.Response{}, nil }
func Chain(ctx Ctx, r Chained) (Resp, Err) { return Resp{}, nil }
func Def(ctx context.Context, r Defined) (result, error) { return result{}, nil }
func DefTwice(r Twice) (Resp, error) { return Resp{}, nil }
func DefOfAlias(r OfAlias) (Resp, error) { return Resp{}, nil }
func DefOther(r shared.Own) (Resp, error) { return Resp{}, nil }
func Any(ctx context.Context, e any) (Resp, error) { return Resp{}, nil }
func Iface(e interface{}) (Resp, error) { return Resp{}, nil }
func RawMsg(ctx context.Context, e json.RawMessage) (Resp, error) { return Resp{}, nil }
func DefRaw(e Raw) (Resp, error) { return Resp{}, nil }
func Str(ctx context.Context, s string) (Resp, error) { return Resp{}, nil }
func OwnStruct(b Body) (Resp, error) { return Resp{}, nil }
func DefCtx(ctx MyCtx, r Req) (Resp, error) { return Resp{}, nil }
func AliasV2(ctx context.Context, r V2) (Resp, error) { return Resp{}, nil }
func HTTPAlias(ctx Ctx, r shared.HTTPEvent) (shared.HTTPResult, error) { return shared.HTTPResult{}, nil }
func HTTPDef(r V2Own) (map[string]string, error) { return nil, nil }
func HTTPProxy(r Req) (Resp, error) { return Resp{}, nil }
func TokenAlias(ctx context.Context, r shared.Token) (shared.Policy, Err) { return shared.Policy{}, nil }
func TokenProxy(r Req) (shared.Policy, error) { return shared.Policy{}, nil }
func Subscriber(ctx Ctx, e shared.Records) Err { return nil }
func SubscriberDef(e Stream) error { return nil }
func SubscriberAny(ctx context.Context, e any) error { return nil }
func SubscriberResp(e shared.Records) (Resp, error) { return Resp{}, nil }
`

// lineOf is the line of the declaration of function name in typedHandlers.
func lineOf(t *testing.T, name string) int {
	t.Helper()
	for i, l := range strings.Split(typedHandlers, "\n") {
		if strings.HasPrefix(l, "func "+name+"(") {
			return i + 1
		}
	}
	t.Fatalf("no function %s", name)
	return 0
}

// TestCheckTypes: a handler's types are compared as Go compares them, aliases followed wherever in the
// module they are declared (type Req = events.APIGatewayProxyRequest is that type). aws-lambda-go's
// lambda.Start accepts any TIn and decodes the event's JSON into it
// (https://pkg.go.dev/github.com/aws/aws-lambda-go/lambda#Start), so a type defined from the event
// type (the same fields) is accepted, and so are an empty interface and json.RawMessage for a
// function of one route, which lambda.Start runs as it is. Types the event does not decode into as
// into the event type stay rejected: a string, a struct of one's own, a type defined from
// json.RawMessage (it loses RawMessage's UnmarshalJSON), and a context of a defined type.
func TestCheckTypes(t *testing.T) {
	dir := goProject(t, map[string]string{
		"functions/typed/typed.go": typedHandlers,
		"shared/shared.go":         sharedTypes,
	})
	const (
		rest  = `aws-lambda-go accepts func([context.Context][, TIn]) [error | (TOut, error)]; an API route's handler takes TIn events.APIGatewayProxyRequest and returns (events.APIGatewayProxyResponse, error): write "func %[1]s(ctx context.Context, req events.APIGatewayProxyRequest) (events.APIGatewayProxyResponse, error)" (the context is optional; events is github.com/aws/aws-lambda-go/events)`
		http  = `aws-lambda-go accepts func([context.Context][, TIn]) [error | (TOut, error)]; an HTTP API route's handler takes TIn events.APIGatewayV2HTTPRequest and returns (events.APIGatewayV2HTTPResponse, error): write "func %[1]s(ctx context.Context, req events.APIGatewayV2HTTPRequest) (events.APIGatewayV2HTTPResponse, error)" (the context is optional; events is github.com/aws/aws-lambda-go/events)`
		token = `aws-lambda-go accepts func([context.Context][, TIn]) [error | (TOut, error)]; a TOKEN authorizer takes TIn events.APIGatewayCustomAuthorizerRequest and returns (events.APIGatewayCustomAuthorizerResponse, error): write "func %[1]s(ctx context.Context, req events.APIGatewayCustomAuthorizerRequest) (events.APIGatewayCustomAuthorizerResponse, error)" (the context is optional; events is github.com/aws/aws-lambda-go/events)`
		sub   = `aws-lambda-go accepts func([context.Context][, TIn]) [error | (TOut, error)]; a table subscriber takes TIn events.DynamoDBEvent and returns error: write "func %[1]s(ctx context.Context, e events.DynamoDBEvent) error" (the context is optional; events is github.com/aws/aws-lambda-go/events)`
		noIn  = "it does not take events.APIGatewayProxyRequest (after an optional context.Context)"
	)
	restFn := func(t *testing.T, name string) *route.Function { return goFunction(t, "functions/typed", name) }
	httpFn := func(t *testing.T, name string) *route.Function {
		fn := goFunction(t, "functions/typed")
		fn.Instance, fn.Entry.Func = true, name
		fn.HTTPRoutes = []*route.HTTPRoute{{Key: "GET /x", Function: fn, Target: fn.Entry}}
		return fn
	}
	tokenFn := func(t *testing.T, name string) *route.Function {
		fn := goFunction(t, "functions/typed")
		fn.Instance, fn.Entry.Func = true, name
		fn.Authorizer = &authorizer.Config{Name: "a", Kind: authorizer.KindToken}
		return fn
	}
	subFn := func(t *testing.T, name string) *route.Function {
		fn := goFunction(t, "functions/typed")
		fn.Instance, fn.Entry.Func = true, name
		fn.Subscription = &route.Subscription{Name: "audit", Function: fn, BatchSize: 100}
		return fn
	}
	for _, tt := range []struct {
		name, kind string
		fn         func(*testing.T, string) *route.Function
		// sig and why make the expected message; "" when the handler is accepted.
		sig, why, accepts string
		convert           bool
	}{
		{name: "Alias", kind: "rest", fn: restFn},
		{name: "Other", kind: "rest", fn: restFn},
		{name: "Chain", kind: "rest", fn: restFn},
		{name: "Def", kind: "rest", fn: restFn, convert: true},
		{name: "DefTwice", kind: "rest", fn: restFn, convert: true},
		{name: "DefOfAlias", kind: "rest", fn: restFn, convert: true},
		{name: "DefOther", kind: "rest", fn: restFn, convert: true},
		{name: "Any", kind: "rest", fn: restFn},
		{name: "Iface", kind: "rest", fn: restFn},
		{name: "RawMsg", kind: "rest", fn: restFn},
		{name: "DefRaw", kind: "rest", fn: restFn, sig: "func(e Raw) (Resp, error)", why: noIn, accepts: rest},
		{name: "Str", kind: "rest", fn: restFn, sig: "func(ctx context.Context, s string) (Resp, error)", why: noIn, accepts: rest},
		{name: "OwnStruct", kind: "rest", fn: restFn, sig: "func(b Body) (Resp, error)", why: noIn, accepts: rest},
		{name: "DefCtx", kind: "rest", fn: restFn, sig: "func(ctx MyCtx, r Req) (Resp, error)", why: noIn, accepts: rest},
		{name: "AliasV2", kind: "rest", fn: restFn, sig: "func(ctx context.Context, r V2) (Resp, error)",
			why: "a REST API sends the proxy event of payload format 1.0, events.APIGatewayProxyRequest, not an HTTP API's events.APIGatewayV2HTTPRequest", accepts: rest},
		{name: "HTTPAlias", kind: "http", fn: httpFn},
		{name: "HTTPDef", kind: "http", fn: httpFn, convert: true},
		{name: "HTTPProxy", kind: "http", fn: httpFn, sig: "func(r Req) (Resp, error)",
			why: "it does not take events.APIGatewayV2HTTPRequest (after an optional context.Context)", accepts: http},
		{name: "TokenAlias", kind: "token", fn: tokenFn},
		{name: "TokenProxy", kind: "token", fn: tokenFn, sig: "func(r Req) (shared.Policy, error)",
			why: "it does not take events.APIGatewayCustomAuthorizerRequest (after an optional context.Context)", accepts: token},
		{name: "Subscriber", kind: "subscriber", fn: subFn},
		{name: "SubscriberDef", kind: "subscriber", fn: subFn, convert: true},
		{name: "SubscriberAny", kind: "subscriber", fn: subFn},
		{name: "SubscriberResp", kind: "subscriber", fn: subFn, sig: "func(e shared.Records) (Resp, error)", why: "it does not return error", accepts: sub},
	} {
		t.Run(tt.kind+" "+tt.name, func(t *testing.T) {
			fn := tt.fn(t, tt.name)
			want := ""
			if tt.sig != "" {
				want = fmt.Sprintf("functions/typed/typed.go:%d: %s has the signature %s; %s. %s",
					lineOf(t, tt.name), tt.name, tt.sig, tt.why, fmt.Sprintf(tt.accepts, tt.name))
			}
			var got []string
			for _, p := range runtime.Problems(fn, New().Check(context.Background(), dir, fn)) {
				got = append(got, p.Message)
			}
			if strings.Join(got, "\n") != want {
				t.Errorf("problems:\n%s\nwant:\n%s", strings.Join(got, "\n"), want)
			}
			if want != "" {
				return
			}
			funcs, err := inspect(dir, fn)
			if err != nil {
				t.Fatal(err)
			}
			if h := funcs[tt.name]; h.convert != tt.convert {
				t.Errorf("convert = %v, want %v", h.convert, tt.convert)
			}
		})
	}
}

// TestCheckRawEventRouter: a function of several routes runs one router that decodes the event into
// events.APIGatewayProxyRequest and passes it on, so a handler taking the raw event (an empty
// interface, json.RawMessage) cannot be one of its routes: the message says why.
func TestCheckRawEventRouter(t *testing.T) {
	dir := goProject(t, map[string]string{
		"functions/typed/typed.go": typedHandlers,
		"shared/shared.go":         sharedTypes,
	})
	fn := goFunction(t, "functions/typed", "Alias", "RawMsg", "Any")
	const accepts = `aws-lambda-go accepts func([context.Context][, TIn]) [error | (TOut, error)]; an API route's handler takes TIn events.APIGatewayProxyRequest and returns (events.APIGatewayProxyResponse, error): write "func %[1]s(ctx context.Context, req events.APIGatewayProxyRequest) (events.APIGatewayProxyResponse, error)" (the context is optional; events is github.com/aws/aws-lambda-go/events)`
	want := []string{
		fmt.Sprintf("route GET /r1: functions/typed/typed.go:%d: RawMsg has the signature func(ctx context.Context, e json.RawMessage) (Resp, error); it takes json.RawMessage, which only the handler of a function with one route may take: the routes of this function share one router, which passes each handler the decoded events.APIGatewayProxyRequest. ", lineOf(t, "RawMsg")) + fmt.Sprintf(accepts, "RawMsg"),
		fmt.Sprintf("route GET /r2: functions/typed/typed.go:%d: Any has the signature func(ctx context.Context, e any) (Resp, error); it takes any, which only the handler of a function with one route may take: the routes of this function share one router, which passes each handler the decoded events.APIGatewayProxyRequest. ", lineOf(t, "Any")) + fmt.Sprintf(accepts, "Any"),
	}
	var got []string
	for _, p := range runtime.Problems(fn, New().Check(context.Background(), dir, fn)) {
		got = append(got, p.String())
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("problems:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}

// TestRouterConvertsDefinedTypes builds a function of several routes whose handlers take and return
// aliases and types defined from the event types, and invokes it under the Runtime API: the router
// converts the event to each handler's type and its result back, so every route answers; the
// generated main matches its golden file.
func TestRouterConvertsDefinedTypes(t *testing.T) {
	const src = `package typed

import (
	"context"
	"encoding/json"

	"github.com/aws/aws-lambda-go/events"

	"example.com/app/shared"
)

type (
	Req    = events.APIGatewayProxyRequest
	own    events.APIGatewayProxyRequest
	result events.APIGatewayProxyResponse
)

func answer(name, resource string) events.APIGatewayProxyResponse {
	body, _ := json.Marshal(map[string]string{"function": name, "message": resource})
	return events.APIGatewayProxyResponse{StatusCode: 200, Body: string(body)}
}

func Alias(ctx context.Context, r Req) (shared.Response, error) { return answer("Alias", r.Resource), nil }
func Def(ctx context.Context, r own) (result, error) { return result(answer("Def", r.Resource)), nil }
func DefOther(r shared.Own) (events.APIGatewayProxyResponse, error) { return answer("DefOther", r.Resource), nil }
`
	dir := goProject(t, map[string]string{"functions/typed/typed.go": src, "shared/shared.go": sharedTypes})
	fn := hostArch(goFunction(t, "functions/typed", "Alias", "Def", "DefOther"))
	rt := New()
	ctx := context.Background()
	if err := rt.Check(ctx, dir, fn); err != nil {
		t.Fatal(err)
	}
	checkGolden(t, dir, fn, "functions-typed.main.go.golden")
	pkg, err := rt.Package(ctx, dir, fn)
	if err != nil {
		t.Fatal(err)
	}
	code := runtimetest.Unzip(t, pkg.Path)
	pool := runtimetest.Pool(t, fn.Name, []string{filepath.Join(code, "bootstrap")}, code, pkg.Handler, nil)
	for i, name := range []string{"Alias", "Def", "DefOther"} {
		res := fmt.Sprintf("/r%d", i)
		got := runtimetest.Invoke(t, pool, runtimetest.Event(t, "GET", res, nil))
		if got.Status != 200 || got.Function != name || got.Message != res {
			t.Errorf("GET %s = %d %q %q, want 200 %q %q", res, got.Status, got.Function, got.Message, name, res)
		}
	}
}

// TestHTTPRouterConvertsDefinedTypes: the router of an HTTP API function converts the payload format
// 2.0 event to a handler's type defined from events.APIGatewayV2HTTPRequest, and passes results on as
// they are; the generated main matches its golden file.
func TestHTTPRouterConvertsDefinedTypes(t *testing.T) {
	const src = `package web

import (
	"context"
	"encoding/json"

	"github.com/aws/aws-lambda-go/events"

	"example.com/app/shared"
)

type own events.APIGatewayV2HTTPRequest

func answer(name, key string) events.APIGatewayV2HTTPResponse {
	body, _ := json.Marshal(map[string]string{"function": name, "message": key})
	return events.APIGatewayV2HTTPResponse{StatusCode: 200, Body: string(body)}
}

func Alias(ctx context.Context, r shared.HTTPEvent) (shared.HTTPResult, error) { return answer("Alias", r.RouteKey), nil }
func Def(ctx context.Context, r own) (events.APIGatewayV2HTTPResponse, error) { return answer("Def", r.RouteKey), nil }
func DefNoContext(r own) (events.APIGatewayV2HTTPResponse, error) { return answer("DefNoContext", r.RouteKey), nil }
`
	dir := goProject(t, map[string]string{"functions/web/web.go": src, "shared/shared.go": sharedTypes})
	keys := map[string]string{"GET /alias": "Alias", "GET /def": "Def", "GET /plain": "DefNoContext"}
	var decls []*route.HTTPRouteDecl
	for _, key := range []string{"GET /alias", "GET /def", "GET /plain"} {
		decls = append(decls, runtimetest.HTTPRoute(t, key, "functions/web."+keys[key]))
	}
	table := runtimetest.Table(t, dir, &route.Decls{HTTPApis: []*route.HTTPApiDecl{{Name: "web", Routes: decls}}})
	fn := hostArch(runtimetest.Function(t, table, "http:go:functions/web"))
	rt := New()
	ctx := context.Background()
	if err := rt.Check(ctx, dir, fn); err != nil {
		t.Fatal(err)
	}
	checkGolden(t, dir, fn, "http-functions-converted.main.go.golden")
	pkg, err := rt.Package(ctx, dir, fn)
	if err != nil {
		t.Fatal(err)
	}
	code := runtimetest.Unzip(t, pkg.Path)
	pool := runtimetest.Pool(t, fn.Name, []string{filepath.Join(code, "bootstrap")}, code, pkg.Handler, nil)
	for key, name := range keys {
		_, path, _ := strings.Cut(key, " ")
		got := runtimetest.Invoke(t, pool, runtimetest.EventV2(t, key, path, nil))
		if got.Status != 200 || got.Function != name || got.Message != key {
			t.Errorf("%s = %d %q %q, want 200 %q %q", key, got.Status, got.Function, got.Message, name, key)
		}
	}
}

// checkGolden compares fn's generated main with testdata/golden (go test -update rewrites it).
func checkGolden(t *testing.T, dir string, fn *route.Function, golden string) {
	t.Helper()
	src, _, _, err := New().generated(dir, fn)
	if err != nil {
		t.Fatal(err)
	}
	golden = filepath.Join("testdata", golden)
	if *update {
		if err := os.WriteFile(golden, src, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(golden)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(src, want) {
		t.Errorf("generated main differs from %s (run go test -update):\n%s", golden, src)
	}
}

// BenchmarkInspectTypes measures the signature check of handlers whose types are aliases and defined
// types declared in the handler's package and in another package of the module (parsed on demand).
func BenchmarkInspectTypes(b *testing.B) {
	dir := b.TempDir()
	runtimetest.WriteModule(b, dir)
	for name, body := range map[string]string{"functions/typed/typed.go": typedHandlers, "shared/shared.go": sharedTypes} {
		p := filepath.Join(dir, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			b.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(body), 0o644); err != nil {
			b.Fatal(err)
		}
	}
	fn := &route.Function{Name: "typed", Dir: "functions/typed", Instance: true, Entry: route.Target{Func: "Other"}}
	for b.Loop() {
		if _, err := inspect(dir, fn); err != nil {
			b.Fatal(err)
		}
	}
}
