package devserver

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/stelvio-go/stelvio/internal/dynamolocal"
	"github.com/stelvio-go/stelvio/internal/route"
	"github.com/stelvio-go/stelvio/internal/tablespec"
)

// subscriberPy fails its first invocation and records the event IDs of every invocation (one line
// per invocation) in $RECORDS.
const subscriberPy = `import json, os

def handler(event, context):
    ids = [r["eventID"] for r in event["Records"]]
    with open(os.environ["RECORDS"], "a") as f:
        f.write(json.dumps({"ids": ids, "names": [r["eventName"] for r in event["Records"]], "keys": [r["dynamodb"]["Keys"] for r in event["Records"]]}) + "\n")
    marker = os.environ["RECORDS"] + ".failed"
    if not os.path.exists(marker):
        open(marker, "w").close()
        raise RuntimeError("first try fails")

def other(event, context):
    return {"statusCode": 200, "body": ""}
`

// runSubscriber serves a table "events" (partition key id, stream of new and old images) whose
// subscriber "sub" has handler, in the project dir; put writes an item to the table.
func runSubscriber(t *testing.T, dir, apiHandler, handler string, env map[string]string) (log *lockedBuffer, put func(item map[string]types.AttributeValue)) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	t.Cleanup(cancel)
	td := &route.TableDecl{Spec: tablespec.Table{Name: "events", Fields: map[string]tablespec.FieldType{"id": tablespec.String},
		PartitionKey: "id", Stream: tablespec.StreamNewAndOldImages}}
	td.Subscribers = []*route.SubscriberDecl{{Table: td, Name: "sub", Handler: handler}}
	table, err := route.Build(&route.Decls{
		Apis:   []*route.ApiDecl{{Name: "api", Routes: []*route.RouteDecl{{Methods: "GET", Path: "/x", Handler: apiHandler}}}},
		Tables: []*route.TableDecl{td},
	}, "quick", "dev", dir)
	if err != nil {
		t.Fatal(err)
	}
	engine, err := dynamolocal.Start(ctx, dynamolocal.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { engine.Close() })
	sub := table.Subscriptions[0]
	physical := sub.Table.Physical(table.App, table.Env)
	if _, err := engine.EnsureTables(ctx, []tablespec.Table{sub.Table.PhysicalSpec(table.App, table.Env)}); err != nil {
		t.Fatal(err)
	}
	info, err := engine.Table(ctx, physical)
	if err != nil {
		t.Fatal(err)
	}
	all := engine.Env()
	for k, v := range env {
		all[k] = v
	}
	log = &lockedBuffer{}
	s, err := New(table, Options{ProjectDir: dir, Region: engine.Region(), Env: all, Log: log,
		Streams: []Stream{{Subscription: sub, StreamARN: info.StreamARN}}, StreamsEndpoint: engine.Endpoint()})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	stop := s.startStreams(ctx)
	t.Cleanup(stop)
	t.Cleanup(func() {
		if t.Failed() {
			t.Logf("server log:\n%s", log.String())
		}
	})
	db := dynamodb.New(dynamodb.Options{Region: engine.Region(), BaseEndpoint: aws.String(engine.Endpoint()),
		Credentials: credentials.NewStaticCredentialsProvider("local", "local", "")})
	return log, func(item map[string]types.AttributeValue) {
		t.Helper()
		if _, err := db.PutItem(ctx, &dynamodb.PutItemInput{TableName: aws.String(physical), Item: item}); err != nil {
			t.Fatal(err)
		}
	}
}

// TestStreamSubscriberRetry runs a subscriber on a local table's stream: an item written after the
// server started reaches it as an INSERT, and a batch that fails is tried again, the same records
// in the same order, as Lambda retries a stream batch
// (https://docs.aws.amazon.com/lambda/latest/dg/services-ddb-params.html: failed records are retried
// until they expire).
func TestStreamSubscriberRetry(t *testing.T) {
	if testing.Short() {
		t.Skip("runs the local engine and a Python worker")
	}
	dir := t.TempDir()
	if err := os.MkdirAll(filepath.Join(dir, "functions"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "functions", "sub.py"), []byte(subscriberPy), 0o644); err != nil {
		t.Fatal(err)
	}
	records := filepath.Join(dir, "records.jsonl")
	log, put := runSubscriber(t, dir, "functions/sub.other", "functions/sub.handler", map[string]string{"RECORDS": records})
	put(map[string]types.AttributeValue{"id": &types.AttributeValueMemberS{Value: "a1"}})

	type call struct {
		IDs   []string                       `json:"ids"`
		Names []string                       `json:"names"`
		Keys  []map[string]map[string]string `json:"keys"`
	}
	var calls []call
	deadline := time.Now().Add(60 * time.Second)
	for len(calls) < 2 || !strings.Contains(log.String(), "STREAM events INSERT") {
		if time.Now().After(deadline) {
			t.Fatalf("the subscriber was not invoked twice; calls %v\nlog:\n%s", calls, log.String())
		}
		time.Sleep(100 * time.Millisecond)
		calls = nil
		b, _ := os.ReadFile(records) // absent until the first invocation
		for _, line := range strings.Split(strings.TrimSpace(string(b)), "\n") {
			if line == "" {
				continue
			}
			var c call
			if err := json.Unmarshal([]byte(line), &c); err != nil {
				t.Fatalf("record line %q: %v", line, err)
			}
			calls = append(calls, c)
		}
	}
	first, second := calls[0], calls[1]
	if len(first.IDs) != 1 || first.Names[0] != "INSERT" || first.Keys[0]["id"]["S"] != "a1" {
		t.Errorf("first invocation %+v, want the INSERT of a1", first)
	}
	if strings.Join(second.IDs, ",") != strings.Join(first.IDs, ",") {
		t.Errorf("retried batch %v, want the failed one %v", second.IDs, first.IDs)
	}
	var failed string
	for _, line := range strings.Split(log.String(), "\n") {
		if strings.HasPrefix(line, "[events-sub] stream batch of 1 records from table events failed: ") {
			failed = line
		}
	}
	if !strings.Contains(failed, "first try fails") || !strings.HasSuffix(failed, "; retrying the batch in 1s") {
		t.Errorf("the failed batch and its retry are not logged (%q):\n%s", failed, log.String())
	}
}

// TestStreamSubscriberGo runs a Go subscriber (testdata/app/functions/streamsub), whose handler takes
// aws-lambda-go's events.DynamoDBEvent.
func TestStreamSubscriberGo(t *testing.T) {
	if testing.Short() {
		t.Skip("runs the local engine and builds a Go handler")
	}
	log, put := runSubscriber(t, appDir(t), "functions/hello.Handler", "functions/streamsub.Handler", nil)
	put(map[string]types.AttributeValue{"id": &types.AttributeValueMemberS{Value: "g1"}, "title": &types.AttributeValueMemberS{Value: "from go"}})
	deadline := time.Now().Add(3 * time.Minute)
	for !strings.Contains(log.String(), "[events-sub] record INSERT g1 from go aws:dynamodb\n") {
		if time.Now().After(deadline) {
			t.Fatalf("the Go subscriber printed no INSERT of g1:\n%s", log.String())
		}
		time.Sleep(100 * time.Millisecond)
	}
}
