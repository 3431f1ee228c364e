package route

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"maps"
	"net"
	"os"
	"path"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/stelvio-go/stelvio/internal/handler"
)

var (
	nameRE      = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9_-]*$`)
	stageRE     = regexp.MustCompile(`^[A-Za-z0-9_-]{1,128}$`)
	envKeyRE    = regexp.MustCompile(`^[A-Za-z][A-Za-z0-9_]+$`)
	mediaTypeRE = regexp.MustCompile(`^(\*|[A-Za-z0-9][A-Za-z0-9!#$&^_.+-]*)/(\*|[A-Za-z0-9][A-Za-z0-9!#$&^_.+-]*)$`)
	actionRE    = regexp.MustCompile(`^([a-z0-9-]+:[A-Za-z0-9*?]+|\*)$`)
	labelRE     = regexp.MustCompile(`^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$`)
	reservedEnv = []string{
		"_HANDLER", "_X_AMZN_TRACE_ID", "AWS_DEFAULT_REGION", "AWS_REGION", "AWS_EXECUTION_ENV",
		"AWS_LAMBDA_FUNCTION_NAME", "AWS_LAMBDA_FUNCTION_MEMORY_SIZE", "AWS_LAMBDA_FUNCTION_VERSION",
		"AWS_LAMBDA_INITIALIZATION_TYPE", "AWS_LAMBDA_LOG_GROUP_NAME", "AWS_LAMBDA_LOG_STREAM_NAME",
		"AWS_ACCESS_KEY", "AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN",
		"AWS_LAMBDA_RUNTIME_API", "LAMBDA_TASK_ROOT", "LAMBDA_RUNTIME_DIR",
	}
)

// MaxEnvironmentSize is the most bytes a function's environment variables may take, measured as the
// JSON object Lambda stores.
const MaxEnvironmentSize = 4096

// MaxResources is API Gateway's default quota of resources per REST API.
const MaxResources = 300

// builder collects problems while resolving declarations.
type builder struct {
	dir      string
	problems Problems
	table    *Table
	byKey    map[string]*group
	groups   []*group
	byDecl   map[*FunctionDecl]*Function
	declared map[*FunctionDecl]bool // every function.New of the program, valid or not
	names    map[string]string      // lowercase function name -> its key or source
	// instanceNames are the names of function.New instances as written, by lowercase name.
	instanceNames map[string]string
	// auth is the state of the apis' authorizers (auth.go).
	auth *authState
	// tableByDecl maps valid table declarations to their tables; allTables holds every one.
	tableByDecl map[*TableDecl]*DynamoTable
	allTables   map[*TableDecl]bool
}

// group is the routes that share one Lambda function, before its configuration is settled.
type group struct {
	fn         *Function
	configured []*Route
	// configs are the configurations of the configured routes, in the same order.
	configs []FunctionConfig
	config  FunctionConfig
}

func (b *builder) add(source, subject, format string, args ...any) {
	b.problems = append(b.problems, Problem{Source: source, Subject: subject, Message: fmt.Sprintf(format, args...)})
}

// Build resolves and validates a program's declarations against the files in projectDir. It reports all
// problems at once (as Problems); with problems, the table it returns holds only what resolved, for
// further checks, and must not be used otherwise.
func Build(d *Decls, app, env, projectDir string) (*Table, error) {
	b := &builder{
		dir:           projectDir,
		table:         &Table{App: app, Env: env, byDecl: map[*FunctionDecl]*Function{}, apiByDecl: map[*ApiDecl]*Api{}},
		byKey:         map[string]*group{},
		byDecl:        map[*FunctionDecl]*Function{},
		declared:      map[*FunctionDecl]bool{},
		names:         map[string]string{},
		instanceNames: map[string]string{},
	}
	b.problems = append(b.problems, d.Problems...)
	b.tables(d)
	for _, fd := range d.Functions {
		b.declared[fd] = true
		b.instance(fd)
	}
	apiNames := map[string]string{}   // lowercase name -> `api "Name"`
	apiSources := map[string]string{} // lowercase name -> where it is declared
	domains := map[string]string{}
	for _, ad := range d.Apis {
		api := b.api(ad)
		// Physical names are lowercase, so names that differ only in case are the same name.
		if prev, ok := apiNames[strings.ToLower(api.Name)]; ok {
			b.add(ad.Source, fmt.Sprintf("api %q", api.Name), "%s is already declared at %s; give each api its own name (names are not case-sensitive)", prev, apiSources[strings.ToLower(api.Name)])
		} else {
			apiNames[strings.ToLower(api.Name)] = fmt.Sprintf("api %q", api.Name)
			apiSources[strings.ToLower(api.Name)] = ad.Source
		}
		if api.DomainName != "" {
			if prev, ok := domains[api.DomainName]; ok {
				b.add(ad.Source, fmt.Sprintf("api %q", api.Name), "domain %s is already used by %s; one domain can serve only one api, so give this api another domain (e.g. a subdomain)", api.DomainName, prev)
			} else {
				domains[api.DomainName] = fmt.Sprintf("api %q at %s", api.Name, ad.Source)
			}
		}
		b.table.Apis = append(b.table.Apis, api)
		b.table.apiByDecl[ad] = api
		b.apiAuth(api, ad)
		for _, rd := range ad.Routes {
			b.route(api, rd)
		}
		b.checkConflicts(api)
		if n := api.ResourceCount(); n > MaxResources {
			b.problems = append(b.problems, Problem{Source: ad.Source, Subject: fmt.Sprintf("api %q", api.Name), Warning: true,
				Message: fmt.Sprintf("%d resources (the root resource included); a REST API has a default quota of %d resources (https://docs.aws.amazon.com/apigateway/latest/developerguide/limits.html), so ask AWS for a higher quota before deploying, or split the API", n, MaxResources)})
		}
	}
	for _, g := range b.groups {
		b.settle(g)
	}
	b.httpApis(d)    // httpapi.go
	b.subscribers(d) // subscribers.go
	b.corsFunctions()
	b.links()
	b.outputs(d)
	b.table.Extensions = d.Extensions
	for fd, fn := range b.byDecl {
		b.table.byDecl[fd] = fn
	}
	slices.SortStableFunc(b.problems, func(x, y Problem) int { return compareSource(x.Source, y.Source) })
	var errs Problems
	for _, p := range b.problems {
		if p.Warning {
			b.table.Warnings = append(b.table.Warnings, p)
		} else {
			errs = append(errs, p)
		}
	}
	if len(errs) > 0 {
		// The functions that resolved are still returned, so that their handler code can be checked
		// and its problems reported in the same run; a table with problems is never deployed or served.
		return b.table, errs
	}
	return b.table, nil
}

// outputs checks the deploy-time values: unique names, and each one used by some function.
func (b *builder) outputs(d *Decls) {
	used := map[*OutputDecl]bool{}
	for _, fn := range b.table.Functions {
		for _, o := range fn.Outputs {
			used[o] = true
		}
	}
	seen := map[string]*OutputDecl{}
	declared := map[*OutputDecl]bool{}
	for _, o := range d.Outputs {
		declared[o] = true
		subject := fmt.Sprintf("output %q", o.Name)
		if !nameRE.MatchString(o.Name) {
			b.add(o.Source, subject, "name must start with a letter or digit and contain only letters, digits, - and _")
		} else if prev, ok := seen[o.Name]; ok {
			b.add(o.Source, subject, "another output is already named %q (%s); give each output its own name", o.Name, prev.Source)
		}
		seen[o.Name] = o
		b.table.Outputs = append(b.table.Outputs, o)
	}
	for _, fn := range b.table.Functions {
		for k, o := range fn.Outputs {
			if !declared[o] {
				subject := fmt.Sprintf("function %q", fn.Name)
				if !fn.Instance {
					subject = "function " + codeLocation(fn.Key)
				}
				b.add(fn.Source, subject, "environment variable %s uses output %q, which was not made with ctx.Output on this app's context", k, o.Name)
			}
		}
	}
}

// Sorted orders problems by where they were declared, keeping the order of problems at one place.
func Sorted(ps Problems) Problems {
	slices.SortStableFunc(ps, func(x, y Problem) int { return compareSource(x.Source, y.Source) })
	return ps
}

// compareSource orders "file:line" sources by file, then by line number, so that problems are listed
// in the order of the program's text; problems without a source come last.
func compareSource(a, b string) int {
	if a == "" || b == "" {
		return strings.Compare(b, a)
	}
	fa, la := splitSource(a)
	fb, lb := splitSource(b)
	if c := strings.Compare(fa, fb); c != 0 {
		return c
	}
	return la - lb
}

func splitSource(s string) (string, int) {
	i := strings.LastIndexByte(s, ':')
	if i < 0 {
		return s, 0
	}
	n, err := strconv.Atoi(s[i+1:])
	if err != nil {
		return s, 0
	}
	return s[:i], n
}

func (b *builder) instance(fd *FunctionDecl) {
	subject := fmt.Sprintf("function %q", fd.Name)
	// A function with a bad name is still checked, so that all its problems are reported in one run.
	named := true
	if !nameRE.MatchString(fd.Name) {
		b.add(fd.Source, subject, "name must start with a letter or digit and contain only letters, digits, - and _")
		named = false
	} else if prev, ok := b.names[strings.ToLower(fd.Name)]; ok {
		b.add(fd.Source, subject, "another function is already named %q (%s); give each function.New its own name (names are not case-sensitive)", b.instanceNames[strings.ToLower(fd.Name)], prev)
		named = false
	}
	fn := &Function{Name: fd.Name, Key: "instance:" + fd.Name, Instance: true, Source: fd.Source}
	if named {
		b.names[strings.ToLower(fd.Name)] = fd.Source
		b.instanceNames[strings.ToLower(fd.Name)] = fd.Name
	}
	res, ok := b.resolve(fd.Source, subject, fd.Config)
	if !ok {
		return
	}
	b.fill(fn, res)
	if b.configure(fn, fd.Config, fd.Source, subject) && named {
		b.byDecl[fd] = fn
		b.table.Functions = append(b.table.Functions, fn)
		return
	}
	if named {
		// Its handler code is still checked; a function whose name is wrong or taken is not (its
		// problems would be reported under another function's name).
		b.unbuilt(fn, fd.Name)
	}
}

// resolve parses and locates the handler of a configuration.
func (b *builder) resolve(source, subject string, c FunctionConfig) (handler.Resolved, bool) {
	family, err := handler.RuntimeFamily(c.Runtime)
	if err != nil {
		b.add(source, subject, "%v", err)
		return handler.Resolved{}, false
	}
	if c.Handler == "" {
		if c.Folder != "" {
			b.add(source, subject, "folder %q is given without a handler; give the file and function inside it as the handler, e.g. \"handler.index\"", c.Folder)
		} else {
			b.add(source, subject, "handler is empty; give it as \"path/file.function\", e.g. \"functions/users.index\"")
		}
		return handler.Resolved{}, false
	}
	if c.Folder != "" {
		if err := checkFolder(c.Folder); err != nil {
			b.add(source, subject, "%v", err)
			return handler.Resolved{}, false
		}
	}
	ref, err := handler.Parse(c.Handler, c.Folder)
	if err != nil {
		b.add(source, subject, "%v", err)
		return handler.Resolved{}, false
	}
	res, err := handler.Resolve(b.dir, ref, family)
	if err != nil {
		b.add(source, subject, "%v", err)
		return handler.Resolved{}, false
	}
	return res, true
}

func checkFolder(folder string) error {
	if strings.HasSuffix(folder, "/") {
		return fmt.Errorf("folder %q ends with \"/\"; write it as %q", folder, strings.TrimSuffix(folder, "/"))
	}
	return nil
}

func (b *builder) fill(fn *Function, res handler.Resolved) {
	fn.Runtime = res.Runtime
	fn.Dir = res.Dir
	fn.FolderBased = res.Ref.FolderBased()
	if res.Runtime == handler.Python {
		fn.RuntimeID = handler.PythonRuntime
		if !fn.FolderBased {
			fn.File = res.File
		}
		fn.Entry = Target{Module: res.Ref.Module(), Func: res.Ref.Func}
	} else {
		fn.RuntimeID = handler.GoRuntime
		fn.Entry = Target{Func: res.Ref.Func}
	}
}

// configure applies defaults and checks the configuration values; it reports whether they are valid.
func (b *builder) configure(fn *Function, c FunctionConfig, source, subject string) bool {
	ok := true
	bad := func(format string, args ...any) {
		b.add(source, subject, format, args...)
		ok = false
	}
	fn.Memory, fn.Timeout, fn.Architecture = DefaultMemory, DefaultTimeout, DefaultArchitecture
	if c.MemorySet || c.Memory != 0 {
		if c.Memory < 128 || c.Memory > 10240 {
			bad("memory %d MB is out of range; Lambda allows 128 to 10240 MB", c.Memory)
		}
		fn.Memory = c.Memory
	}
	if c.TimeoutSet || c.Timeout != 0 {
		switch {
		case c.Timeout%time.Second != 0:
			bad("timeout %s is not a whole number of seconds; Lambda counts timeouts in seconds, e.g. function.Timeout(30 * time.Second)", c.Timeout)
		case c.Timeout < time.Second || c.Timeout > 900*time.Second:
			bad("timeout %s is out of range; Lambda allows 1s to 15m0s (900 seconds)", c.Timeout)
		}
		fn.Timeout = int(c.Timeout / time.Second)
	}
	if c.Architecture != "" {
		if c.Architecture != "x86_64" && c.Architecture != "arm64" {
			bad("architecture %q is not supported; use function.X86_64 or function.ARM64", c.Architecture)
		}
		fn.Architecture = c.Architecture
	}
	names := map[string]bool{}
	for k := range c.Environment {
		names[k] = true
	}
	for k := range c.Outputs {
		if names[k] {
			bad("environment variable %s is given both as a value and as an output; keep one", k)
		}
		names[k] = true
	}
	keys := slices.Sorted(maps.Keys(names))
	for _, k := range keys {
		switch {
		case !envKeyRE.MatchString(k):
			bad("environment variable name %q must start with a letter, have at least 2 characters and contain only letters, digits and _", k)
		case slices.Contains(reservedEnv, k):
			bad("environment variable %s is reserved by AWS Lambda; choose another name", k)
		}
	}
	// Lambda counts the variables as the JSON object it stores; outputs are measured by their dev
	// values, the only ones known before deploying.
	all := make(map[string]string, len(names))
	maps.Copy(all, c.Environment)
	for k, o := range c.Outputs {
		all[k] = o.Dev
	}
	if len(all) > 0 {
		js, _ := json.Marshal(all)
		if len(js) > MaxEnvironmentSize {
			bad("environment variables take %d bytes as Lambda stores them (a JSON object); Lambda allows %d in total, so keep large values in a file or a parameter store", len(js), MaxEnvironmentSize)
		}
	}
	if len(c.Outputs) > 0 {
		fn.Outputs = maps.Clone(c.Outputs)
	}
	fn.linkDecls = slices.Clone(c.Links)
	for i, st := range c.Permissions {
		if len(st.Actions) == 0 {
			bad("permission %d has no actions; name them, e.g. \"s3:GetObject\"", i+1)
		}
		for _, a := range st.Actions {
			if !actionRE.MatchString(a) {
				bad("permission %d: action %q is not an IAM action; write it as \"service:Action\", e.g. \"s3:GetObject\" (wildcards * allowed)", i+1, a)
			}
		}
		if len(st.Resources) == 0 {
			bad("permission %d has no resources; name the ARNs it applies to, or \"*\"", i+1)
		}
		for _, r := range st.Resources {
			if r != "*" && !strings.HasPrefix(r, "arn:") {
				bad("permission %d: resource %q is not an ARN; write \"arn:aws:...\" or \"*\" (for resources made at deploy time use the extend package)", i+1, r)
			}
		}
		fn.Permissions = append(fn.Permissions, Statement{Actions: slices.Clone(st.Actions), Resources: slices.Clone(st.Resources)})
	}
	if len(c.Environment) > 0 {
		fn.Environment = make(map[string]string, len(c.Environment))
		for k, v := range c.Environment {
			fn.Environment[k] = v
		}
	}
	if fn.Runtime == handler.Go {
		if c.Requirements != "" || c.NoRequirements {
			bad("requirements apply to Python functions only; remove them from this Go function")
		}
		return ok
	}
	fn.NoRequirements = c.NoRequirements
	switch {
	case c.NoRequirements && c.Requirements != "":
		bad("requirements %q is given and also turned off; keep one", c.Requirements)
	case c.Requirements != "":
		p := path.Clean(c.Requirements)
		if path.IsAbs(p) || p == ".." || strings.HasPrefix(p, "../") {
			bad("requirements %q is outside the project; give a path relative to the project directory", c.Requirements)
		} else if fi, err := os.Stat(filepath.Join(b.dir, filepath.FromSlash(p))); err != nil || fi.IsDir() {
			bad("requirements file %s not found in the project", p)
		} else {
			fn.Requirements = p
		}
	case !c.NoRequirements:
		p := path.Join(fn.Dir, "requirements.txt")
		if fi, err := os.Stat(filepath.Join(b.dir, filepath.FromSlash(p))); err == nil && !fi.IsDir() {
			fn.Requirements = p
		}
	}
	return ok
}

func (b *builder) api(ad *ApiDecl) *Api {
	subject := fmt.Sprintf("api %q", ad.Name)
	api := &Api{Name: ad.Name, StageName: ad.StageName, EndpointType: strings.ToUpper(ad.EndpointType), DomainName: strings.ToLower(ad.DomainName), Source: ad.Source}
	if !nameRE.MatchString(ad.Name) {
		// The api is still checked, so that the problems of its routes are reported in the same run.
		b.add(ad.Source, subject, "name must start with a letter or digit and contain only letters, digits, - and _")
	}
	if api.StageName == "" {
		api.StageName = DefaultStage
	} else if !stageRE.MatchString(api.StageName) {
		b.add(ad.Source, subject, "stage name %q may contain only letters, digits, - and _ (at most 128)", api.StageName)
	}
	switch api.EndpointType {
	case "":
		api.EndpointType = "REGIONAL"
	case "REGIONAL", "EDGE":
	default:
		b.add(ad.Source, subject, "endpoint type %q is not supported; use \"regional\" or \"edge\"", ad.EndpointType)
	}
	for _, t := range ad.BinaryMediaTypes {
		if !mediaTypeRE.MatchString(t) {
			b.add(ad.Source, subject, "binary media type %q is not a media type; write it as type/subtype, e.g. \"image/png\", \"image/*\" or \"*/*\"", t)
			continue
		}
		if !slices.Contains(api.BinaryMediaTypes, t) {
			api.BinaryMediaTypes = append(api.BinaryMediaTypes, t)
		}
	}
	if api.DomainName != "" {
		if err := checkDomain(api.DomainName); err != nil {
			b.add(ad.Source, subject, "%v", err)
		}
	}
	return api
}

// checkDomain validates a custom domain name.
func checkDomain(d string) error {
	if len(d) > 253 {
		return fmt.Errorf("domain name %q is %d characters long; at most 253 are allowed", d, len(d))
	}
	if net.ParseIP(d) != nil {
		return fmt.Errorf("domain name %q is an IP address; ACM certifies domain names only, so use a name such as api.example.com", d)
	}
	labels := strings.Split(d, ".")
	if tld := labels[len(labels)-1]; tld != "" && strings.Trim(tld, "0123456789") == "" {
		return fmt.Errorf("domain name %q ends in the numeric label %q; top-level domains are not numeric, so use a name such as api.example.com", d, tld)
	}
	if len(labels) < 2 {
		return fmt.Errorf("domain name %q needs at least two labels, e.g. api.example.com", d)
	}
	if strings.Contains(d, "*") {
		return fmt.Errorf("domain name %q is a wildcard; an api serves one exact name, e.g. api.example.com", d)
	}
	if strings.HasSuffix(d, ".") {
		return fmt.Errorf("domain name %q ends with \".\"; write it without the final dot, %q", d, strings.TrimSuffix(d, "."))
	}
	for _, l := range labels {
		if !labelRE.MatchString(l) {
			return fmt.Errorf("domain name %q has an invalid label %q; labels are 1 to 63 letters, digits or hyphens, not starting or ending with a hyphen", d, l)
		}
	}
	return nil
}

func (b *builder) route(api *Api, rd *RouteDecl) {
	methods, merr := ParseMethods(rd.Methods)
	p, perr := ParsePath(rd.Path)
	subject := "route " + describe(rd.Methods, rd.Path)
	if merr != nil {
		b.add(rd.Source, subject, "%v", merr)
	}
	if perr != nil {
		b.add(rd.Source, subject, "%v", perr)
	}
	if merr == nil && perr == nil {
		subject = "route " + strings.Join(methods, ",") + " " + p.String()
	}
	r := &Route{Api: api, Methods: methods, Path: p, Source: rd.Source}
	if merr == nil && perr == nil {
		// Conflicts between routes are checked even when this route's handler has problems, so that
		// they are all reported in one run; the table is only used when there are none.
		api.Routes = append(api.Routes, r)
		b.routeAuth(api, r, rd, subject)
	}

	if rd.Function != nil {
		fn, ok := b.routedInstance(rd.Function, rd.Source, subject)
		if !ok || merr != nil || perr != nil {
			return // its own problems are already reported
		}
		r.Function, r.Target = fn, fn.Entry
		fn.Routes = append(fn.Routes, r)
		return
	}
	cfg := rd.Config
	cfg.Handler = rd.Handler
	res, ok := b.resolve(rd.Source, subject, cfg)
	if !ok || merr != nil || perr != nil {
		return
	}
	g := b.byKey[res.Key()]
	if g == nil {
		fn := &Function{Key: res.Key(), Source: rd.Source}
		b.fill(fn, res)
		g = &group{fn: fn}
		b.byKey[res.Key()] = g
		b.groups = append(b.groups, g)
	}
	r.Function = g.fn
	if res.Runtime == handler.Python {
		r.Target = Target{Module: res.Ref.Module(), Func: res.Ref.Func}
	} else {
		r.Target = Target{Func: res.Ref.Func}
	}
	if cfg.configured() {
		g.configured = append(g.configured, r)
		g.configs = append(g.configs, cfg)
		g.config = cfg
	}
	g.fn.Routes = append(g.fn.Routes, r)
}

// describe names a route whose method or path did not parse, as written.
func describe(method, p string) string {
	if p == "" {
		p = `""`
	}
	if strings.TrimSpace(method) == "" {
		method = strconv.Quote(method)
	}
	return method + " " + p
}

// settle gives a shared function its configuration and name.
func (b *builder) settle(g *group) {
	fn := g.fn
	source, subject := fn.Source, "function "+codeLocation(fn.Key)
	if len(g.configured) > 1 {
		var where []string
		for _, r := range g.configured {
			where = append(where, fmt.Sprintf("%s (%s)", r, r.Source))
		}
		b.add(g.configured[1].Source, subject,
			"configured on more than one route: %s; configure it on one route only (the others share it), or create it once with function.New and pass it to each route",
			strings.Join(where, ", "))
		b.configureEach(fn, g.configs, func(i int) string { return g.configured[i].Source }, subject)
		b.unbuilt(fn, b.uniqueName(fn))
		return
	}
	if len(g.configured) == 1 {
		source = g.configured[0].Source
	}
	if !b.configure(fn, g.config, source, subject) {
		b.unbuilt(fn, b.uniqueName(fn))
		return
	}
	fn.Name = b.uniqueName(fn)
	b.table.Functions = append(b.table.Functions, fn)
}

// configureEach checks every configuration given for one function, each where it was given, on a
// copy of the function: the function itself is not built (its configuration is not settled), but
// every wrong value is reported in the same run.
func (b *builder) configureEach(fn *Function, configs []FunctionConfig, source func(int) string, subject string) {
	for i, c := range configs {
		scratch := *fn
		b.configure(&scratch, c, source(i), subject)
	}
}

// unbuilt keeps fn, named name, for the check of its handler code only (Table.Unbuilt).
func (b *builder) unbuilt(fn *Function, name string) {
	fn.Name = name
	fn.linkDecls = nil
	b.table.Unbuilt = append(b.table.Unbuilt, fn)
}

// codeLocation is the code a shared function is made from, from its key: "functions/users.py",
// "functions/orders" (a folder or a Go package). The key of an HTTP API's function starts with
// "http:" ("http:file:functions/users.py").
func codeLocation(key string) string {
	key = strings.TrimPrefix(key, "http:")
	_, loc, _ := strings.Cut(key, ":")
	return loc
}

// uniqueName derives a function name from its code location ("functions/users.py" → "functions-users",
// "functions/my_app.py" → "functions-my_app": Lambda and IAM names allow "_"),
// adding a short hash when two locations would give the same name (a file serving routes of a REST
// API and of an HTTP API is two functions).
func (b *builder) uniqueName(fn *Function) string {
	loc := strings.TrimSuffix(codeLocation(fn.Key), ".py")
	var sb strings.Builder
	for _, r := range loc {
		switch {
		case r >= 'a' && r <= 'z', r >= '0' && r <= '9', r == '-', r == '_':
			sb.WriteRune(r)
		case r >= 'A' && r <= 'Z':
			sb.WriteRune(r + 'a' - 'A')
		default:
			sb.WriteByte('-')
		}
	}
	name := strings.Trim(sb.String(), "-")
	if _, taken := b.names[name]; taken || name == "" {
		sum := sha256.Sum256([]byte(fn.Key))
		name = strings.TrimSuffix(name+"-"+hex.EncodeToString(sum[:])[:6], "-")
	}
	b.names[name] = fn.Key
	return name
}

// checkConflicts finds routes that API Gateway would refuse together: the same method twice on a path
// (ANY beside other methods is allowed: they win over it), and sibling path parameters with different
// names.
func (b *builder) checkConflicts(api *Api) {
	type seen struct {
		methods map[string]*Route
	}
	byPath := map[string]*seen{}
	type varChild struct {
		seg   Segment
		route *Route
	}
	vars := map[string]varChild{} // parent path -> its variable child
	for _, r := range api.Routes {
		key := r.Path.String()
		s := byPath[key]
		if s == nil {
			s = &seen{methods: map[string]*Route{}}
			byPath[key] = s
		}
		// ANY and other methods may share a resource: API Gateway's ANY method "can exist alongside
		// other Operation objects and will catch any HTTP method that wasn't explicitly declared"
		// (https://docs.aws.amazon.com/apigateway/latest/developerguide/api-gateway-swagger-extensions-any-method.html),
		// so a method of its own wins over ANY.
		for _, m := range r.Methods {
			if prev, ok := s.methods[m]; ok {
				b.add(r.Source, "route "+r.String(), "%s %s is already routed at %s; each method and path may be routed once", m, key, prev.Source)
				continue
			}
			s.methods[m] = r
		}
		parent := "/"
		for _, seg := range r.Path.Segments {
			if seg.Kind != Literal {
				if prev, ok := vars[parent]; ok && prev.seg != seg {
					b.add(r.Source, "route "+r.String(),
						"path parameter %s conflicts with %s under %s (route %s at %s); API Gateway allows one parameter per position, so use the same name",
						seg, prev.seg, parent, prev.route, prev.route.Source)
					break
				} else if !ok {
					vars[parent] = varChild{seg: seg, route: r}
				}
			}
			parent = strings.TrimSuffix(parent, "/") + "/" + seg.String()
		}
	}
}

// Resources lists the distinct non-root resource paths of an API in a parent-before-child order, each
// with its parent path ("/" for the root resource).
func (a *Api) Resources() []ResourcePath {
	seen := map[string]bool{}
	var out []ResourcePath
	for _, r := range a.Routes {
		parent := "/"
		for _, seg := range r.Path.Segments {
			p := strings.TrimSuffix(parent, "/") + "/" + seg.String()
			if !seen[p] {
				seen[p] = true
				out = append(out, ResourcePath{Path: p, Parent: parent, Part: seg.String()})
			}
			parent = p
		}
	}
	return out
}

// ResourcePath is one API Gateway resource: its full path, its parent's path and its own path part.
type ResourcePath struct {
	Path   string
	Parent string
	Part   string
}

// routedInstance is the function made by the function.New declaration fd, which a route at source uses;
// false when fd was not declared on this app's context (reported) or has problems of its own (already
// reported).
func (b *builder) routedInstance(fd *FunctionDecl, source, subject string) (*Function, bool) {
	if !b.declared[fd] {
		b.add(source, subject, "function %q was not made with function.New on this app's context; create it with function.New(ctx, %q, ...)", fd.Name, fd.Name)
		return nil, false
	}
	fn, ok := b.byDecl[fd]
	return fn, ok
}
