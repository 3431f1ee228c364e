package route

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"slices"
	"sort"
	"strings"

	"github.com/stelvio-go/stelvio/internal/authorizer"
	"github.com/stelvio-go/stelvio/internal/cors"
	"github.com/stelvio-go/stelvio/internal/handler"
)

// Table is the resolved, validated description of an app: the one model that the AWS resources, the
// Lambda packages (and their generated routing code) and the local server are all made from.
type Table struct {
	App  string
	Env  string
	Apis []*Api
	// HTTPApis are the app's HTTP APIs (API Gateway v2), in declaration order (httpapi.go).
	HTTPApis  []*HTTPApi
	Functions []*Function
	// Unbuilt are the functions whose declarations have problems (their configuration is invalid or
	// given on more than one route, their function.New name is taken): they are never packaged,
	// deployed or served, but their handler code is checked all the same, so that its problems are
	// reported in the same run as the declaration's.
	Unbuilt []*Function
	// Outputs are the deploy-time values the program declared; Extensions its own Pulumi resources.
	Outputs    []*OutputDecl
	Extensions []Extension
	// Tables are the app's DynamoDB tables, in declaration order.
	Tables []*DynamoTable
	// Subscriptions are the functions subscribed to the tables' streams, in declaration order.
	Subscriptions []*Subscription
	// Warnings are problems that do not stop the program, such as a quota close to its limit.
	Warnings []Problem
	// decls maps function.New declarations to their functions (for extensions).
	byDecl        map[*FunctionDecl]*Function
	apiByDecl     map[*ApiDecl]*Api
	httpApiByDecl map[*HTTPApiDecl]*HTTPApi
}

// FunctionOf is the function a function.New declaration became.
func (t *Table) FunctionOf(d *FunctionDecl) *Function { return t.byDecl[d] }

// ApiOf is the API an apigateway.New declaration became.
func (t *Table) ApiOf(d *ApiDecl) *Api { return t.apiByDecl[d] }

// Api is one REST API with its routes, in declaration order.
type Api struct {
	Name         string
	StageName    string // "v1" by default
	EndpointType string // "REGIONAL" or "EDGE"
	DomainName   string // "" when none
	// BinaryMediaTypes are the content types the API treats as binary ("image/png", "image/*",
	// "*/*"): request bodies of these types reach the function base64-encoded, and base64-encoded
	// responses are decoded for clients whose first Accept type is one of them.
	BinaryMediaTypes []string
	Routes           []*Route
	Source           string
	// CORS is the API's CORS configuration; nil when the API has none.
	CORS *cors.Config
	// Authorizers are the API's authorizers, in declaration order; a route's Auth is one of them.
	Authorizers []*authorizer.Config
}

// Route is one path served by one function for one or more methods.
type Route struct {
	Api      *Api
	Methods  []string // sorted; []string{"ANY"} for any method
	Path     Path
	Function *Function
	// Target is the user function this route calls inside the Lambda package.
	Target Target
	Source string
	// Auth is the route's authorizer, one of Api.Authorizers; nil when the route has none
	// (authorization type NONE).
	Auth *authorizer.Config
	// Scopes are the route's authorization scopes (COGNITO_USER_POOLS authorizers): a token must
	// carry one of them.
	Scopes []string
}

// Resource is the API Gateway resource path of the route ("/users/{id}"), as the proxy event's
// "resource" field names it.
func (r *Route) Resource() string { return r.Path.String() }

// String names the route as error messages do: "GET,POST /users/{id}".
func (r *Route) String() string { return strings.Join(r.Methods, ",") + " " + r.Path.String() }

// Matches reports whether the route serves method.
func (r *Route) Matches(method string) bool {
	return r.Methods[0] == Any || slices.Contains(r.Methods, method)
}

// Target is a user function inside a Lambda package.
type Target struct {
	// Module is the Python module relative to the package root ("users", "api.handler"); "" for Go.
	Module string
	// Func is the function name ("index", "Handler").
	Func string
}

// String prints the target as a Lambda handler names it: "users.index", or "Handler" for Go.
func (t Target) String() string {
	if t.Module == "" {
		return t.Func
	}
	return t.Module + "." + t.Func
}

