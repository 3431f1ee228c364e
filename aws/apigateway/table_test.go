package apigateway_test

import (
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/stelvio-go/stelvio"
	"github.com/stelvio-go/stelvio/aws/apigateway"
	"github.com/stelvio-go/stelvio/aws/function"
	"github.com/stelvio-go/stelvio/internal/naming"
	"github.com/stelvio-go/stelvio/internal/route"
)

func mustLoad(t *testing.T, dir string, run func(ctx *stelvio.Context)) *route.Table {
	t.Helper()
	table, err := load(dir, true, run)
	if err != nil {
		t.Fatal(err)
	}
	return table
}

func TestAllProblemsReportedTogether(t *testing.T) {
	dir, _ := project(t)
	_, err := load(dir, true, func(ctx *stelvio.Context) {
		api := apigateway.New(ctx, "shop")
		api.Route("FETCH", "/a", users)                   // @all1
		api.Route("GET", "b", users)                      // @all2
		api.Route("GET", "/c", "functions/missing.index") // @all3
		api.Route("GET", "/d", users, function.Memory(1)) // @all4
		function.New(ctx, "bad name", users)              // @all5
	})
	var problems route.Problems
	if !errors.As(err, &problems) {
		t.Fatalf("error %v is not the list of the program's problems", err)
	}
	lines := marks(t, "table_test.go")
	want := "5 problems in the app:\n" +
		"  " + lines["@all1"] + `: route FETCH /a: unknown HTTP method "FETCH"; use one of GET, POST, PUT, PATCH, DELETE, HEAD, OPTIONS, ANY (or *)` + "\n" +
		"  " + lines["@all2"] + `: route GET b: path "b" must start with "/"; write "/b"` + "\n" +
		"  " + lines["@all3"] + `: route GET /c: handler "functions/missing.index": neither functions/missing.py nor a Go package directory functions/missing/ exists in the project` + "\n" +
		"  " + lines["@all4"] + `: function functions/users.py: memory 1 MB is out of range; Lambda allows 128 to 10240 MB` + "\n" +
		"  " + lines["@all5"] + `: function "bad name": name must start with a letter or digit and contain only letters, digits, - and _`
	if err.Error() != want {
		t.Errorf("error:\n%s\nwant:\n%s", err, want)
	}
}

