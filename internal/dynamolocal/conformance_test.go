package dynamolocal

// Conformance of the local engine with DynamoDB as handlers see it through aws-sdk-go-v2. Each
// check states the DynamoDB behaviour it relies on and where AWS documents it. A known engine gap
// is a t.Skip naming the gap, never a silent pass.

import (
	"context"
	"errors"
	"fmt"
	"hash/crc32"
	"io"
	"net/http"
	"sort"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
	"github.com/aws/aws-sdk-go-v2/service/dynamodbstreams"
	streamtypes "github.com/aws/aws-sdk-go-v2/service/dynamodbstreams/types"
	"github.com/aws/smithy-go"

	"github.com/stelvio-go/stelvio/internal/tablespec"
)

func startServer(t testing.TB, opts Options) *Server {
	t.Helper()
	s, err := Start(context.Background(), opts)
	if err != nil {
		t.Fatalf("Start: %v", err)
	}
	t.Cleanup(func() {
		if err := s.Close(); err != nil {
			t.Errorf("Close: %v", err)
		}
	})
	return s
}

func clientFor(s *Server) *dynamodb.Client {
	return dynamodb.New(dynamodb.Options{
		Region:       s.Region(),
		BaseEndpoint: aws.String(s.Endpoint()),
		Credentials:  credentials.NewStaticCredentialsProvider("local", "local", ""),
	})
}

func str(v string) types.AttributeValue { return &types.AttributeValueMemberS{Value: v} }
func num(v string) types.AttributeValue { return &types.AttributeValueMemberN{Value: v} }

// todosSpec has a sort key, an LSI, a GSI with an INCLUDE projection, a stream and a TTL.
func todosSpec() tablespec.Table {
	return tablespec.Table{
		Name:         "todos",
		Fields:       map[string]tablespec.FieldType{"user": tablespec.String, "created": tablespec.Number, "status": tablespec.String, "title": tablespec.String},
		PartitionKey: "user",
		SortKey:      "created",
		LocalIndexes: []tablespec.LocalIndex{{Name: "by-title", SortKey: "title", Projection: tablespec.Projection{Type: tablespec.ProjectAll}}},
		GlobalIndexes: []tablespec.GlobalIndex{{Name: "by-status", PartitionKey: "status", SortKey: "created",
			Projection: tablespec.Projection{Type: tablespec.ProjectInclude, NonKeyAttributes: []string{"title"}}}},
		Stream:       tablespec.StreamNewAndOldImages,
		TTLAttribute: "expires",
	}
}

// apiErr returns the error code and message of a DynamoDB error answer.
func apiErr(t *testing.T, err error) (code, message string) {
	t.Helper()
	var ae smithy.APIError
	if !errors.As(err, &ae) {
		t.Fatalf("error %v is no DynamoDB error answer", err)
	}
	return ae.ErrorCode(), ae.ErrorMessage()
}

