package main

import (
	"fmt"
	"strings"
	"testing"

	"github.com/stelvio-go/stelvio/internal/app"
	"github.com/stelvio-go/stelvio/internal/naming"
	"github.com/stelvio-go/stelvio/internal/route"
)

// TestQuickstartTable checks the route table the quickstart becomes: which routes share which Lambda,
// which packages get generated routing code, and how configuration is inherited.
func TestQuickstartTable(t *testing.T) {
	table, err := app.ProgramOf(App(), Run).Load("test", ".")
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, f := range table.Functions {
		got = append(got, describeFunction(f))
	}
	want := []string{
		// function.New with memory 512: its own Lambda, no routing code.
		"reports key=instance:reports runtime=python3.12 dir=functions file=functions/reports.py folder=false memory=512 timeout=60 arch=x86_64 router=false entry=reports.handler targets=[reports.handler] routes=[GET /reports]",
		// Three routes to functions/users.py share one Lambda with routing code.
		"functions-users key=file:functions/users.py runtime=python3.12 dir=functions file=functions/users.py folder=false memory=128 timeout=60 arch=x86_64 router=true entry=users.index targets=[users.create users.get users.index] routes=[GET /users, GET /users/{id}, POST /users]",
		"functions-orders key=file:functions/orders.py runtime=python3.12 dir=functions file=functions/orders.py folder=false memory=128 timeout=60 arch=x86_64 router=false entry=orders.index targets=[orders.index] routes=[GET /orders]",
		// Folder-based: the timeout given on one route is the function's; the other route inherits it.
		"functions-inventory key=folder:functions/inventory runtime=python3.12 dir=functions/inventory file= folder=true memory=128 timeout=10 arch=x86_64 router=true entry=handler.index targets=[handler.get handler.index] routes=[GET /inventory, GET /inventory/{sku}]",
		// The Go package serves two routes, one of them for two methods.
		"functions-hello key=go:functions/hello runtime=provided.al2023 dir=functions/hello file= folder=false memory=128 timeout=60 arch=x86_64 router=true entry=Hello targets=[Any Hello] routes=[GET,POST /hello/{name}, ANY /hello]",
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("functions:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}

	if len(table.Apis) != 1 {
		t.Fatalf("%d apis, want 1", len(table.Apis))
	}
	api := table.Apis[0]
	if api.Name != "my-api" || api.StageName != "v1" || api.EndpointType != "REGIONAL" || api.DomainName != "" {
		t.Errorf("api %s stage %s endpoint %s domain %q, want my-api v1 REGIONAL and no domain", api.Name, api.StageName, api.EndpointType, api.DomainName)
	}
	var resources []string
	for _, r := range api.Resources() {
		resources = append(resources, r.Parent+" > "+r.Part)
	}
	wantResources := "/ > users, /users > {id}, / > orders, / > inventory, /inventory > {sku}, / > reports, / > hello, /hello > {name}"
	if strings.Join(resources, ", ") != wantResources {
		t.Errorf("resources %s, want %s", strings.Join(resources, ", "), wantResources)
	}

	if got := naming.Physical(table.App, table.Env, "functions-inventory", naming.LambdaLimit); got != "quickstart-test-functions-inventory" {
		t.Errorf("physical name %q", got)
	}
}

func describeFunction(f *route.Function) string {
	var targets, routes []string
	for _, t := range f.Targets() {
		targets = append(targets, t.String())
	}
	for _, r := range f.Routes {
		routes = append(routes, r.String())
	}
	return fmt.Sprintf("%s key=%s runtime=%s dir=%s file=%s folder=%t memory=%d timeout=%d arch=%s router=%t entry=%s targets=[%s] routes=[%s]",
		f.Name, f.Key, f.RuntimeID, f.Dir, f.File, f.FolderBased, f.Memory, f.Timeout, f.Architecture,
		f.NeedsRouter(), f.Entry, strings.Join(targets, " "), strings.Join(routes, ", "))
}