// TestHandlerForms declares the same function in every way the guide shows: all of them give the same
// Lambda.
func TestHandlerForms(t *testing.T) {
	dir, _ := project(t)
	folder := []struct {
		name string
		run  func(ctx *stelvio.Context, api *apigateway.Api)
	}{
		{"string with ::", func(_ *stelvio.Context, api *apigateway.Api) {
			api.Route("POST", "/orders", "functions/orders::handler.index")
		}},
		{"string and folder option", func(_ *stelvio.Context, api *apigateway.Api) {
			api.Route("POST", "/orders", "handler.index", function.Folder("functions/orders"))
		}},
		{"string and function.Config", func(_ *stelvio.Context, api *apigateway.Api) {
			api.Route("POST", "/orders", "handler.index", function.Config{Folder: "functions/orders"})
		}},
		{"string, function.Config and options", func(_ *stelvio.Context, api *apigateway.Api) {
			api.Route("POST", "/orders", "handler.index", function.Config{Folder: "functions/orders"}, function.Python312)
		}},
	}
	for _, tt := range folder {
		t.Run("folder/"+tt.name, func(t *testing.T) {
			table := mustLoad(t, dir, func(ctx *stelvio.Context) { tt.run(ctx, apigateway.New(ctx, "shop")) })
			if len(table.Functions) != 1 {
				t.Fatalf("%d functions, want 1", len(table.Functions))
			}
			f := table.Functions[0]
			if f.Name != "functions-orders" || f.Key != "folder:functions/orders" || !f.FolderBased || f.Dir != "functions/orders" ||
				f.File != "" || f.Entry.String() != "handler.index" || f.NeedsRouter() || f.RuntimeID != "python3.12" {
				t.Errorf("function %+v, want the folder-based functions-orders with entry handler.index", *f)
			}
			if r := table.Apis[0].Routes[0]; r.String() != "POST /orders" || r.Target.String() != "handler.index" || r.Function != f {
				t.Errorf("route %s calls %s", r, r.Target)
			}
		})
	}
	// A function.New instance is its own Lambda, named as given, with the folder given either way.
	for name, fn := range map[string]func(ctx *stelvio.Context) *function.Function{
		"folder option": func(ctx *stelvio.Context) *function.Function {
			return function.New(ctx, "orders-function", "handler.index", function.Folder("functions/orders"))
		},
		"string with ::": func(ctx *stelvio.Context) *function.Function {
			return function.New(ctx, "orders-function", "functions/orders::handler.index")
		},
	} {
		t.Run("folder/function.New with "+name, func(t *testing.T) {
			var declared *function.Function
			table := mustLoad(t, dir, func(ctx *stelvio.Context) {
				declared = fn(ctx)
				api := apigateway.New(ctx, "shop")
				api.RouteFunction("GET", "/orders", declared)
				api.RouteFunction("POST", "/orders", declared)
			})
			if len(table.Functions) != 1 {
				t.Fatalf("%d functions, want the one instance", len(table.Functions))
			}
			f := table.Functions[0]
			if f.Name != "orders-function" || f.Key != "instance:orders-function" || !f.Instance || !f.FolderBased ||
				f.Dir != "functions/orders" || f.Entry.String() != "handler.index" || len(f.Routes) != 2 || f.NeedsRouter() {
				t.Errorf("function %+v, want the instance orders-function serving 2 routes", *f)
			}
			if declared.Name() != "orders-function" || declared.Handler() == "" {
				t.Errorf("the declared function answers Name %q, Handler %q", declared.Name(), declared.Handler())
			}
			for _, r := range table.Apis[0].Routes {
				if r.Function != f || r.Target.String() != "handler.index" {
					t.Errorf("route %s calls %s of %s", r, r.Target, r.Function.Name)
				}
			}
		})
	}

	// Configuration reaches the function the same way in every form.
	configured := []struct {
		name string
		run  func(ctx *stelvio.Context, api *apigateway.Api)
	}{
		{"options", func(_ *stelvio.Context, api *apigateway.Api) {
			api.Route("GET", "/users", users, function.Memory(512), function.Timeout(30*time.Second), function.ARM64,
				function.Environment(map[string]string{"LEVEL": "debug"}))
		}},
		{"Env option", func(_ *stelvio.Context, api *apigateway.Api) {
			api.Route("GET", "/users", users, function.Memory(512), function.Timeout(30*time.Second), function.ARM64,
				function.Env("LEVEL", "debug"))
		}},
		{"function.Config", func(_ *stelvio.Context, api *apigateway.Api) {
			api.Route("GET", "/users", users, function.Config{Memory: 512, Timeout: 30 * time.Second, Architecture: function.ARM64,
				Environment: map[string]string{"LEVEL": "debug"}})
		}},
		{"function.Config then options", func(_ *stelvio.Context, api *apigateway.Api) {
			api.Route("GET", "/users", users, function.Config{Memory: 256, Architecture: function.ARM64},
				function.Memory(512), function.Timeout(30*time.Second), function.Env("LEVEL", "debug"))
		}},
		{"options on another route of the file", func(_ *stelvio.Context, api *apigateway.Api) {
			api.Route("GET", "/users", users)
			api.Route("GET", "/users/{id}", "functions/users.get", function.Memory(512), function.Timeout(30*time.Second),
				function.ARM64, function.Env("LEVEL", "debug"))
		}},
	}
	for _, tt := range configured {
		t.Run("config/"+tt.name, func(t *testing.T) {
			table := mustLoad(t, dir, func(ctx *stelvio.Context) { tt.run(ctx, apigateway.New(ctx, "shop")) })
			f := table.Functions[0]
			if f.Key != "file:functions/users.py" || f.File != "functions/users.py" || f.Memory != 512 || f.Timeout != 30 ||
				f.Architecture != "arm64" || f.Environment["LEVEL"] != "debug" || len(f.Environment) != 1 {
				t.Errorf("function %+v, want functions/users.py with 512 MB, 30 s, arm64 and LEVEL=debug", *f)
			}
		})
	}
	t.Run("config/function.New with options", func(t *testing.T) {
		table := mustLoad(t, dir, func(ctx *stelvio.Context) {
			apigateway.New(ctx, "shop").RouteFunction("GET", "/users", function.New(ctx, "users", users,
				function.Memory(512), function.Timeout(30*time.Second), function.ARM64, function.Env("LEVEL", "debug")))
		})
		f := table.Functions[0]
		if f.Name != "users" || f.Memory != 512 || f.Timeout != 30 || f.Architecture != "arm64" || f.Environment["LEVEL"] != "debug" {
			t.Errorf("function %+v, want users with 512 MB, 30 s, arm64 and LEVEL=debug", *f)
		}
	})
}

