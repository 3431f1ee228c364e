package dynamolocal

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strings"

	"github.com/stelvio-go/stelvio/internal/tablespec"
)

// Change says what EnsureTables did to one table.
type Change struct {
	Table  string
	Action string // "created", "replaced" or "ttl"
	// Detail explains a replacement and counts the items that did not fit the new keys.
	Detail string
}

// shape is the part of a table that EnsureTables compares: the engine cannot change it in place.
type shape struct {
	KeySchema  []keyElem
	Attributes []attrDef
	Local      []indexShape
	Global     []indexShape
	Stream     string // view type, "" without a stream
}

type keyElem struct {
	AttributeName string `json:"AttributeName"`
	KeyType       string `json:"KeyType"`
}

type attrDef struct {
	AttributeName string `json:"AttributeName"`
	AttributeType string `json:"AttributeType"`
}

type projection struct {
	ProjectionType   string   `json:"ProjectionType"`
	NonKeyAttributes []string `json:"NonKeyAttributes,omitempty"`
}

type indexShape struct {
	IndexName  string     `json:"IndexName"`
	KeySchema  []keyElem  `json:"KeySchema"`
	Projection projection `json:"Projection"`
}

type streamSpec struct {
	StreamEnabled  bool   `json:"StreamEnabled"`
	StreamViewType string `json:"StreamViewType,omitempty"`
}

func keys(partition, sort string) []keyElem {
	k := []keyElem{{partition, "HASH"}}
	if sort != "" {
		k = append(k, keyElem{sort, "RANGE"})
	}
	return k
}

func projectionOf(p tablespec.Projection) projection {
	t := string(p.Type)
	if t == "" {
		t = string(tablespec.ProjectKeysOnly)
	}
	attrs := slices.Clone(p.NonKeyAttributes)
	sort.Strings(attrs)
	return projection{ProjectionType: t, NonKeyAttributes: attrs}
}

// shapeOf is the shape a declaration asks for.
func shapeOf(t tablespec.Table) shape {
	s := shape{KeySchema: keys(t.PartitionKey, t.SortKey), Stream: string(t.Stream)}
	for _, name := range t.KeyAttributes() {
		s.Attributes = append(s.Attributes, attrDef{name, string(t.Fields[name])})
	}
	for _, ix := range t.LocalIndexes {
		s.Local = append(s.Local, indexShape{ix.Name, keys(t.PartitionKey, ix.SortKey), projectionOf(ix.Projection)})
	}
	for _, ix := range t.GlobalIndexes {
		s.Global = append(s.Global, indexShape{ix.Name, keys(ix.PartitionKey, ix.SortKey), projectionOf(ix.Projection)})
	}
	s.normalize()
	return s
}

// shapeOfDescription is the shape of an existing table.
func shapeOfDescription(d *tableDescription) (shape, error) {
	var s shape
	if err := json.Unmarshal(d.KeySchema, &s.KeySchema); err != nil {
		return s, fmt.Errorf("table %q: key schema: %w", d.TableName, err)
	}
	if err := json.Unmarshal(d.AttributeDefinitions, &s.Attributes); err != nil {
		return s, fmt.Errorf("table %q: attribute definitions: %w", d.TableName, err)
	}
	conv := func(in []indexInput) ([]indexShape, error) {
		var out []indexShape
		for _, ix := range in {
			is := indexShape{IndexName: ix.IndexName}
			if err := json.Unmarshal(ix.KeySchema, &is.KeySchema); err != nil {
				return nil, fmt.Errorf("table %q index %q: %w", d.TableName, ix.IndexName, err)
			}
			if len(ix.Projection) > 0 {
				if err := json.Unmarshal(ix.Projection, &is.Projection); err != nil {
					return nil, fmt.Errorf("table %q index %q: %w", d.TableName, ix.IndexName, err)
				}
			}
			if is.Projection.ProjectionType == "" {
				is.Projection.ProjectionType = string(tablespec.ProjectKeysOnly)
			}
			sort.Strings(is.Projection.NonKeyAttributes)
			out = append(out, is)
		}
		return out, nil
	}
	var err error
	if s.Local, err = conv(d.LocalSecondaryIndexes); err != nil {
		return s, err
	}
	if s.Global, err = conv(d.GlobalSecondaryIndexes); err != nil {
		return s, err
	}
	if d.StreamSpecification != nil {
		var ss streamSpec
		if err := json.Unmarshal(*d.StreamSpecification, &ss); err != nil {
			return s, fmt.Errorf("table %q: stream specification: %w", d.TableName, err)
		}
		if ss.StreamEnabled {
			s.Stream = ss.StreamViewType
		}
	}
	s.normalize()
	return s, nil
}

