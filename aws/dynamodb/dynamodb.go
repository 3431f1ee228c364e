package dynamodb

import (
	"fmt"
	"maps"
	"slices"

	"github.com/stelvio-go/stelvio"
	"github.com/stelvio-go/stelvio/internal/app"
	"github.com/stelvio-go/stelvio/internal/route"
	"github.com/stelvio-go/stelvio/internal/tablespec"
)

// FieldType is the DynamoDB type of a key attribute.
type FieldType string

// The types DynamoDB allows for key attributes.
const (
	String FieldType = "S" // a string
	Number FieldType = "N" // a number
	Binary FieldType = "B" // binary data
)

// Fields are the attributes a table's keys and indexes use, with their types, by attribute name.
// Other attributes of the items need no declaration.
type Fields map[string]FieldType

// Option sets one part of a table's declaration.
type Option interface {
	apply(t *tablespec.Table)
}

type optionFunc func(t *tablespec.Table)

func (f optionFunc) apply(t *tablespec.Table) { f(t) }

// PartitionKey sets the table's partition (hash) key, one of its Fields. Every table has one.
func PartitionKey(field string) Option {
	return optionFunc(func(t *tablespec.Table) { t.PartitionKey = field })
}

// SortKey sets the table's sort (range) key, one of its Fields; items are then identified by the
// partition and sort key together.
func SortKey(field string) Option {
	return optionFunc(func(t *tablespec.Table) { t.SortKey = field })
}

// Projection is what an index copies from the table's items: ProjectAll, ProjectKeysOnly or
// ProjectInclude(attributes...).
type Projection interface {
	projection() tablespec.Projection
}

// ProjectionType is a projection that names no attributes; it is a Projection.
type ProjectionType string

// Projections without attribute lists.
const (
	// ProjectAll copies every attribute into the index.
	ProjectAll ProjectionType = "ALL"
	// ProjectKeysOnly copies the table's and the index's keys only.
	ProjectKeysOnly ProjectionType = "KEYS_ONLY"
)

func (p ProjectionType) projection() tablespec.Projection {
	return tablespec.Projection{Type: tablespec.ProjectionType(p)}
}

type include []string

func (i include) projection() tablespec.Projection {
	return tablespec.Projection{Type: tablespec.ProjectInclude, NonKeyAttributes: slices.Clone(i)}
}

// ProjectInclude copies the keys and the named attributes into the index.
func ProjectInclude(attributes ...string) Projection { return include(slices.Clone(attributes)) }

func projectionOf(p Projection) tablespec.Projection {
	if p == nil {
		return tablespec.Projection{Type: tablespec.ProjectKeysOnly}
	}
	return p.projection()
}

// GlobalIndex adds a global secondary index named name with its own partition key and, when sortKey
// is not "", sort key (both among the Fields). A table has at most 20.
func GlobalIndex(name, partitionKey, sortKey string, p Projection) Option {
	ix := tablespec.GlobalIndex{Name: name, PartitionKey: partitionKey, SortKey: sortKey, Projection: projectionOf(p)}
	return optionFunc(func(t *tablespec.Table) { t.GlobalIndexes = append(t.GlobalIndexes, ix) })
}

// LocalIndex adds a local secondary index named name: the table's partition key with another sort key
// (among the Fields). Only a table with a sort key may have local indexes, at most 5, and they cannot
// be added once the table exists.
func LocalIndex(name, sortKey string, p Projection) Option {
	ix := tablespec.LocalIndex{Name: name, SortKey: sortKey, Projection: projectionOf(p)}
	return optionFunc(func(t *tablespec.Table) { t.LocalIndexes = append(t.LocalIndexes, ix) })
}

// StreamView is what the records of a table's stream hold.
type StreamView string

// The stream views of DynamoDB Streams.
const (
	KeysOnly        StreamView = "KEYS_ONLY"          // the changed item's keys
	NewImage        StreamView = "NEW_IMAGE"          // the item after the change
	OldImage        StreamView = "OLD_IMAGE"          // the item before the change
	NewAndOldImages StreamView = "NEW_AND_OLD_IMAGES" // both
)

// Stream turns on the table's stream with records of the given view. Linked functions then also get
// the stream's ARN (STELVIO_TABLE_<NAME>_STREAM_ARN).
func Stream(view StreamView) Option {
	return optionFunc(func(t *tablespec.Table) { t.Stream = tablespec.StreamView(view) })
}

// TTL makes DynamoDB delete items once the time in attribute (a Number, seconds since the Unix epoch)
// has passed.
func TTL(attribute string) Option {
	return optionFunc(func(t *tablespec.Table) { t.TTLAttribute = attribute })
}

// Table is a declared DynamoDB table. Link it to functions with function.Link or
// function.LinkReadOnly.
type Table struct {
	d *route.TableDecl
}

// NewTable declares a table named name (unique in the app; its physical name is
// "{app}-{env}-{name}") whose keys and indexes use fields, configured by opts. PartitionKey is
// required.
func NewTable(ctx *stelvio.Context, name string, fields Fields, opts ...Option) *Table {
	td := &route.TableDecl{Source: route.Caller(1)}
	spec := tablespec.Table{Name: name, Fields: map[string]tablespec.FieldType{}}
	for k, v := range maps.All(fields) {
		spec.Fields[k] = tablespec.FieldType(v)
	}
	for _, o := range opts {
		if o != nil {
			o.apply(&spec)
		}
	}
	td.Spec = spec
	d := app.Declare(ctx, td.Source, fmt.Sprintf("table %q", name))
	d.Tables = append(d.Tables, td)
	return &Table{d: td}
}

// Name is the table's name in the app; its physical name is "{app}-{env}-{name}".
func (t *Table) Name() string { return t.d.Spec.Name }

// LinkKind is "table": a Table can be linked to functions (function.Link).
func (t *Table) LinkKind() string { return "table" }

func init() {
	app.TableDeclOf = func(t any) *route.TableDecl {
		tb, _ := t.(*Table)
		if tb == nil {
			return nil
		}
		return tb.d
	}
}
