package dynamolocal

import (
	"context"
	"fmt"
	"os/exec"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/stelvio-go/stelvio/internal/link"
	"github.com/stelvio-go/stelvio/internal/tablespec"
)

// BenchmarkStart times Start to a ready endpoint, with an empty data folder, and Close.
func BenchmarkStart(b *testing.B) {
	ctx := context.Background()
	for b.Loop() {
		s, err := Start(ctx, Options{Dir: b.TempDir()})
		if err != nil {
			b.Fatal(err)
		}
		b.StopTimer()
		if err := s.Close(); err != nil {
			b.Fatal(err)
		}
		b.StartTimer()
	}
}

// BenchmarkStartRestore1000 times Start restoring a snapshot of 1000 items with a GSI and an LSI.
func BenchmarkStartRestore1000(b *testing.B) {
	ctx := context.Background()
	dir := b.TempDir()
	s, err := Start(ctx, Options{Dir: dir})
	if err != nil {
		b.Fatal(err)
	}
	if _, err := s.EnsureTables(ctx, []tablespec.Table{todosSpec()}); err != nil {
		b.Fatal(err)
	}
	db := clientFor(s)
	for i := range 1000 {
		_, err := db.PutItem(ctx, &dynamodb.PutItemInput{TableName: aws.String("todos"), Item: map[string]types.AttributeValue{
			"user": str("u"), "created": num(itoa(i)), "status": str("open"), "title": str("some title text")}})
		if err != nil {
			b.Fatal(err)
		}
	}
	if err := s.Close(); err != nil {
		b.Fatal(err)
	}
	for b.Loop() {
		s, err := Start(ctx, Options{Dir: dir})
		if err != nil {
			b.Fatal(err)
		}
		b.StopTimer()
		s.changes.Store(0) // nothing changed: Close writes no snapshot
		if err := s.Close(); err != nil {
			b.Fatal(err)
		}
		b.StartTimer()
	}
}

func itoa(i int) string { return strconv.Itoa(i) }

// BenchmarkGetItem times GetItem from aws-sdk-go-v2 through the endpoint handlers use (listener,
// checksum) and, for comparison, straight to the engine; it reports the p50 per call.
func BenchmarkGetItem(b *testing.B) {
	ctx := context.Background()
	s := startServer(b, Options{})
	if _, err := s.EnsureTables(ctx, []tablespec.Table{todosSpec()}); err != nil {
		b.Fatal(err)
	}
	key := map[string]types.AttributeValue{"user": str("ann"), "created": num("1")}
	item := map[string]types.AttributeValue{"user": str("ann"), "created": num("1"), "title": str("milk"), "status": str("open")}
	if _, err := clientFor(s).PutItem(ctx, &dynamodb.PutItemInput{TableName: aws.String("todos"), Item: item}); err != nil {
		b.Fatal(err)
	}
	for _, target := range []struct{ name, url string }{{"endpoint", s.Endpoint()}, {"engine-direct", s.upstream}} {
		b.Run(target.name, func(b *testing.B) {
			db := dynamodb.New(dynamodb.Options{Region: s.Region(), BaseEndpoint: aws.String(target.url),
				Credentials: credentials.NewStaticCredentialsProvider("local", "local", ""),
				// The engine alone sends no checksum.
				DisableValidateResponseChecksum: target.name == "engine-direct"})
			var times []time.Duration
			for b.Loop() {
				start := time.Now()
				out, err := db.GetItem(ctx, &dynamodb.GetItemInput{TableName: aws.String("todos"), Key: key})
				times = append(times, time.Since(start))
				if err != nil || out.Item == nil {
					b.Fatalf("GetItem: %v %v", out, err)
				}
			}
			sort.Slice(times, func(i, j int) bool { return times[i] < times[j] })
			b.ReportMetric(float64(times[len(times)/2].Microseconds()), "p50-µs")
		})
	}
}

