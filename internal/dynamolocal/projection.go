package dynamolocal

import (
	"context"
	"encoding/json"
	"maps"
	"net/http"
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

// planRead decides how the answer to a Query or Scan (op) is narrowed, and returns the body to
// send the engine; or it answers the request itself with the error DynamoDB gives (written).
func (s *Server) planRead(ctx context.Context, w http.ResponseWriter, op string, body []byte) (plan *readPlan, out []byte, written bool) {
	var req readRequest
	if json.Unmarshal(body, &req) != nil {
		return nil, body, false // the engine reports the malformed request
	}
	plan = &readPlan{countOnly: req.Select == "COUNT"}
	if req.IndexName == "" || req.TableName == "" {
		if !plan.countOnly {
			return nil, body, false
		}
		return plan, body, false
	}
	d, err := s.cachedDescribe(ctx, req.TableName)
	if err != nil {
		return nil, body, false // the engine reports the missing table
	}
	ix, ok := findIndex(d, req.IndexName)
	if !ok {
		if op == "Scan" { // the engine ignores IndexName on a Scan
			writeError(w, http.StatusBadRequest, "ValidationException", "The table does not have the specified index: "+req.IndexName)
			return nil, nil, true
		}
		return nil, body, false
	}
	plan.required = ix.keys
	if req.ProjectionExpression != "" {
		body, plan.added = withKeys(body, req, ix.keys)
	}
	if ix.projected == nil {
		return plan, body, false
	}
	narrowed := req.ProjectionExpression != "" || len(req.AttributesToGet) > 0
	switch {
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
	return plan, body, false
}

// withKeys adds the index keys a ProjectionExpression does not name to it, so that the answer
// shows which items have them; it returns the new body and the names it added.
func withKeys(body []byte, req readRequest, keys []string) ([]byte, []string) {
	named := map[string]bool{}
	for _, path := range strings.Split(req.ProjectionExpression, ",") {
		top := strings.TrimSpace(path)
		if i := strings.IndexAny(top, ".["); i >= 0 {
			top = top[:i]
		}
		if n, ok := req.ExpressionAttributeNames[top]; ok {
			top = n
		}
		named[top] = true
	}
	var m map[string]json.RawMessage
	if json.Unmarshal(body, &m) != nil {
		return body, nil
	}
	names := maps.Clone(req.ExpressionAttributeNames)
	if names == nil {
		names = map[string]string{}
	}
	expr := req.ProjectionExpression
	var added []string
	for i, k := range keys {
		if named[k] {
			continue
		}
		placeholder := "#stelvioIndexKey" + strconv.Itoa(i)
		names[placeholder] = k
		expr += ", " + placeholder
		added = append(added, k)
	}
	if len(added) == 0 {
		return body, nil
	}
	m["ProjectionExpression"], _ = json.Marshal(expr)
	m["ExpressionAttributeNames"], _ = json.Marshal(names)
	out, err := json.Marshal(m)
	if err != nil {
		return body, nil
	}
	return out, added
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
