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
}

// LinkDecl is one function.Link or function.LinkReadOnly option: exactly one of Table and Function
// is set (both nil when the option was given a nil resource, which is reported where it was made).
type LinkDecl struct {
	Table    *TableDecl
	Function *FunctionDecl
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

// Link is one resource linked to a function: exactly one of Table and Function is set.
type Link struct {
	Table    *DynamoTable
	Function *Function
	// ReadOnly limits a table link to reading.
	ReadOnly bool
	Source   string
}

// Kind is the kind of the linked resource.
func (l *Link) Kind() link.Kind {
	if l.Table != nil {
		return link.KindTable
	}
	return link.KindFunction
}

// Name is the linked resource's declared name.
func (l *Link) Name() string {
	if l.Table != nil {
		return l.Table.Name
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
		if err := tablespec.Validate(td.Spec); err != nil {
			prefix := fmt.Sprintf("table %q: ", name)
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

// links resolves every function's links: to tables and functions of this app, each at most once,
// read-only only for tables. A variable the function sets itself wins over the link's, with a
// warning. (Links cannot form cycles: a function is linked through the handle function.New returns,
// after its own options were given.)
func (b *builder) links() {
	fnByDecl := b.byDecl
	for _, fn := range b.table.Functions {
		subject := fmt.Sprintf("function %s", fn.Name)
		seen := map[any]string{}
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
			default:
				continue
			}
			if prev, dup := seen[key]; dup {
				b.add(ld.Source, subject, "%s %q is already linked at %s; link it once", strings.ToLower(string(l.Kind())), l.Name(), prev)
				continue
			}
			seen[key] = ld.Source
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
}

func (b *builder) declaredTable(td *TableDecl) bool {
	_, ok := b.tableByDecl[td]
	return ok || b.allTables[td]
}
