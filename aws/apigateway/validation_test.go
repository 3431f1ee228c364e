package apigateway_test

import (
	"errors"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/stelvio-go/stelvio"
	"github.com/stelvio-go/stelvio/aws/apigateway"
	"github.com/stelvio-go/stelvio/aws/function"
	"github.com/stelvio-go/stelvio/dns"
	"github.com/stelvio-go/stelvio/extend"
	"github.com/stelvio-go/stelvio/internal/app"
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
	return app.ProgramOf(stelvio.New("shop", opts...), func(ctx *stelvio.Context) error {
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

// declaredElsewhere are a function and an output declared by another program: a program may only use
// those declared on its own context.
type declaredElsewhere struct {
	fn  *function.Function
	out *stelvio.Output
}

func TestRejectedPrograms(t *testing.T) {
	var other declaredElsewhere
	if _, err := load(t.TempDir(), false, func(ctx *stelvio.Context) {
		other.out = ctx.Output("bucket", "local")
		other.fn = function.New(ctx, "users", "functions/users.index")
	}); err == nil {
		t.Fatal("the other program loaded without its handler file")
	}
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
			[]string{`@h16: route GET /x: handler "functions/amb.index" is ambiguous: both functions/amb.py and Go package functions/amb/ exist; set the runtime (function.Python312 or function.GoAL2023)`}},
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
		{"folder without handler", false, func(ctx *stelvio.Context) { shop(ctx).Route("GET", "/x", "", function.Folder("functions/inventory")) }, // @h25
			[]string{`@h25: route GET /x: folder "functions/inventory" is given without a handler; give the file and function inside it as the handler, e.g. "handler.index"`}},
		{"folder trailing slash", false, func(ctx *stelvio.Context) {
			shop(ctx).Route("GET", "/x", "handler.index", function.Folder("functions/inventory/")) // @h26
		}, []string{`@h26: route GET /x: folder "functions/inventory/" ends with "/"; write it as "functions/inventory"`}},
		{"folder trailing slash in a Config", false, func(ctx *stelvio.Context) {
			shop(ctx).Route("GET", "/x", "handler.index", function.Config{Folder: "functions/inventory/"}) // @h26c
		}, []string{`@h26c: route GET /x: folder "functions/inventory/" ends with "/"; write it as "functions/inventory"`}},
		{"nil function", false, func(ctx *stelvio.Context) { shop(ctx).RouteFunction("GET", "/x", nil) }, // @h27
			[]string{`@h27: route GET /x: the function is nil; create it with function.New(ctx, name, handler, ...) before passing it to the route`}},
		{"zero function", false, func(ctx *stelvio.Context) { shop(ctx).RouteFunction("GET", "/x", &function.Function{}) }, // @h27z
			[]string{`@h27z: route GET /x: the function is nil; create it with function.New(ctx, name, handler, ...) before passing it to the route`}},
		{"function of another program", false, func(ctx *stelvio.Context) { shop(ctx).RouteFunction("GET", "/x", other.fn) }, // @h28
			[]string{`@h28: route GET /x: function "users" was not made with function.New on this app's context; create it with function.New(ctx, "users", ...)`}},
		{"handler single colon", false, func(ctx *stelvio.Context) { shop(ctx).Route("GET", "/x", "functions/a:b.index") }, // @h29
			[]string{`@h29: route GET /x: handler "functions/a:b.index" has a ":" outside "::"; write it as "folder::file.function" or "path/file.function"`}},
		{"go runtime without go package", false, func(ctx *stelvio.Context) { shop(ctx).Route("GET", "/x", users, function.GoAL2023) }, // @h30
			[]string{`@h30: route GET /x: handler "functions/users.index": Go package directory functions/users not found (or has no .go files)`}},
		{"go runtime by its short name", false, func(ctx *stelvio.Context) { shop(ctx).Route("GET", "/x", users, function.Runtime("go")) }, // @h30s
			[]string{`@h30s: route GET /x: handler "functions/users.index": Go package directory functions/users not found (or has no .go files)`}},
		{"go handler with a folder", false, func(ctx *stelvio.Context) {
			shop(ctx).Route("GET", "/x", "functions/hello::main.Hello", function.GoAL2023) // @h31
		}, []string{`@h31: route GET /x: handler "functions/hello::main.Hello": Go handlers are written "package/dir.Function", without a folder or "::"`}},
		{"go handler with a folder option", false, func(ctx *stelvio.Context) {
			shop(ctx).Route("GET", "/x", "main.Hello", function.Folder("functions/hello"), function.GoAL2023) // @h32
		}, []string{`@h32: route GET /x: handler "functions/hello::main.Hello": Go handlers are written "package/dir.Function", without a folder or "::"`}},
		{"handler .. inside the project", false, func(ctx *stelvio.Context) { shop(ctx).Route("GET", "/x", "functions/../functions/users.index") }, // @h33
			[]string{`@h33: route GET /x: handler "functions/../functions/users.index": file path "functions/../functions/users" goes through ".." but stays in the project; write the clean path "functions/users" instead`}},
		{"folder .. inside the project", false, func(ctx *stelvio.Context) { shop(ctx).Route("GET", "/x", "functions/x/../inventory::handler.index") }, // @h34
			[]string{`@h34: route GET /x: handler "functions/x/../inventory::handler.index": folder "functions/x/../inventory" goes through ".." but stays in the project; write the clean path "functions/inventory" instead`}},
		{"handler .. to the project directory", false, func(ctx *stelvio.Context) { shop(ctx).Route("GET", "/x", "functions/...index") }, // @h35
			[]string{`@h35: route GET /x: handler "functions/...index": file path "functions/.." goes through ".." back to the project directory; name a path inside it, like "functions/users"`}},

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
		{"path greedy not last", false, func(ctx *stelvio.Context) { shop(ctx).Route("GET", "/{proxy+}/x", users) }, // @p8
			[]string{`@p8: route GET /{proxy+}/x: path "/{proxy+}/x": greedy parameter {proxy+} must be the last segment`}},
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
		{"method list with an empty entry", false, func(ctx *stelvio.Context) { shop(ctx).Route("GET,,POST", "/x", users) }, // @m2
			[]string{`@m2: route GET,,POST /x: method list "GET,,POST" has an empty entry; separate methods with single commas, e.g. "GET,POST"`}},
		{"method list with a trailing comma", false, func(ctx *stelvio.Context) { shop(ctx).Route("GET,", "/x", users) }, // @m2b
			[]string{`@m2b: route GET, /x: method list "GET," has an empty entry; separate methods with single commas, e.g. "GET,POST"`}},
		{"method ANY in list", false, func(ctx *stelvio.Context) { shop(ctx).Route("GET,ANY", "/x", users) }, // @m3
			[]string{`@m3: route GET,ANY /x: method list "GET,ANY" contains "ANY"; use "ANY" on its own instead of a list`}},
		{"method * in list", false, func(ctx *stelvio.Context) { shop(ctx).Route("*, POST", "/x", users) }, // @m4
			[]string{`@m4: route *, POST /x: method list "*, POST" contains "*"; use "ANY" on its own instead of a list`}},
		{"method twice in list", false, func(ctx *stelvio.Context) { shop(ctx).Route("GET,get", "/x", users) }, // @m7
			[]string{`@m7: route GET,get /x: method list "GET,get" names GET twice; list each method once`}},
		{"method empty string", false, func(ctx *stelvio.Context) { shop(ctx).Route("", "/x", users) }, // @m8
			[]string{`@m8: route "" /x: method is empty; use one of GET, POST, PUT, PATCH, DELETE, HEAD, OPTIONS, ANY`}},
		{"method only spaces", false, func(ctx *stelvio.Context) { shop(ctx).Route("  ", "/x", users) }, // @m8s
			[]string{`@m8s: route "  " /x: method is empty; use one of GET, POST, PUT, PATCH, DELETE, HEAD, OPTIONS, ANY`}},
		{"method unknown in list", false, func(ctx *stelvio.Context) { shop(ctx).Route("GET,FETCH", "/x", users) }, // @m9
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
		{"ANY twice", false, func(ctx *stelvio.Context) {
			api := shop(ctx)
			api.Route("ANY", "/users", users)               // @d3a
			api.Route("*", "/users", "functions/users.get") // @d3b
		}, []string{`@d3b: route ANY /users: ANY /users is already routed at @d3a; each method and path may be routed once`}},
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
			api.Route("GET", "/inventory", "handler.index", function.Config{Folder: "functions/inventory", Timeout: 10 * time.Second}) // @t2a
			api.Route("GET", "/inventory/{sku}", "functions/inventory::handler.get", function.Timeout(20*time.Second))                 // @t2b
		}, []string{`@t2b: function functions/inventory: configured on more than one route: GET /inventory (@t2a), GET /inventory/{sku} (@t2b); configure it on one route only (the others share it), or create it once with function.New and pass it to each route`}},

		// Configuration values.
		{"memory too small", false, func(ctx *stelvio.Context) { shop(ctx).Route("GET", "/x", users, function.Memory(64)) }, // @r1
			[]string{`@r1: function functions/users.py: memory 64 MB is out of range; Lambda allows 128 to 10240 MB`}},
		{"memory zero given", false, func(ctx *stelvio.Context) { shop(ctx).Route("GET", "/x", users, function.Memory(0)) }, // @r1z
			[]string{`@r1z: function functions/users.py: memory 0 MB is out of range; Lambda allows 128 to 10240 MB`}},
		{"memory of a function.New zero given", false, func(ctx *stelvio.Context) {
			function.New(ctx, "reports", "functions/reports.handler", function.Memory(0)) // @r1n
		}, []string{`@r1n: function "reports": memory 0 MB is out of range; Lambda allows 128 to 10240 MB`}},
		{"memory negative in a Config", false, func(ctx *stelvio.Context) { shop(ctx).Route("GET", "/x", users, function.Config{Memory: -1}) }, // @r1c
			[]string{`@r1c: function functions/users.py: memory -1 MB is out of range; Lambda allows 128 to 10240 MB`}},
		{"memory too large", false, func(ctx *stelvio.Context) { shop(ctx).Route("GET", "/x", users, function.Memory(20000)) }, // @r2
			[]string{`@r2: function functions/users.py: memory 20000 MB is out of range; Lambda allows 128 to 10240 MB`}},
		{"timeout too long", false, func(ctx *stelvio.Context) { shop(ctx).Route("GET", "/x", users, function.Timeout(901*time.Second)) }, // @r3
			[]string{`@r3: function functions/users.py: timeout 15m1s is out of range; Lambda allows 1s to 15m0s (900 seconds)`}},
		{"timeout negative", false, func(ctx *stelvio.Context) { shop(ctx).Route("GET", "/x", users, function.Timeout(-time.Second)) }, // @r4
			[]string{`@r4: function functions/users.py: timeout -1s is out of range; Lambda allows 1s to 15m0s (900 seconds)`}},
		{"timeout zero given", false, func(ctx *stelvio.Context) { shop(ctx).Route("GET", "/x", users, function.Timeout(0)) }, // @r4z
			[]string{`@r4z: function functions/users.py: timeout 0s is out of range; Lambda allows 1s to 15m0s (900 seconds)`}},
		{"timeout not whole seconds", false, func(ctx *stelvio.Context) {
			shop(ctx).Route("GET", "/x", users, function.Timeout(1500*time.Millisecond)) // @r4f
		}, []string{`@r4f: function functions/users.py: timeout 1.5s is not a whole number of seconds; Lambda counts timeouts in seconds, e.g. function.Timeout(30 * time.Second)`}},
		{"timeout in a Config not whole seconds", false, func(ctx *stelvio.Context) {
			shop(ctx).Route("GET", "/x", users, function.Config{Timeout: 2500 * time.Millisecond}) // @r4c
		}, []string{`@r4c: function functions/users.py: timeout 2.5s is not a whole number of seconds; Lambda counts timeouts in seconds, e.g. function.Timeout(30 * time.Second)`}},
		{"timeout of a function.New zero given", false, func(ctx *stelvio.Context) {
			function.New(ctx, "reports", "functions/reports.handler", function.Timeout(0)) // @r4n
		}, []string{`@r4n: function "reports": timeout 0s is out of range; Lambda allows 1s to 15m0s (900 seconds)`}},
		{"architecture unknown", false, func(ctx *stelvio.Context) { shop(ctx).Route("GET", "/x", users, function.Architecture("arm")) }, // @r5
			[]string{`@r5: function functions/users.py: architecture "arm" is not supported; use function.X86_64 or function.ARM64`}},
		{"runtime unknown", false, func(ctx *stelvio.Context) { shop(ctx).Route("GET", "/x", users, function.Runtime("nodejs20.x")) }, // @r6
			[]string{`@r6: route GET /x: runtime "nodejs20.x" is not supported; use function.Python312 ("python3.12") or function.GoAL2023 ("provided.al2023")`}},
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
			shop(ctx).Route("GET", "/x", users, function.Environment(map[string]string{"CERT": strings.Repeat("x", 4086)})) // @r14
		}, []string{`@r14: function functions/users.py: environment variables take 4097 bytes as Lambda stores them (a JSON object); Lambda allows 4096 in total, so keep large values in a file or a parameter store`}},
		{"environment too large only as JSON", false, func(ctx *stelvio.Context) {
			// 4 + 2100 = 2104 bytes of names and values, but every quote is escaped in the JSON object.
			shop(ctx).Route("GET", "/x", users, function.Env("DATA", strings.Repeat(`"`, 2100))) // @r14j
		}, []string{`@r14j: function functions/users.py: environment variables take 4211 bytes as Lambda stores them (a JSON object); Lambda allows 4096 in total, so keep large values in a file or a parameter store`}},
		{"environment too large with an output's dev value", false, func(ctx *stelvio.Context) {
			big := ctx.Output("big", strings.Repeat("x", 4000))
			shop(ctx).Route("GET", "/x", users, function.Env("SMALL", strings.Repeat("y", 100)), function.EnvOutput("BIG", big)) // @r14o
		}, []string{`@r14o: function functions/users.py: environment variables take 4121 bytes as Lambda stores them (a JSON object); Lambda allows 4096 in total, so keep large values in a file or a parameter store`}},
		{"environment variable both value and output", false, func(ctx *stelvio.Context) {
			bucket := ctx.Output("bucket", "local")
			shop(ctx).Route("GET", "/x", users, function.Env("BUCKET", "x"), function.EnvOutput("BUCKET", bucket)) // @r15
		}, []string{`@r15: function functions/users.py: environment variable BUCKET is given both as a value and as an output; keep one`}},
		{"environment output nil", false, func(ctx *stelvio.Context) {
			shop(ctx).Route("GET", "/x", users, function.EnvOutput("BUCKET", nil)) // @r16
		}, []string{`@r16: function functions/users.py: environment variable BUCKET uses output "(nil output for BUCKET)", which was not made with ctx.Output on this app's context`}},
		{"environment output of another program", false, func(ctx *stelvio.Context) {
			function.New(ctx, "files", "functions/reports.handler", function.EnvOutput("BUCKET", other.out)) // @r17
		}, []string{`@r17: function "files": environment variable BUCKET uses output "bucket", which was not made with ctx.Output on this app's context`}},
		{"environment output reserved name", false, func(ctx *stelvio.Context) {
			function.New(ctx, "files", "functions/reports.handler", function.EnvOutput("AWS_REGION", ctx.Output("region", "eu-west-1"))) // @r18
		}, []string{`@r18: function "files": environment variable AWS_REGION is reserved by AWS Lambda; choose another name`}},
		{"output declared twice", false, func(ctx *stelvio.Context) {
			a := ctx.Output("bucket", "a") // @o1a
			b := ctx.Output("bucket", "b") // @o1b
			function.New(ctx, "files", "functions/reports.handler", function.EnvOutput("A_BUCKET", a), function.EnvOutput("B_BUCKET", b))
		}, []string{`@o1b: output "bucket": another output is already named "bucket" (@o1a); give each output its own name`}},
		{"output bad name", false, func(ctx *stelvio.Context) { ctx.Output("my bucket", "local") }, // @o2
			[]string{`@o2: output "my bucket": name must start with a letter or digit and contain only letters, digits, - and _`}},

		// Permissions.
		{"permission bad action and resource", false, func(ctx *stelvio.Context) {
			shop(ctx).Route("GET", "/x", users, function.Permissions(function.Statement{Actions: []string{"s3 GetObject"}, Resources: []string{"my-bucket"}})) // @q1
		}, []string{
			`@q1: function functions/users.py: permission 1: action "s3 GetObject" is not an IAM action; write it as "service:Action", e.g. "s3:GetObject" (wildcards * allowed)`,
			`@q1: function functions/users.py: permission 1: resource "my-bucket" is not an ARN; write "arn:aws:..." or "*" (for resources made at deploy time use the extend package)`,
		}},
		{"permission without actions or resources", false, func(ctx *stelvio.Context) {
			function.New(ctx, "reports", "functions/reports.handler", function.Permissions( // @q2
				function.Statement{Actions: []string{"s3:GetObject"}, Resources: []string{"*"}},
				function.Statement{},
			))
		}, []string{
			`@q2: function "reports": permission 2 has no actions; name them, e.g. "s3:GetObject"`,
			`@q2: function "reports": permission 2 has no resources; name the ARNs it applies to, or "*"`,
		}},
		{"permission in a Config with an action without service", false, func(ctx *stelvio.Context) {
			shop(ctx).Route("GET", "/x", users, function.Config{Permissions: []function.Statement{{Actions: []string{"GetObject"}, Resources: []string{"arn:aws:s3:::b/*"}}}}) // @q3
		}, []string{`@q3: function functions/users.py: permission 1: action "GetObject" is not an IAM action; write it as "service:Action", e.g. "s3:GetObject" (wildcards * allowed)`}},
		{"instance memory too large", false, func(ctx *stelvio.Context) {
			function.New(ctx, "big", "functions/reports.handler", function.Memory(99999)) // @r9
		}, []string{`@r9: function "big": memory 99999 MB is out of range; Lambda allows 128 to 10240 MB`}},
		{"requirements on a go function", false, func(ctx *stelvio.Context) {
			shop(ctx).Route("GET", "/x", "functions/hello.Hello", function.Requirements("functions/requirements.txt")) // @r10
		}, []string{`@r10: function functions/hello: requirements apply to Python functions only; remove them from this Go function`}},
		{"requirements outside the project", false, func(ctx *stelvio.Context) { shop(ctx).Route("GET", "/x", users, function.Requirements("../req.txt")) }, // @r11
			[]string{`@r11: function functions/users.py: requirements "../req.txt" is outside the project; give a path relative to the project directory`}},
		{"requirements missing", false, func(ctx *stelvio.Context) { shop(ctx).Route("GET", "/x", users, function.Requirements("missing.txt")) }, // @r12
			[]string{`@r12: function functions/users.py: requirements file missing.txt not found in the project`}},

		// Function instances.
		{"function name invalid", false, func(ctx *stelvio.Context) { function.New(ctx, "bad name!", users) }, // @f1
			[]string{`@f1: function "bad name!": name must start with a letter or digit and contain only letters, digits, - and _`}},
		{"function name twice", false, func(ctx *stelvio.Context) {
			function.New(ctx, "reports", "functions/reports.handler") // @f2a
			function.New(ctx, "reports", "functions/orders.index")    // @f2b
		}, []string{`@f2b: function "reports": another function is already named "reports" (@f2a); give each function.New its own name (names are not case-sensitive)`}},
		{"function with a bad name and a bad handler", false, func(ctx *stelvio.Context) {
			function.New(ctx, "bad name!", "functions/users.py.index") // @f4
		}, []string{
			`@f4: function "bad name!": name must start with a letter or digit and contain only letters, digits, - and _`,
			`@f4: function "bad name!": handler "functions/users.py.index": file path "functions/users.py" contains a dot; leave out the file extension and use only one "." before the function name`,
		}},
		{"function names differing in case", false, func(ctx *stelvio.Context) {
			function.New(ctx, "Reports", "functions/reports.handler") // @f5a
			function.New(ctx, "reports", "functions/orders.index")    // @f5b
		}, []string{`@f5b: function "reports": another function is already named "Reports" (@f5a); give each function.New its own name (names are not case-sensitive)`}},
		{"api names differing in case", false, func(ctx *stelvio.Context) {
			apigateway.New(ctx, "Shop") // @a6a
			apigateway.New(ctx, "shop") // @a6b
		}, []string{`@a6b: api "shop": api "Shop" is already declared at @a6a; give each api its own name (names are not case-sensitive)`}},
		{"function without handler", false, func(ctx *stelvio.Context) { function.New(ctx, "empty", "", function.Memory(256)) }, // @f3
			[]string{`@f3: function "empty": handler is empty; give it as "path/file.function", e.g. "functions/users.index"`}},
		{"function on a nil context", false, func(ctx *stelvio.Context) { function.New(nil, "reports", "functions/reports.handler") }, // @f6
			[]string{`@f6: function "reports": the *stelvio.Context is nil; pass the ctx your run function received (app.Main(func(ctx *stelvio.Context) error { ... }))`}},
		{"output on a nil context", false, func(ctx *stelvio.Context) { var nilCtx *stelvio.Context; nilCtx.Output("bucket", "local") }, // @f7
			[]string{`@f7: output "bucket": the *stelvio.Context is nil; pass the ctx your run function received (app.Main(func(ctx *stelvio.Context) error { ... }))`}},

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
		{"api on a nil context", false, func(ctx *stelvio.Context) {
			api := apigateway.New(nil, "shop") // @a7a
			api.Route("GET", "/x", users)
		}, []string{`@a7a: api "shop": the *stelvio.Context is nil; pass the ctx your run function received (app.Main(func(ctx *stelvio.Context) error { ... }))`}},
		{"route on a nil api", false, func(ctx *stelvio.Context) {
			var api *apigateway.Api
			api.Route("GET", "/x", users) // @a8
		}, []string{`@a8: route GET /x: the api is nil; declare it with apigateway.New(ctx, name) and call Route on what it returns`}},
		{"binary media type not a media type", false, func(ctx *stelvio.Context) {
			apigateway.New(ctx, "shop", apigateway.BinaryMediaTypes("image/png", "png", "image/*/x", "*/*")) // @a9
		}, []string{
			`@a9: api "shop": binary media type "png" is not a media type; write it as type/subtype, e.g. "image/png", "image/*" or "*/*"`,
			`@a9: api "shop": binary media type "image/*/x" is not a media type; write it as type/subtype, e.g. "image/png", "image/*" or "*/*"`,
		}},
		{"binary media type empty", false, func(ctx *stelvio.Context) { apigateway.New(ctx, "shop", apigateway.BinaryMediaTypes("")) }, // @a10
			[]string{`@a10: api "shop": binary media type "" is not a media type; write it as type/subtype, e.g. "image/png", "image/*" or "*/*"`}},
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
