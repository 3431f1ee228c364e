package dynamolocal

import (
	"context"
	"io"
	"net/http"
	"strings"
	"testing"

	"github.com/stelvio-go/stelvio/internal/link"
	"github.com/stelvio-go/stelvio/internal/tablespec"
)

// signedCall sends a DynamoDB request whose Authorization header names the access key id key, as
// the AWS SDKs sign it (the engine checks no signature); key "" sends no Authorization header.
func signedCall(t *testing.T, s *Server, key, op, body string) (int, string) {
	t.Helper()
	req, err := http.NewRequest(http.MethodPost, s.Endpoint(), strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/x-amz-json-1.0")
	req.Header.Set("X-Amz-Target", dynamoPrefix+op)
	if key != "" {
		req.Header.Set("Authorization", "AWS4-HMAC-SHA256 Credential="+key+"/20261128/"+s.Region()+
			"/dynamodb/aws4_request, SignedHeaders=content-type;host;x-amz-date;x-amz-target, Signature=0")
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return resp.StatusCode, strings.TrimSuffix(string(b), "\n")
}

// TestLinkPermissions checks that a function's requests get what its links grant on AWS and are
// refused as IAM refuses them otherwise
// (https://docs.aws.amazon.com/IAM/latest/UserGuide/troubleshoot_access-denied.html, an
// AccessDeniedException with status 400:
// https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/Programming.Errors.html), with
// the actions and resources of https://docs.aws.amazon.com/service-authorization/latest/reference/list_amazondynamodb.html.
func TestLinkPermissions(t *testing.T) {
	s := startServer(t, Options{})
	ctx := context.Background()
	other := tablespec.Table{Name: "other", Fields: map[string]tablespec.FieldType{"id": tablespec.String}, PartitionKey: "id"}
	if _, err := s.EnsureTables(ctx, []tablespec.Table{notesSpec(), other}); err != nil {
		t.Fatal(err)
	}
	notes, err := s.Table(ctx, "notes")
	if err != nil {
		t.Fatal(err)
	}
	if notes.ARN != tableARN("notes") {
		t.Fatalf("the engine's ARN %q is not the one permissions are checked on, %q", notes.ARN, tableARN("notes"))
	}
	const reader = "arn:aws:sts::123456789012:assumed-role/app-dev-reports-role/app-dev-reports"
	readOnly := s.Grant(Principal{ARN: reader, Statements: link.TableStatements(notes.ARN, link.ReadOnly)})
	writer := s.Grant(Principal{ARN: "arn:aws:sts::123456789012:assumed-role/app-dev-api-role/app-dev-api",
		Statements: link.TableStatements(notes.ARN, link.ReadWrite)})
	unlinked := s.Grant(Principal{ARN: "arn:aws:sts::123456789012:assumed-role/app-dev-version-role/app-dev-version"})
	if readOnly == writer || readOnly == unlinked || !strings.HasPrefix(readOnly, "ASIA") || len(readOnly) != 20 {
		t.Fatalf("access key ids %q %q %q: want distinct ASIA ids of 20 characters", readOnly, writer, unlinked)
	}
	if again := s.Grant(Principal{ARN: reader}); again != readOnly {
		t.Errorf("granting the same function again gave %q, want %q", again, readOnly)
	}
	s.Grant(Principal{ARN: reader, Statements: link.TableStatements(notes.ARN, link.ReadOnly)})

	denied := func(who, action, resource string) string {
		return `{"__type":"com.amazon.coral.service#AccessDeniedException","Message":"User: ` + who +
			` is not authorized to perform: ` + action + ` on resource: ` + resource +
			` because no identity-based policy allows the ` + action + ` action"}`
	}
	arn := notes.ARN
	otherARN := tableARN("other")
	const item = `{"owner":{"S":"z"},"id":{"S":"k1"},"tag":{"S":"t"},"created":{"N":"1"}}`
	const key = `{"owner":{"S":"z"},"id":{"S":"k1"}}`
	tests := []struct {
		name, key, op, body string
		status              int
		want                string // the exact answer; "" checks the status only
	}{
		{"writer PutItem", writer, "PutItem", `{"TableName":"notes","Item":` + item + `}`, 200, "{}"},
		{"read-only PutItem", readOnly, "PutItem", `{"TableName":"notes","Item":` + item + `}`, 400, denied(reader, "dynamodb:PutItem", arn)},
		{"read-only UpdateItem", readOnly, "UpdateItem", `{"TableName":"notes","Key":` + key + `,"UpdateExpression":"SET title = :t","ExpressionAttributeValues":{":t":{"S":"x"}}}`,
			400, denied(reader, "dynamodb:UpdateItem", arn)},
		{"read-only DeleteItem", readOnly, "DeleteItem", `{"TableName":"notes","Key":` + key + `}`, 400, denied(reader, "dynamodb:DeleteItem", arn)},
		{"read-only BatchWriteItem", readOnly, "BatchWriteItem", `{"RequestItems":{"notes":[{"DeleteRequest":{"Key":` + key + `}}]}}`,
			400, denied(reader, "dynamodb:BatchWriteItem", arn)},
		{"read-only TransactWriteItems", readOnly, "TransactWriteItems",
			`{"TransactItems":[{"ConditionCheck":{"TableName":"notes","Key":` + key + `,"ConditionExpression":"attribute_exists(id)"}},{"Put":{"TableName":"notes","Item":` + item + `}}]}`,
			400, denied(reader, "dynamodb:PutItem", arn)},
		{"read-only PartiQL INSERT", readOnly, "ExecuteStatement", `{"Statement":"INSERT INTO \"notes\" VALUE {'owner':'y','id':'k9'}"}`,
			400, denied(reader, "dynamodb:PartiQLInsert", arn)},
		{"read-only GetItem", readOnly, "GetItem", `{"TableName":"notes","Key":` + key + `}`, 200, ""},
		{"read-only BatchGetItem", readOnly, "BatchGetItem", `{"RequestItems":{"notes":{"Keys":[` + key + `]}}}`, 200, ""},
		{"read-only TransactGetItems", readOnly, "TransactGetItems", `{"TransactItems":[{"Get":{"TableName":"notes","Key":` + key + `}}]}`, 200, ""},
		{"read-only Query on an index", readOnly, "Query", `{"TableName":"notes","IndexName":"g-keys","KeyConditionExpression":"tag = :t","ExpressionAttributeValues":{":t":{"S":"t"}}}`, 200, ""},
		{"read-only Scan", readOnly, "Scan", `{"TableName":"notes"}`, 200, ""},
		// The link grants item actions only: describing the table is refused on AWS too.
		{"read-only DescribeTable", readOnly, "DescribeTable", `{"TableName":"notes"}`, 400, denied(reader, "dynamodb:DescribeTable", arn)},
		{"read-only PutItem naming the table by its ARN", readOnly, "PutItem", `{"TableName":"` + arn + `","Item":` + item + `}`, 400, denied(reader, "dynamodb:PutItem", arn)},
		{"read-only GetItem on a table not linked", readOnly, "GetItem", `{"TableName":"other","Key":{"id":{"S":"a"}}}`,
			400, denied(reader, "dynamodb:GetItem", otherARN)},
		{"read-only BatchGetItem across tables", readOnly, "BatchGetItem", `{"RequestItems":{"notes":{"Keys":[` + key + `]},"other":{"Keys":[{"id":{"S":"a"}}]}}}`,
			400, denied(reader, "dynamodb:BatchGetItem", otherARN)},
		{"unlinked Query on an index", unlinked, "Query", `{"TableName":"notes","IndexName":"g-keys","KeyConditionExpression":"tag = :t","ExpressionAttributeValues":{":t":{"S":"t"}}}`,
			400, denied("arn:aws:sts::123456789012:assumed-role/app-dev-version-role/app-dev-version", "dynamodb:Query", arn+"/index/g-keys")},
		{"unlinked PartiQL SELECT", unlinked, "ExecuteStatement", `{"Statement":"SELECT * FROM notes WHERE owner = 'z'"}`,
			400, denied("arn:aws:sts::123456789012:assumed-role/app-dev-version-role/app-dev-version", "dynamodb:PartiQLSelect", arn)},
		{"unlinked ListTables", unlinked, "ListTables", `{}`,
			400, denied("arn:aws:sts::123456789012:assumed-role/app-dev-version-role/app-dev-version", "dynamodb:ListTables", "*")},
		{"unknown key PutItem", "AKIAIOSFODNN7EXAMPLE", "PutItem", `{"TableName":"other","Item":{"id":{"S":"a"}}}`, 200, "{}"},
		{"unsigned DeleteItem", "", "DeleteItem", `{"TableName":"other","Key":{"id":{"S":"a"}}}`, 200, "{}"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			status, body := signedCall(t, s, tt.key, tt.op, tt.body)
			if status != tt.status || (tt.want != "" && body != tt.want) {
				t.Errorf("got %d %s\nwant %d %s", status, body, tt.status, tt.want)
			}
		})
	}
	// The refused writes changed nothing.
	status, body := signedCall(t, s, "", "GetItem", `{"TableName":"notes","Key":`+key+`}`)
	if status != 200 || canonical(t, []byte(body)) != `{"Item":`+canonical(t, []byte(item))+`}` {
		t.Errorf("the item after refused writes: %d %s", status, body)
	}
}

func TestWildcard(t *testing.T) {
	for _, tt := range []struct {
		pattern, s string
		want       bool
	}{
		{"arn:t/index/*", "arn:t/index/by-owner", true},
		{"arn:t/index/*", "arn:t", false},
		{"arn:t", "arn:t/index/x", false},
		{"dynamodb:*", "dynamodb:putitem", true},
		{"*", "", true},
		{"a?c", "abc", true},
		{"a?c", "ac", false},
	} {
		if got := wildcard(tt.pattern, tt.s); got != tt.want {
			t.Errorf("wildcard(%q, %q) = %v, want %v", tt.pattern, tt.s, got, tt.want)
		}
	}
}
