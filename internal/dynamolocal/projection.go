package dynamolocal

import (
	"context"
	"encoding/json"
	"maps"
	"net/http"
	"regexp"
	"strconv"
	"strings"
)

// The engine keeps an index's Projection but answers a Query or Scan on the index with whole
// items. The listener applies the projection rule of DynamoDB
// (https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/GSI.html#GSI.Projections,
// https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/LSI.html#LSI.Projections):
// an index holds the table's key attributes and its own key attributes (KEYS_ONLY), those and the
// listed NonKeyAttributes (INCLUDE), or every attribute (ALL). What a read on an index returns
// (Select, https://docs.aws.amazon.com/amazondynamodb/latest/APIReference/API_Query.html#DDB-Query-request-Select):
//   - by default (ALL_PROJECTED_ATTRIBUTES) the projected attributes;
//   - from a global index nothing else: Select ALL_ATTRIBUTES on a global index that does not
//     project ALL is a ValidationException, and a ProjectionExpression naming attributes the index
//     does not hold gets nothing for them ("Global secondary index queries cannot fetch
//     attributes from the parent table");
//   - from a local index, ALL_ATTRIBUTES or a ProjectionExpression fetch what the index lacks from
//     the table, so the engine's answer (the item, narrowed by the expression) is already right;
//   - COUNT returns no items.
//
// An index holds only the items that have every key attribute of the index; a Query or Scan on it
// reads no other (the engine scans the table for a Scan, and matches a Query on the partition key
// alone).

type readKey struct{}

// readRequest is the part of a Query or Scan the projection depends on.
type readRequest struct {
	TableName                string
	IndexName                string
	Select                   string
	ProjectionExpression     string
	FilterExpression         string
	ExpressionAttributeNames map[string]string
	AttributesToGet          []string
}

// readPlan is what the listener does to a Query or Scan answer.
type readPlan struct {
	countOnly bool
	// keep is the attributes an item keeps; nil keeps all of them.
	keep map[string]bool
	// required are attributes an item must have to be in the answer: the keys of the index read.
	required []string
	// added are attributes the listener added to the request's ProjectionExpression to check
	// required; they leave the answer after the check.
	added []string
}

// index is one secondary index as the projection rule needs it.
type index struct {
	global bool
	keys   []string
	// projected is every attribute the index holds: the table's and the index's keys, plus
	// NonKeyAttributes for INCLUDE; nil for ALL.
	projected map[string]bool
}

// findIndex is the index name of table d, with ok false when the table has no such index.
func findIndex(d *tableDescription, name string) (index, bool) {
	var tableKeys []keyElem
	_ = json.Unmarshal(d.KeySchema, &tableKeys)
	look := func(list []indexInput, global bool) (index, bool) {
		for _, ix := range list {
			if ix.IndexName != name {
				continue
			}
			var ks []keyElem
			var p projection
			_ = json.Unmarshal(ix.KeySchema, &ks)
			if len(ix.Projection) > 0 {
				_ = json.Unmarshal(ix.Projection, &p)
			}
			out := index{global: global}
			for _, k := range ks {
				out.keys = append(out.keys, k.AttributeName)
			}
			if p.ProjectionType == "ALL" {
				return out, true
			}
			out.projected = map[string]bool{}
			for _, k := range append(tableKeys, ks...) {
				out.projected[k.AttributeName] = true
			}
			if p.ProjectionType == "INCLUDE" {
				for _, a := range p.NonKeyAttributes {
					out.projected[a] = true
				}
			}
			return out, true
		}
		return index{}, false
	}
	if ix, ok := look(d.GlobalSecondaryIndexes, true); ok {
		return ix, true
	}
	return look(d.LocalSecondaryIndexes, false)
}

