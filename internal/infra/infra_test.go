package infra_test

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/stelvio-go/stelvio"
	"github.com/stelvio-go/stelvio/aws/apigateway"
	"github.com/stelvio-go/stelvio/aws/function"
	"github.com/stelvio-go/stelvio/internal/app"
	"github.com/stelvio-go/stelvio/internal/plan"
	"github.com/stelvio-go/stelvio/internal/plan/plantest"
)

// Pulumi types the tests look for.
const (
	tLambda      = "stelvio:function:Lambda"
	tRestApiComp = "stelvio:apigateway:RestApi"
	tAccountComp = "stelvio:apigateway:Account"
	tFunction    = "aws:lambda/function:Function"
	tRole        = "aws:iam/role:Role"
	tAttachment  = "aws:iam/rolePolicyAttachment:RolePolicyAttachment"
	tPermission  = "aws:lambda/permission:Permission"
	tRestApi     = "aws:apigateway/restApi:RestApi"
	tResource    = "aws:apigateway/resource:Resource"
	tMethod      = "aws:apigateway/method:Method"
	tIntegration = "aws:apigateway/integration:Integration"
	tDeployment  = "aws:apigateway/deployment:Deployment"
	tStage       = "aws:apigateway/stage:Stage"
	tAccount     = "aws:apigateway/account:Account"
	tProvider    = "pulumi:providers:aws"
)

// files are the handlers of the test apps.
var files = map[string]string{
	"functions/users.py":             "def index(e, c): pass\ndef get(e, c): pass\ndef create(e, c): pass\n",
	"functions/orders.py":            "def index(e, c): pass\n",
	"functions/reports.py":           "def handler(e, c): pass\n",
	"functions/inventory/handler.py": "def index(e, c): pass\ndef get(e, c): pass\n",
	"functions/hello/hello.go":       "package hello\n",
}

