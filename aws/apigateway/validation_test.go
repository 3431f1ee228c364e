package apigateway_test

import (
	"errors"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/stelvio-go/stelvio"
	"github.com/stelvio-go/stelvio/aws/apigateway"
	"github.com/stelvio-go/stelvio/aws/function"
	"github.com/stelvio-go/stelvio/dns"
	"github.com/stelvio-go/stelvio/internal/route"
)

// project writes a small app's files into a temporary directory and returns it, with a directory
// outside the project that symbolic links of the project point into.
func project(t *testing.T) (dir, outside string) {
	t.Helper()
	dir, outside = t.TempDir(), t.TempDir()
	files := map[string]string{
		"functions/users.py":               "def index(event, context): pass\ndef get(event, context): pass\ndef create(event, context): pass\n",
		"functions/orders.py":              "def index(event, context): pass\n",
		"functions/reports.py":             "def handler(event, context): pass\n",
		"functions/inventory/handler.py":   "def index(event, context): pass\ndef get(event, context): pass\n",
		"functions/orders/handler.py":      "def index(event, context): pass\n",
		"functions/hello/hello.go":         "package main\n\nfunc Hello() {}\n",
		"functions/amb.py":                 "def index(event, context): pass\n",
		"functions/amb/main.go":            "package main\n",
		"functions/my-app.py":              "def index(event, context): pass\n",
		"functions/my_app.py":              "def index(event, context): pass\n",
		"functions/my/app/handler.py":      "def index(event, context): pass\n",
		"functions/requirements.txt":       "requests\n",
		"functions/inventory/stock.py":     "STOCK = {}\n",
		"functions/inventory/requirements": "not a requirements file name\n",
	}
	for name, body := range files {
		write(t, filepath.Join(dir, name), body)
	}
	write(t, filepath.Join(outside, "escape.py"), "def index(event, context): pass\n")
	write(t, filepath.Join(outside, "handler.py"), "def index(event, context): pass\n")
	if err := os.Symlink(filepath.Join(outside, "escape.py"), filepath.Join(dir, "functions/escape.py")); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(outside, filepath.Join(dir, "functions/linked")); err != nil {
		t.Fatal(err)
	}
	real, err := filepath.EvalSymlinks(outside)
	if err != nil {
		t.Fatal(err)
	}
	return dir, real
}

func write(t *testing.T, path, body string) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, []byte(body), 0o644); err != nil {
		t.Fatal(err)
	}
}

// fakeDNS stands in for a DNS provider; declaring an app never creates records.
type fakeDNS struct{}

func (fakeDNS) CreateRecord(*pulumi.Context, string, dns.Record, ...pulumi.ResourceOption) (pulumi.Resource, error) {
	return nil, errors.New("not used while loading")
}

// load runs run as the program of an app named "shop" in environment "dev" on the project dir.
func load(dir string, withDNS bool, run func(ctx *stelvio.Context)) (*route.Table, error) {
	var opts []stelvio.Option
	if withDNS {
		opts = append(opts, extend.DNS(fakeDNS{}))
	}
	return stelvio.New("shop", opts...).Program(func(ctx *stelvio.Context) error {
		run(ctx)
		return nil
	}).Load("dev", dir)
}

var markRE = regexp.MustCompile(`// (@\w+)`)

// marks maps the "// @name" comments of the test file to "file:line", the source a problem declared on
// that line is reported at.
func marks(t *testing.T, file string) map[string]string {
	t.Helper()
	src, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]string{}
	for i, line := range strings.Split(string(src), "\n") {
		for _, m := range markRE.FindAllStringSubmatch(line, -1) {
			out[m[1]] = file + ":" + strconv.Itoa(i+1)
		}
	}
	return out
}

// shop declares the API most cases route on.
func shop(ctx *stelvio.Context) *apigateway.Api { return apigateway.New(ctx, "shop") }

const users = "functions/users.index"