// TestConfigZeroFieldsMeanDefault: the fields a function.Config leaves zero keep the defaults, while
// the Memory and Timeout options given explicitly as 0 are refused (TestRejectedPrograms).
func TestConfigZeroFieldsMeanDefault(t *testing.T) {
	dir, _ := project(t)
	table := mustLoad(t, dir, func(ctx *stelvio.Context) {
		shop(ctx).Route("GET", "/users", users, function.Config{Environment: map[string]string{"LEVEL": "debug"}})
	})
	f := table.Functions[0]
	if f.Memory != route.DefaultMemory || f.Timeout != route.DefaultTimeout || f.Architecture != route.DefaultArchitecture ||
		f.RuntimeID != "python3.12" || f.Environment["LEVEL"] != "debug" {
		t.Errorf("function %+v, want the defaults with LEVEL=debug", *f)
	}
}

// TestPermissionsAndOutputs: IAM statements and deploy-time environment values reach the table; an
// output's dev value is what dev and offline plans use.
func TestPermissionsAndOutputs(t *testing.T) {
	dir, _ := project(t)
	var bucket *stelvio.Output
	table := mustLoad(t, dir, func(ctx *stelvio.Context) {
		bucket = ctx.Output("uploads-bucket", "local-uploads")
		read := function.Statement{Actions: []string{"s3:GetObject"}, Resources: []string{"arn:aws:s3:::reports/*"}}
		function.New(ctx, "reports", "functions/reports.handler", function.EnvOutput("BUCKET", bucket),
			function.Env("LEVEL", "info"), function.Permissions(read),
			function.Config{Permissions: []function.Statement{{Actions: []string{"ses:SendEmail"}, Resources: []string{"*"}}}})
	})
	if bucket.Name() != "uploads-bucket" || bucket.DevValue() != "local-uploads" {
		t.Errorf("output %q with dev value %q", bucket.Name(), bucket.DevValue())
	}
	f := table.FunctionByName("reports")
	if f == nil {
		t.Fatal("no function reports")
	}
	if o := f.Outputs["BUCKET"]; o == nil || o.Name != "uploads-bucket" || o.Dev != "local-uploads" {
		t.Errorf("BUCKET output %+v, want uploads-bucket (local-uploads)", o)
	}
	if len(table.Outputs) != 1 || table.Outputs[0] != f.Outputs["BUCKET"] {
		t.Errorf("table outputs %v, want the one declared", table.Outputs)
	}
	if f.Environment["LEVEL"] != "info" || len(f.Environment) != 1 {
		t.Errorf("environment %v, want LEVEL only (BUCKET is an output)", f.Environment)
	}
	want := []route.Statement{
		{Actions: []string{"s3:GetObject"}, Resources: []string{"arn:aws:s3:::reports/*"}},
		{Actions: []string{"ses:SendEmail"}, Resources: []string{"*"}},
	}
	if fmt.Sprint(f.Permissions) != fmt.Sprint(want) {
		t.Errorf("permissions %v, want %v", f.Permissions, want)
	}
}

