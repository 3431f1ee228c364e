package dynamolocal

import (
	"context"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodbstreams"

	"github.com/stelvio-go/stelvio/internal/tablespec"
)

// A Go handler builds its clients the usual way (config.LoadDefaultConfig) and, with Env set,
// reaches the local tables and streams.
func TestGoHandlerEnvironmentReachesTheEngine(t *testing.T) {
	ctx := context.Background()
	s := startServer(t, Options{})
	if _, err := s.EnsureTables(ctx, []tablespec.Table{todosSpec()}); err != nil {
		t.Fatal(err)
	}
	t.Setenv("AWS_CONFIG_FILE", "/dev/null")
	t.Setenv("AWS_SHARED_CREDENTIALS_FILE", "/dev/null")
	t.Setenv("AWS_PROFILE", "")
	for k, v := range s.Env() {
		t.Setenv(k, v)
	}
	cfg, err := config.LoadDefaultConfig(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if cfg.Region != s.Region() {
		t.Errorf("region %q", cfg.Region)
	}
	info, err := s.Table(ctx, "todos")
	if err != nil {
		t.Fatal(err)
	}
	if info.ARN != "arn:aws:dynamodb:"+s.Region()+":000000000000:table/todos" || info.StreamARN == "" {
		t.Errorf("Table = %+v", info)
	}
	d, err := dynamodb.NewFromConfig(cfg).DescribeTable(ctx, &dynamodb.DescribeTableInput{TableName: aws.String("todos")})
	if err != nil {
		t.Fatalf("DescribeTable through the environment: %v", err)
	}
	if aws.ToString(d.Table.TableArn) != info.ARN {
		t.Errorf("TableArn %q, want %q", aws.ToString(d.Table.TableArn), info.ARN)
	}
	if _, err := dynamodbstreams.NewFromConfig(cfg).DescribeStream(ctx, &dynamodbstreams.DescribeStreamInput{StreamArn: aws.String(info.StreamARN)}); err != nil {
		t.Errorf("DescribeStream through the environment: %v", err)
	}
}