func TestRejectedPrograms(t *testing.T) {
	tests := []struct {
		name    string
		noDNS   bool
		run     func(ctx *stelvio.Context)
		problem []string // one per problem; @mark is the file:line of the marked line, $OUT the outside directory
	}{
		// Handler strings.
		{"handler empty", false, func(ctx *stelvio.Context) { shop(ctx).Route("GET", "/x", "") }, // @h1
			[]string{`@h1: route GET /x: handler is empty; give it as "path/file.function", e.g. "functions/users.index"`}},
		{"handler two ::", false, func(ctx *stelvio.Context) { shop(ctx).Route("GET", "/x", "a::b::c.d") }, // @h2
			[]string{`@h2: route GET /x: handler "a::b::c.d" has more than one "::"; use "folder::file.function"`}},
		{"handler :: and folder", false, func(ctx *stelvio.Context) {
			shop(ctx).Route("GET", "/x", "functions/inventory::handler.index", function.Folder("functions/inventory")) // @h3
		}, []string{`@h3: route GET /x: handler "functions/inventory::handler.index" uses "::" and a folder ("functions/inventory") is also configured; give the folder one way only: the handler "functions/inventory::handler.index" alone, or the folder with the handler "handler.index"`}},
		{"handler no dot", false, func(ctx *stelvio.Context) { shop(ctx).Route("GET", "/x", "functions/users") }, // @h4
			[]string{`@h4: route GET /x: handler "functions/users" has no function name; write it as "path/file.function"`}},
		{"handler empty file", false, func(ctx *stelvio.Context) { shop(ctx).Route("GET", "/x", ".index") }, // @h5
			[]string{`@h5: route GET /x: handler ".index" has an empty file path before "."; write it as "path/file.function"`}},
		{"handler empty function", false, func(ctx *stelvio.Context) { shop(ctx).Route("GET", "/x", "functions/users.") }, // @h6
			[]string{`@h6: route GET /x: handler "functions/users." has an empty function name after "."; write it as "path/file.function"`}},
		{"handler dot in file", false, func(ctx *stelvio.Context) { shop(ctx).Route("GET", "/x", "functions/users.py.index") }, // @h7
			[]string{`@h7: route GET /x: handler "functions/users.py.index": file path "functions/users.py" contains a dot; leave out the file extension and use only one "." before the function name`}},
		{"handler dot in folder", false, func(ctx *stelvio.Context) { shop(ctx).Route("GET", "/x", "functions.v2::handler.index") }, // @h8
			[]string{`@h8: route GET /x: handler "functions.v2::handler.index": folder "functions.v2" contains a dot; folder names may not contain dots`}},
		{"handler ../ escape", false, func(ctx *stelvio.Context) { shop(ctx).Route("GET", "/x", "../outside/users.index") }, // @h9
			[]string{`@h9: route GET /x: handler "../outside/users.index": file path "../outside/users" leaves the project directory; handlers must live inside the project`}},
		{"handler absolute", false, func(ctx *stelvio.Context) { shop(ctx).Route("GET", "/x", "/srv/users.index") }, // @h10
			[]string{`@h10: route GET /x: handler "/srv/users.index": file path "/srv/users" is absolute; give a path relative to the project directory`}},
		{"handler symlink file out", false, func(ctx *stelvio.Context) { shop(ctx).Route("GET", "/x", "functions/escape.index") }, // @h11
			[]string{`@h11: route GET /x: handler "functions/escape.index": functions/escape.py resolves to $OUT/escape.py, outside the project directory (a symbolic link?); handlers must live inside the project`}},
		{"handler symlink folder out", false, func(ctx *stelvio.Context) { shop(ctx).Route("GET", "/x", "functions/linked::handler.index") }, // @h12
			[]string{`@h12: route GET /x: handler "functions/linked::handler.index": functions/linked resolves to $OUT, outside the project directory (a symbolic link?); handlers must live inside the project`}},
		{"handler missing file", false, func(ctx *stelvio.Context) { shop(ctx).Route("GET", "/x", "functions/missing.index") }, // @h13
			[]string{`@h13: route GET /x: handler "functions/missing.index": neither functions/missing.py nor a Go package directory functions/missing/ exists in the project`}},
		{"handler missing folder", false, func(ctx *stelvio.Context) { shop(ctx).Route("GET", "/x", "functions/nope::handler.index") }, // @h14
			[]string{`@h14: route GET /x: handler "functions/nope::handler.index": folder functions/nope not found in the project`}},
		{"handler missing file in folder", false, func(ctx *stelvio.Context) { shop(ctx).Route("GET", "/x", "functions/inventory::missing.index") }, // @h15
			[]string{`@h15: route GET /x: handler "functions/inventory::missing.index": file functions/inventory/missing.py not found in the project`}},
		{"handler ambiguous python and go", false, func(ctx *stelvio.Context) { shop(ctx).Route("GET", "/x", "functions/amb.index") }, // @h16
			[]string{`@h16: route GET /x: handler "functions/amb.index" is ambiguous: both functions/amb.py and Go package functions/amb/ exist; set the runtime (function.Runtime("python3.12") or function.Runtime("provided.al2023"))`}},
		{"handler unexported go function", false, func(ctx *stelvio.Context) { shop(ctx).Route("GET", "/x", "functions/hello.hello") }, // @h17
			[]string{`@h17: route GET /x: handler "functions/hello.hello": Go function "hello" is not exported; rename it to "Hello"`}},
		{"handler function not identifier", false, func(ctx *stelvio.Context) { shop(ctx).Route("GET", "/x", "functions/users.get-user") }, // @h18
			[]string{`@h18: route GET /x: handler "functions/users.get-user": function name "get-user" is not a valid identifier; name a Python or Go function (letters, digits and _, not starting with a digit)`}},
		{"handler empty path element", false, func(ctx *stelvio.Context) { shop(ctx).Route("GET", "/x", "functions//users.index") }, // @h19
			[]string{`@h19: route GET /x: handler "functions//users.index": file path "functions//users" has an empty or "." path element; write it like "functions/users"`}},
		{"handler empty folder", false, func(ctx *stelvio.Context) { shop(ctx).Route("GET", "/x", "::handler.index") }, // @h20
			[]string{`@h20: route GET /x: handler "::handler.index" has an empty folder before "::"; write it as "folder::file.function"`}},
		{"handler backslash", false, func(ctx *stelvio.Context) { shop(ctx).Route("GET", "/x", `functions\users.index`) }, // @h21
			[]string{`@h21: route GET /x: handler "functions\\users.index" uses backslashes; separate folders with /`}},
		{"handler given twice", false, func(ctx *stelvio.Context) {
			shop(ctx).Route("GET", "/x", users, function.Handler("functions/orders.index")) // @h22
		},
			[]string{`@h22: route GET /x: the handler is given twice ("functions/users.index" and function.Handler("functions/orders.index")); keep one`}},
		{"handler nil", false, func(ctx *stelvio.Context) { shop(ctx).Route("GET", "/x", nil) }, // @h23
			[]string{`@h23: route GET /x: no handler; pass a handler string such as "functions/users.index", a function.Config, or a function.New instance`}},
		{"handler wrong type", false, func(ctx *stelvio.Context) { shop(ctx).Route("GET", "/x", 42) }, // @h24
			[]string{`@h24: route GET /x: handler must be a string, function.Config, map[string]any or *function.Function, not int`}},
		{"folder without handler", false, func(ctx *stelvio.Context) { shop(ctx).Route("GET", "/x", function.Folder("functions/inventory")) }, // @h25
			[]string{`@h25: route GET /x: folder "functions/inventory" is given without a handler; add the file and function inside it, e.g. function.Handler("handler.index")`}},
		{"folder trailing slash", false, func(ctx *stelvio.Context) {
			shop(ctx).Route("GET", "/x", function.Folder("functions/inventory/"), function.Handler("handler.index")) // @h26
		}, []string{`@h26: route GET /x: folder "functions/inventory/" ends with "/"; write it as "functions/inventory"`}},
		{"nil function", false, func(ctx *stelvio.Context) { var fn *function.Function; shop(ctx).Route("GET", "/x", fn) }, // @h27
			[]string{`@h27: route GET /x: the function is nil; create it with function.New(ctx, name, ...) before passing it to the route`}},
		{"function not made with New", false, func(ctx *stelvio.Context) { shop(ctx).Route("GET", "/x", &function.Function{Name: "users"}) }, // @h28
			[]string{`@h28: route GET /x: function "users" was not made with function.New on this app's context; create it with function.New(ctx, "users", ...)`}},
		{"handler single colon", false, func(ctx *stelvio.Context) { shop(ctx).Route("GET", "/x", "functions/a:b.index") }, // @h29
			[]string{`@h29: route GET /x: handler "functions/a:b.index" has a ":" outside "::"; write it as "folder::file.function" or "path/file.function"`}},
		{"go runtime without go package", false, func(ctx *stelvio.Context) { shop(ctx).Route("GET", "/x", users, function.Runtime("go")) }, // @h30
			[]string{`@h30: route GET /x: handler "functions/users.index": Go package directory functions/users not found (or has no .go files)`}},
		{"go handler with a folder", false, func(ctx *stelvio.Context) {
			shop(ctx).Route("GET", "/x", "functions/hello::main.Hello", function.Runtime("go")) // @h31
		}, []string{`@h31: route GET /x: handler "functions/hello::main.Hello": Go handlers are written "package/dir.Function", without a folder or "::"`}},

		// Paths.
		{"path no leading slash", false, func(ctx *stelvio.Context) { shop(ctx).Route("GET", "users", users) }, // @p1
			[]string{`@p1: route GET users: path "users" must start with "/"; write "/users"`}},
		{"path empty", false, func(ctx *stelvio.Context) { shop(ctx).Route("GET", "", users) }, // @p2
			[]string{`@p2: route GET "": path is empty; use "/" for the root`}},
		{"path empty parameter", false, func(ctx *stelvio.Context) { shop(ctx).Route("GET", "/users/{}", users) }, // @p3
			[]string{`@p3: route GET /users/{}: path "/users/{}": empty parameter "{}"; name it, e.g. {id}`}},
		{"path parameter starts with digit", false, func(ctx *stelvio.Context) { shop(ctx).Route("GET", "/users/{1id}", users) }, // @p4
			[]string{`@p4: route GET /users/{1id}: path "/users/{1id}": parameter name "1id" must start with a letter or _ and contain only letters, digits and _`}},
		{"path parameter with hyphen", false, func(ctx *stelvio.Context) { shop(ctx).Route("GET", "/users/{user-id}", users) }, // @p5
			[]string{`@p5: route GET /users/{user-id}: path "/users/{user-id}": parameter name "user-id" must start with a letter or _ and contain only letters, digits and _`}},
		{"path duplicate parameter", false, func(ctx *stelvio.Context) { shop(ctx).Route("GET", "/a/{id}/b/{id}", users) }, // @p6
			[]string{`@p6: route GET /a/{id}/b/{id}: path "/a/{id}/b/{id}": duplicate path parameter "id"; rename one of them`}},
		{"path 11 parameters", false, func(ctx *stelvio.Context) {
			shop(ctx).Route("GET", "/{a}/{b}/{c}/{d}/{e}/{f}/{g}/{h}/{i}/{j}/{k}", users) // @p7
		},
			[]string{`@p7: route GET /{a}/{b}/{c}/{d}/{e}/{f}/{g}/{h}/{i}/{j}/{k}: path "/{a}/{b}/{c}/{d}/{e}/{f}/{g}/{h}/{i}/{j}/{k}" has 11 path parameters; API Gateway allows at most 10; pass the others in the query string or the body`}},
		{"path greedy not last", false, func(ctx *stelvio.Context) { shop(ctx).Route("GET", "/{proxy+}/x", users) }, // @p8
			[]string{`@p8: route GET /{proxy+}/x: path "/{proxy+}/x": greedy parameter {proxy+} must be the last segment`}},
		{"path greedy not proxy", false, func(ctx *stelvio.Context) { shop(ctx).Route("GET", "/files/{path+}", users) }, // @p9
			[]string{`@p9: route GET /files/{path+}: path "/files/{path+}": greedy parameter {path+} must be named {proxy+}`}},
		{"path adjacent parameters", false, func(ctx *stelvio.Context) { shop(ctx).Route("GET", "/{a}{b}", users) }, // @p10
			[]string{`@p10: route GET /{a}{b}: path "/{a}{b}": segment "{a}{b}" has more than one parameter; put each parameter in its own segment, e.g. /{a}/{b}`}},
		{"path text and parameter", false, func(ctx *stelvio.Context) { shop(ctx).Route("GET", "/users/id-{id}", users) }, // @p11
			[]string{`@p11: route GET /users/id-{id}: path "/users/id-{id}": segment "id-{id}" mixes text and a parameter or has unbalanced braces; a parameter must be a whole segment, e.g. /users/{id}`}},
		{"path double slash", false, func(ctx *stelvio.Context) { shop(ctx).Route("GET", "/users//x", users) }, // @p12
			[]string{`@p12: route GET /users//x: path "/users//x" has an empty segment ("//"); remove the extra slash`}},
		{"path only double slash", false, func(ctx *stelvio.Context) { shop(ctx).Route("GET", "//", users) }, // @p13
			[]string{`@p13: route GET //: path "//" has an empty segment ("//"); remove the extra slash`}},
		{"path unbalanced brace", false, func(ctx *stelvio.Context) { shop(ctx).Route("GET", "/users/{id", users) }, // @p14
			[]string{`@p14: route GET /users/{id: path "/users/{id": segment "{id" mixes text and a parameter or has unbalanced braces; a parameter must be a whole segment, e.g. /users/{id}`}},
		{"path space", false, func(ctx *stelvio.Context) { shop(ctx).Route("GET", "/users/a b", users) }, // @p15
			[]string{`@p15: route GET /users/a b: path "/users/a b": segment "a b" may contain only letters, digits and . _ : @ ~ -`}},
		{"path dot-dot segment", false, func(ctx *stelvio.Context) { shop(ctx).Route("GET", "/users/../admin", users) }, // @p16
			[]string{`@p16: route GET /users/../admin: path "/users/../admin" has a ".." segment, which clients resolve away before the request is sent; remove it`}},
		{"path dot segment", false, func(ctx *stelvio.Context) { shop(ctx).Route("GET", "/./users", users) }, // @p17
			[]string{`@p17: route GET /./users: path "/./users" has a "." segment, which clients resolve away before the request is sent; remove it`}},

		// Methods.
		{"method unknown", false, func(ctx *stelvio.Context) { shop(ctx).Route("FETCH", "/x", users) }, // @m1
			[]string{`@m1: route FETCH /x: unknown HTTP method "FETCH"; use one of GET, POST, PUT, PATCH, DELETE, HEAD, OPTIONS, ANY (or *)`}},
		{"method empty list", false, func(ctx *stelvio.Context) { shop(ctx).Route([]string{}, "/x", users) }, // @m2
			[]string{`@m2: route [] /x: method list is empty; name at least one of GET, POST, PUT, PATCH, DELETE, HEAD, OPTIONS`}},
		{"method ANY in list", false, func(ctx *stelvio.Context) { shop(ctx).Route([]string{"GET", "ANY"}, "/x", users) }, // @m3
			[]string{`@m3: route GET,ANY /x: method list ["GET" "ANY"] contains "ANY"; use "ANY" on its own instead of a list`}},
		{"method * in list", false, func(ctx *stelvio.Context) { shop(ctx).Route([]string{"*", "POST"}, "/x", users) }, // @m4
			[]string{`@m4: route *,POST /x: method list ["*" "POST"] contains "*"; use "ANY" on its own instead of a list`}},
		{"method wrong type", false, func(ctx *stelvio.Context) { shop(ctx).Route(42, "/x", users) }, // @m5
			[]string{`@m5: route 42 /x: method must be a string or []string, not int`}},
		{"method nil", false, func(ctx *stelvio.Context) { shop(ctx).Route(nil, "/x", users) }, // @m6
			[]string{`@m6: route (no method) /x: method is missing; use one of GET, POST, PUT, PATCH, DELETE, HEAD, OPTIONS, ANY`}},
		{"method twice in list", false, func(ctx *stelvio.Context) { shop(ctx).Route([]string{"GET", "get"}, "/x", users) }, // @m7
			[]string{`@m7: route GET,get /x: method list ["GET" "get"] names GET twice; list each method once`}},
		{"method empty string", false, func(ctx *stelvio.Context) { shop(ctx).Route("", "/x", users) }, // @m8
			[]string{`@m8: route "" /x: unknown HTTP method ""; use one of GET, POST, PUT, PATCH, DELETE, HEAD, OPTIONS, ANY (or *)`}},
		{"method unknown in list", false, func(ctx *stelvio.Context) { shop(ctx).Route([]string{"GET", "FETCH"}, "/x", users) }, // @m9
			[]string{`@m9: route GET,FETCH /x: unknown HTTP method "FETCH"; use one of GET, POST, PUT, PATCH, DELETE, HEAD, OPTIONS, ANY (or *)`}},
		{"one route with three mistakes", false, func(ctx *stelvio.Context) { shop(ctx).Route("FETCH", "users", "functions/users") }, // @m10
			[]string{
				`@m10: route FETCH users: unknown HTTP method "FETCH"; use one of GET, POST, PUT, PATCH, DELETE, HEAD, OPTIONS, ANY (or *)`,
				`@m10: route FETCH users: path "users" must start with "/"; write "/users"`,
				`@m10: route FETCH users: handler "functions/users" has no function name; write it as "path/file.function"`,
			}},

		// Duplicate routes.
		{"same method and path twice", false, func(ctx *stelvio.Context) {
			api := shop(ctx)
			api.Route("GET", "/users", users)                 // @d1a
			api.Route("get", "/users", "functions/users.get") // @d1b
		}, []string{`@d1b: route GET /users: GET /users is already routed at @d1a; each method and path may be routed once`}},
		{"trailing slash is the same path", false, func(ctx *stelvio.Context) {
			api := shop(ctx)
			api.Route("GET", "/users", users)                  // @d2a
			api.Route("GET", "/users/", "functions/users.get") // @d2b
		}, []string{`@d2b: route GET /users: GET /users is already routed at @d2a; each method and path may be routed once`}},
		{"ANY after GET", false, func(ctx *stelvio.Context) {
			api := shop(ctx)
			api.Route("GET", "/users", users)                 // @d3a
			api.Route("ANY", "/users", "functions/users.get") // @d3b
		}, []string{`@d3b: route ANY /users: ANY /users clashes with GET /users at @d3a; ANY covers every method, so use either ANY or separate methods`}},
		{"GET after *", false, func(ctx *stelvio.Context) {
			api := shop(ctx)
			api.Route("*", "/users", users)                    // @d4a
			api.Route("POST", "/users", "functions/users.get") // @d4b
		}, []string{`@d4b: route POST /users: POST /users clashes with ANY /users at @d4a; ANY covers every method already`}},
		{"method of a list twice", false, func(ctx *stelvio.Context) {
			api := shop(ctx)
			api.Route("GET,POST", "/users", users)             // @d5a
			api.Route("POST", "/users", "functions/users.get") // @d5b
		}, []string{`@d5b: route POST /users: POST /users is already routed at @d5a; each method and path may be routed once`}},
		{"sibling parameters", false, func(ctx *stelvio.Context) {
			api := shop(ctx)
			api.Route("GET", "/users/{id}", users)                            // @s1a
			api.Route("GET", "/users/{userId}/orders", "functions/users.get") // @s1b
		}, []string{`@s1b: route GET /users/{userId}/orders: path parameter {userId} conflicts with {id} under /users (route GET /users/{id} at @s1a); API Gateway allows one parameter per position, so use the same name`}},
		{"sibling parameter and proxy", false, func(ctx *stelvio.Context) {
			api := shop(ctx)
			api.Route("GET", "/files/{id}", users)                     // @s2a
			api.Route("GET", "/files/{proxy+}", "functions/users.get") // @s2b
		}, []string{`@s2b: route GET /files/{proxy+}: path parameter {proxy+} conflicts with {id} under /files (route GET /files/{id} at @s2a); API Gateway allows one parameter per position, so use the same name`}},

		{"conflict with a route whose handler is wrong", false, func(ctx *stelvio.Context) {
			api := shop(ctx)
			api.Route("GET", "/users", "functions/missing.index") // @x1a
			api.Route("GET", "/users/", users)                    // @x1b
		}, []string{
			`@x1a: route GET /users: handler "functions/missing.index": neither functions/missing.py nor a Go package directory functions/missing/ exists in the project`,
			`@x1b: route GET /users: GET /users is already routed at @x1a; each method and path may be routed once`,
		}},

		// Configuration maps and mixed forms.
		{"config map unknown key", false, func(ctx *stelvio.Context) {
			shop(ctx).Route("GET", "/x", map[string]any{"handler": users, "memroy": 512}) // @c1
		}, []string{`@c1: route GET /x: unknown config key "memroy"; valid keys are architecture, environment, handler, memory, requirements, runtime, src, timeout`}},
		{"config map folder key", false, func(ctx *stelvio.Context) {
			shop(ctx).Route("GET", "/x", map[string]any{"folder": "functions/inventory", "handler": "handler.index"}) // @c2
		}, []string{`@c2: route GET /x: unknown config key "folder"; the folder key is "src"`}},
		{"config map handler not a string", false, func(ctx *stelvio.Context) { shop(ctx).Route("GET", "/x", map[string]any{"handler": 5}) }, // @c3
			[]string{`@c3: route GET /x: config key "handler" must be a string, not 5`}},
		{"config map memory a string", false, func(ctx *stelvio.Context) {
			shop(ctx).Route("GET", "/x", map[string]any{"handler": users, "memory": "512"}) // @c4
		}, []string{`@c4: route GET /x: config key "memory" must be a whole number, not "512"`}},
		{"config map timeout fractional", false, func(ctx *stelvio.Context) {
			shop(ctx).Route("GET", "/x", map[string]any{"handler": users, "timeout": 1.5}) // @c5
		}, []string{`@c5: route GET /x: config key "timeout" must be a whole number, not 1.5`}},
		{"config map environment a list", false, func(ctx *stelvio.Context) {
			shop(ctx).Route("GET", "/x", map[string]any{"handler": users, "environment": []string{"A=1"}}) // @c6
		}, []string{`@c6: route GET /x: config key "environment" must be a map of strings (map[string]string), not []string`}},
		{"config map requirements true", false, func(ctx *stelvio.Context) {
			shop(ctx).Route("GET", "/x", map[string]any{"handler": users, "requirements": true}) // @c7
		}, []string{`@c7: route GET /x: config key "requirements" may be a path or false, not true`}},
		{"config map and options", false, func(ctx *stelvio.Context) {
			shop(ctx).Route("GET", "/x", map[string]any{"handler": users}, function.Memory(256)) // @c8
		}, []string{`@c8: route GET /x: both a configuration map and options are given; put all configuration in the map`}},
		{"config struct and options", false, func(ctx *stelvio.Context) {
			shop(ctx).Route("GET", "/x", function.Config{Handler: users}, function.Memory(256)) // @c9
		}, []string{`@c9: route GET /x: both a function.Config and options are given; put all configuration in the Config`}},
		{"config map environment value not a string", false, func(ctx *stelvio.Context) {
			shop(ctx).Route("GET", "/x", map[string]any{"handler": users, "environment": map[string]any{"LEVEL": 1}}) // @c10
		}, []string{`@c10: route GET /x: environment variable LEVEL must be a string, not 1`}},
		{"config map requirements a number", false, func(ctx *stelvio.Context) {
			shop(ctx).Route("GET", "/x", map[string]any{"handler": users, "requirements": 5}) // @c11
		}, []string{`@c11: route GET /x: config key "requirements" must be a path or false, not 5`}},
		{"config map runtime not a string", false, func(ctx *stelvio.Context) {
			shop(ctx).Route("GET", "/x", map[string]any{"handler": users, "runtime": 3.12}) // @c12
		}, []string{`@c12: route GET /x: config key "runtime" must be a string, not 3.12`}},
		{"nil config pointer", false, func(ctx *stelvio.Context) { var c *function.Config; shop(ctx).Route("GET", "/x", c) }, // @c13
			[]string{`@c13: route GET /x: the *function.Config is nil; pass a function.Config with at least its Handler`}},
		{"config pointer and options", false, func(ctx *stelvio.Context) {
			shop(ctx).Route("GET", "/x", &function.Config{Handler: users}, function.Timeout(5)) // @c14
		}, []string{`@c14: route GET /x: both a function.Config and options are given; put all configuration in the Config`}},
		{"requirements given and turned off", false, func(ctx *stelvio.Context) {
			shop(ctx).Route("GET", "/x", users, function.Requirements("functions/requirements.txt"), function.NoRequirements()) // @c15
		}, []string{`@c15: function functions/users.py: requirements "functions/requirements.txt" is given and also turned off; keep one`}},

		// A shared function is configured once.
		{"config on two routes of one function", false, func(ctx *stelvio.Context) {
			api := shop(ctx)
			api.Route("GET", "/users", users, function.Memory(256))                     // @t1a
			api.Route("GET", "/users/{id}", "functions/users.get")                      // @t1
			api.Route("POST", "/users", "functions/users.create", function.Memory(256)) // @t1b
		}, []string{`@t1b: function functions/users.py: configured on more than one route: GET /users (@t1a), POST /users (@t1b); configure it on one route only (the others share it), or create it once with function.New and pass it to each route`}},
		{"config on two routes of one folder", false, func(ctx *stelvio.Context) {
			api := shop(ctx)
			api.Route("GET", "/inventory", map[string]any{"src": "functions/inventory", "handler": "handler.index", "timeout": 10}) // @t2a
			api.Route("GET", "/inventory/{sku}", "functions/inventory::handler.get", function.Timeout(20))                          // @t2b
		}, []string{`@t2b: function functions/inventory: configured on more than one route: GET /inventory (@t2a), GET /inventory/{sku} (@t2b); configure it on one route only (the others share it), or create it once with function.New and pass it to each route`}},
		{"options with a function instance", false, func(ctx *stelvio.Context) {
			reports := function.New(ctx, "reports", function.Handler("functions/reports.handler")) // @t3a
			shop(ctx).Route("GET", "/reports", reports, function.Memory(512))                      // @t3b
		}, []string{`@t3b: route GET /reports: configuration options are given together with function "reports"; set them in its function.New at @t3a instead`}},

		// Configuration values.
		{"memory too small", false, func(ctx *stelvio.Context) { shop(ctx).Route("GET", "/x", users, function.Memory(64)) }, // @r1
			[]string{`@r1: function functions/users.py: memory 64 MB is out of range; Lambda allows 128 to 10240 MB`}},
		{"memory too large", false, func(ctx *stelvio.Context) { shop(ctx).Route("GET", "/x", users, function.Memory(20000)) }, // @r2
			[]string{`@r2: function functions/users.py: memory 20000 MB is out of range; Lambda allows 128 to 10240 MB`}},
		{"timeout too long", false, func(ctx *stelvio.Context) { shop(ctx).Route("GET", "/x", users, function.Timeout(901)) }, // @r3
			[]string{`@r3: function functions/users.py: timeout 901 s is out of range; Lambda allows 1 to 900 seconds`}},
		{"timeout negative", false, func(ctx *stelvio.Context) { shop(ctx).Route("GET", "/x", users, function.Timeout(-1)) }, // @r4
			[]string{`@r4: function functions/users.py: timeout -1 s is out of range; Lambda allows 1 to 900 seconds`}},
		{"architecture unknown", false, func(ctx *stelvio.Context) { shop(ctx).Route("GET", "/x", users, function.Architecture("arm")) }, // @r5
			[]string{`@r5: function functions/users.py: architecture "arm" is not supported; use "x86_64" or "arm64"`}},
		{"runtime unknown", false, func(ctx *stelvio.Context) { shop(ctx).Route("GET", "/x", users, function.Runtime("nodejs20.x")) }, // @r6
			[]string{`@r6: route GET /x: runtime "nodejs20.x" is not supported; use "python3.12" (or "python") or "provided.al2023" (or "go")`}},
		{"environment variable reserved", false, func(ctx *stelvio.Context) {
			shop(ctx).Route("GET", "/x", users, function.Environment(map[string]string{"AWS_REGION": "eu-west-1"})) // @r7
		}, []string{`@r7: function functions/users.py: environment variable AWS_REGION is reserved by AWS Lambda; choose another name`}},
		{"environment variable bad name", false, func(ctx *stelvio.Context) {
			shop(ctx).Route("GET", "/x", users, function.Environment(map[string]string{"1BAD": "x"})) // @r8
		}, []string{`@r8: function functions/users.py: environment variable name "1BAD" must start with a letter, have at least 2 characters and contain only letters, digits and _`}},
		{"environment variable one letter", false, func(ctx *stelvio.Context) {
			shop(ctx).Route("GET", "/x", users, function.Environment(map[string]string{"A": "x"})) // @r13
		}, []string{`@r13: function functions/users.py: environment variable name "A" must start with a letter, have at least 2 characters and contain only letters, digits and _`}},
		{"environment too large", false, func(ctx *stelvio.Context) {
			shop(ctx).Route("GET", "/x", users, function.Environment(map[string]string{"CERT": strings.Repeat("x", 4093)})) // @r14
		}, []string{`@r14: function functions/users.py: environment variables take 4097 bytes; Lambda allows 4096 in total, so keep large values in a file or a parameter store`}},
		{"instance memory too large", false, func(ctx *stelvio.Context) {
			function.New(ctx, "big", function.Handler("functions/reports.handler"), function.Memory(99999)) // @r9
		}, []string{`@r9: function "big": memory 99999 MB is out of range; Lambda allows 128 to 10240 MB`}},
		{"requirements on a go function", false, func(ctx *stelvio.Context) {
			shop(ctx).Route("GET", "/x", "functions/hello.Hello", function.Requirements("functions/requirements.txt")) // @r10
		}, []string{`@r10: function functions/hello: requirements apply to Python functions only; remove them from this Go function`}},
		{"requirements outside the project", false, func(ctx *stelvio.Context) { shop(ctx).Route("GET", "/x", users, function.Requirements("../req.txt")) }, // @r11
			[]string{`@r11: function functions/users.py: requirements "../req.txt" is outside the project; give a path relative to the project directory`}},
		{"requirements missing", false, func(ctx *stelvio.Context) { shop(ctx).Route("GET", "/x", users, function.Requirements("missing.txt")) }, // @r12
			[]string{`@r12: function functions/users.py: requirements file missing.txt not found in the project`}},

		// Function instances.
		{"function name invalid", false, func(ctx *stelvio.Context) { function.New(ctx, "bad name!", function.Handler(users)) }, // @f1
			[]string{`@f1: function "bad name!": name must start with a letter or digit and contain only letters, digits, - and _`}},
		{"function name twice", false, func(ctx *stelvio.Context) {
			function.New(ctx, "reports", function.Handler("functions/reports.handler")) // @f2a
			function.New(ctx, "reports", function.Handler("functions/orders.index"))    // @f2b
		}, []string{`@f2b: function "reports": another function is already named "reports" (@f2a); give each function.New its own name (names are not case-sensitive)`}},
		{"function with a bad name and a bad handler", false, func(ctx *stelvio.Context) {
			function.New(ctx, "bad name!", function.Handler("functions/users.py.index")) // @f4
		}, []string{
			`@f4: function "bad name!": name must start with a letter or digit and contain only letters, digits, - and _`,
			`@f4: function "bad name!": handler "functions/users.py.index": file path "functions/users.py" contains a dot; leave out the file extension and use only one "." before the function name`,
		}},
		{"function names differing in case", false, func(ctx *stelvio.Context) {
			function.New(ctx, "Reports", function.Handler("functions/reports.handler")) // @f5a
			function.New(ctx, "reports", function.Handler("functions/orders.index"))    // @f5b
		}, []string{`@f5b: function "reports": another function is already named "Reports" (@f5a); give each function.New its own name (names are not case-sensitive)`}},
		{"api names differing in case", false, func(ctx *stelvio.Context) {
			apigateway.New(ctx, "Shop") // @a6a
			apigateway.New(ctx, "shop") // @a6b
		}, []string{`@a6b: api "shop": api "Shop" is already declared at @a6a; give each api its own name (names are not case-sensitive)`}},
		{"function without handler", false, func(ctx *stelvio.Context) { function.New(ctx, "empty", function.Memory(256)) }, // @f3
			[]string{`@f3: function "empty": handler is empty; give it as "path/file.function", e.g. "functions/users.index"`}},

		// APIs and domains.
		{"api name invalid", false, func(ctx *stelvio.Context) { apigateway.New(ctx, "my api") }, // @a1
			[]string{`@a1: api "my api": name must start with a letter or digit and contain only letters, digits, - and _`}},
		{"api with a bad name and a bad route", false, func(ctx *stelvio.Context) {
			api := apigateway.New(ctx, "my api") // @a5a
			api.Route("GET", "/users/{}", users) // @a5b
		}, []string{
			`@a5a: api "my api": name must start with a letter or digit and contain only letters, digits, - and _`,
			`@a5b: route GET /users/{}: path "/users/{}": empty parameter "{}"; name it, e.g. {id}`,
		}},
		{"domain with a final dot", false, func(ctx *stelvio.Context) { apigateway.New(ctx, "shop", apigateway.DomainName("api.example.com.")) }, // @dm9
			[]string{`@dm9: api "shop": domain name "api.example.com." ends with "."; write it without the final dot, "api.example.com"`}},
		{"api name twice", false, func(ctx *stelvio.Context) {
			apigateway.New(ctx, "shop") // @a2a
			apigateway.New(ctx, "shop") // @a2b
		}, []string{`@a2b: api "shop": api "shop" is already declared at @a2a; give each api its own name (names are not case-sensitive)`}},
		{"stage name invalid", false, func(ctx *stelvio.Context) { apigateway.New(ctx, "shop", apigateway.StageName("v 1")) }, // @a3
			[]string{`@a3: api "shop": stage name "v 1" may contain only letters, digits, - and _ (at most 128)`}},
		{"endpoint type unknown", false, func(ctx *stelvio.Context) { apigateway.New(ctx, "shop", apigateway.EndpointType("private")) }, // @a4
			[]string{`@a4: api "shop": endpoint type "private" is not supported; use "regional" or "edge"`}},
		{"domain bad label", false, func(ctx *stelvio.Context) {
			apigateway.New(ctx, "shop", apigateway.DomainName("bad_label.example.com")) // @dm1
		},
			[]string{`@dm1: api "shop": domain name "bad_label.example.com" has an invalid label "bad_label"; labels are 1 to 63 letters, digits or hyphens, not starting or ending with a hyphen`}},
		{"domain one label", false, func(ctx *stelvio.Context) { apigateway.New(ctx, "shop", apigateway.DomainName("localhost")) }, // @dm2
			[]string{`@dm2: api "shop": domain name "localhost" needs at least two labels, e.g. api.example.com`}},
		{"domain wildcard", false, func(ctx *stelvio.Context) { apigateway.New(ctx, "shop", apigateway.DomainName("*.example.com")) }, // @dm3
			[]string{`@dm3: api "shop": domain name "*.example.com" is a wildcard; an api serves one exact name, e.g. api.example.com`}},
		{"domain wildcard inside", false, func(ctx *stelvio.Context) { apigateway.New(ctx, "shop", apigateway.DomainName("api.*.example.com")) }, // @dm4
			[]string{`@dm4: api "shop": domain name "api.*.example.com" is a wildcard; an api serves one exact name, e.g. api.example.com`}},
		{"domain too long", false, func(ctx *stelvio.Context) {
			apigateway.New(ctx, "shop", apigateway.DomainName(strings.Repeat("a.", 127)+"com")) // @dm5
		}, []string{`@dm5: api "shop": domain name "` + strings.Repeat("a.", 127) + `com" is 257 characters long; at most 253 are allowed`}},
		{"domain label too long", false, func(ctx *stelvio.Context) {
			apigateway.New(ctx, "shop", apigateway.DomainName(strings.Repeat("a", 64)+".example.com")) // @dm6
		}, []string{`@dm6: api "shop": domain name "` + strings.Repeat("a", 64) + `.example.com" has an invalid label "` + strings.Repeat("a", 64) + `"; labels are 1 to 63 letters, digits or hyphens, not starting or ending with a hyphen`}},
		{"domain on two apis", false, func(ctx *stelvio.Context) {
			apigateway.New(ctx, "shop", apigateway.DomainName("api.example.com"))  // @dm7a
			apigateway.New(ctx, "admin", apigateway.DomainName("API.example.com")) // @dm7b
		}, []string{`@dm7b: api "admin": domain api.example.com is already used by api "shop" at @dm7a; one domain can serve only one api, so give this api another domain (e.g. a subdomain)`}},
		{"domain without dns provider", true, func(ctx *stelvio.Context) { apigateway.New(ctx, "shop", apigateway.DomainName("api.example.com")) }, // @dm8
			[]string{`@dm8: api "shop": domain api.example.com needs a DNS provider; create the app with stelvio.New(name, route53.Use("ZONE_ID")) or cloudflare.Use("ZONE_ID")`}},
	}
	lines := marks(t, "validation_test.go")
	dir, outside := project(t)
	expand := func(s string) string {
		s = strings.ReplaceAll(s, "$OUT", outside)
		return regexp.MustCompile(`@\w+`).ReplaceAllStringFunc(s, func(m string) string {
			at, ok := lines[m]
			if !ok {
				t.Fatalf("no line is marked // %s", m)
			}
			return at
		})
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			table, err := load(dir, !tt.noDNS, tt.run)
			if err == nil {
				t.Fatalf("loaded a table with %d functions, want an error", len(table.Functions))
			}
			var want strings.Builder
			if len(tt.problem) == 1 {
				want.WriteString("1 problem in the app:")
			} else {
				want.WriteString(strconv.Itoa(len(tt.problem)) + " problems in the app:")
			}
			for _, p := range tt.problem {
				want.WriteString("\n  " + expand(p))
			}
			if got := err.Error(); got != want.String() {
				t.Errorf("error:\n%s\nwant:\n%s", got, want.String())
			}
		})
	}
}