func (s *shape) normalize() {
	sort.Slice(s.Attributes, func(i, j int) bool { return s.Attributes[i].AttributeName < s.Attributes[j].AttributeName })
	byName := func(ix []indexShape) {
		sort.Slice(ix, func(i, j int) bool { return ix[i].IndexName < ix[j].IndexName })
	}
	byName(s.Local)
	byName(s.Global)
	if len(s.Local) == 0 {
		s.Local = nil
	}
	if len(s.Global) == 0 {
		s.Global = nil
	}
}

// diff says what differs between two shapes, for the Change detail. Keys are compared with their
// attribute types; a definition only an index uses changes that index, not the table's keys.
func diff(old, want shape) string {
	typed := func(s shape, keys []keyElem) []string {
		types := map[string]string{}
		for _, a := range s.Attributes {
			types[a.AttributeName] = a.AttributeType
		}
		var out []string
		for _, k := range keys {
			out = append(out, k.AttributeName+" "+k.KeyType+" "+types[k.AttributeName])
		}
		return out
	}
	indexes := func(s shape, ix []indexShape) []string {
		var out []string
		for _, i := range ix {
			b, _ := json.Marshal(i.Projection)
			out = append(out, i.IndexName+": "+strings.Join(typed(s, i.KeySchema), ", ")+" "+string(b))
		}
		return out
	}
	var parts []string
	if !slices.Equal(typed(old, old.KeySchema), typed(want, want.KeySchema)) {
		parts = append(parts, "keys")
	}
	if !slices.Equal(indexes(old, old.Local), indexes(want, want.Local)) {
		parts = append(parts, "local indexes")
	}
	if !slices.Equal(indexes(old, old.Global), indexes(want, want.Global)) {
		parts = append(parts, "global indexes")
	}
	if old.Stream != want.Stream {
		parts = append(parts, "stream")
	}
	return strings.Join(parts, ", ")
}

func createInputOf(name string, s shape) createTableInput {
	raw := func(v any) json.RawMessage {
		b, _ := json.Marshal(v) // plain structs of strings: cannot fail
		return b
	}
	in := createTableInput{
		TableName:            name,
		KeySchema:            raw(s.KeySchema),
		AttributeDefinitions: raw(s.Attributes),
		BillingMode:          "PAY_PER_REQUEST",
	}
	for _, ix := range s.Local {
		in.LocalSecondaryIndexes = append(in.LocalSecondaryIndexes, indexInput{ix.IndexName, raw(ix.KeySchema), raw(ix.Projection)})
	}
	for _, ix := range s.Global {
		in.GlobalSecondaryIndexes = append(in.GlobalSecondaryIndexes, indexInput{ix.IndexName, raw(ix.KeySchema), raw(ix.Projection)})
	}
	if s.Stream != "" {
		ss := json.RawMessage(raw(streamSpec{StreamEnabled: true, StreamViewType: s.Stream}))
		in.StreamSpecification = &ss
	}
	return in
}

// EnsureTables makes the engine's tables match the declarations: missing tables are created;
// a table whose keys, indexes or stream differ is replaced by a new one holding the old items
// (the engine cannot change them in place; items lacking a new key attribute are dropped and
// counted); the TTL attribute is set or cleared. Declarations are validated first and all their
// problems returned together. Tables that are not declared are left alone.
func (s *Server) EnsureTables(ctx context.Context, tables []tablespec.Table) ([]Change, error) {
	var errs []error
	for _, t := range tables {
		if err := tablespec.Validate(t); err != nil {
			errs = append(errs, err)
		}
	}
	if len(errs) > 0 {
		return nil, errors.Join(errs...)
	}
	var changes []Change
	for _, t := range tables {
		ch, err := s.ensureTable(ctx, t)
		if err != nil {
			return changes, fmt.Errorf("local table %q: %w", t.Name, err)
		}
		changes = append(changes, ch...)
	}
	if len(changes) > 0 {
		s.changes.Add(1)
	}
	return changes, nil
}

