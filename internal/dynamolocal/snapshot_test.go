package dynamolocal

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/stelvio-go/stelvio/internal/tablespec"
)

func getTitle(t *testing.T, db *dynamodb.Client, user, created string) string {
	t.Helper()
	out, err := db.GetItem(context.Background(), &dynamodb.GetItemInput{TableName: aws.String("todos"),
		Key: map[string]types.AttributeValue{"user": str(user), "created": num(created)}})
	if err != nil {
		t.Fatalf("GetItem: %v", err)
	}
	if out.Item == nil {
		return ""
	}
	return out.Item["title"].(*types.AttributeValueMemberS).Value
}

func putTodo(t *testing.T, db *dynamodb.Client, user, created, title string) {
	t.Helper()
	_, err := db.PutItem(context.Background(), &dynamodb.PutItemInput{TableName: aws.String("todos"),
		Item: map[string]types.AttributeValue{"user": str(user), "created": num(created), "title": str(title), "status": str("open")}})
	if err != nil {
		t.Fatalf("PutItem: %v", err)
	}
}

func TestDataSurvivesARestart(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	s, err := Start(ctx, Options{Dir: dir})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.EnsureTables(ctx, []tablespec.Table{todosSpec()}); err != nil {
		t.Fatal(err)
	}
	putTodo(t, clientFor(s), "ann", "1", "milk")
	if err := s.Close(); err != nil {
		t.Fatalf("Close: %v", err)
	}

	s = startServer(t, Options{Dir: dir})
	db := clientFor(s)
	if got := getTitle(t, db, "ann", "1"); got != "milk" {
		t.Errorf("title after restart %q, want milk", got)
	}
	ttl, err := db.DescribeTimeToLive(ctx, &dynamodb.DescribeTimeToLiveInput{TableName: aws.String("todos")})
	if err != nil || aws.ToString(ttl.TimeToLiveDescription.AttributeName) != "expires" {
		t.Errorf("TTL after restart %+v, %v", ttl, err)
	}
	// The GSI is rebuilt from the restored items.
	q, err := db.Query(ctx, &dynamodb.QueryInput{TableName: aws.String("todos"), IndexName: aws.String("by-status"),
		KeyConditionExpression: aws.String("#s = :o"), ExpressionAttributeNames: map[string]string{"#s": "status"},
		ExpressionAttributeValues: map[string]types.AttributeValue{":o": str("open")}})
	if err != nil || q.Count != 1 {
		t.Errorf("GSI query after restart: count %v, err %v", q, err)
	}
	changes, err := s.EnsureTables(ctx, []tablespec.Table{todosSpec()})
	if err != nil || len(changes) != 0 {
		t.Errorf("EnsureTables on the restored table: changes %v, err %v; want none", changes, err)
	}
}

// A process that dies without Close keeps what the periodic snapshot wrote.
func TestPeriodicSnapshotWithoutClose(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	s := startServer(t, Options{Dir: dir, SnapshotInterval: 20 * time.Millisecond})
	if _, err := s.EnsureTables(ctx, []tablespec.Table{todosSpec()}); err != nil {
		t.Fatal(err)
	}
	putTodo(t, clientFor(s), "bob", "2", "bread")
	path := filepath.Join(dir, SnapshotFile)
	deadline := time.Now().Add(10 * time.Second)
	for {
		data, err := os.ReadFile(path)
		if err == nil && strings.Contains(string(data), `"bread"`) {
			var snap snapshot
			if err := json.Unmarshal(data, &snap); err != nil {
				t.Fatalf("snapshot is not valid JSON: %v", err)
			}
			if len(snap.Tables) != 1 || snap.Tables[0].Create.TableName != "todos" || len(snap.Tables[0].Items) != 1 {
				t.Errorf("snapshot tables %+v", snap.Tables)
			}
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("no snapshot with the item after 10s (read: %v)", err)
		}
		time.Sleep(10 * time.Millisecond)
	}
	matches, _ := filepath.Glob(filepath.Join(dir, "*.tmp-*"))
	if len(matches) != 0 {
		t.Errorf("temporary files left: %v", matches)
	}
}

func TestCorruptSnapshotIsReportedWithTheFix(t *testing.T) {
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, SnapshotFile), []byte(`{"format":1,"tables":[`), 0o644); err != nil {
		t.Fatal(err)
	}
	_, err := Start(context.Background(), Options{Dir: dir})
	if err == nil {
		t.Fatal("Start accepted a truncated snapshot")
	}
	want := "start local dynamodb: read snapshot " + filepath.Join(dir, SnapshotFile) + ": unexpected end of JSON input; delete the folder " + dir + " to start with empty tables"
	if err.Error() != want {
		t.Errorf("error\n got: %v\nwant: %s", err, want)
	}
}

