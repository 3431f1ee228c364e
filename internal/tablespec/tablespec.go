package tablespec

import (
	"errors"
	"fmt"
	"sort"
	"strings"
)

// FieldType is the DynamoDB scalar type of a key attribute.
type FieldType string

// The attribute types DynamoDB accepts for key attributes (AttributeDefinition.AttributeType).
const (
	String FieldType = "S"
	Number FieldType = "N"
	Binary FieldType = "B"
)

// ProjectionType says which attributes an index copies from the table.
type ProjectionType string

// Projection types, as DynamoDB spells them.
const (
	ProjectAll      ProjectionType = "ALL"
	ProjectKeysOnly ProjectionType = "KEYS_ONLY"
	ProjectInclude  ProjectionType = "INCLUDE"
)

// Projection is the attribute set of an index. The zero value projects keys only.
type Projection struct {
	Type             ProjectionType
	NonKeyAttributes []string // only with ProjectInclude
}

// StreamView is the content of a table's stream records; empty means no stream.
type StreamView string

// Stream views, as DynamoDB spells them.
const (
	StreamKeysOnly        StreamView = "KEYS_ONLY"
	StreamNewImage        StreamView = "NEW_IMAGE"
	StreamOldImage        StreamView = "OLD_IMAGE"
	StreamNewAndOldImages StreamView = "NEW_AND_OLD_IMAGES"
)

// LocalIndex is a local secondary index: the table's partition key with another sort key.
type LocalIndex struct {
	Name       string
	SortKey    string
	Projection Projection
}

// GlobalIndex is a global secondary index with its own partition key and optional sort key.
type GlobalIndex struct {
	Name         string
	PartitionKey string
	SortKey      string
	Projection   Projection
}

// Table is a declared DynamoDB table. Fields lists the typed attributes keys and indexes may use;
// attributes that are no key of the table or an index need no declaration.
type Table struct {
	Name          string
	Fields        map[string]FieldType
	PartitionKey  string
	SortKey       string
	LocalIndexes  []LocalIndex
	GlobalIndexes []GlobalIndex
	Stream        StreamView
	TTLAttribute  string
}

// Limits of DynamoDB, from
// https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/ServiceQuotas.html#limits-secondary-indexes
// (5 local and 20 global secondary indexes per table by default; the GSI quota can be raised on
// request, the LSI one cannot) and
// https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/HowItWorks.NamingRulesDataTypes.html
// (table and index names are 3–255 characters of a-z, A-Z, 0-9, '_', '-', '.').
const (
	MaxLocalIndexes  = 5
	MaxGlobalIndexes = 20
	minNameLen       = 3
	maxNameLen       = 255
)

// KeyAttributes returns the attributes used as a key by the table or any of its indexes, sorted:
// the AttributeDefinitions DynamoDB requires (it rejects definitions no key uses).
func (t Table) KeyAttributes() []string {
	set := map[string]bool{}
	add := func(name string) {
		if name != "" {
			set[name] = true
		}
	}
	add(t.PartitionKey)
	add(t.SortKey)
	for _, ix := range t.LocalIndexes {
		add(ix.SortKey)
	}
	for _, ix := range t.GlobalIndexes {
		add(ix.PartitionKey)
		add(ix.SortKey)
	}
	names := make([]string, 0, len(set))
	for name := range set {
		names = append(names, name)
	}
	sort.Strings(names)
	return names
}