func (s *Server) ensureTable(ctx context.Context, t tablespec.Table) ([]Change, error) {
	want := shapeOf(t)
	in := createInputOf(t.Name, want)
	d, err := s.describe(ctx, t.Name)
	if isCode(err, "ResourceNotFoundException") {
		if err := s.createTable(ctx, in, t.TTLAttribute); err != nil {
			return nil, err
		}
		return []Change{{Table: t.Name, Action: "created"}}, nil
	}
	if err != nil {
		return nil, err
	}
	have, err := shapeOfDescription(d)
	if err != nil {
		return nil, err
	}
	ttl, err := s.ttlAttribute(ctx, t.Name)
	if err != nil {
		return nil, err
	}
	var changes []Change
	if what := diff(have, want); what != "" {
		items, err := s.scanAll(ctx, t.Name)
		if err != nil {
			return nil, err
		}
		if err := s.deleteTable(ctx, t.Name); err != nil {
			return nil, err
		}
		if err := s.createTable(ctx, in, ""); err != nil {
			return nil, err
		}
		dropped, err := s.putFitting(ctx, t.Name, items)
		if err != nil {
			return nil, err
		}
		detail := fmt.Sprintf("%s changed; %d items copied", what, len(items)-dropped)
		if dropped > 0 {
			detail += fmt.Sprintf(", %d dropped (missing or mistyped key attributes)", dropped)
		}
		changes = append(changes, Change{Table: t.Name, Action: "replaced", Detail: detail})
		if t.TTLAttribute != "" {
			if err := s.setTTL(ctx, t.Name, t.TTLAttribute, true); err != nil {
				return nil, err
			}
		}
	} else if ttl != t.TTLAttribute {
		switch {
		case t.TTLAttribute != "":
			err = s.setTTL(ctx, t.Name, t.TTLAttribute, true)
		default:
			err = s.setTTL(ctx, t.Name, ttl, false)
		}
		if err != nil {
			return nil, err
		}
	}
	if ttl != t.TTLAttribute {
		changes = append(changes, Change{Table: t.Name, Action: "ttl", Detail: fmt.Sprintf("TTL attribute %q (was %q)", t.TTLAttribute, ttl)})
	}
	return changes, nil
}

// putFitting writes items into a fresh table; items the new keys reject are counted, not fatal.
func (s *Server) putFitting(ctx context.Context, table string, items []json.RawMessage) (dropped int, err error) {
	for len(items) > 0 {
		n := min(len(items), 25)
		batch := items[:n]
		items = items[n:]
		err := s.putAll(ctx, table, batch)
		if err == nil {
			continue
		}
		if !isCode(err, "ValidationException") {
			return dropped, err
		}
		for _, it := range batch {
			err := s.call(ctx, "PutItem", map[string]any{"TableName": table, "Item": it}, nil)
			switch {
			case isCode(err, "ValidationException"):
				dropped++
			case err != nil:
				return dropped, err
			}
		}
	}
	return dropped, nil
}

// Reset deletes every table and the snapshot: the next start begins empty. Declared tables must
// be ensured again afterwards.
func (s *Server) Reset(ctx context.Context) error {
	s.snapMu.Lock()
	defer s.snapMu.Unlock()
	if err := s.deleteAllTables(ctx); err != nil {
		return fmt.Errorf("reset local dynamodb: %w", err)
	}
	s.saved.Store(s.changes.Load())
	if s.opts.Dir != "" {
		if err := RemoveData(s.opts.Dir); err != nil {
			return err
		}
	}
	return nil
}

// RemoveData deletes the data folder of a stopped Server.
func RemoveData(dir string) error {
	if dir == "" {
		return nil
	}
	if err := os.RemoveAll(filepath.Clean(dir)); err != nil {
		return fmt.Errorf("reset local dynamodb: %w", err)
	}
	return nil
}

// Env is the environment a handler process needs to reach this server with the AWS SDKs: the
// service endpoints (honoured by aws-sdk-go-v2 and by botocore from 1.31; older botocore through
// PythonShim), the region, and fixed dummy credentials (the engine checks no signature).
func (s *Server) Env() map[string]string {
	return map[string]string{
		"AWS_ENDPOINT_URL_DYNAMODB":         s.Endpoint(),
		"AWS_ENDPOINT_URL_DYNAMODB_STREAMS": s.Endpoint(),
		"AWS_REGION":                        s.Region(),
		"AWS_DEFAULT_REGION":                s.Region(),
		"AWS_ACCESS_KEY_ID":                 "local",
		"AWS_SECRET_ACCESS_KEY":             "local",
	}
}

// TableInfo is what a link to a local table hands the function.
type TableInfo struct {
	Name      string
	ARN       string
	StreamARN string // empty without a stream
}

// Table describes the local table name, for the link variables of dev workers.
func (s *Server) Table(ctx context.Context, name string) (TableInfo, error) {
	d, err := s.describe(ctx, name)
	if err != nil {
		return TableInfo{}, fmt.Errorf("local table %q: %w", name, err)
	}
	info := TableInfo{Name: d.TableName, ARN: d.TableArn}
	if d.StreamSpecification != nil {
		var ss streamSpec
		if json.Unmarshal(*d.StreamSpecification, &ss) == nil && ss.StreamEnabled {
			info.StreamARN = d.LatestStreamArn
		}
	}
	return info, nil
}