// BenchmarkPythonGetItem reports the p50 of boto3 GetItem calls made by a Python process against
// the endpoint (the cost a Python handler pays per call), for every interpreter with boto3.
func BenchmarkPythonGetItem(b *testing.B) {
	ctx := context.Background()
	s := startServer(b, Options{})
	if _, err := s.EnsureTables(ctx, []tablespec.Table{todosSpec()}); err != nil {
		b.Fatal(err)
	}
	if _, err := clientFor(s).PutItem(ctx, &dynamodb.PutItemInput{TableName: aws.String("todos"),
		Item: map[string]types.AttributeValue{"user": str("ann"), "created": num("1"), "title": str("milk")}}); err != nil {
		b.Fatal(err)
	}
	shim, err := WritePythonShim(b.TempDir())
	if err != nil {
		b.Fatal(err)
	}
	for _, py := range []string{"python3", "/usr/bin/python3"} {
		if exec.Command(py, "-c", "import boto3").Run() != nil {
			continue
		}
		b.Run(py, func(b *testing.B) {
			script := `
import sys, time, boto3, botocore
c = boto3.client("dynamodb")
key = {"user": {"S": "ann"}, "created": {"N": "1"}}
c.get_item(TableName="todos", Key=key)
n = int(sys.argv[1]); t = []
for _ in range(n):
    s = time.perf_counter(); c.get_item(TableName="todos", Key=key); t.append(time.perf_counter() - s)
t.sort(); print(int(t[len(t)//2] * 1e6))
`
			n := max(b.N, 200)
			cmd := exec.Command(py, "-c", script, strconv.Itoa(n))
			cmd.Env = workerEnv(s, shim)
			b.ResetTimer()
			out, err := cmd.CombinedOutput()
			if err != nil {
				b.Fatalf("%v\n%s", err, out)
			}
			p50, err := strconv.Atoi(strings.TrimSpace(string(out)))
			if err != nil {
				b.Fatalf("python output %q", out)
			}
			b.ReportMetric(float64(p50), "p50-µs")
		})
	}
}

// BenchmarkQueryIndex times a Query on a global index that projects keys and one attribute, through
// the endpoint (which looks the index up and narrows the answer) and straight to the engine (whole
// items); and GetItem signed with a granted function's key (the permission check) against dev's own.
func BenchmarkQueryIndex(b *testing.B) {
	ctx := context.Background()
	s := startServer(b, Options{})
	if _, err := s.EnsureTables(ctx, []tablespec.Table{todosSpec()}); err != nil {
		b.Fatal(err)
	}
	for i := range 20 {
		item := map[string]types.AttributeValue{"user": str("ann"), "created": num(itoa(i)), "title": str("milk"), "status": str("open"), "note": str("not projected")}
		if _, err := clientFor(s).PutItem(ctx, &dynamodb.PutItemInput{TableName: aws.String("todos"), Item: item}); err != nil {
			b.Fatal(err)
		}
	}
	fn := s.Grant(Principal{ARN: "arn:aws:sts::123456789012:assumed-role/a-dev-f-role/a-dev-f", Statements: link.TableStatements(tableARN("todos"), link.ReadOnly)})
	client := func(url, key string) *dynamodb.Client {
		return dynamodb.New(dynamodb.Options{Region: s.Region(), BaseEndpoint: aws.String(url),
			Credentials:                     credentials.NewStaticCredentialsProvider(key, "local", ""),
			DisableValidateResponseChecksum: url == s.upstream})
	}
	p50 := func(b *testing.B, call func() error) {
		var times []time.Duration
		for b.Loop() {
			start := time.Now()
			err := call()
			times = append(times, time.Since(start))
			if err != nil {
				b.Fatal(err)
			}
		}
		sort.Slice(times, func(i, j int) bool { return times[i] < times[j] })
		b.ReportMetric(float64(times[len(times)/2].Microseconds()), "p50-µs")
	}
	query := func(db *dynamodb.Client) func() error {
		return func() error {
			out, err := db.Query(ctx, &dynamodb.QueryInput{TableName: aws.String("todos"), IndexName: aws.String("by-status"),
				KeyConditionExpression:    aws.String("#s = :s"),
				ExpressionAttributeNames:  map[string]string{"#s": "status"},
				ExpressionAttributeValues: map[string]types.AttributeValue{":s": str("open")}})
			if err == nil && len(out.Items) != 20 {
				err = fmt.Errorf("%d items, want 20", len(out.Items))
			}
			return err
		}
	}
	get := func(db *dynamodb.Client) func() error {
		return func() error {
			_, err := db.GetItem(ctx, &dynamodb.GetItemInput{TableName: aws.String("todos"), Key: map[string]types.AttributeValue{"user": str("ann"), "created": num("1")}})
			return err
		}
	}
	b.Run("query/endpoint", func(b *testing.B) { p50(b, query(client(s.Endpoint(), "local"))) })
	b.Run("query/engine-direct", func(b *testing.B) { p50(b, query(client(s.upstream, "local"))) })
	b.Run("get/granted-key", func(b *testing.B) { p50(b, get(client(s.Endpoint(), fn))) })
	b.Run("get/dev-key", func(b *testing.B) { p50(b, get(client(s.Endpoint(), "local"))) })
}