func TestOneServerPerProcess(t *testing.T) {
	startServer(t, Options{})
	_, err := Start(context.Background(), Options{})
	if err == nil || err.Error() != "start local dynamodb: another local dynamodb is running in this process; close it first" {
		t.Errorf("second Start: %v", err)
	}
}

func TestEnsureTablesReplacesAChangedTableKeepingItems(t *testing.T) {
	ctx := context.Background()
	s := startServer(t, Options{})
	db := clientFor(s)
	spec := todosSpec()
	if ch, err := s.EnsureTables(ctx, []tablespec.Table{spec}); err != nil || len(ch) != 1 || ch[0].Action != "created" {
		t.Fatalf("first EnsureTables: %v %v", ch, err)
	}
	putTodo(t, db, "ann", "1", "milk")
	_, err := db.PutItem(ctx, &dynamodb.PutItemInput{TableName: aws.String("todos"),
		Item: map[string]types.AttributeValue{"user": str("bob"), "created": num("2"), "title": str("bread")}})
	if err != nil {
		t.Fatal(err)
	}

	// A new GSI on "owner", no stream, no TTL; bob's item has no status, which a sparse GSI allows.
	spec.Fields["owner"] = tablespec.String
	spec.GlobalIndexes = append(spec.GlobalIndexes, tablespec.GlobalIndex{Name: "by-owner", PartitionKey: "owner"})
	spec.Stream = ""
	spec.TTLAttribute = ""
	ch, err := s.EnsureTables(ctx, []tablespec.Table{spec})
	if err != nil {
		t.Fatalf("EnsureTables: %v", err)
	}
	want := []Change{
		{Table: "todos", Action: "replaced", Detail: "global indexes, stream changed; 2 items copied"},
		{Table: "todos", Action: "ttl", Detail: `TTL attribute "" (was "expires")`},
	}
	if len(ch) != len(want) || ch[0] != want[0] || ch[1] != want[1] {
		t.Errorf("changes\n got: %+v\nwant: %+v", ch, want)
	}
	if got := getTitle(t, db, "bob", "2"); got != "bread" {
		t.Errorf("bob's title after the replacement %q", got)
	}
	d, err := db.DescribeTable(ctx, &dynamodb.DescribeTableInput{TableName: aws.String("todos")})
	if err != nil {
		t.Fatal(err)
	}
	if len(d.Table.GlobalSecondaryIndexes) != 2 || d.Table.StreamSpecification != nil && aws.ToBool(d.Table.StreamSpecification.StreamEnabled) {
		t.Errorf("table after replacement: GSIs %d, stream %+v", len(d.Table.GlobalSecondaryIndexes), d.Table.StreamSpecification)
	}

	// A key type change drops the items that no longer fit.
	spec.Fields["created"] = tablespec.String
	ch, err = s.EnsureTables(ctx, []tablespec.Table{spec})
	if err != nil {
		t.Fatalf("EnsureTables: %v", err)
	}
	if len(ch) != 1 || ch[0].Detail != "keys, global indexes changed; 0 items copied, 2 dropped (missing or mistyped key attributes)" {
		t.Errorf("changes %+v", ch)
	}
}

func TestEnsureTablesReportsEveryInvalidDeclaration(t *testing.T) {
	s := startServer(t, Options{})
	a := todosSpec()
	a.PartitionKey = "owner"
	b := todosSpec()
	b.Name = "x"
	_, err := s.EnsureTables(context.Background(), []tablespec.Table{a, b})
	want := `table "todos": the partition key "owner" is not among the fields; declare it in the fields with its type` + "\n" +
		`table "x": table name "x" has 1 characters; use 3 to 255`
	if err == nil || err.Error() != want {
		t.Errorf("error\n got: %v\nwant: %s", err, want)
	}
}

func TestResetEmptiesEngineAndFolder(t *testing.T) {
	ctx := context.Background()
	dir := filepath.Join(t.TempDir(), "data")
	s := startServer(t, Options{Dir: dir})
	if _, err := s.EnsureTables(ctx, []tablespec.Table{todosSpec()}); err != nil {
		t.Fatal(err)
	}
	if err := s.Snapshot(ctx); err != nil {
		t.Fatal(err)
	}
	if err := s.Reset(ctx); err != nil {
		t.Fatalf("Reset: %v", err)
	}
	if _, err := os.Stat(dir); !os.IsNotExist(err) {
		t.Errorf("data folder still there: %v", err)
	}
	out, err := clientFor(s).ListTables(ctx, &dynamodb.ListTablesInput{})
	if err != nil || len(out.TableNames) != 0 {
		t.Errorf("tables after Reset %v, %v", out, err)
	}
}