// planOf plans an app named shop in environment test (region eu-west-1) whose run function is run,
// with packages that are not built.
func planOf(t *testing.T, run func(*stelvio.Context) error, opts ...func(*plan.Options)) *plan.Plan {
	t.Helper()
	dir := t.TempDir()
	for name, body := range files {
		p := filepath.Join(dir, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	o := plan.Options{Env: "test", ProjectDir: dir, Packager: plantest.Packager{ProjectDir: dir}, Region: "eu-west-1"}
	for _, f := range opts {
		f(&o)
	}
	p := app.ProgramOf(stelvio.New("shop"), run)
	p.Dir = dir
	pl, err := plan.Run(context.Background(), p, o)
	if err != nil {
		t.Fatal(err)
	}
	return pl
}

func find(t *testing.T, pl *plan.Plan, typ, name string) plan.Resource {
	t.Helper()
	r := pl.Find(typ, name)
	if r == nil {
		var have []string
		for _, r := range pl.OfType(typ) {
			have = append(have, r.Name)
		}
		t.Fatalf("no %s named %q; have %q", typ, name, have)
	}
	return *r
}

func names(rs []plan.Resource) []string {
	var out []string
	for _, r := range rs {
		out = append(out, r.Name)
	}
	slices.Sort(out)
	return out
}

func str(r plan.Resource, key string) string {
	v, _ := r.Inputs[key].(string)
	return v
}

func invokeArn(fn string) string {
	return fmt.Sprintf("arn:aws:apigateway:eu-west-1:lambda:path/2015-03-31/functions/arn:aws:lambda:eu-west-1:%s:function:%s/invocations", plan.Account, fn)
}

func TestLambdas(t *testing.T) {
	pl := planOf(t, func(ctx *stelvio.Context) error {
		api := apigateway.New(ctx, "api")
		api.Route("GET", "/users", "functions/users.index", function.ARM64,
			function.Environment(map[string]string{"TABLE": "users", "STAGE": "test"}))
		api.Route("GET", "/users/{id}", "functions/users.get")
		api.Route("GET", "/orders", "functions/orders.index")
		api.Route("GET", "/inventory", "functions/inventory::handler.index", function.Timeout(10*time.Second))
		reports := function.New(ctx, "reports", "functions/reports.handler", function.Memory(512))
		api.RouteFunction("GET", "/reports", reports)
		api.Route("GET,POST", "/hello/{name}", "functions/hello.Hello")
		return nil
	})
	tests := []struct {
		name, runtime, handler string
		memory, timeout        float64
		arch                   string
		env                    map[string]any
	}{
		{"functions-users", "python3.12", "stelvio_router.handler", 128, 60, "arm64", map[string]any{"TABLE": "users", "STAGE": "test"}},
		{"functions-orders", "python3.12", "orders.index", 128, 60, "x86_64", nil},
		{"functions-inventory", "python3.12", "handler.index", 128, 10, "x86_64", nil},
		{"reports", "python3.12", "reports.handler", 512, 60, "x86_64", nil},
		{"functions-hello", "provided.al2023", "bootstrap", 128, 60, "x86_64", nil},
	}
	if got := len(pl.OfType(tFunction)); got != len(tests) {
		t.Errorf("%d functions, want %d", got, len(tests))
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			comp := find(t, pl, tLambda, tt.name)
			fn := find(t, pl, tFunction, tt.name)
			physical := "shop-test-" + tt.name
			want := map[string]any{
				"name": physical, "runtime": tt.runtime, "handler": tt.handler,
				"memorySize": tt.memory, "timeout": tt.timeout, "architectures": []any{tt.arch},
				"role":           fmt.Sprintf("arn:aws:iam::%s:role/%s-role", plan.Account, physical),
				"code":           ".stelvio/build/" + tt.name + "/package.zip",
				"sourceCodeHash": fn.Inputs["sourceCodeHash"],
			}
			if tt.env != nil {
				want["environment"] = map[string]any{"variables": tt.env}
			}
			if got, _ := json.Marshal(fn.Inputs); string(got) != mustJSON(want) {
				t.Errorf("function inputs\n got %s\nwant %s", got, mustJSON(want))
			}
			if h, _ := fn.Inputs["sourceCodeHash"].(string); len(h) != 44 {
				t.Errorf("sourceCodeHash = %q, want a base64 SHA-256", h)
			}

			role := find(t, pl, tRole, tt.name)
			if str(role, "name") != physical+"-role" {
				t.Errorf("role name = %q", str(role, "name"))
			}
			var trust struct {
				Statement []struct {
					Effect    string
					Principal struct{ Service string }
					Action    string
				}
			}
			if err := json.Unmarshal([]byte(str(role, "assumeRolePolicy")), &trust); err != nil {
				t.Fatal(err)
			}
			if len(trust.Statement) != 1 || trust.Statement[0].Effect != "Allow" ||
				trust.Statement[0].Principal.Service != "lambda.amazonaws.com" || trust.Statement[0].Action != "sts:AssumeRole" {
				t.Errorf("trust policy = %s", str(role, "assumeRolePolicy"))
			}
			att := find(t, pl, tAttachment, tt.name)
			if str(att, "role") != physical+"-role" ||
				str(att, "policyArn") != "arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole" {
				t.Errorf("policy attachment = %v", att.Inputs)
			}
			if !slices.Contains(fn.DependsOn, att.URN) {
				t.Errorf("function does not wait for its role's policy: depends on %v", fn.DependsOn)
			}
			for _, child := range []plan.Resource{fn, role, att} {
				if child.Parent != comp.URN {
					t.Errorf("%s %s: parent %q, want %q", child.Type, child.Name, child.Parent, comp.URN)
				}
			}
		})
	}
	if got := pl.Outputs["reports-function"]; got != "shop-test-reports" {
		t.Errorf("output reports-function = %v", got)
	}
}

func mustJSON(v any) string {
	b, err := json.Marshal(v)
	if err != nil {
		panic(err)
	}
	return string(b)
}

func TestLongNamesFitAWSLimits(t *testing.T) {
	long := strings.Repeat("report", 12)
	pl := planOf(t, func(ctx *stelvio.Context) error {
		api := apigateway.New(ctx, "api")
		api.RouteFunction("GET", "/r", function.New(ctx, long, "functions/reports.handler"))
		return nil
	})
	fn, role := find(t, pl, tFunction, long), find(t, pl, tRole, long)
	if n := str(fn, "name"); len(n) > 64 || !strings.HasPrefix(n, "shop-test-report") {
		t.Errorf("function name %q (%d characters)", n, len(n))
	}
	if n := str(role, "name"); len(n) > 64 || !strings.HasSuffix(n, "-role") {
		t.Errorf("role name %q (%d characters)", n, len(n))
	}
}

