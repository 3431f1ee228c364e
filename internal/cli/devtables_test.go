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