// planRead decides how the answer to a Query or Scan (op) is narrowed, and returns the body the
// engine gets instead of the request's (nil to send it as it is; see rewrite); or it answers the
// request itself with the error DynamoDB gives (written).
func (s *Server) planRead(ctx context.Context, w http.ResponseWriter, op string, body []byte) (plan *readPlan, out []byte, written bool) {
	var req readRequest
	if json.Unmarshal(body, &req) != nil {
		return nil, nil, false // the engine reports the malformed request
	}
	plan = &readPlan{countOnly: req.Select == "COUNT"}
	if req.IndexName == "" || req.TableName == "" {
		if !plan.countOnly {
			return nil, nil, false
		}
		return plan, nil, false
	}
	d, err := s.cachedDescribe(ctx, req.TableName)
	if err != nil {
		return nil, nil, false // the engine reports the missing table
	}
	ix, ok := findIndex(d, req.IndexName)
	if !ok {
		if op == "Scan" { // the engine ignores IndexName on a Scan
			writeError(w, http.StatusBadRequest, "ValidationException", "The table does not have the specified index: "+req.IndexName)
			return nil, nil, true
		}
		return nil, nil, false
	}
	plan.required = ix.keys
	narrowed := req.ProjectionExpression != "" || len(req.AttributesToGet) > 0
	switch {
	case ix.projected == nil:
	case ix.global && req.Select == "ALL_ATTRIBUTES":
		// DynamoDB's message for this request, as its answers record it (the rule itself is in
		// the Select documentation cited above).
		writeError(w, http.StatusBadRequest, "ValidationException",
			"One or more parameter values were invalid: Select type ALL_ATTRIBUTES is not supported for global secondary index "+
				req.IndexName+" because its projection type is not ALL")
		return nil, nil, true
	case ix.global:
		plan.keep = ix.projected
	case req.Select == "ALL_ATTRIBUTES" || narrowed:
		// A local index fetches the rest from the table.
	default:
		plan.keep = ix.projected
	}
	return plan, rewrite(body, &req, plan, ix), false
}

// rewrite returns the body the engine gets for a read on index ix, or nil when it is the request's:
//   - the index's keys are added to a ProjectionExpression that does not name them (plan.added),
//     so that the answer shows which items the index holds;
//   - in the FilterExpression of a read on a global index, attributes the index does not project
//     name an attribute no item has: the filter sees the index's items, which lack them.
func rewrite(body []byte, req *readRequest, plan *readPlan, ix index) []byte {
	names := maps.Clone(req.ExpressionAttributeNames)
	if names == nil {
		names = map[string]string{}
	}
	projection, filter := req.ProjectionExpression, req.FilterExpression
	if projection != "" {
		named := map[string]bool{}
		for _, path := range strings.Split(projection, ",") {
			top := strings.TrimSpace(path)
			if i := strings.IndexAny(top, ".["); i >= 0 {
				top = top[:i]
			}
			if n, ok := names[top]; ok {
				top = n
			}
			named[top] = true
		}
		for i, k := range ix.keys {
			if named[k] {
				continue
			}
			placeholder := "#stelvioIndexKey" + strconv.Itoa(i)
			names[placeholder] = k
			projection += ", " + placeholder
			plan.added = append(plan.added, k)
		}
	}
	hidden := false
	if ix.global && ix.projected != nil && filter != "" {
		filter, hidden = hideUnprojected(filter, names, ix.projected)
	}
	if len(plan.added) == 0 && !hidden {
		return nil
	}
	var m map[string]json.RawMessage
	if json.Unmarshal(body, &m) != nil {
		return nil
	}
	m["ExpressionAttributeNames"], _ = json.Marshal(names)
	if projection != "" {
		m["ProjectionExpression"], _ = json.Marshal(projection)
	}
	if filter != "" {
		m["FilterExpression"], _ = json.Marshal(filter)
	}
	out, err := json.Marshal(m)
	if err != nil {
		return nil
	}
	return out
}

// exprName is an attribute name, a #name placeholder or a :value placeholder of an expression.
var exprName = regexp.MustCompile(`[#:]?[A-Za-z_][A-Za-z0-9_]*`)

// exprWords are the words of condition expressions that are not attribute names
// (https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/Expressions.OperatorsAndFunctions.html).
var exprWords = map[string]bool{"and": true, "or": true, "not": true, "between": true, "in": true}

