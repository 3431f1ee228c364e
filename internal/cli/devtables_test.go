package cli

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stelvio-go/stelvio/internal/link"
	"github.com/stelvio-go/stelvio/internal/route"
)

// TestDevLinksWithoutTables checks what dev gives functions linked to other functions: the link
// variables (the function's own value kept; an API's URL is dev's), stelvio_link.py on PYTHONPATH, the warning printed, and
// no local engine.
func TestDevLinksWithoutTables(t *testing.T) {
	dir := t.TempDir()
	if err := os.MkdirAll(filepath.Join(dir, "functions"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "functions", "a.py"), []byte("def handler(e, c): pass\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	a := &route.FunctionDecl{Name: "a", Config: route.FunctionConfig{Handler: "functions/a.handler"}, Source: "main.go:10"}
	api := &route.ApiDecl{Name: "shop-api", Source: "main.go:9", Routes: []*route.RouteDecl{{Methods: "GET", Path: "/a", Function: a, Source: "main.go:10"}}}
	b := &route.FunctionDecl{Name: "b", Source: "main.go:11", Config: route.FunctionConfig{
		Handler:     "functions/a.handler",
		Environment: map[string]string{"STELVIO_FUNCTION_A_ARN": "mine"},
		Links:       []*route.LinkDecl{{Function: a, Source: "main.go:12"}, {Api: api, Source: "main.go:13"}},
	}}
	table, err := route.Build(&route.Decls{Functions: []*route.FunctionDecl{a, b}, Apis: []*route.ApiDecl{api}}, "shop", "alice", dir)
	if err != nil {
		t.Fatal(err)
	}
	// The data folder of an earlier run with tables is deleted by --reset-data.
	data := filepath.Join(DevDataDir(dir), "dynamodb.json")
	if err := os.MkdirAll(filepath.Dir(data), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(data, []byte("{}"), 0o644); err != nil {
		t.Fatal(err)
	}
	var log bytes.Buffer
	d, err := startDevLinks(context.Background(), table, dir, true, "http://127.0.0.1:3000", &log)
	if err != nil {
		t.Fatal(err)
	}
	defer d.closeLogged(&log)
	if _, err := os.Stat(data); !os.IsNotExist(err) {
		t.Errorf("--reset-data left %s: %v", data, err)
	}
	want := `main.go:12: warning: function b: environment variable STELVIO_FUNCTION_A_ARN is set by the function and by its link to function "a"; the function's value is used, so remove it unless that is intended` + "\n"
	if log.String() != want {
		t.Errorf("dev printed %q\nwant %q", log.String(), want)
	}
	site := filepath.Join(dir, ".stelvio", "dev", "site")
	if d.Env["PYTHONPATH"] != site || len(d.Env) != 1 || d.Region != "" {
		t.Errorf("worker environment %v region %q, want only PYTHONPATH=%s", d.Env, d.Region, site)
	}
	mod, err := os.ReadFile(filepath.Join(site, "stelvio_link.py"))
	if err != nil || !bytes.Equal(mod, link.PythonModule) {
		t.Errorf("stelvio_link.py on the worker path: %v", err)
	}
	env := table.FunctionByName("b").Environment
	got := []string{env["STELVIO_FUNCTION_A_NAME"], env["STELVIO_FUNCTION_A_ARN"], env["STELVIO_API_SHOP_API_URL"]}
	if strings.Join(got, " ") != "shop-alice-a mine http://127.0.0.1:3000" {
		t.Errorf("b's link variables %q, want the physical name, its own ARN value and the dev URL", got)
	}
	if len(table.FunctionByName("a").Environment) != 0 {
		t.Errorf("a has variables %v; it links nothing", table.FunctionByName("a").Environment)
	}
}

// TestDevLinksHTTPApi checks that a function linked to an HTTP API gets the URL dev serves it at,
// in the variable a REST API's link sets: the server's root when it is the app's only API, else
// under /<api name>.
func TestDevLinksHTTPApi(t *testing.T) {
	dir := t.TempDir()
	if err := os.MkdirAll(filepath.Join(dir, "functions"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "functions", "a.py"), []byte("def handler(e, c): pass\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	path, err := route.ParsePath("/orders")
	if err != nil {
		t.Fatal(err)
	}
	for _, tt := range []struct {
		name string
		rest bool
		want string
	}{
		{"only api", false, "http://127.0.0.1:3000"},
		{"with a REST api", true, "http://127.0.0.1:3000/orders-api"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			orders := &route.HTTPApiDecl{Name: "orders-api", Source: "main.go:9"}
			orders.Routes = []*route.HTTPRouteDecl{{Key: "GET /orders", KeyOK: true, Method: "GET", Path: path, Handler: "functions/a.handler", Source: "main.go:10"}}
			reports := &route.FunctionDecl{Name: "reports", Source: "main.go:11", Config: route.FunctionConfig{
				Handler: "functions/a.handler",
				Links:   []*route.LinkDecl{{HTTPApi: orders, Source: "main.go:12"}},
			}}
			d := &route.Decls{Functions: []*route.FunctionDecl{reports}, HTTPApis: []*route.HTTPApiDecl{orders}}
			if tt.rest {
				d.Apis = []*route.ApiDecl{{Name: "shop", Source: "main.go:8", Routes: []*route.RouteDecl{{Methods: "GET", Path: "/a", Handler: "functions/a.handler", Source: "main.go:8"}}}}
			}
			table, err := route.Build(d, "shop", "alice", dir)
			if err != nil {
				t.Fatal(err)
			}
			var log bytes.Buffer
			dl, err := startDevLinks(context.Background(), table, dir, false, "http://127.0.0.1:3000", &log)
			if err != nil {
				t.Fatal(err)
			}
			defer dl.closeLogged(&log)
			env := table.FunctionByName("reports").Environment
			if got := env["STELVIO_API_ORDERS_API_URL"]; got != tt.want || len(env) != 1 {
				t.Errorf("reports' variables %v, want only STELVIO_API_ORDERS_API_URL=%s", env, tt.want)
			}
		})
	}
}
