package dynamolocal

import (
	"context"
	"encoding/json"
	"net/http"
	"testing"

	"github.com/stelvio-go/stelvio/internal/tablespec"
)

// notesSpec has a global index of each projection type on the same keys and a local index that
// projects keys only.
func notesSpec() tablespec.Table {
	return tablespec.Table{
		Name:         "notes",
		Fields:       map[string]tablespec.FieldType{"owner": tablespec.String, "id": tablespec.String, "tag": tablespec.String, "created": tablespec.Number},
		PartitionKey: "owner",
		SortKey:      "id",
		LocalIndexes: []tablespec.LocalIndex{{Name: "by-created", SortKey: "created"}},
		GlobalIndexes: []tablespec.GlobalIndex{
			{Name: "g-keys", PartitionKey: "tag", SortKey: "created", Projection: tablespec.Projection{Type: tablespec.ProjectKeysOnly}},
			{Name: "g-incl", PartitionKey: "tag", SortKey: "created", Projection: tablespec.Projection{Type: tablespec.ProjectInclude, NonKeyAttributes: []string{"title"}}},
			{Name: "g-all", PartitionKey: "tag", SortKey: "created", Projection: tablespec.Projection{Type: tablespec.ProjectAll}},
		},
	}
}

// canonical re-encodes a JSON answer with sorted keys, so that answers compare as text.
func canonical(t *testing.T, body []byte) string {
	t.Helper()
	var v any
	if err := json.Unmarshal(body, &v); err != nil {
		t.Fatalf("answer %s is not JSON: %v", body, err)
	}
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// TestIndexProjections checks what a Query or Scan on an index returns under each projection type
// (https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/GSI.html#GSI.Projections,
// https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/LSI.html#LSI.Projections) and
// for each Select (https://docs.aws.amazon.com/amazondynamodb/latest/APIReference/API_Query.html#DDB-Query-request-Select):
// a global index returns only what it holds, a local one fetches the rest from the table when asked.
func TestIndexProjections(t *testing.T) {
	s := startServer(t, Options{})
	ctx := context.Background()
	if _, err := s.EnsureTables(ctx, []tablespec.Table{notesSpec()}); err != nil {
		t.Fatal(err)
	}
	for _, item := range []string{
		`{"owner":{"S":"z"},"id":{"S":"k1"},"tag":{"S":"t"},"created":{"N":"1"},"title":{"S":"a"},"text":{"S":"should not be projected"}}`,
		`{"owner":{"S":"z"},"id":{"S":"k2"},"created":{"N":"2"},"text":{"S":"no tag: not in the global indexes"}}`,
		`{"owner":{"S":"y"},"id":{"S":"k3"},"tag":{"S":"u"},"text":{"S":"no created: in no global index"}}`,
	} {
		if resp, body := rawCall(t, s, dynamoPrefix+"PutItem", `{"TableName":"notes","Item":`+item+`}`); resp.StatusCode != 200 {
			t.Fatalf("PutItem: %d %s", resp.StatusCode, body)
		}
	}
	const (
		tagQuery   = `"KeyConditionExpression":"tag = :t","ExpressionAttributeValues":{":t":{"S":"t"}}`
		ownerQuery = `"KeyConditionExpression":"#o = :o","ExpressionAttributeNames":{"#o":"owner"},"ExpressionAttributeValues":{":o":{"S":"z"}}`
		keys1      = `"created":{"N":"1"},"id":{"S":"k1"},"owner":{"S":"z"},"tag":{"S":"t"}`
		whole1     = `{"created":{"N":"1"},"id":{"S":"k1"},"owner":{"S":"z"},"tag":{"S":"t"},"text":{"S":"should not be projected"},"title":{"S":"a"}}`
		whole2     = `{"created":{"N":"2"},"id":{"S":"k2"},"owner":{"S":"z"},"text":{"S":"no tag: not in the global indexes"}}`
		selectErr  = `{"__type":"com.amazonaws.dynamodb.v20120810#ValidationException","message":"One or more parameter values were invalid: Select type ALL_ATTRIBUTES is not supported for global secondary index g-keys because its projection type is not ALL"}`
	)
	tests := []struct {
		name, op, body string
		status         int
		want           string
	}{
		{"global KEYS_ONLY: table and index keys", "Query", `{"TableName":"notes","IndexName":"g-keys",` + tagQuery + `}`,
			200, `{"Count":1,"Items":[{` + keys1 + `}],"ScannedCount":1}`},
		{"global INCLUDE: keys and the listed attributes", "Query", `{"TableName":"notes","IndexName":"g-incl",` + tagQuery + `}`,
			200, `{"Count":1,"Items":[{` + keys1 + `,"title":{"S":"a"}}],"ScannedCount":1}`},
		{"global: an item without the index's sort key is not in the index", "Query",
			`{"TableName":"notes","IndexName":"g-all","KeyConditionExpression":"tag = :u","ExpressionAttributeValues":{":u":{"S":"u"}}}`,
			200, `{"Count":0,"Items":[],"ScannedCount":0}`},
		{"global ALL: the whole item", "Query", `{"TableName":"notes","IndexName":"g-all",` + tagQuery + `}`,
			200, `{"Count":1,"Items":[` + whole1 + `],"ScannedCount":1}`},
		{"global ALL_PROJECTED_ATTRIBUTES", "Query", `{"TableName":"notes","IndexName":"g-keys","Select":"ALL_PROJECTED_ATTRIBUTES",` + tagQuery + `}`,
			200, `{"Count":1,"Items":[{` + keys1 + `}],"ScannedCount":1}`},
		{"global ALL_ATTRIBUTES without ALL projection", "Query", `{"TableName":"notes","IndexName":"g-keys","Select":"ALL_ATTRIBUTES",` + tagQuery + `}`,
			400, selectErr},
		{"global ALL_ATTRIBUTES on a Scan", "Scan", `{"TableName":"notes","IndexName":"g-keys","Select":"ALL_ATTRIBUTES"}`,
			400, selectErr},
		{"global ALL_ATTRIBUTES with ALL projection", "Query", `{"TableName":"notes","IndexName":"g-all","Select":"ALL_ATTRIBUTES",` + tagQuery + `}`,
			200, `{"Count":1,"Items":[` + whole1 + `],"ScannedCount":1}`},
		{"global ProjectionExpression: nothing for attributes not projected", "Query",
			`{"TableName":"notes","IndexName":"g-incl","ProjectionExpression":"title, #x, created","ExpressionAttributeNames":{"#x":"text"},` + tagQuery + `}`,
			200, `{"Count":1,"Items":[{"created":{"N":"1"},"title":{"S":"a"}}],"ScannedCount":1}`},
		{"global COUNT", "Query", `{"TableName":"notes","IndexName":"g-keys","Select":"COUNT",` + tagQuery + `}`,
			200, `{"Count":1,"ScannedCount":1}`},
		{"global Scan: only items with the index keys, projected", "Scan", `{"TableName":"notes","IndexName":"g-keys"}`,
			200, `{"Count":1,"Items":[{` + keys1 + `}],"ScannedCount":1}`},
		{"global Scan with a ProjectionExpression", "Scan", `{"TableName":"notes","IndexName":"g-incl","ProjectionExpression":"title"}`,
			200, `{"Count":1,"Items":[{"title":{"S":"a"}}],"ScannedCount":1}`},
		{"global Query naming an index key", "Query",
			`{"TableName":"notes","IndexName":"g-all","ProjectionExpression":"tag, #x","ExpressionAttributeNames":{"#x":"text"},` + tagQuery + `}`,
			200, `{"Count":1,"Items":[{"tag":{"S":"t"},"text":{"S":"should not be projected"}}],"ScannedCount":1}`},
		// A filter sees the index's items: attributes a global index lacks are absent.
		{"global filter on an attribute the index lacks", "Query",
			`{"TableName":"notes","IndexName":"g-keys","FilterExpression":"attribute_exists(#x)","KeyConditionExpression":"tag = :t","ExpressionAttributeNames":{"#x":"text"},"ExpressionAttributeValues":{":t":{"S":"t"}}}`,
			200, `{"Count":0,"Items":[],"ScannedCount":1}`},
		{"global filter naming an attribute the index lacks bare", "Query",
			`{"TableName":"notes","IndexName":"g-keys","FilterExpression":"attribute_not_exists(title) AND created < :c",` + tagQuery[:len(tagQuery)-1] + `,":c":{"N":"5"}}}`,
			200, `{"Count":1,"Items":[{` + keys1 + `}],"ScannedCount":1}`},
		{"global filter on a projected attribute", "Query",
			`{"TableName":"notes","IndexName":"g-incl","FilterExpression":"title = :a",` + tagQuery[:len(tagQuery)-1] + `,":a":{"S":"a"}}}`,
			200, `{"Count":1,"Items":[{` + keys1 + `,"title":{"S":"a"}}],"ScannedCount":1}`},
		{"local filter reads the table", "Query",
			`{"TableName":"notes","IndexName":"by-created","FilterExpression":"attribute_exists(#x)","KeyConditionExpression":"#o = :o","ExpressionAttributeNames":{"#o":"owner","#x":"text"},"ExpressionAttributeValues":{":o":{"S":"z"}}}`,
			200, `{"Count":2,"Items":[{"created":{"N":"1"},"id":{"S":"k1"},"owner":{"S":"z"}},{"created":{"N":"2"},"id":{"S":"k2"},"owner":{"S":"z"}}],"ScannedCount":2}`},
		{"local KEYS_ONLY: table and index keys", "Query", `{"TableName":"notes","IndexName":"by-created",` + ownerQuery + `}`,
			200, `{"Count":2,"Items":[{"created":{"N":"1"},"id":{"S":"k1"},"owner":{"S":"z"}},{"created":{"N":"2"},"id":{"S":"k2"},"owner":{"S":"z"}}],"ScannedCount":2}`},
		{"local ALL_ATTRIBUTES: fetched from the table", "Query", `{"TableName":"notes","IndexName":"by-created","Select":"ALL_ATTRIBUTES",` + ownerQuery + `}`,
			200, `{"Count":2,"Items":[` + whole1 + `,` + whole2 + `],"ScannedCount":2}`},
		{"local ProjectionExpression: fetched from the table", "Query",
			`{"TableName":"notes","IndexName":"by-created","ProjectionExpression":"#x","KeyConditionExpression":"#o = :o","ExpressionAttributeNames":{"#o":"owner","#x":"text"},"ExpressionAttributeValues":{":o":{"S":"z"}}}`,
			200, `{"Count":2,"Items":[{"text":{"S":"should not be projected"}},{"text":{"S":"no tag: not in the global indexes"}}],"ScannedCount":2}`},
		{"table: the whole item", "Query", `{"TableName":"notes",` + ownerQuery + `}`,
			200, `{"Count":2,"Items":[` + whole1 + `,` + whole2 + `],"ScannedCount":2}`},
		{"table COUNT", "Scan", `{"TableName":"notes","Select":"COUNT"}`,
			200, `{"Count":3,"ScannedCount":3}`},
		{"Scan on a missing index", "Scan", `{"TableName":"notes","IndexName":"nope"}`,
			400, `{"__type":"com.amazonaws.dynamodb.v20120810#ValidationException","message":"The table does not have the specified index: nope"}`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			resp, body := rawCall(t, s, dynamoPrefix+tt.op, tt.body)
			if resp.StatusCode != tt.status || canonical(t, body) != tt.want {
				t.Errorf("got %d %s\nwant %d %s", resp.StatusCode, canonical(t, body), tt.status, tt.want)
			}
			if resp.StatusCode == http.StatusOK && resp.Header.Get("X-Amz-Crc32") == "" {
				t.Errorf("no X-Amz-Crc32 on the narrowed answer")
			}
		})
	}

	// A declaration that changes the projection replaces the table: reads follow the new one.
	spec := notesSpec()
	spec.GlobalIndexes[0].Projection = tablespec.Projection{Type: tablespec.ProjectAll}
	if _, err := s.EnsureTables(ctx, []tablespec.Table{spec}); err != nil {
		t.Fatal(err)
	}
	resp, body := rawCall(t, s, dynamoPrefix+"Query", `{"TableName":"notes","IndexName":"g-keys",`+tagQuery+`}`)
	if want := `{"Count":1,"Items":[` + whole1 + `],"ScannedCount":1}`; resp.StatusCode != 200 || canonical(t, body) != want {
		t.Errorf("after g-keys became ALL: %d %s\nwant %s", resp.StatusCode, canonical(t, body), want)
	}
}
