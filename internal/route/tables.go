package route

import (
	"fmt"
	"maps"
	"slices"
	"strings"

	"github.com/stelvio-go/stelvio/internal/link"
	"github.com/stelvio-go/stelvio/internal/naming"
	"github.com/stelvio-go/stelvio/internal/tablespec"
)

// TableDecl is one dynamodb.NewTable call: the table as written (Spec.Name is the declared name).
type TableDecl struct {
	Spec   tablespec.Table
	Source string
	// Subscribers are the table.Subscribe calls on it, in order (subscribers.go).
	Subscribers []*SubscriberDecl
}

// LinkDecl is one function.Link or function.LinkReadOnly option: exactly one of Table, Function, Api
// and HTTPApi is set (none when the option was given a nil resource, which is reported where it was
// made).
type LinkDecl struct {
	Table    *TableDecl
	Function *FunctionDecl
	Api      *ApiDecl
	HTTPApi  *HTTPApiDecl
	ReadOnly bool
	Source   string
}

// DynamoTable is one declared DynamoDB table, validated.
type DynamoTable struct {
	// Name is the declared name ("todos"); Spec.Name is the same.
	Name   string
	Spec   tablespec.Table
	Source string
}

// TableNameLimit is the longest DynamoDB table name.
const TableNameLimit = 255

// Physical is the table's physical name in app's environment env: "{app}-{env}-{name}".
func (t *DynamoTable) Physical(app, env string) string {
	return naming.Physical(app, env, t.Name, TableNameLimit)
}

// PhysicalSpec is the table's spec under its physical name, as DynamoDB creates it.
func (t *DynamoTable) PhysicalSpec(app, env string) tablespec.Table {
	s := t.Spec
	s.Name = t.Physical(app, env)
	return s
}

// Link is one resource linked to a function: exactly one of Table, Function, Api and HTTPApi is set.
// A REST and an HTTP API link alike: kind link.KindAPI, attribute URL.
type Link struct {
	Table    *DynamoTable
	Function *Function
	Api      *Api
	HTTPApi  *HTTPApi
	// ReadOnly limits a table link to reading.
	ReadOnly bool
	Source   string
}

// Kind is the kind of the linked resource.
func (l *Link) Kind() link.Kind {
	switch {
	case l.Table != nil:
		return link.KindTable
	case l.Api != nil, l.HTTPApi != nil:
		return link.KindAPI
	}
	return link.KindFunction
}

// Name is the linked resource's declared name.
func (l *Link) Name() string {
	switch {
	case l.Table != nil:
		return l.Table.Name
	case l.Api != nil:
		return l.Api.Name
	case l.HTTPApi != nil:
		return l.HTTPApi.Name
	}
	return l.Function.Name
}

// Access is what a table link allows.
func (l *Link) Access() link.Access {
	if l.ReadOnly {
		return link.ReadOnly
	}
	return link.ReadWrite
}

// Attributes are the attributes the link sets a variable for (link.AttrName, ...).
func (l *Link) Attributes() []string {
	if l.Table != nil && l.Table.Spec.Stream != "" {
		return []string{link.AttrName, link.AttrARN, link.AttrStreamARN}
	}
	if l.Api != nil || l.HTTPApi != nil {
		return []string{link.AttrURL}
	}
	return []string{link.AttrName, link.AttrARN}
}

// LinkVar is one environment variable a link sets: which link, which attribute.
type LinkVar struct {
	Link *Link
	Attr string
}

// LinkVariables are the environment variables the function's links set, by name, without those the
// function's own environment sets (the function's own value wins; Build warns about each one).
func (f *Function) LinkVariables() map[string]LinkVar {
	out := map[string]LinkVar{}
	for _, l := range f.Links {
		for _, attr := range l.Attributes() {
			name := link.EnvName(l.Kind(), l.Name(), attr)
			if _, own := f.Environment[name]; own {
				continue
			}
			if _, own := f.Outputs[name]; own {
				continue
			}
			out[name] = LinkVar{Link: l, Attr: attr}
		}
	}
	return out
}