// TestResourceNamesNeverCollide: paths that a sanitized name would merge keep their own resources,
// each under the right parent.
func TestResourceNamesNeverCollide(t *testing.T) {
	pl := planOf(t, func(ctx *stelvio.Context) error {
		api := apigateway.New(ctx, "api")
		api.Route("GET", "/user-profiles", "functions/users.index")
		api.Route("GET", "/user/profiles", "functions/users.index")
		api.Route("GET", "/user_profiles", "functions/users.index")
		api.Route("GET", "/users/{id}", "functions/users.get")
		api.Route("GET", "/users/id", "functions/users.get")
		api.Route("ANY", "/users/{id}/{proxy+}", "functions/users.get")
		return nil
	})
	wantResources := map[string][2]string{ // name -> pathPart, parent id
		"api:/user-profiles":       {"user-profiles", "<RestApi api rootResourceId>"},
		"api:/user":                {"user", "<RestApi api rootResourceId>"},
		"api:/user/profiles":       {"profiles", "<Resource api:/user id>"},
		"api:/user_profiles":       {"user_profiles", "<RestApi api rootResourceId>"},
		"api:/users":               {"users", "<RestApi api rootResourceId>"},
		"api:/users/{id}":          {"{id}", "<Resource api:/users id>"},
		"api:/users/id":            {"id", "<Resource api:/users id>"},
		"api:/users/{id}/{proxy+}": {"{proxy+}", "<Resource api:/users/{id} id>"},
	}
	res := pl.OfType(tResource)
	if len(res) != len(wantResources) {
		t.Errorf("resources %q, want %d", names(res), len(wantResources))
	}
	for name, want := range wantResources {
		r := find(t, pl, tResource, name)
		if str(r, "pathPart") != want[0] || str(r, "parentId") != want[1] || str(r, "restApi") != "<RestApi api id>" {
			t.Errorf("%s: %v, want pathPart %q parentId %q", name, r.Inputs, want[0], want[1])
		}
	}
	wantMethods := []string{
		"api:ANY /users/{id}/{proxy+}", "api:GET /user-profiles", "api:GET /user/profiles", "api:GET /user_profiles",
		"api:GET /users/id", "api:GET /users/{id}",
	}
	if got := names(pl.OfType(tMethod)); !slices.Equal(got, wantMethods) {
		t.Errorf("methods %q\nwant %q", got, wantMethods)
	}
	if got := names(pl.OfType(tIntegration)); !slices.Equal(got, wantMethods) {
		t.Errorf("integrations %q\nwant %q", got, wantMethods)
	}
	m := find(t, pl, tMethod, "api:GET /users/id")
	if str(m, "resourceId") != "<Resource api:/users/id id>" || str(m, "httpMethod") != "GET" || str(m, "authorization") != "NONE" {
		t.Errorf("method GET /users/id: %v", m.Inputs)
	}
	if m := find(t, pl, tMethod, "api:ANY /users/{id}/{proxy+}"); str(m, "httpMethod") != "ANY" {
		t.Errorf("ANY method: %v", m.Inputs)
	}
}