func TestConformance(t *testing.T) {
	s := startServer(t, Options{})
	ctx := context.Background()
	db := clientFor(s)
	if _, err := s.EnsureTables(ctx, []tablespec.Table{todosSpec()}); err != nil {
		t.Fatalf("EnsureTables: %v", err)
	}
	put := func(t *testing.T, user string, created int, status, title string) {
		t.Helper()
		_, err := db.PutItem(ctx, &dynamodb.PutItemInput{TableName: aws.String("todos"), Item: map[string]types.AttributeValue{
			"user": str(user), "created": num(fmt.Sprint(created)), "status": str(status), "title": str(title),
		}})
		if err != nil {
			t.Fatalf("PutItem: %v", err)
		}
	}

	// https://docs.aws.amazon.com/amazondynamodb/latest/APIReference/API_CreateTable.html
	t.Run("CreateTable with GSI and LSI", func(t *testing.T) {
		out, err := db.DescribeTable(ctx, &dynamodb.DescribeTableInput{TableName: aws.String("todos")})
		if err != nil {
			t.Fatalf("DescribeTable: %v", err)
		}
		tb := out.Table
		if tb.TableStatus != types.TableStatusActive {
			t.Errorf("status %s, want ACTIVE", tb.TableStatus)
		}
		if want := "arn:aws:dynamodb:" + s.Region() + ":"; !strings.HasPrefix(aws.ToString(tb.TableArn), want) || !strings.HasSuffix(aws.ToString(tb.TableArn), ":table/todos") {
			t.Errorf("TableArn %q", aws.ToString(tb.TableArn))
		}
		if len(tb.LocalSecondaryIndexes) != 1 || aws.ToString(tb.LocalSecondaryIndexes[0].IndexName) != "by-title" ||
			tb.LocalSecondaryIndexes[0].Projection.ProjectionType != types.ProjectionTypeAll {
			t.Errorf("LSIs %+v", tb.LocalSecondaryIndexes)
		}
		if len(tb.GlobalSecondaryIndexes) != 1 || aws.ToString(tb.GlobalSecondaryIndexes[0].IndexName) != "by-status" ||
			tb.GlobalSecondaryIndexes[0].Projection.ProjectionType != types.ProjectionTypeInclude ||
			strings.Join(tb.GlobalSecondaryIndexes[0].Projection.NonKeyAttributes, ",") != "title" {
			t.Errorf("GSIs %+v", tb.GlobalSecondaryIndexes)
		}
		if tb.StreamSpecification == nil || !aws.ToBool(tb.StreamSpecification.StreamEnabled) ||
			tb.StreamSpecification.StreamViewType != types.StreamViewTypeNewAndOldImages || aws.ToString(tb.LatestStreamArn) == "" {
			t.Errorf("stream %+v arn %q", tb.StreamSpecification, aws.ToString(tb.LatestStreamArn))
		}
	})

	// https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/Programming.Errors.html
	// ("ConditionalCheckFailedException — Message: The conditional request failed.")
	t.Run("conditional PutItem", func(t *testing.T) {
		put(t, "ann", 1, "open", "milk")
		_, err := db.PutItem(ctx, &dynamodb.PutItemInput{
			TableName:                aws.String("todos"),
			Item:                     map[string]types.AttributeValue{"user": str("ann"), "created": num("1"), "title": str("eggs")},
			ConditionExpression:      aws.String("attribute_not_exists(#u)"),
			ExpressionAttributeNames: map[string]string{"#u": "user"},
		})
		var ccf *types.ConditionalCheckFailedException
		if !errors.As(err, &ccf) {
			t.Fatalf("err = %v, want ConditionalCheckFailedException", err)
		}
		if _, msg := apiErr(t, err); msg != "The conditional request failed" {
			t.Errorf("message %q, want %q", msg, "The conditional request failed")
		}
		got, err := db.GetItem(ctx, &dynamodb.GetItemInput{TableName: aws.String("todos"), Key: map[string]types.AttributeValue{"user": str("ann"), "created": num("1")}})
		if err != nil {
			t.Fatal(err)
		}
		if v := got.Item["title"].(*types.AttributeValueMemberS).Value; v != "milk" {
			t.Errorf("title %q after a failed conditional put, want milk", v)
		}
	})

	// https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/Expressions.UpdateExpressions.html
	t.Run("UpdateItem SET ADD REMOVE with ALL_NEW", func(t *testing.T) {
		put(t, "bob", 1, "open", "bread")
		out, err := db.UpdateItem(ctx, &dynamodb.UpdateItemInput{
			TableName:                 aws.String("todos"),
			Key:                       map[string]types.AttributeValue{"user": str("bob"), "created": num("1")},
			UpdateExpression:          aws.String("SET #s = :done, note = :n ADD votes :one, tags :tags REMOVE title"),
			ExpressionAttributeNames:  map[string]string{"#s": "status"},
			ExpressionAttributeValues: map[string]types.AttributeValue{":done": str("done"), ":n": str("x"), ":one": num("1"), ":tags": &types.AttributeValueMemberSS{Value: []string{"a", "b"}}},
			ReturnValues:              types.ReturnValueAllNew,
		})
		if err != nil {
			t.Fatalf("UpdateItem: %v", err)
		}
		a := out.Attributes
		if _, ok := a["title"]; ok {
			t.Error("title still present after REMOVE")
		}
		if a["status"].(*types.AttributeValueMemberS).Value != "done" || a["note"].(*types.AttributeValueMemberS).Value != "x" ||
			a["votes"].(*types.AttributeValueMemberN).Value != "1" {
			t.Errorf("attributes %v", a)
		}
		tags := a["tags"].(*types.AttributeValueMemberSS).Value
		sort.Strings(tags)
		if strings.Join(tags, ",") != "a,b" {
			t.Errorf("tags %v", tags)
		}
		out, err = db.UpdateItem(ctx, &dynamodb.UpdateItemInput{
			TableName: aws.String("todos"), Key: map[string]types.AttributeValue{"user": str("bob"), "created": num("1")},
			UpdateExpression: aws.String("ADD votes :two"), ExpressionAttributeValues: map[string]types.AttributeValue{":two": num("2")},
			ReturnValues: types.ReturnValueAllNew,
		})
		if err != nil {
			t.Fatal(err)
		}
		if v := out.Attributes["votes"].(*types.AttributeValueMemberN).Value; v != "3" {
			t.Errorf("votes %s after ADD 2, want 3", v)
		}
	})

	// https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/Query.Pagination.html
	// https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/Query.FilterExpression.html
	t.Run("Query table and GSI with begins_with, filter and paging", func(t *testing.T) {
		for i := 1; i <= 5; i++ {
			put(t, "cat", 100+i, map[bool]string{true: "open", false: "done"}[i%2 == 1], fmt.Sprintf("task-%d", i))
		}
		put(t, "cat", 200, "open", "other")
		// Table: key condition on the LSI sort key with begins_with, filter, Limit 2.
		var titles []string
		var start map[string]types.AttributeValue
		pages := 0
		for {
			out, err := db.Query(ctx, &dynamodb.QueryInput{
				TableName: aws.String("todos"), IndexName: aws.String("by-title"),
				KeyConditionExpression:    aws.String("#u = :u AND begins_with(title, :p)"),
				FilterExpression:          aws.String("#s = :open"),
				ExpressionAttributeNames:  map[string]string{"#u": "user", "#s": "status"},
				ExpressionAttributeValues: map[string]types.AttributeValue{":u": str("cat"), ":p": str("task-"), ":open": str("open")},
				Limit:                     aws.Int32(2), ExclusiveStartKey: start,
			})
			if err != nil {
				t.Fatalf("Query: %v", err)
			}
			pages++
			for _, it := range out.Items {
				titles = append(titles, it["title"].(*types.AttributeValueMemberS).Value)
			}
			if out.LastEvaluatedKey == nil {
				break
			}
			start = out.LastEvaluatedKey
		}
		// Limit counts items read before the filter: 5 matching keys in pages of 2 → 3 pages.
		if got := strings.Join(titles, ","); got != "task-1,task-3,task-5" || pages != 3 {
			t.Errorf("titles %s in %d pages, want task-1,task-3,task-5 in 3", got, pages)
		}
		// GSI: status = open AND created BETWEEN, newest first.
		out, err := db.Query(ctx, &dynamodb.QueryInput{
			TableName: aws.String("todos"), IndexName: aws.String("by-status"),
			KeyConditionExpression:    aws.String("#s = :open AND created BETWEEN :a AND :b"),
			ExpressionAttributeNames:  map[string]string{"#s": "status"},
			ExpressionAttributeValues: map[string]types.AttributeValue{":open": str("open"), ":a": num("101"), ":b": num("200")},
			ScanIndexForward:          aws.Bool(false),
		})
		if err != nil {
			t.Fatalf("Query GSI: %v", err)
		}
		var got []string
		for _, it := range out.Items {
			got = append(got, it["created"].(*types.AttributeValueMemberN).Value)
		}
		if strings.Join(got, ",") != "200,105,103,101" {
			t.Errorf("GSI created %v, want 200,105,103,101", got)
		}
	})

	// https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/Scan.html#Scan.FilterExpression
	t.Run("Scan with filter", func(t *testing.T) {
		out, err := db.Scan(ctx, &dynamodb.ScanInput{
			TableName: aws.String("todos"), FilterExpression: aws.String("begins_with(title, :p) AND created > :c"),
			ExpressionAttributeValues: map[string]types.AttributeValue{":p": str("task-"), ":c": num("103")},
		})
		if err != nil {
			t.Fatalf("Scan: %v", err)
		}
		if out.Count != 2 || out.ScannedCount < 2 {
			t.Errorf("Count %d ScannedCount %d, want 2 and at least 2", out.Count, out.ScannedCount)
		}
	})

	// https://docs.aws.amazon.com/amazondynamodb/latest/APIReference/API_BatchWriteItem.html
	t.Run("BatchWriteItem and BatchGetItem", func(t *testing.T) {
		var reqs []types.WriteRequest
		var keys []map[string]types.AttributeValue
		for i := range 25 {
			item := map[string]types.AttributeValue{"user": str("dan"), "created": num(fmt.Sprint(i)), "title": str(fmt.Sprint("t", i))}
			reqs = append(reqs, types.WriteRequest{PutRequest: &types.PutRequest{Item: item}})
			keys = append(keys, map[string]types.AttributeValue{"user": str("dan"), "created": num(fmt.Sprint(i))})
		}
		w, err := db.BatchWriteItem(ctx, &dynamodb.BatchWriteItemInput{RequestItems: map[string][]types.WriteRequest{"todos": reqs}})
		if err != nil {
			t.Fatalf("BatchWriteItem: %v", err)
		}
		if len(w.UnprocessedItems) != 0 {
			t.Errorf("UnprocessedItems %v", w.UnprocessedItems)
		}
		keys = append(keys, map[string]types.AttributeValue{"user": str("nobody"), "created": num("0")})
		g, err := db.BatchGetItem(ctx, &dynamodb.BatchGetItemInput{RequestItems: map[string]types.KeysAndAttributes{"todos": {Keys: keys}}})
		if err != nil {
			t.Fatalf("BatchGetItem: %v", err)
		}
		if n := len(g.Responses["todos"]); n != 25 {
			t.Errorf("BatchGetItem returned %d items, want 25 (the missing key returns nothing)", n)
		}
	})

	// https://docs.aws.amazon.com/amazondynamodb/latest/APIReference/API_TransactWriteItems.html
	// (CancellationReasons: one per item in request order, Code "None" for items that passed).
	// The message text listing the codes is DynamoDB's answer as users report it.
	t.Run("TransactWriteItems with a failing condition", func(t *testing.T) {
		put(t, "eve", 1, "open", "keep")
		_, err := db.TransactWriteItems(ctx, &dynamodb.TransactWriteItemsInput{TransactItems: []types.TransactWriteItem{
			{Put: &types.Put{TableName: aws.String("todos"), Item: map[string]types.AttributeValue{"user": str("eve"), "created": num("2"), "title": str("new")}}},
			{ConditionCheck: &types.ConditionCheck{TableName: aws.String("todos"),
				Key:                       map[string]types.AttributeValue{"user": str("eve"), "created": num("1")},
				ConditionExpression:       aws.String("#s = :done"),
				ExpressionAttributeNames:  map[string]string{"#s": "status"},
				ExpressionAttributeValues: map[string]types.AttributeValue{":done": str("done")}}},
		}})
		var tce *types.TransactionCanceledException
		if !errors.As(err, &tce) {
			t.Fatalf("err = %v, want TransactionCanceledException", err)
		}
		var codes []string
		for _, r := range tce.CancellationReasons {
			codes = append(codes, aws.ToString(r.Code))
		}
		if strings.Join(codes, ",") != "None,ConditionalCheckFailed" {
			t.Errorf("cancellation reasons %v, want None,ConditionalCheckFailed", codes)
		}
		if _, msg := apiErr(t, err); msg != "Transaction cancelled, please refer cancellation reasons for specific reasons [None, ConditionalCheckFailed]" {
			t.Errorf("message %q", msg)
		}
		got, err := db.GetItem(ctx, &dynamodb.GetItemInput{TableName: aws.String("todos"), Key: map[string]types.AttributeValue{"user": str("eve"), "created": num("2")}})
		if err != nil {
			t.Fatal(err)
		}
		if got.Item != nil {
			t.Errorf("the cancelled transaction's Put was applied: %v", got.Item)
		}
	})

	// https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/TTL.html
	// (expired items may still be returned until deleted; reads can filter on the TTL attribute).
	t.Run("TTL", func(t *testing.T) {
		d, err := db.DescribeTimeToLive(ctx, &dynamodb.DescribeTimeToLiveInput{TableName: aws.String("todos")})
		if err != nil {
			t.Fatalf("DescribeTimeToLive: %v", err)
		}
		if d.TimeToLiveDescription.TimeToLiveStatus != types.TimeToLiveStatusEnabled || aws.ToString(d.TimeToLiveDescription.AttributeName) != "expires" {
			t.Errorf("TTL %+v, want ENABLED on expires", d.TimeToLiveDescription)
		}
	})

	// https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/Streams.html
	t.Run("streams", func(t *testing.T) {
		desc, err := db.DescribeTable(ctx, &dynamodb.DescribeTableInput{TableName: aws.String("todos")})
		if err != nil {
			t.Fatal(err)
		}
		sc := dynamodbstreams.New(dynamodbstreams.Options{Region: s.Region(), BaseEndpoint: aws.String(s.Endpoint()),
			Credentials: credentials.NewStaticCredentialsProvider("local", "local", "")})
		sd, err := sc.DescribeStream(ctx, &dynamodbstreams.DescribeStreamInput{StreamArn: desc.Table.LatestStreamArn})
		if err != nil {
			t.Fatalf("DescribeStream: %v", err)
		}
		if len(sd.StreamDescription.Shards) == 0 {
			t.Fatal("stream has no shards")
		}
		it, err := sc.GetShardIterator(ctx, &dynamodbstreams.GetShardIteratorInput{StreamArn: desc.Table.LatestStreamArn,
			ShardId: sd.StreamDescription.Shards[0].ShardId, ShardIteratorType: streamtypes.ShardIteratorTypeTrimHorizon})
		if err != nil {
			t.Fatalf("GetShardIterator: %v", err)
		}
		recs, err := sc.GetRecords(ctx, &dynamodbstreams.GetRecordsInput{ShardIterator: it.ShardIterator})
		if err != nil {
			t.Fatalf("GetRecords: %v", err)
		}
		var modify *streamtypes.Record
		for i, r := range recs.Records {
			k := r.Dynamodb.Keys
			if modify == nil && r.EventName == streamtypes.OperationTypeModify && k["user"].(*streamtypes.AttributeValueMemberS).Value == "bob" {
				modify = &recs.Records[i]
			}
		}
		if modify == nil {
			t.Fatalf("no MODIFY record for bob among %d records", len(recs.Records))
		}
		if modify.Dynamodb.OldImage["title"] == nil || modify.Dynamodb.NewImage["status"].(*streamtypes.AttributeValueMemberS).Value != "done" {
			t.Errorf("MODIFY images old %v new %v", modify.Dynamodb.OldImage, modify.Dynamodb.NewImage)
		}
	})

	// https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/Programming.Errors.html
	// (error components: "An error message (such as Requested resource not found: Table:
	// tablename not found)").
	t.Run("missing table error", func(t *testing.T) {
		_, err := db.GetItem(ctx, &dynamodb.GetItemInput{TableName: aws.String("nope"), Key: map[string]types.AttributeValue{"id": str("1")}})
		var rnf *types.ResourceNotFoundException
		if !errors.As(err, &rnf) {
			t.Fatalf("err = %v, want ResourceNotFoundException", err)
		}
		if _, msg := apiErr(t, err); msg != "Requested resource not found: Table: nope not found" {
			t.Errorf("message %q, want %q", msg, "Requested resource not found: Table: nope not found")
		}
	})

	// https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/Programming.Errors.html
	// (ValidationException, HTTP 400). The message texts are DynamoDB's answers as users report
	// them: a Key of the wrong type gets "The provided key element does not match the schema", an
	// Item whose key attribute has the wrong type gets "One or more parameter values were invalid:
	// Type mismatch for key <name> expected: <type> actual: <type>".
	t.Run("wrong key type in a key", func(t *testing.T) {
		_, err := db.GetItem(ctx, &dynamodb.GetItemInput{TableName: aws.String("todos"), Key: map[string]types.AttributeValue{"user": num("1"), "created": num("1")}})
		code, msg := apiErr(t, err)
		if want := "The provided key element does not match the schema"; code != "ValidationException" || msg != want {
			t.Errorf("GetItem: %s %q, want ValidationException %q", code, msg, want)
		}
	})
	t.Run("wrong key type in an item", func(t *testing.T) {
		_, err := db.PutItem(ctx, &dynamodb.PutItemInput{TableName: aws.String("todos"), Item: map[string]types.AttributeValue{"user": num("1"), "created": num("1")}})
		code, msg := apiErr(t, err)
		if want := "One or more parameter values were invalid: Type mismatch for key user expected: S actual: N"; code != "ValidationException" || msg != want {
			t.Errorf("PutItem: %s %q, want ValidationException %q", code, msg, want)
		}
		_, err = db.PutItem(ctx, &dynamodb.PutItemInput{TableName: aws.String("todos"), Item: map[string]types.AttributeValue{"created": num("1")}})
		code, msg = apiErr(t, err)
		if want := "One or more parameter values were invalid: Missing the key user in the item"; code != "ValidationException" || msg != want {
			t.Errorf("PutItem without the partition key: %s %q, want ValidationException %q", code, msg, want)
		}
	})

	// https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/GSI.html (Query on a GSI;
	// Limit + LastEvaluatedKey paging as on a table, Query.Pagination.html).
	t.Run("Query GSI paging", func(t *testing.T) {
		var got []string
		var start map[string]types.AttributeValue
		for pages := 0; ; pages++ {
			if pages > 10 {
				t.Fatal("paging does not end")
			}
			out, err := db.Query(ctx, &dynamodb.QueryInput{
				TableName: aws.String("todos"), IndexName: aws.String("by-status"),
				KeyConditionExpression:    aws.String("#s = :open"),
				ExpressionAttributeNames:  map[string]string{"#s": "status"},
				ExpressionAttributeValues: map[string]types.AttributeValue{":open": str("open")},
				Limit:                     aws.Int32(2), ExclusiveStartKey: start,
			})
			if err != nil {
				t.Fatalf("Query: %v", err)
			}
			for _, it := range out.Items {
				got = append(got, it["user"].(*types.AttributeValueMemberS).Value+"/"+it["created"].(*types.AttributeValueMemberN).Value)
			}
			if out.LastEvaluatedKey == nil {
				break
			}
			if _, ok := out.LastEvaluatedKey["status"]; !ok {
				// https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/Query.Pagination.html
				t.Skip("engine gap: a GSI page ends at a table key only (LastEvaluatedKey lacks the index key) and items with equal index keys are ordered differently per call, so Limit paging on a GSI can repeat or miss items")
			}
			start = out.LastEvaluatedKey
		}
		sort.Strings(got)
		if want := "ann/1,cat/101,cat/103,cat/105,cat/200,eve/1"; strings.Join(got, ",") != want {
			t.Errorf("open items %v, want %s", got, want)
		}
	})

	// https://docs.aws.amazon.com/amazondynamodb/latest/APIReference/API_DeleteItem.html
	// (ReturnValues ALL_OLD returns the deleted item).
	t.Run("DeleteItem ALL_OLD", func(t *testing.T) {
		put(t, "fay", 1, "open", "gone")
		out, err := db.DeleteItem(ctx, &dynamodb.DeleteItemInput{TableName: aws.String("todos"),
			Key: map[string]types.AttributeValue{"user": str("fay"), "created": num("1")}, ReturnValues: types.ReturnValueAllOld})
		if err != nil {
			t.Fatal(err)
		}
		if v, ok := out.Attributes["title"].(*types.AttributeValueMemberS); !ok || v.Value != "gone" {
			t.Errorf("ALL_OLD attributes %v", out.Attributes)
		}
	})

	// https://docs.aws.amazon.com/amazondynamodb/latest/APIReference/API_UpdateItem.html
	// (ReturnValuesOnConditionCheckFailure ALL_OLD puts the item into the exception).
	t.Run("UpdateItem condition failure returns the item", func(t *testing.T) {
		_, err := db.UpdateItem(ctx, &dynamodb.UpdateItemInput{TableName: aws.String("todos"),
			Key:                                 map[string]types.AttributeValue{"user": str("ann"), "created": num("1")},
			UpdateExpression:                    aws.String("SET title = :t"),
			ConditionExpression:                 aws.String("#s = :done"),
			ExpressionAttributeNames:            map[string]string{"#s": "status"},
			ExpressionAttributeValues:           map[string]types.AttributeValue{":t": str("x"), ":done": str("done")},
			ReturnValuesOnConditionCheckFailure: types.ReturnValuesOnConditionCheckFailureAllOld,
		})
		var ccf *types.ConditionalCheckFailedException
		if !errors.As(err, &ccf) {
			t.Fatalf("err = %v, want ConditionalCheckFailedException", err)
		}
		if v, ok := ccf.Item["title"].(*types.AttributeValueMemberS); !ok || v.Value != "milk" {
			t.Errorf("exception item %v, want ann's item with title milk", ccf.Item)
		}
		_, err = db.PutItem(ctx, &dynamodb.PutItemInput{TableName: aws.String("todos"),
			Item:                                map[string]types.AttributeValue{"user": str("ann"), "created": num("1")},
			ConditionExpression:                 aws.String("attribute_not_exists(title)"),
			ReturnValuesOnConditionCheckFailure: types.ReturnValuesOnConditionCheckFailureAllOld,
		})
		if !errors.As(err, &ccf) {
			t.Fatalf("PutItem err = %v, want ConditionalCheckFailedException", err)
		}
		if v, ok := ccf.Item["title"].(*types.AttributeValueMemberS); !ok || v.Value != "milk" {
			t.Errorf("PutItem exception item %v, want ann's item with title milk", ccf.Item)
		}
	})

	// https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/Expressions.ProjectionExpressions.html
	t.Run("GetItem ProjectionExpression", func(t *testing.T) {
		out, err := db.GetItem(ctx, &dynamodb.GetItemInput{TableName: aws.String("todos"),
			Key: map[string]types.AttributeValue{"user": str("ann"), "created": num("1")}, ProjectionExpression: aws.String("title")})
		if err != nil {
			t.Fatal(err)
		}
		if len(out.Item) != 1 || out.Item["title"] == nil {
			t.Errorf("projected item %v, want only title", out.Item)
		}
	})

	// https://docs.aws.amazon.com/amazondynamodb/latest/APIReference/API_TransactGetItems.html
	t.Run("TransactGetItems", func(t *testing.T) {
		out, err := db.TransactGetItems(ctx, &dynamodb.TransactGetItemsInput{TransactItems: []types.TransactGetItem{
			{Get: &types.Get{TableName: aws.String("todos"), Key: map[string]types.AttributeValue{"user": str("ann"), "created": num("1")}}},
			{Get: &types.Get{TableName: aws.String("todos"), Key: map[string]types.AttributeValue{"user": str("nobody"), "created": num("1")}}},
		}})
		if err != nil {
			t.Fatal(err)
		}
		if len(out.Responses) != 2 || out.Responses[0].Item["title"] == nil || out.Responses[1].Item != nil {
			t.Errorf("responses %+v, want ann's item then an empty response", out.Responses)
		}
	})

	// https://docs.aws.amazon.com/amazondynamodb/latest/APIReference/API_Query.html
	// (ValidationException when the table has no index of that name).
	t.Run("Query on a missing index", func(t *testing.T) {
		_, err := db.Query(ctx, &dynamodb.QueryInput{TableName: aws.String("todos"), IndexName: aws.String("nope"),
			KeyConditionExpression: aws.String("#u = :u"), ExpressionAttributeNames: map[string]string{"#u": "user"},
			ExpressionAttributeValues: map[string]types.AttributeValue{":u": str("ann")}})
		code, msg := apiErr(t, err)
		if want := "The table does not have the specified index: nope"; code != "ValidationException" || msg != want {
			t.Errorf("%s %q, want ValidationException %q", code, msg, want)
		}
	})

	// https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/Scan.html#Scan.Pagination
	t.Run("Scan paging", func(t *testing.T) {
		total := 0
		var start map[string]types.AttributeValue
		for pages := 0; ; pages++ {
			if pages > 100 {
				t.Fatal("paging does not end")
			}
			out, err := db.Scan(ctx, &dynamodb.ScanInput{TableName: aws.String("todos"), Limit: aws.Int32(7), ExclusiveStartKey: start})
			if err != nil {
				t.Fatal(err)
			}
			total += int(out.Count)
			if out.LastEvaluatedKey == nil {
				break
			}
			start = out.LastEvaluatedKey
		}
		all, err := db.Scan(ctx, &dynamodb.ScanInput{TableName: aws.String("todos"), Select: types.SelectCount})
		if err != nil {
			t.Fatal(err)
		}
		if total != int(all.Count) || total < 30 {
			t.Errorf("paged scan saw %d items, count says %d", total, all.Count)
		}
	})

	// DynamoDB sends X-Amz-Crc32, the CRC32 of the response body; the AWS SDKs verify it
	// (aws-sdk-go-v2 service/dynamodb Options.DisableValidateResponseChecksum turns the check off).
	t.Run("X-Amz-Crc32 header", func(t *testing.T) {
		resp, body := rawCall(t, s, "DynamoDB_20120810.ListTables", `{}`)
		want := fmt.Sprint(crc32.ChecksumIEEE(body))
		if got := resp.Header.Get("X-Amz-Crc32"); got != want {
			t.Errorf("X-Amz-Crc32 %q, want %q (body %s)", got, want, body)
		}
	})
}

func rawCall(t *testing.T, s *Server, target, body string) (*http.Response, []byte) {
	t.Helper()
	req, err := http.NewRequest(http.MethodPost, s.Endpoint(), strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/x-amz-json-1.0")
	req.Header.Set("X-Amz-Target", target)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return resp, data
}

func TestOtherServicesAreNotServed(t *testing.T) {
	s := startServer(t, Options{})
	resp, body := rawCall(t, s, "AmazonSQS.ListQueues", `{}`)
	want := `{"__type":"com.amazonaws.dynamodb.v20120810#UnknownOperationException","message":"this endpoint serves only DynamoDB and DynamoDB Streams (POST with X-Amz-Target)"}`
	if resp.StatusCode != http.StatusBadRequest || string(body) != want {
		t.Errorf("got %d %s, want 400 %s", resp.StatusCode, body, want)
	}
}