// TestEnvironmentSizeLimit: 4096 bytes of the JSON object Lambda stores are accepted. Lambda allows
// 4 KB of environment variables in total
// (https://docs.aws.amazon.com/lambda/latest/dg/gettingstarted-limits.html); stelvio measures them as
// the JSON object of the function's configuration, the larger of the two readings.
func TestEnvironmentSizeLimit(t *testing.T) {
	dir, _ := project(t)
	// {"CERT":"x…x"} is 9 + 4085 + 2 = 4096 bytes.
	table := mustLoad(t, dir, func(ctx *stelvio.Context) {
		shop(ctx).Route("GET", "/users", users, function.Env("CERT", strings.Repeat("x", 4085)))
	})
	if got := len(table.Functions[0].Environment["CERT"]); got != 4085 {
		t.Errorf("CERT has %d bytes", got)
	}
}

func TestBinaryMediaTypes(t *testing.T) {
	dir, _ := project(t)
	table := mustLoad(t, dir, func(ctx *stelvio.Context) {
		api := apigateway.New(ctx, "shop", apigateway.BinaryMediaTypes("image/png", "application/vnd.ms-excel+xml"),
			apigateway.BinaryMediaTypes("image/png", "*/*"))
		api.Route("GET", "/users", users)
	})
	if got := strings.Join(table.Apis[0].BinaryMediaTypes, " "); got != "image/png application/vnd.ms-excel+xml */*" {
		t.Errorf("binary media types %s, want each type once in declaration order", got)
	}
}

// TestResourceQuotaWarning: more resource paths than the REST API quota is a warning of the table, not
// an error: AWS raises the quota on request.
func TestResourceQuotaWarning(t *testing.T) {
	dir, _ := project(t)
	source := marks(t, "table_test.go")["@quota"]
	table := mustLoad(t, dir, func(ctx *stelvio.Context) {
		api := apigateway.New(ctx, "shop") // @quota
		for i := range 151 {
			api.Route("GET", fmt.Sprintf("/r%d/{id}", i), users) // 302 resources: /rN and /rN/{id}
		}
	})
	if n := table.Apis[0].ResourceCount(); n != 303 {
		t.Fatalf("%d resources, want 303 (302 paths and the root)", n)
	}
	want := route.Problem{Source: source, Subject: `api "shop"`, Warning: true,
		Message: "303 resources (the root resource included); a REST API has a default quota of 300 resources (https://docs.aws.amazon.com/apigateway/latest/developerguide/limits.html), so ask AWS for a higher quota before deploying, or split the API"}
	if len(table.Warnings) != 1 || table.Warnings[0] != want {
		t.Errorf("warnings %v, want [%v]", table.Warnings, want)
	}
	if got := table.Warnings[0].String(); !strings.HasPrefix(got, source+": warning: api \"shop\": 303 resources") {
		t.Errorf("warning reads %q", got)
	}

	// With an error in the program, the error is reported alone: a warning never stops a program nor
	// reads as one of its problems.
	_, err := load(dir, true, func(ctx *stelvio.Context) {
		api := apigateway.New(ctx, "shop")
		for i := range 151 {
			api.Route("GET", fmt.Sprintf("/r%d/{id}", i), users)
		}
		api.Route("GET", "bad", users) // @quotaerr
	})
	if want := "1 problem in the app:\n  " + marks(t, "table_test.go")["@quotaerr"] + `: route GET bad: path "bad" must start with "/"; write "/bad"`; err == nil || err.Error() != want {
		t.Errorf("error %v, want %s", err, want)
	}

	// At the quota there is no warning: 149 × 2 paths, /x and the root.
	table = mustLoad(t, dir, func(ctx *stelvio.Context) {
		api := apigateway.New(ctx, "shop")
		for i := range 149 {
			api.Route("GET", fmt.Sprintf("/r%d/{id}", i), users)
		}
		api.Route("GET", "/x", users)
	})
	if n := table.Apis[0].ResourceCount(); n != 300 {
		t.Fatalf("%d resources, want 300", n)
	}
	if len(table.Warnings) != 0 {
		t.Errorf("warnings %v at 300 resources", table.Warnings)
	}
}

