package route

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"os"
	"path"
	"path/filepath"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"

	"github.com/stelvio-go/stelvio/internal/handler"
)

var (
	nameRE      = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9_-]*$`)
	stageRE     = regexp.MustCompile(`^[A-Za-z0-9_-]{1,128}$`)
	envKeyRE    = regexp.MustCompile(`^[A-Za-z][A-Za-z0-9_]+$`)
	labelRE     = regexp.MustCompile(`^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$`)
	reservedEnv = []string{
		"_HANDLER", "_X_AMZN_TRACE_ID", "AWS_DEFAULT_REGION", "AWS_REGION", "AWS_EXECUTION_ENV",
		"AWS_LAMBDA_FUNCTION_NAME", "AWS_LAMBDA_FUNCTION_MEMORY_SIZE", "AWS_LAMBDA_FUNCTION_VERSION",
		"AWS_LAMBDA_INITIALIZATION_TYPE", "AWS_LAMBDA_LOG_GROUP_NAME", "AWS_LAMBDA_LOG_STREAM_NAME",
		"AWS_ACCESS_KEY", "AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN",
		"AWS_LAMBDA_RUNTIME_API", "LAMBDA_TASK_ROOT", "LAMBDA_RUNTIME_DIR",
	}
)

// MaxEnvironmentSize is the most bytes a function's environment variables (names and values) may take.
const MaxEnvironmentSize = 4096

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
}

// group is the routes that share one Lambda function, before its configuration is settled.
type group struct {
	fn         *Function
	configured []*Route
	config     FunctionConfig
}

func (b *builder) add(source, subject, format string, args ...any) {
	b.problems = append(b.problems, Problem{Source: source, Subject: subject, Message: fmt.Sprintf(format, args...)})
}

// Build resolves and validates a program's declarations against the files in projectDir. It reports all
// problems at once (as Problems) and returns a table only when there are none.
func Build(d *Decls, app, env, projectDir string) (*Table, error) {
	b := &builder{
		dir:           projectDir,
		table:         &Table{App: app, Env: env},
		byKey:         map[string]*group{},
		byDecl:        map[*FunctionDecl]*Function{},
		declared:      map[*FunctionDecl]bool{},
		names:         map[string]string{},
		instanceNames: map[string]string{},
	}
	b.problems = append(b.problems, d.Problems...)
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
		for _, rd := range ad.Routes {
			b.route(api, rd)
		}
		b.checkConflicts(api)
	}
	for _, g := range b.groups {
		b.settle(g)
	}
	if len(b.problems) > 0 {
		slices.SortStableFunc(b.problems, func(x, y Problem) int { return compareSource(x.Source, y.Source) })
		return nil, b.problems
	}
	return b.table, nil
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
	b.problems = append(b.problems, fd.Problems...)
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
			b.add(source, subject, "folder %q is given without a handler; add the file and function inside it, e.g. function.Handler(\"handler.index\")", c.Folder)
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
	if c.Memory != 0 {
		if c.Memory < 128 || c.Memory > 10240 {
			bad("memory %d MB is out of range; Lambda allows 128 to 10240 MB", c.Memory)
		}
		fn.Memory = c.Memory
	}
	if c.Timeout != 0 {
		if c.Timeout < 1 || c.Timeout > 900 {
			bad("timeout %d s is out of range; Lambda allows 1 to 900 seconds", c.Timeout)
		}
		fn.Timeout = c.Timeout
	}
	if c.Architecture != "" {
		if c.Architecture != "x86_64" && c.Architecture != "arm64" {
			bad("architecture %q is not supported; use \"x86_64\" or \"arm64\"", c.Architecture)
		}
		fn.Architecture = c.Architecture
	}
	keys := make([]string, 0, len(c.Environment))
	for k := range c.Environment {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		switch {
		case !envKeyRE.MatchString(k):
			bad("environment variable name %q must start with a letter, have at least 2 characters and contain only letters, digits and _", k)
		case slices.Contains(reservedEnv, k):
			bad("environment variable %s is reserved by AWS Lambda; choose another name", k)
		}
	}
	size := 0
	for k, v := range c.Environment {
		size += len(k) + len(v)
	}
	if size > MaxEnvironmentSize {
		bad("environment variables take %d bytes; Lambda allows %d in total, so keep large values in a file or a parameter store", size, MaxEnvironmentSize)
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
	labels := strings.Split(d, ".")
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

// configMapKeys are the keys of a handler given as a map, as in the reference's configuration dict.
var configMapKeys = []string{"architecture", "environment", "handler", "memory", "requirements", "runtime", "src", "timeout"}

func (b *builder) route(api *Api, rd *RouteDecl) {
	methods, merr := ParseMethods(rd.Method)
	p, perr := ParsePath(rd.Path)
	subject := "route " + describe(rd.Method, rd.Path)
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
	}

	var cfg FunctionConfig
	h := rd.Handler
	if sm, ok := h.(map[string]string); ok {
		// A map of strings is a configuration map whose values all happen to be strings.
		m := make(map[string]any, len(sm))
		for k, v := range sm {
			m[k] = v
		}
		h = m
	}
	switch h := h.(type) {
	case *FunctionDecl:
		if h == nil {
			b.add(rd.Source, subject, "the function is nil; create it with function.New(ctx, name, ...) before passing it to the route")
			return
		}
		if !b.declared[h] {
			b.add(rd.Source, subject, "function %q was not made with function.New on this app's context; create it with function.New(ctx, %q, ...)", h.Name, h.Name)
			return
		}
		if rd.HasOptions {
			b.add(rd.Source, subject, "configuration options are given together with function %q; set them in its function.New at %s instead", h.Name, h.Source)
			return
		}
		fn, ok := b.byDecl[h]
		if !ok {
			return // its own problems are already reported
		}
		if merr != nil || perr != nil {
			return
		}
		r.Function, r.Target = fn, fn.Entry
		fn.Routes = append(fn.Routes, r)
		return
	case string:
		cfg = rd.Options
		if cfg.Handler != "" {
			b.add(rd.Source, subject, "the handler is given twice (%q and function.Handler(%q)); keep one", h, cfg.Handler)
			return
		}
		cfg.Handler = h
	case FunctionConfig:
		if rd.HasOptions {
			b.add(rd.Source, subject, "both a function.Config and options are given; put all configuration in the Config")
			return
		}
		cfg = h
	case *FunctionConfig:
		if h == nil {
			b.add(rd.Source, subject, "the *function.Config is nil; pass a function.Config with at least its Handler")
			return
		}
		if rd.HasOptions {
			b.add(rd.Source, subject, "both a function.Config and options are given; put all configuration in the Config")
			return
		}
		cfg = *h
	case map[string]any:
		if rd.HasOptions {
			b.add(rd.Source, subject, "both a configuration map and options are given; put all configuration in the map")
			return
		}
		var ok bool
		if cfg, ok = b.configMap(rd.Source, subject, h); !ok {
			return
		}
	case nil:
		cfg = rd.Options
		if !rd.HasOptions {
			b.add(rd.Source, subject, "no handler; pass a handler string such as \"functions/users.index\", a function.Config, or a function.New instance")
			return
		}
	default:
		b.add(rd.Source, subject, "handler must be a string, function.Config, map[string]any or *function.Function, not %T", rd.Handler)
		return
	}
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
		g.config = cfg
	}
	g.fn.Routes = append(g.fn.Routes, r)
}

// describe names a route whose method or path did not parse, as written.
func describe(method any, p string) string {
	if p == "" {
		p = `""`
	}
	switch m := method.(type) {
	case string:
		if m == "" {
			m = `""`
		}
		return m + " " + p
	case []string:
		if len(m) == 0 {
			return "[] " + p
		}
		parts := make([]string, len(m))
		for i, v := range m {
			parts[i] = v
			if v == "" {
				parts[i] = `""`
			}
		}
		return strings.Join(parts, ",") + " " + p
	}
	if method == nil {
		return "(no method) " + p
	}
	return fmt.Sprintf("%v %s", method, p)
}

func (b *builder) configMap(source, subject string, m map[string]any) (FunctionConfig, bool) {
	var c FunctionConfig
	ok := true
	bad := func(format string, args ...any) {
		b.add(source, subject, format, args...)
		ok = false
	}
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	str := func(k string, v any) string {
		s, isStr := v.(string)
		if !isStr {
			bad("config key %q must be a string, not %#v", k, v)
		}
		return s
	}
	num := func(k string, v any) int {
		switch n := v.(type) {
		case int:
			return n
		case int64:
			return int(n)
		case float64:
			if n == float64(int(n)) {
				return int(n)
			}
		}
		bad("config key %q must be a whole number, not %#v", k, v)
		return 0
	}
	for _, k := range keys {
		v := m[k]
		switch k {
		case "handler":
			c.Handler = str(k, v)
		case "src":
			c.Folder = str(k, v)
		case "runtime":
			c.Runtime = str(k, v)
		case "architecture":
			c.Architecture = str(k, v)
		case "memory":
			c.Memory = num(k, v)
		case "timeout":
			c.Timeout = num(k, v)
		case "requirements":
			switch r := v.(type) {
			case string:
				c.Requirements = r
			case bool:
				if r {
					bad("config key \"requirements\" may be a path or false, not true")
				}
				c.NoRequirements = !r
			default:
				bad("config key \"requirements\" must be a path or false, not %#v", v)
			}
		case "environment":
			switch e := v.(type) {
			case map[string]string:
				c.Environment = e
			case map[string]any:
				c.Environment = map[string]string{}
				for ek, ev := range e {
					s, isStr := ev.(string)
					if !isStr {
						bad("environment variable %s must be a string, not %#v", ek, ev)
					}
					c.Environment[ek] = s
				}
			default:
				bad("config key \"environment\" must be a map of strings (map[string]string), not %T", v)
			}
		case "folder":
			bad("unknown config key %q; the folder key is \"src\"", k)
		default:
			bad("unknown config key %q; valid keys are %s", k, strings.Join(configMapKeys, ", "))
		}
	}
	return c, ok
}

// settle gives a shared function its configuration and name.
func (b *builder) settle(g *group) {
	fn := g.fn
	source, subject := fn.Source, fmt.Sprintf("function %s", strings.SplitN(fn.Key, ":", 2)[1])
	if len(g.configured) > 1 {
		var where []string
		for _, r := range g.configured {
			where = append(where, fmt.Sprintf("%s (%s)", r, r.Source))
		}
		b.add(g.configured[1].Source, subject,
			"configured on more than one route: %s; configure it on one route only (the others share it), or create it once with function.New and pass it to each route",
			strings.Join(where, ", "))
		return
	}
	if len(g.configured) == 1 {
		source = g.configured[0].Source
	}
	if !b.configure(fn, g.config, source, subject) {
		return
	}
	fn.Name = b.uniqueName(fn)
	b.table.Functions = append(b.table.Functions, fn)
}

// uniqueName derives a function name from its code location ("functions/users.py" → "functions-users",
// "functions/my_app.py" → "functions-my_app": Lambda and IAM names allow "_"),
// adding a short hash when two locations would give the same name.
func (b *builder) uniqueName(fn *Function) string {
	loc := strings.SplitN(fn.Key, ":", 2)[1]
	loc = strings.TrimSuffix(loc, ".py")
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
// (ANY clashes with every method), and sibling path parameters with different names.
func (b *builder) checkConflicts(api *Api) {
	type seen struct {
		methods map[string]*Route
		order   []*Route // routes on the path, in declaration order
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
		for _, m := range r.Methods {
			if prev, ok := s.methods[m]; ok {
				b.add(r.Source, "route "+r.String(), "%s %s is already routed at %s; each method and path may be routed once", m, key, prev.Source)
				continue
			}
			if m == Any && len(s.order) > 0 {
				prev := s.order[0]
				b.add(r.Source, "route "+r.String(), "ANY %s clashes with %s at %s; ANY covers every method, so use either ANY or separate methods", key, prev, prev.Source)
				continue
			}
			if prev, ok := s.methods[Any]; ok {
				b.add(r.Source, "route "+r.String(), "%s %s clashes with ANY %s at %s; ANY covers every method already", m, key, key, prev.Source)
				continue
			}
			s.methods[m] = r
			if !slices.Contains(s.order, r) {
				s.order = append(s.order, r)
			}
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