// Function is one Lambda function.
type Function struct {
	// Name is unique within the app ("functions-users", or the name given to function.New); physical
	// names are made from it with naming.Physical.
	Name string
	// Key identifies the code: "file:functions/users.py", "folder:functions/orders", "go:functions/hello",
	// or "instance:<name>"; the function of an HTTP API's routes has "http:" before it
	// ("http:file:functions/users.py").
	Key string
	// Runtime is handler.Python or handler.Go; RuntimeID the Lambda runtime ("python3.12", "provided.al2023").
	Runtime   string
	RuntimeID string
	// Dir is the project-relative directory the package is made from: a single-file function's
	// directory (only File is packaged), a folder-based function's folder, or a Go package directory.
	Dir string
	// File is the project-relative handler file for a single-file Python function; "" otherwise.
	File string
	// FolderBased reports that the whole of Dir is packaged.
	FolderBased bool

	Memory       int
	Timeout      int
	Architecture string
	Environment  map[string]string
	// Outputs are environment variables set from deploy-time values, by variable name.
	Outputs map[string]*OutputDecl
	// Permissions are IAM statements added to the function's role.
	Permissions    []Statement
	Requirements   string // project-relative requirements.txt, "" when none
	NoRequirements bool
	// Links are the resources linked to the function, in declaration order (see LinkVariables).
	Links []*Link
	// linkDecls are the links as declared, resolved once every function exists.
	linkDecls []*LinkDecl

	// Instance is set for functions made with function.New and for authorizer functions: no routing
	// code is generated for them.
	Instance bool
	// Authorizer is set on the function of a TOKEN or REQUEST authorizer: its handler receives
	// authorizer events, not proxy events.
	Authorizer *authorizer.Config
	// HTTPRoutes are the HTTP API routes the function serves, in declaration order (across APIs): its
	// handlers receive payload format 2.0 events (events.APIGatewayV2HTTPRequest). A function serves
	// either REST or HTTP API routes.
	HTTPRoutes []*HTTPRoute
	// HTTPAuthorizer is set on the function of an HTTP API's Lambda authorizer: its handler receives
	// payload format 2.0 authorizer events.
	HTTPAuthorizer *HTTPAuthorizer
	// Subscription is set on a table subscriber's function: its handler receives DynamoDB stream
	// events.
	Subscription *Subscription
	// ExtraFiles are files added at the root of the function's package and to its local worker's
	// import path, by file name: the CORS helper module of a Python function of an API with CORS.
	ExtraFiles map[string][]byte
	// Entry is the user function called when no routing code is generated: a function.New's, or the
	// handler of the first route of a shared function.
	Entry Target
	// Routes served by this function, in declaration order (across APIs).
	Routes []*Route
	Source string
}

// NeedsRouter reports whether the package gets generated routing code: a function that is not a
// function.New instance and serves more than one route (of REST APIs, dispatched on the method and
// resource, or of HTTP APIs, dispatched on the route key).
func (f *Function) NeedsRouter() bool {
	return !f.Instance && (len(f.Routes) > 1 || len(f.HTTPRoutes) > 1)
}

// Targets lists the distinct user functions the function's routes call, sorted.
func (f *Function) Targets() []Target {
	seen := map[Target]bool{}
	var out []Target
	add := func(t Target) {
		if !seen[t] {
			seen[t] = true
			out = append(out, t)
		}
	}
	for _, r := range f.Routes {
		add(r.Target)
	}
	for _, r := range f.HTTPRoutes {
		add(r.Target)
	}
	if len(out) == 0 {
		out = append(out, f.Entry)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].String() < out[j].String() })
	return out
}

// Fingerprint is a hash over the API's sorted route table and the configuration of the functions it
// calls: it changes exactly when a redeployment of the API is needed.
func (a *Api) Fingerprint() string {
	lines := []string{"stage=" + a.StageName, "endpoint=" + a.EndpointType, "binary=" + strings.Join(a.BinaryMediaTypes, ",")}
	for _, r := range a.Routes {
		f := r.Function
		lines = append(lines, fmt.Sprintf("route %s %s -> %s %s runtime=%s arch=%s mem=%d timeout=%d env=%s",
			strings.Join(r.Methods, ","), r.Path, f.Name, r.Target, f.RuntimeID, f.Architecture, f.Memory,
			f.Timeout, envString(f.Environment)))
	}
	lines = append(lines, a.authLines()...)
	sort.Strings(lines)
	sum := sha256.Sum256([]byte(strings.Join(lines, "\n")))
	return hex.EncodeToString(sum[:])
}

func envString(env map[string]string) string {
	keys := make([]string, 0, len(env))
	for k := range env {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	var b strings.Builder
	for _, k := range keys {
		fmt.Fprintf(&b, "%q=%q;", k, env[k])
	}
	return b.String()
}

// LocalEnvironment is the function's environment under dev and in offline plans: its variables, with
// each deploy-time output's stand-in value.
func (f *Function) LocalEnvironment() map[string]string {
	if len(f.Outputs) == 0 {
		return f.Environment
	}
	env := make(map[string]string, len(f.Environment)+len(f.Outputs))
	for k, v := range f.Environment {
		env[k] = v
	}
	for k, o := range f.Outputs {
		env[k] = o.Dev
	}
	return env
}

// FunctionByName finds a function of the table.
func (t *Table) FunctionByName(name string) *Function {
	for _, f := range t.Functions {
		if f.Name == name {
			return f
		}
	}
	return nil
}

// isPython reports whether the function runs on the Python runtime.
func (f *Function) isPython() bool { return f.Runtime == handler.Python }