// Validate returns every problem of the declaration at once, joined with errors.Join, or nil.
// Each message names the table and index and says how to fix it.
func Validate(t Table) error {
	var errs []error
	fail := func(format string, args ...any) {
		errs = append(errs, fmt.Errorf("table %q: "+format, append([]any{t.Name}, args...)...))
	}
	if problem := nameProblem(t.Name); problem != "" {
		fail("table name %s", problem)
	}
	for _, name := range sortedFields(t.Fields) {
		switch t.Fields[name] {
		case String, Number, Binary:
		default:
			fail("field %q has type %q; use S (string), N (number) or B (binary)", name, t.Fields[name])
		}
	}
	checkKey := func(where, role, name string) {
		if name == "" {
			return
		}
		if _, ok := t.Fields[name]; !ok {
			fail("%s %s %q is not among the fields; declare it in the fields with its type", where, role, name)
		}
	}
	if t.PartitionKey == "" {
		fail("no partition key; set the partition key to one of the fields")
	}
	checkKey("the", "partition key", t.PartitionKey)
	checkKey("the", "sort key", t.SortKey)
	if t.SortKey != "" && t.SortKey == t.PartitionKey {
		fail("the sort key %q is also the partition key; use another field as sort key", t.SortKey)
	}

	if n := len(t.LocalIndexes); n > MaxLocalIndexes {
		fail("%d local indexes; DynamoDB allows at most %d per table", n, MaxLocalIndexes)
	}
	if n := len(t.GlobalIndexes); n > MaxGlobalIndexes {
		fail("%d global indexes; DynamoDB allows at most %d per table by default", n, MaxGlobalIndexes)
	}
	seen := map[string]string{}
	checkIndexName := func(kind, name string) {
		if problem := nameProblem(name); problem != "" {
			fail("%s index name %s", kind, problem)
			return
		}
		if prev, ok := seen[name]; ok {
			fail("%s index %q has the name of a %s index; index names must be unique within a table", kind, name, prev)
			return
		}
		seen[name] = kind
	}
	for _, ix := range t.LocalIndexes {
		checkIndexName("local", ix.Name)
		where := fmt.Sprintf("local index %q", ix.Name)
		if t.SortKey == "" {
			fail("%s needs a table with a sort key; local indexes share the table's partition key and replace its sort key, so add a sort key to the table or use a global index", where)
		}
		if ix.SortKey == "" {
			fail("%s has no sort key; set it to one of the fields", where)
		}
		checkKey(where, "sort key", ix.SortKey)
		checkProjection(fail, where, ix.Projection)
	}
	for _, ix := range t.GlobalIndexes {
		checkIndexName("global", ix.Name)
		where := fmt.Sprintf("global index %q", ix.Name)
		if ix.PartitionKey == "" {
			fail("%s has no partition key; set it to one of the fields", where)
		}
		checkKey(where, "partition key", ix.PartitionKey)
		checkKey(where, "sort key", ix.SortKey)
		checkProjection(fail, where, ix.Projection)
	}
	switch t.Stream {
	case "", StreamKeysOnly, StreamNewImage, StreamOldImage, StreamNewAndOldImages:
	default:
		fail("stream view %q is unknown; use KEYS_ONLY, NEW_IMAGE, OLD_IMAGE or NEW_AND_OLD_IMAGES", t.Stream)
	}
	if t.TTLAttribute != "" {
		if ft, ok := t.Fields[t.TTLAttribute]; ok && ft != Number {
			fail("TTL attribute %q is declared with type %q; DynamoDB expires items by a number (epoch seconds)", t.TTLAttribute, ft)
		}
	}
	return errors.Join(errs...)
}

func checkProjection(fail func(string, ...any), where string, p Projection) {
	switch p.Type {
	case "", ProjectAll, ProjectKeysOnly:
		if len(p.NonKeyAttributes) > 0 {
			fail("%s lists projected attributes %s but projects %s; list attributes only with an INCLUDE projection", where, strings.Join(p.NonKeyAttributes, ", "), projectionName(p.Type))
		}
	case ProjectInclude:
		if len(p.NonKeyAttributes) == 0 {
			fail("%s has an INCLUDE projection without attributes; list the attributes to project", where)
		}
	default:
		fail("%s has projection %q; use ALL, KEYS_ONLY or INCLUDE", where, p.Type)
	}
}

func projectionName(t ProjectionType) string {
	if t == "" {
		return string(ProjectKeysOnly)
	}
	return string(t)
}

// nameProblem describes what is wrong with a table or index name, or returns "".
func nameProblem(name string) string {
	if n := len(name); n < minNameLen || n > maxNameLen {
		return fmt.Sprintf("%q has %d characters; use %d to %d", name, n, minNameLen, maxNameLen)
	}
	for _, r := range name {
		ok := r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '_' || r == '-' || r == '.'
		if !ok {
			return fmt.Sprintf("%q contains %q; use only a-z, A-Z, 0-9, '_', '-' and '.'", name, r)
		}
	}
	return ""
}

func sortedFields(fields map[string]FieldType) []string {
	names := make([]string, 0, len(fields))
	for name := range fields {
		names = append(names, name)
	}
	sort.Strings(names)
	return names
}
