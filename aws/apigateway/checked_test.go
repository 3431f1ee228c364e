package apigateway_test

import (
	"context"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/stelvio-go/stelvio"
	"github.com/stelvio-go/stelvio/aws/function"
	"github.com/stelvio-go/stelvio/internal/app"
	"github.com/stelvio-go/stelvio/internal/route"
	"github.com/stelvio-go/stelvio/internal/runtime/registry"
	"github.com/stelvio-go/stelvio/internal/runtime/runtimetest"
)

// TestCheckedProblems: dev, plan and deploy load an app with LoadChecked, which reports the
// problems of the declarations and of the handler code together; no problem hides another.
func TestCheckedProblems(t *testing.T) {
	dir := t.TempDir()
	outside := t.TempDir()
	runtimetest.WriteModule(t, dir)
	for name, body := range map[string]string{
		"functions/users.py":        "def index(event, context): pass\ndef get(event, context): pass\n",
		"functions/folder/x.py":     "def handler(event, context): pass\n",
		"functions/folder/sub/y.py": "Y = 1\n",
		"functions/broken/b.go": "package broken\n\nimport \"github.com/aws/aws-lambda-go/events\"\n\n" +
			"func Handler(req events.APIGatewayProxyRequest) (events.APIGatewayProxyResponse, error) {\n" +
			"\t_ = req\n\treturn nope, nil\n}\n",
	} {
		write(t, filepath.Join(dir, filepath.FromSlash(name)), body)
	}
	write(t, filepath.Join(outside, "evil.py"), "SECRET = 1\n")
	if err := os.Symlink(filepath.Join(outside, "evil.py"), filepath.Join(dir, "functions/folder/evil.py")); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(filepath.Join(outside, "gone.py"), filepath.Join(dir, "functions/folder/sub/gone.py")); err != nil {
		t.Fatal(err)
	}
	outsideReal, err := filepath.EvalSymlinks(outside)
	if err != nil {
		t.Fatal(err)
	}

	tests := []struct {
		name string
		run  func(ctx *stelvio.Context)
		// dev: dev's check reports the same (it compiles only the Go packages the local server will
		// not build: those of functions whose declarations have problems).
		dev  bool
		want []string
	}{
		{"symbolic links in a folder function", func(ctx *stelvio.Context) {
			api := shop(ctx)
			api.Route("GET", "/x", "functions/folder::x.handler") // @c1
			api.Route("GET", "/users", users)                     // @c2
			api.Route("GET", "/users", users)                     // @c3
		}, true, []string{
			`@c1: route GET /x: functions/folder/evil.py is a symbolic link to $OUT/evil.py, outside the project; stelvio packages only files inside the project: copy what the function needs into the project or remove the link`,
			`@c1: route GET /x: functions/folder/sub/gone.py is a symbolic link to $OUT/gone.py, which does not exist; remove the link or create its target inside the project`,
			`@c3: route GET /users: GET /users is already routed at @c2; each method and path may be routed once`,
		}},
		{"configured on more than one route, with bad values", func(ctx *stelvio.Context) {
			api := shop(ctx)
			api.Route("GET", "/users", users, function.Memory(10241))   // @c4
			api.Route("GET", "/users/{id}", users, function.Timeout(0)) // @c5
		}, true, []string{
			`@c4: function functions/users.py: memory 10241 MB is out of range; Lambda allows 128 to 10240 MB`,
			`@c5: function functions/users.py: configured on more than one route: GET /users (@c4), GET /users/{id} (@c5); configure it on one route only (the others share it), or create it once with function.New and pass it to each route`,
			`@c5: function functions/users.py: timeout 0s is out of range; Lambda allows 1s to 15m0s (900 seconds)`,
		}},
		{"bad configuration and a compile error", func(ctx *stelvio.Context) {
			shop(ctx).Route("GET", "/b", "functions/broken.Handler", function.Memory(64)) // @c6
		}, true, []string{
			`@c6: function functions/broken: memory 64 MB is out of range; Lambda allows 128 to 10240 MB`,
			`@c6: function functions-broken: functions/broken/b.go:7:9: undefined: nope`,
		}},
		{"function.New with a bad configuration and a missing handler", func(ctx *stelvio.Context) {
			function.New(ctx, "audit", "functions/users.audit", function.Timeout(1500*time.Millisecond)) // @c7
		}, true, []string{
			`@c7: function "audit": timeout 1.5s is not a whole number of seconds; Lambda counts timeouts in seconds, e.g. function.Timeout(30 * time.Second)`,
			`@c7: function audit: functions/users.py has no function "audit"; add "def audit(event, context):" or fix the handler string`,
		}},
	}
	lines := marks(t, "checked_test.go")
	expand := func(s string) string {
		s = strings.ReplaceAll(s, "$OUT", outsideReal)
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
			p := app.ProgramOf(stelvio.New("shop"), func(ctx *stelvio.Context) error {
				tt.run(ctx)
				return nil
			})
			want := strconv.Itoa(len(tt.want)) + " problems in the app:"
			for _, w := range tt.want {
				want += "\n  " + expand(w)
			}
			checkers := map[string]func(context.Context, *route.Table) []route.Problem{"plan and deploy": registry.Checker(dir)}
			if tt.dev {
				checkers["dev"] = registry.DevChecker(dir)
			}
			for name, check := range checkers {
				_, err := p.LoadChecked(context.Background(), "dev", dir, check)
				if err == nil {
					t.Fatalf("%s: loaded without problems", name)
				}
				if got := err.Error(); got != want {
					t.Errorf("%s: error:\n%s\nwant:\n%s", name, got, want)
				}
			}
		})
	}
}