// tables validates the table declarations: tablespec's rules, names like functions, and names
// unique in the app (also as the link variables spell them).
func (b *builder) tables(d *Decls) {
	b.tableByDecl = map[*TableDecl]*DynamoTable{}
	b.allTables = map[*TableDecl]bool{}
	byName := map[string]*TableDecl{} // lowercase name
	byKey := map[string]*TableDecl{}  // link.NameKey
	for _, td := range d.Tables {
		b.allTables[td] = true
		name := td.Spec.Name
		subject := fmt.Sprintf("table %q", name)
		ok := true
		if !nameRE.MatchString(name) {
			b.add(td.Source, subject, "name must start with a letter or digit and contain only letters, digits, - and _")
			ok = false
		} else if prev, dup := byName[strings.ToLower(name)]; dup {
			b.add(td.Source, subject, "another table is already named %q (%s); give each table its own name (names are not case-sensitive)", prev.Spec.Name, prev.Source)
			ok = false
		} else if prev, dup := byKey[link.NameKey(name)]; dup {
			b.add(td.Source, subject, "table %q (%s) has the same link variables %s_*; rename one of them",
				prev.Spec.Name, prev.Source, link.EnvPrefix+string(link.KindTable)+"_"+link.NameKey(name))
			ok = false
		}
		if ok {
			byName[strings.ToLower(name)] = td
			byKey[link.NameKey(name)] = td
		}
		// DynamoDB's rules apply to the table DynamoDB creates, under its physical name
		// ("{app}-{env}-{name}": 3 to 255 characters, shortened when longer); the declared name is
		// checked by stelvio's naming rule above only, so a bad name is reported once.
		physical := td.Spec
		physical.Name = naming.Physical(b.table.App, b.table.Env, name, TableNameLimit)
		if err := tablespec.Validate(physical); err != nil {
			prefix := fmt.Sprintf("table %q: ", physical.Name)
			for _, msg := range strings.Split(err.Error(), "\n") {
				b.add(td.Source, subject, "%s", strings.TrimPrefix(msg, prefix))
			}
			ok = false
		}
		if !ok {
			continue
		}
		spec := td.Spec
		spec.Fields = maps.Clone(spec.Fields)
		spec.LocalIndexes = slices.Clone(spec.LocalIndexes)
		spec.GlobalIndexes = slices.Clone(spec.GlobalIndexes)
		t := &DynamoTable{Name: name, Spec: spec, Source: td.Source}
		b.tableByDecl[td] = t
		b.table.Tables = append(b.table.Tables, t)
	}
}

// links resolves every function's links: to tables, functions and APIs of this app, each at most
// once, read-only only for tables. A variable the function sets itself wins over the link's, with a
// warning. Function links alone form no cycle (a function is linked through the handle function.New
// returns, after its own options were given); a link to an API that calls the function does.
func (b *builder) links() {
	fnByDecl := b.byDecl
	for _, fn := range b.table.Functions {
		subject := fmt.Sprintf("function %s", fn.Name)
		seen := map[any]*LinkDecl{}
		for _, ld := range fn.linkDecls {
			l := &Link{ReadOnly: ld.ReadOnly, Source: ld.Source}
			var key any
			switch {
			case ld.Table != nil:
				t, ok := b.tableByDecl[ld.Table]
				if !ok {
					if !b.declaredTable(ld.Table) {
						b.add(ld.Source, subject, "table %q was not made with dynamodb.NewTable on this app's context; create it with dynamodb.NewTable(ctx, %q, ...)", ld.Table.Spec.Name, ld.Table.Spec.Name)
					}
					continue // its own problems are reported
				}
				l.Table, key = t, t
			case ld.Function != nil:
				if !b.declared[ld.Function] {
					b.add(ld.Source, subject, "function %q was not made with function.New on this app's context; create it with function.New(ctx, %q, ...)", ld.Function.Name, ld.Function.Name)
					continue
				}
				target, ok := fnByDecl[ld.Function]
				if !ok {
					continue
				}
				if ld.ReadOnly {
					b.add(ld.Source, subject, "function %q is linked read-only; read-only links are for tables, so use function.Link", target.Name)
					continue
				}
				l.Function, key = target, target
			case ld.Api != nil:
				api, ok := b.table.apiByDecl[ld.Api]
				if !ok {
					b.add(ld.Source, subject, "api %q was not made with apigateway.New on this app's context; create it with apigateway.New(ctx, %q)", ld.Api.Name, ld.Api.Name)
					continue
				}
				if ld.ReadOnly {
					b.add(ld.Source, subject, "api %q is linked read-only; read-only links are for tables, so use function.Link", api.Name)
					continue
				}
				l.Api, key = api, api
			case ld.HTTPApi != nil:
				api, ok := b.table.httpApiByDecl[ld.HTTPApi]
				if !ok {
					b.add(ld.Source, subject, "api %q was not made with apigateway.NewHTTP on this app's context; create it with apigateway.NewHTTP(ctx, %q)", ld.HTTPApi.Name, ld.HTTPApi.Name)
					continue
				}
				if ld.ReadOnly {
					b.add(ld.Source, subject, "api %q is linked read-only; read-only links are for tables, so use function.Link", api.Name)
					continue
				}
				l.HTTPApi, key = api, api
			default:
				continue
			}
			if prev, dup := seen[key]; dup {
				if prev.ReadOnly != ld.ReadOnly {
					b.add(ld.Source, subject, "%s %q is linked with both function.Link and function.LinkReadOnly (the other at %s); keep one of the two: function.LinkReadOnly to read it only, function.Link to read and write it",
						strings.ToLower(string(l.Kind())), l.Name(), prev.Source)
				} else {
					b.add(ld.Source, subject, "%s %q is already linked at %s; link it once", strings.ToLower(string(l.Kind())), l.Name(), prev.Source)
				}
				continue
			}
			seen[key] = ld
			fn.Links = append(fn.Links, l)
			for _, attr := range l.Attributes() {
				name := link.EnvName(l.Kind(), l.Name(), attr)
				_, env := fn.Environment[name]
				_, out := fn.Outputs[name]
				if env || out {
					b.problems = append(b.problems, Problem{Source: ld.Source, Subject: subject, Warning: true,
						Message: fmt.Sprintf("environment variable %s is set by the function and by its link to %s %q; the function's value is used, so remove it unless that is intended",
							name, strings.ToLower(string(l.Kind())), l.Name())})
				}
			}
		}
		fn.linkDecls = nil
	}
	b.apiLinkCycles()
}