// TestSharedFunctionInheritsConfig: the one route that configures a shared function configures it for
// all its routes, wherever that route is.
func TestSharedFunctionInheritsConfig(t *testing.T) {
	dir, _ := project(t)
	table := mustLoad(t, dir, func(ctx *stelvio.Context) {
		api := apigateway.New(ctx, "shop")
		api.Route("GET", "/users", users)
		api.Route("GET", "/users/{id}", "functions/users.get")
		api.Route("POST", "/users", "functions/users.create", function.Memory(256), function.Environment(map[string]string{"TABLE": "users"}))
		api.Route("GET", "/orders", "functions/orders.index")
	})
	if len(table.Functions) != 2 {
		t.Fatalf("%d functions, want 2", len(table.Functions))
	}
	u, o := table.Functions[0], table.Functions[1]
	if u.Memory != 256 || u.Environment["TABLE"] != "users" || len(u.Routes) != 3 || !u.NeedsRouter() {
		t.Errorf("users function: memory %d, environment %v, %d routes", u.Memory, u.Environment, len(u.Routes))
	}
	if o.Memory != route.DefaultMemory || o.Timeout != route.DefaultTimeout || o.Environment != nil || o.NeedsRouter() {
		t.Errorf("orders function: memory %d, timeout %d, environment %v; want the defaults", o.Memory, o.Timeout, o.Environment)
	}
	if u.Requirements != "functions/requirements.txt" {
		t.Errorf("requirements %q, want the requirements.txt next to the handler", u.Requirements)
	}
}

func TestMethodForms(t *testing.T) {
	dir, _ := project(t)
	tests := []struct {
		method string
		want   string
	}{
		{"GET", "GET"},
		{"get", "GET"},
		{"Post", "POST"},
		{"ANY", "ANY"},
		{"any", "ANY"},
		{"*", "ANY"},
		{" get ", "GET"},
		{"post,GET", "GET,POST"},
		{"GET, POST", "GET,POST"},
		{"DELETE,patch,Put,head,OPTIONS", "DELETE,HEAD,OPTIONS,PATCH,PUT"},
	}
	for _, tt := range tests {
		t.Run(tt.method, func(t *testing.T) {
			table := mustLoad(t, dir, func(ctx *stelvio.Context) { apigateway.New(ctx, "shop").Route(tt.method, "/x", users) })
			r := table.Apis[0].Routes[0]
			if got := strings.Join(r.Methods, ","); got != tt.want {
				t.Errorf("methods %s, want %s", got, tt.want)
			}
			for _, m := range route.Methods {
				if want := tt.want == "ANY" || slices.Contains(r.Methods, m); r.Matches(m) != want {
					t.Errorf("route %s: Matches(%s) = %t", r, m, !want)
				}
			}
		})
	}
}

func TestPathsAndResources(t *testing.T) {
	dir, _ := project(t)
	table := mustLoad(t, dir, func(ctx *stelvio.Context) {
		api := apigateway.New(ctx, "shop")
		api.Route("GET", "/", users)
		api.Route("GET", "/user-profiles/", "functions/users.get")
		api.Route("GET", "/user/profiles", "functions/users.create")
		api.Route("GET", "/users/{id}", "functions/orders.index")
		api.Route("GET", "/users/id", "functions/my-app.index")
		api.Route("GET", "/files/{proxy+}", "functions/my_app.index")
	})
	var got []string
	for _, r := range table.Apis[0].Routes {
		got = append(got, r.Resource())
	}
	if want := "/ /user-profiles /user/profiles /users/{id} /users/id /files/{proxy+}"; strings.Join(got, " ") != want {
		t.Errorf("route resources %s, want %s", strings.Join(got, " "), want)
	}
	got = nil
	for _, r := range table.Apis[0].Resources() {
		got = append(got, r.Path+"("+r.Parent+"+"+r.Part+")")
	}
	want := "/user-profiles(/+user-profiles) /user(/+user) /user/profiles(/user+profiles) /users(/+users) " +
		"/users/{id}(/users+{id}) /users/id(/users+id) /files(/+files) /files/{proxy+}(/files+{proxy+})"
	if strings.Join(got, " ") != want {
		t.Errorf("resources\n%s\nwant\n%s", strings.Join(got, " "), want)
	}
}