// TestIntegrations: every method of every route calls its own function's invoke ARN through a Lambda
// proxy integration.
func TestIntegrations(t *testing.T) {
	pl := planOf(t, func(ctx *stelvio.Context) error {
		api := apigateway.New(ctx, "api")
		api.Route("GET", "/", "functions/orders.index")
		api.Route("GET", "/users", "functions/users.index")
		api.Route("POST", "/users", "functions/users.create")
		api.Route("GET,DELETE", "/users/{id}", "functions/users.get")
		api.Route("*", "/hello", "functions/hello.Any")
		return nil
	})
	want := map[string]string{
		"api:GET /":              "functions-orders",
		"api:GET /users":         "functions-users",
		"api:POST /users":        "functions-users",
		"api:GET /users/{id}":    "functions-users",
		"api:DELETE /users/{id}": "functions-users",
		"api:ANY /hello":         "functions-hello",
	}
	if got := len(pl.OfType(tIntegration)); got != len(want) {
		t.Errorf("%d integrations, want %d", got, len(want))
	}
	for name, fn := range want {
		in := find(t, pl, tIntegration, name)
		method := strings.TrimPrefix(strings.Fields(name)[0], "api:")
		if str(in, "uri") != invokeArn("shop-test-"+fn) || str(in, "type") != "AWS_PROXY" ||
			str(in, "integrationHttpMethod") != "POST" || str(in, "httpMethod") != method {
			t.Errorf("%s: %v, want uri of %s", name, in.Inputs, fn)
		}
		resource := "<Resource api:" + strings.SplitN(name, " ", 2)[1] + " id>"
		if strings.HasSuffix(name, " /") {
			resource = "<RestApi api rootResourceId>"
		}
		if str(in, "resourceId") != resource {
			t.Errorf("%s: resourceId %q, want %q", name, str(in, "resourceId"), resource)
		}
	}
}

// TestPermissions: one permission per function per API, whatever the number of routes, for the API's
// own execution ARN.
func TestPermissions(t *testing.T) {
	pl := planOf(t, func(ctx *stelvio.Context) error {
		public := apigateway.New(ctx, "public")
		public.Route("GET", "/users", "functions/users.index")
		public.Route("GET", "/users/{id}", "functions/users.get")
		public.Route("POST", "/users", "functions/users.create")
		public.Route("GET", "/orders", "functions/orders.index")
		admin := apigateway.New(ctx, "admin")
		admin.Route("GET", "/users", "functions/users.index")
		return nil
	})
	want := []string{"admin:functions-users", "public:functions-orders", "public:functions-users"}
	if got := names(pl.OfType(tPermission)); !slices.Equal(got, want) {
		t.Fatalf("permissions %q, want %q", got, want)
	}
	for _, name := range want {
		api, fn, _ := strings.Cut(name, ":")
		p := find(t, pl, tPermission, name)
		wantIn := map[string]any{
			"action": "lambda:InvokeFunction", "function": "shop-test-" + fn, "principal": "apigateway.amazonaws.com",
			"sourceArn":         fmt.Sprintf("arn:aws:execute-api:eu-west-1:%s:<RestApi %s id>/*/*", plan.Account, api),
			"statementIdPrefix": "apigateway-" + api + "-",
		}
		if got, _ := json.Marshal(p.Inputs); string(got) != mustJSON(wantIn) {
			t.Errorf("%s:\n got %s\nwant %s", name, got, mustJSON(wantIn))
		}
		if p.Parent != find(t, pl, tRestApiComp, api).URN {
			t.Errorf("%s: parent %s", name, p.Parent)
		}
	}
}

// TestDeploymentAndStage: the deployment waits for every method and integration, the stage deploys it,
// and the stack output is the stage's URL.
func TestDeploymentAndStage(t *testing.T) {
	pl := planOf(t, func(ctx *stelvio.Context) error {
		api := apigateway.New(ctx, "api", apigateway.StageName("prod"), apigateway.Edge)
		api.Route("GET", "/users", "functions/users.index")
		api.Route("GET,PUT", "/users/{id}", "functions/users.get")
		return nil
	})
	rest := find(t, pl, tRestApi, "api")
	if got := mustJSON(rest.Inputs); got != `{"endpointConfiguration":{"types":"EDGE"},"name":"shop-test-api"}` {
		t.Errorf("rest api inputs %s", got)
	}
	dep := find(t, pl, tDeployment, "api")
	for _, typ := range []string{tMethod, tIntegration} {
		for _, r := range pl.OfType(typ) {
			if !slices.Contains(dep.DependsOn, r.URN) {
				t.Errorf("deployment does not wait for %s %s", typ, r.Name)
			}
		}
	}
	stage := find(t, pl, tStage, "api")
	if str(stage, "deployment") != "<Deployment api id>" || str(stage, "stageName") != "prod" || str(stage, "restApi") != "<RestApi api id>" {
		t.Errorf("stage inputs %v", stage.Inputs)
	}
	if got := pl.Outputs["api-url"]; got != "https://<RestApi api id>.execute-api.eu-west-1.amazonaws.com/prod" {
		t.Errorf("output api-url = %v", got)
	}
	comp := find(t, pl, tRestApiComp, "api")
	for _, r := range pl.Resources {
		if strings.HasPrefix(r.Type, "aws:apigateway/") && r.Type != tAccount && r.Parent != comp.URN {
			t.Errorf("%s %s is not under the api component", r.Type, r.Name)
		}
	}
}

