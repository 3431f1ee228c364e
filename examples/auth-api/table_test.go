package main

import (
	"fmt"
	"maps"
	"slices"
	"strings"
	"testing"

	"github.com/stelvio-go/stelvio"
	"github.com/stelvio-go/stelvio/internal/app"
	"github.com/stelvio-go/stelvio/internal/cors"
	"github.com/stelvio-go/stelvio/internal/route"
)

func load(t testing.TB, run func(*stelvio.Context) error) (*route.Table, error) {
	t.Helper()
	return app.ProgramOf(App(), run).Load("test", ".")
}

// TestTable: the authorizers' functions are functions of their own (no routes, no routing code),
// every route has the authorizer it was given or the default, and the route functions of an API with
// CORS get the CORS variables and, in Python, the stelvio_cors module.
func TestTable(t *testing.T) {
	table, err := load(t, Run)
	if err != nil {
		t.Fatal(err)
	}
	var fns []string
	for _, f := range table.Functions {
		auth := "-"
		if f.Authorizer != nil {
			auth = string(f.Authorizer.Kind) + " " + f.Authorizer.Name
		}
		fns = append(fns, fmt.Sprintf("%s key=%s runtime=%s entry=%s routes=%d router=%v authorizer=%s memory=%d extra=%v",
			f.Name, f.Key, f.RuntimeID, f.Entry, len(f.Routes), f.NeedsRouter(), auth, f.Memory, slices.Sorted(maps.Keys(f.ExtraFiles))))
	}
	want := []string{
		"auth-api-tokens key=authorizer:auth-api/tokens runtime=python3.12 entry=auth.check routes=0 router=false authorizer=TOKEN tokens memory=128 extra=[]",
		"auth-api-keys key=authorizer:auth-api/keys runtime=provided.al2023 entry=Authorize routes=0 router=false authorizer=REQUEST keys memory=256 extra=[]",
		"functions-echo key=file:functions/echo.py runtime=python3.12 entry=echo.public routes=5 router=true authorizer=- memory=128 extra=[stelvio_cors.py]",
	}
	if strings.Join(fns, "\n") != strings.Join(want, "\n") {
		t.Errorf("functions:\n%s\nwant:\n%s", strings.Join(fns, "\n"), strings.Join(want, "\n"))
	}

	api := table.Apis[0]
	var routes []string
	for _, r := range api.Routes {
		auth := "NONE"
		if r.Auth != nil {
			auth = string(r.Auth.Kind) + " " + r.Auth.Name
		}
		routes = append(routes, fmt.Sprintf("%s %s scopes=%v", r, auth, r.Scopes))
	}
	wantRoutes := []string{
		"GET /public NONE scopes=[]",
		"GET /me TOKEN tokens scopes=[]",
		"GET /admin REQUEST keys scopes=[]",
		"GET /profile COGNITO_USER_POOLS users scopes=[read]",
		"GET /iam AWS_IAM iam scopes=[]",
	}
	if strings.Join(routes, "\n") != strings.Join(wantRoutes, "\n") {
		t.Errorf("routes:\n%s\nwant:\n%s", strings.Join(routes, "\n"), strings.Join(wantRoutes, "\n"))
	}
	users := api.Authorizers[2]
	if users.UserPoolID != "us-east-1_AbCdEf123" || !slices.Equal(users.ProviderARNs, []string{UserPool}) {
		t.Errorf("cognito authorizer pool %q arns %v", users.UserPoolID, users.ProviderARNs)
	}
	echo := table.FunctionByName("functions-echo")
	wantEnv := map[string]string{
		"STELVIO_CORS_ALLOW_ORIGIN":      "https://app.example.com",
		"STELVIO_CORS_ALLOW_METHODS":     "DELETE,GET,HEAD,OPTIONS,PATCH,POST,PUT",
		"STELVIO_CORS_ALLOW_HEADERS":     "Authorization,Content-Type,X-Api-Key",
		"STELVIO_CORS_ALLOW_CREDENTIALS": "true",
		"STELVIO_CORS_MAX_AGE":           "600",
	}
	if fmt.Sprint(echo.Environment) != fmt.Sprint(wantEnv) {
		t.Errorf("echo environment %v, want %v", echo.Environment, wantEnv)
	}
	if string(echo.ExtraFiles[cors.PythonModuleName]) != string(cors.PythonModule) {
		t.Error("the echo package lacks stelvio_cors.py")
	}
	if table.FunctionByName("auth-api-tokens").Environment != nil {
		t.Error("an authorizer function got the CORS variables")
	}
}
