package apigateway_test

import (
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"

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
		api.Route("FETCH", "/a", users)                        // @all1
		api.Route("GET", "b", users)                           // @all2
		api.Route("GET", "/c", "functions/missing.index")      // @all3
		api.Route("GET", "/d", users, function.Memory(1))      // @all4
		function.New(ctx, "bad name", function.Handler(users)) // @all5
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
		run  func(api *apigateway.Api)
	}{
		{"string with ::", func(api *apigateway.Api) { api.Route("POST", "/orders", "functions/orders::handler.index") }},
		{"function.Config", func(api *apigateway.Api) {
			api.Route("POST", "/orders", function.Config{Folder: "functions/orders", Handler: "handler.index"})
		}},
		{"*function.Config", func(api *apigateway.Api) {
			api.Route("POST", "/orders", &function.Config{Folder: "functions/orders", Handler: "handler.index"})
		}},
		{"map with src", func(api *apigateway.Api) {
			api.Route("POST", "/orders", map[string]any{"src": "functions/orders", "handler": "handler.index"})
		}},
		{"options", func(api *apigateway.Api) {
			api.Route("POST", "/orders", function.Folder("functions/orders"), function.Handler("handler.index"))
		}},
		{"map of strings", func(api *apigateway.Api) {
			api.Route("POST", "/orders", map[string]string{"src": "functions/orders", "handler": "handler.index"})
		}},
		{"string and folder option", func(api *apigateway.Api) {
			api.Route("POST", "/orders", "handler.index", function.Folder("functions/orders"))
		}},
	}
	for _, tt := range folder {
		t.Run("folder/"+tt.name, func(t *testing.T) {
			table := mustLoad(t, dir, func(ctx *stelvio.Context) { tt.run(apigateway.New(ctx, "shop")) })
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
	t.Run("folder/function.New", func(t *testing.T) {
		table := mustLoad(t, dir, func(ctx *stelvio.Context) {
			apigateway.New(ctx, "shop").Route("GET", "/orders",
				function.New(ctx, "orders-function", function.Folder("functions/orders"), function.Handler("handler.index")))
		})
		f := table.Functions[0]
		if f.Name != "orders-function" || !f.Instance || !f.FolderBased || f.Dir != "functions/orders" || f.Entry.String() != "handler.index" {
			t.Errorf("function %+v, want the instance orders-function", *f)
		}
	})

	// Configuration reaches the function the same way in every form.
	configured := []struct {
		name string
		run  func(api *apigateway.Api)
	}{
		{"options", func(api *apigateway.Api) {
			api.Route("GET", "/users", users, function.Memory(512), function.Timeout(30), function.Architecture("arm64"),
				function.Environment(map[string]string{"LEVEL": "debug"}))
		}},
		{"function.Config", func(api *apigateway.Api) {
			api.Route("GET", "/users", function.Config{Handler: users, Memory: 512, Timeout: 30, Architecture: "arm64",
				Environment: map[string]string{"LEVEL": "debug"}})
		}},
		{"map", func(api *apigateway.Api) {
			api.Route("GET", "/users", map[string]any{"handler": users, "memory": 512, "timeout": int64(30),
				"architecture": "arm64", "environment": map[string]any{"LEVEL": "debug"}})
		}},
		{"map from JSON numbers", func(api *apigateway.Api) {
			api.Route("GET", "/users", map[string]any{"handler": users, "memory": 512.0, "timeout": 30.0,
				"architecture": "arm64", "environment": map[string]string{"LEVEL": "debug"}})
		}},
		{"options only", func(api *apigateway.Api) {
			api.Route("GET", "/users", function.Handler(users), function.Memory(512), function.Timeout(30),
				function.Architecture("arm64"), function.Environment(map[string]string{"LEVEL": "debug"}))
		}},
	}
	for _, tt := range configured {
		t.Run("config/"+tt.name, func(t *testing.T) {
			table := mustLoad(t, dir, func(ctx *stelvio.Context) { tt.run(apigateway.New(ctx, "shop")) })
			f := table.Functions[0]
			if f.Key != "file:functions/users.py" || f.File != "functions/users.py" || f.Memory != 512 || f.Timeout != 30 ||
				f.Architecture != "arm64" || f.Environment["LEVEL"] != "debug" || len(f.Environment) != 1 {
				t.Errorf("function %+v, want functions/users.py with 512 MB, 30 s, arm64 and LEVEL=debug", *f)
			}
		})
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
		method any
		want   string
	}{
		{"GET", "GET"},
		{"get", "GET"},
		{"Post", "POST"},
		{"ANY", "ANY"},
		{"any", "ANY"},
		{"*", "ANY"},
		{[]string{"post", "GET"}, "GET,POST"},
		{[]string{"DELETE", "patch", "Put", "head", "OPTIONS"}, "DELETE,HEAD,OPTIONS,PATCH,PUT"},
	}
	for _, tt := range tests {
		t.Run(fmt.Sprint(tt.method), func(t *testing.T) {
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
		function.New(ctx, long+"daily", function.Handler("functions/reports.handler"))
		function.New(ctx, long+"weekly", function.Handler("functions/reports.handler"))
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