// TestFunctionNamesStayDistinct: code locations that spell the same name once punctuation is dropped
// still become different Lambda functions with different names.
func TestFunctionNamesStayDistinct(t *testing.T) {
	dir, _ := project(t)
	run := func(ctx *stelvio.Context) {
		api := apigateway.New(ctx, "shop")
		api.Route("GET", "/a", "functions/my-app.index")
		api.Route("GET", "/b", "functions/my_app.index")
		api.Route("GET", "/c", "functions/my/app::handler.index")
	}
	table := mustLoad(t, dir, run)
	var names, physical []string
	for _, f := range table.Functions {
		names = append(names, f.Name)
		physical = append(physical, naming.Physical(table.App, table.Env, f.Name, naming.LambdaLimit))
	}
	// The folder's name would be the file's, so it gets a short hash of its location.
	if want := "functions-my-app functions-my_app functions-my-app-7af764"; strings.Join(names, " ") != want {
		t.Errorf("names %s, want %s", strings.Join(names, " "), want)
	}
	if len(slices.Compact(slices.Sorted(slices.Values(physical)))) != 3 {
		t.Errorf("physical names %q are not distinct", physical)
	}
	again := mustLoad(t, dir, run)
	for i, f := range again.Functions {
		if f.Name != names[i] {
			t.Errorf("second load named function %d %q, first %q", i, f.Name, names[i])
		}
	}
}

func TestPhysicalNamesShortened(t *testing.T) {
	dir, _ := project(t)
	long := strings.Repeat("reports-", 8)
	table := mustLoad(t, dir, func(ctx *stelvio.Context) {
		function.New(ctx, long+"daily", "functions/reports.handler")
		function.New(ctx, long+"weekly", "functions/reports.handler")
	})
	a := naming.Physical(table.App, table.Env, table.Functions[0].Name, naming.LambdaLimit)
	b := naming.Physical(table.App, table.Env, table.Functions[1].Name, naming.LambdaLimit)
	for _, n := range []string{a, b} {
		if len(n) != naming.LambdaLimit || !strings.HasPrefix(n, "shop-dev-reports-reports-") {
			t.Errorf("physical name %q (%d characters), want 64 characters starting with the app, environment and name", n, len(n))
		}
	}
	if a == b {
		t.Errorf("two long names shortened to the same %q", a)
	}
}

// TestFingerprint: the deployment trigger stays the same for the same table and changes with every
// route or configuration change.
func TestFingerprint(t *testing.T) {
	dir, _ := project(t)
	type variant struct {
		path, target string
		memory       int
		env          string
		extra, swap  bool
		stage        string
	}
	fingerprint := func(v variant) string {
		table := mustLoad(t, dir, func(ctx *stelvio.Context) {
			var opts []apigateway.Option
			if v.stage != "" {
				opts = append(opts, apigateway.StageName(v.stage))
			}
			api := apigateway.New(ctx, "shop", opts...)
			first := func() {
				api.Route("GET", v.path, "functions/users."+v.target, function.Memory(v.memory),
					function.Environment(map[string]string{"LEVEL": v.env}))
			}
			second := func() { api.Route("GET", "/orders", "functions/orders.index") }
			if v.swap {
				second()
				first()
			} else {
				first()
				second()
			}
			if v.extra {
				api.Route("POST", "/orders", "functions/orders.index")
			}
		})
		return table.Apis[0].Fingerprint()
	}
	base := variant{path: "/users", target: "index", memory: 256, env: "info"}
	want := fingerprint(base)
	if got := fingerprint(base); got != want {
		t.Errorf("the same program gave fingerprints %s and %s", want, got)
	}
	swapped := base
	swapped.swap = true
	if got := fingerprint(swapped); got != want {
		t.Errorf("declaring the same routes in another order changed the fingerprint")
	}
	changes := map[string]func(v *variant){
		"path":        func(v *variant) { v.path = "/people" },
		"target":      func(v *variant) { v.target = "get" },
		"memory":      func(v *variant) { v.memory = 512 },
		"environment": func(v *variant) { v.env = "debug" },
		"new route":   func(v *variant) { v.extra = true },
		"stage":       func(v *variant) { v.stage = "v2" },
	}
	for name, change := range changes {
		t.Run(name, func(t *testing.T) {
			v := base
			change(&v)
			if fingerprint(v) == want {
				t.Errorf("changing the %s kept the fingerprint", name)
			}
		})
	}
}