// notProjected is the name the filter of a global index read gets for an attribute the index
// lacks: no item has an attribute of that name.
const notProjected = "stelvio:not-projected-by-the-index"

// hideUnprojected rewrites filter so that the top-level attributes it names that projected lacks
// name notProjected instead (through the placeholder #stelvioNotProjected, added to names).
func hideUnprojected(filter string, names map[string]string, projected map[string]bool) (string, bool) {
	var b strings.Builder
	last, changed := 0, false
	for _, loc := range exprName.FindAllStringIndex(filter, -1) {
		tok := filter[loc[0]:loc[1]]
		switch {
		case tok[0] == ':': // a value
			continue
		case loc[0] > 0 && filter[loc[0]-1] == '.': // a nested part of a path
			continue
		case tok[0] != '#' && (exprWords[strings.ToLower(tok)] || strings.HasPrefix(strings.TrimLeft(filter[loc[1]:], " \t\n"), "(")):
			continue // an operator or a function
		}
		name := tok
		if tok[0] == '#' {
			name = names[tok]
		}
		if name == "" || projected[name] {
			continue
		}
		b.WriteString(filter[last:loc[0]])
		b.WriteString("#stelvioNotProjected")
		last, changed = loc[1], true
	}
	if !changed {
		return filter, false
	}
	b.WriteString(filter[last:])
	names["#stelvioNotProjected"] = notProjected
	return b.String(), true
}

// applyRead narrows a Query or Scan answer by the plan; an answer it cannot read is left as it is.
func applyRead(plan *readPlan, body []byte) []byte {
	var out map[string]json.RawMessage
	if json.Unmarshal(body, &out) != nil {
		return body
	}
	var items []map[string]json.RawMessage
	if raw, ok := out["Items"]; ok && json.Unmarshal(raw, &items) != nil {
		return body
	}
	kept := items[:0]
	for _, it := range items {
		if !hasAll(it, plan.required) {
			continue
		}
		for _, name := range plan.added {
			delete(it, name)
		}
		if plan.keep != nil {
			for name := range it {
				if !plan.keep[name] {
					delete(it, name)
				}
			}
		}
		kept = append(kept, it)
	}
	if dropped := len(items) - len(kept); dropped > 0 {
		out["Count"] = json.RawMessage(strconv.Itoa(len(kept)))
		var scanned int
		if json.Unmarshal(out["ScannedCount"], &scanned) == nil {
			out["ScannedCount"] = json.RawMessage(strconv.Itoa(scanned - dropped))
		}
	}
	if plan.countOnly {
		delete(out, "Items")
	} else if _, ok := out["Items"]; ok {
		b, err := json.Marshal(kept)
		if err != nil {
			return body
		}
		out["Items"] = b
	}
	fixed, err := json.Marshal(out)
	if err != nil {
		return body
	}
	return fixed
}

func hasAll(item map[string]json.RawMessage, names []string) bool {
	for _, n := range names {
		if _, ok := item[n]; !ok {
			return false
		}
	}
	return true
}

// shapeOps change the keys or indexes of a table: after one, cached descriptions are stale.
var shapeOps = map[string]bool{"CreateTable": true, "DeleteTable": true, "UpdateTable": true}

type cachedTable struct {
	gen uint64
	d   *tableDescription
}

// cachedDescribe is describe, remembered until a table is created, deleted or updated (through
// the listener or by the Server itself): a read on an index needs the index's projection every time.
func (s *Server) cachedDescribe(ctx context.Context, name string) (*tableDescription, error) {
	gen := s.shapeGen.Load()
	if c, ok := s.tables.Load(name); ok && c.(cachedTable).gen == gen {
		return c.(cachedTable).d, nil
	}
	d, err := s.describe(ctx, name)
	if err != nil {
		return nil, err
	}
	if d.TableStatus == "ACTIVE" && s.shapeGen.Load() == gen { // no change began meanwhile
		s.tables.Store(name, cachedTable{gen, d})
	}
	return d, nil
}

// shapeChanged drops the cached descriptions.
func (s *Server) shapeChanged() { s.shapeGen.Add(1) }