func trigger(t *testing.T, pl *plan.Plan) string {
	t.Helper()
	tr, _ := find(t, pl, tDeployment, "api").Inputs["triggers"].(map[string]any)
	s, _ := tr["routes"].(string)
	if len(s) != 64 {
		t.Fatalf("deployment triggers = %v", tr)
	}
	return s
}

// TestDeploymentTrigger: the deployment's trigger is stable while nothing changes (even the order of
// the declarations) and changes with any route or function configuration.
func TestDeploymentTrigger(t *testing.T) {
	type change struct {
		stage, path, method, handler string
		memory                       int
		env                          map[string]string
		reversed                     bool
	}
	base := change{stage: "v1", path: "/users/{id}", method: "GET", handler: "functions/users.get", memory: 256}
	app := func(c change) func(*stelvio.Context) error {
		return func(ctx *stelvio.Context) error {
			api := apigateway.New(ctx, "api", apigateway.StageName(c.stage))
			routes := []func(){
				func() {
					api.Route("GET", "/users", "functions/users.index", function.Memory(c.memory), function.Environment(c.env))
				},
				func() { api.Route(c.method, c.path, c.handler) },
				func() { api.Route("GET", "/orders", "functions/orders.index") },
			}
			if c.reversed {
				slices.Reverse(routes)
			}
			for _, r := range routes {
				r()
			}
			return nil
		}
	}
	first := trigger(t, planOf(t, app(base)))
	if again := trigger(t, planOf(t, app(base))); again != first {
		t.Errorf("trigger changed between two plans of the same app: %s, then %s", first, again)
	}
	same := base
	same.reversed = true
	if got := trigger(t, planOf(t, app(same))); got != first {
		t.Errorf("trigger changed when only the order of the routes did")
	}
	changes := map[string]func(*change){
		"path":        func(c *change) { c.path = "/users/{id}/orders" },
		"method":      func(c *change) { c.method = "PUT" },
		"handler":     func(c *change) { c.handler = "functions/users.create" },
		"memory":      func(c *change) { c.memory = 512 },
		"environment": func(c *change) { c.env = map[string]string{"TABLE": "users"} },
		"stage":       func(c *change) { c.stage = "v2" },
	}
	for name, mutate := range changes {
		t.Run(name, func(t *testing.T) {
			c := base
			mutate(&c)
			if got := trigger(t, planOf(t, app(c))); got == first {
				t.Errorf("trigger did not change when the %s changed", name)
			}
		})
	}
}