// apiLinkCycles reports links to APIs that the linking function is (through other links) called by:
// an API is made after the functions it calls, and a function holding an API's URL after the API.
func (b *builder) apiLinkCycles() {
	// calledBy: the APIs that call a function, directly or through functions linking it.
	for _, fn := range b.table.Functions {
		for _, l := range fn.Links {
			var api any
			switch {
			case l.Api != nil:
				api = l.Api
			case l.HTTPApi != nil:
				api = l.HTTPApi
			default:
				continue
			}
			if path := b.pathTo(api, fn, map[any]bool{}); path != nil {
				b.add(l.Source, fmt.Sprintf("function %s", fn.Name),
					"the link to api %q makes a cycle (%s -> %s): an API is made after the functions it calls, so none of them can hold its URL; a handler behind the API finds it in the request (requestContext.domainName and requestContext.stage)",
					l.Name(), "function "+fn.Name, strings.Join(path, " -> "))
			}
		}
	}
}

// pathTo finds a chain from node (an *Api or *Function) to target: an API leads to the functions it
// calls, a function to the functions and APIs it links. It returns the chain's names, or nil.
func (b *builder) pathTo(node any, target *Function, seen map[any]bool) []string {
	if seen[node] {
		return nil
	}
	seen[node] = true
	var name string
	var next []any
	switch n := node.(type) {
	case *Api:
		name = fmt.Sprintf("api %s", n.Name)
		for _, r := range n.Routes {
			if r.Function != nil {
				next = append(next, r.Function)
			}
		}
	case *HTTPApi:
		name = fmt.Sprintf("api %s", n.Name)
		for _, r := range n.Routes {
			if r.Function != nil {
				next = append(next, r.Function)
			}
		}
		for _, a := range n.Authorizers {
			if a.Function != nil {
				next = append(next, a.Function)
			}
		}
	case *Function:
		if n == target {
			return []string{"function " + n.Name}
		}
		name = "function " + n.Name
		for _, l := range n.Links {
			switch {
			case l.Function != nil:
				next = append(next, l.Function)
			case l.Api != nil:
				next = append(next, l.Api)
			case l.HTTPApi != nil:
				next = append(next, l.HTTPApi)
			}
		}
	}
	for _, m := range next {
		if rest := b.pathTo(m, target, seen); rest != nil {
			return append([]string{name}, rest...)
		}
	}
	return nil
}

func (b *builder) declaredTable(td *TableDecl) bool {
	_, ok := b.tableByDecl[td]
	return ok || b.allTables[td]
}