// TestCloudWatchAccount: the account's CloudWatch role is created (and kept on destroy) only when the
// account settings name none, or name the one this environment created.
func TestCloudWatchAccount(t *testing.T) {
	run := func(ctx *stelvio.Context) error {
		apigateway.New(ctx, "api").Route("GET", "/users", "functions/users.index")
		apigateway.New(ctx, "admin").Route("GET", "/users", "functions/users.index")
		return nil
	}
	own := fmt.Sprintf("arn:aws:iam::%s:role/shop-test-apigateway-cloudwatch", plan.Account)
	tests := []struct {
		name, current string
		create        bool
	}{
		{"none", "", true},
		{"another role", "arn:aws:iam::123456789012:role/ops-apigateway-logs", false},
		{"created by this environment", own, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			pl := planOf(t, run, func(o *plan.Options) { o.CloudWatchRoleArn = tt.current })
			if n := len(pl.OfType(tAccountComp)); n != 1 {
				t.Fatalf("%d account components for two apis, want 1", n)
			}
			comp := find(t, pl, tAccountComp, "apigateway-account")
			read := find(t, pl, tAccount, "apigateway-account-current")
			if !read.Read || read.ID != "api-gateway-account" || read.Parent != comp.URN {
				t.Errorf("account settings read: %+v", read)
			}
			role := pl.Find(tRole, "apigateway-account-cloudwatch")
			att := pl.Find(tAttachment, "apigateway-account-cloudwatch")
			acct := pl.Find(tAccount, "apigateway-account")
			if !tt.create {
				if role != nil || att != nil || acct != nil {
					t.Errorf("created a CloudWatch role although the account has one")
				}
				return
			}
			if role == nil || att == nil || acct == nil {
				t.Fatalf("role %v, attachment %v, account %v: want all three", role != nil, att != nil, acct != nil)
			}
			if str(*role, "name") != "shop-test-apigateway-cloudwatch" ||
				!strings.Contains(str(*role, "assumeRolePolicy"), `"Service":"apigateway.amazonaws.com"`) {
				t.Errorf("role inputs %v", role.Inputs)
			}
			if str(*att, "policyArn") != "arn:aws:iam::aws:policy/service-role/AmazonAPIGatewayPushToCloudWatchLogs" {
				t.Errorf("attachment inputs %v", att.Inputs)
			}
			if str(*acct, "cloudwatchRoleArn") != own {
				t.Errorf("account settings inputs %v", acct.Inputs)
			}
			for _, r := range []*plan.Resource{role, att, acct} {
				if !r.RetainOnDelete || r.Parent != comp.URN {
					t.Errorf("%s %s: retainOnDelete %v, parent %s", r.Type, r.Name, r.RetainOnDelete, r.Parent)
				}
			}
		})
	}
	t.Run("no api", func(t *testing.T) {
		pl := planOf(t, func(ctx *stelvio.Context) error {
			function.New(ctx, "reports", "functions/reports.handler")
			return nil
		})
		if n := len(pl.OfType(tAccountComp)) + len(pl.OfType(tAccount)); n != 0 {
			t.Errorf("an app without api reads or creates api gateway account settings (%d resources)", n)
		}
	})
}

// TestProvider: every AWS resource is managed by the environment's provider, whose default tags name
// the app and the environment.
func TestProvider(t *testing.T) {
	pl := planOf(t, func(ctx *stelvio.Context) error {
		apigateway.New(ctx, "api").Route("GET", "/users", "functions/users.index")
		return nil
	})
	prov := find(t, pl, tProvider, "aws")
	tags := mustJSON(prov.Inputs["defaultTags"])
	if tags != `{"tags":{"stelvio:app":"shop","stelvio:env":"test"}}` || str(prov, "region") != "eu-west-1" {
		t.Errorf("provider inputs %v", prov.Inputs)
	}
	for _, r := range pl.Resources {
		if strings.HasPrefix(r.Type, "aws:") && r.Provider != prov.URN {
			t.Errorf("%s %s: provider %q, want the app's", r.Type, r.Name, r.Provider)
		}
	}
}

// TestBinaryMediaTypes: the API's binary media types are the RestApi's, and they change the deployment
// trigger (a redeploy applies them).
func TestBinaryMediaTypes(t *testing.T) {
	run := func(types ...string) *plan.Plan {
		return planOf(t, func(ctx *stelvio.Context) error {
			apigateway.New(ctx, "api", apigateway.BinaryMediaTypes(types...)).Route("GET", "/users", "functions/users.index")
			return nil
		})
	}
	pl := run("image/png", "application/octet-stream")
	rest := find(t, pl, tRestApi, "api")
	if got := mustJSON(rest.Inputs); got != `{"binaryMediaTypes":["image/png","application/octet-stream"],"endpointConfiguration":{"types":"REGIONAL"},"name":"shop-test-api"}` {
		t.Errorf("rest api inputs %s", got)
	}
	if a, b := mustJSON(find(t, pl, tDeployment, "api").Inputs["triggers"]), mustJSON(find(t, run(), tDeployment, "api").Inputs["triggers"]); a == b {
		t.Errorf("deployment triggers %s do not change with the binary media types", a)
	}
}
