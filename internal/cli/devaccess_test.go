package cli

import (
	"bytes"
	"context"
	"errors"
	"os"
	"path/filepath"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
	"github.com/aws/smithy-go"

	"github.com/stelvio-go/stelvio/internal/app"
	"github.com/stelvio-go/stelvio/internal/dynamolocal"
	"github.com/stelvio-go/stelvio/internal/route"
	"github.com/stelvio-go/stelvio/internal/tablespec"
)

// TestDevHoldsFunctionsToTheirLinks checks that each function's workers get credentials of their
// own, with which the local engine allows what the function's links allow on AWS and refuses the
// rest as IAM does (https://docs.aws.amazon.com/IAM/latest/UserGuide/troubleshoot_access-denied.html),
// naming the function's role session; dev's own credentials keep full access.
func TestDevHoldsFunctionsToTheirLinks(t *testing.T) {
	dir := t.TempDir()
	if err := os.MkdirAll(filepath.Join(dir, "functions"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "functions", "a.py"), []byte("def handler(e, c): pass\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	todos := &route.TableDecl{Spec: tablespec.Table{Name: "todos", Fields: map[string]tablespec.FieldType{"id": tablespec.String}, PartitionKey: "id"}, Source: "main.go:5"}
	fn := func(name string, links ...*route.LinkDecl) *route.FunctionDecl {
		return &route.FunctionDecl{Name: name, Source: "main.go:6", Config: route.FunctionConfig{Handler: "functions/a.handler", Links: links}}
	}
	reports := fn("reports", &route.LinkDecl{Table: todos, ReadOnly: true, Source: "main.go:7"})
	writer := fn("writer", &route.LinkDecl{Table: todos, Source: "main.go:8"})
	version := fn("version")
	table, err := route.Build(&route.Decls{Functions: []*route.FunctionDecl{reports, writer, version}, Tables: []*route.TableDecl{todos}}, "shop", "alice", dir)
	if err != nil {
		t.Fatal(err)
	}
	// The hook the aws/dynamodb package sets (importing it here would be a cycle).
	if app.StartLocalTables == nil {
		app.StartLocalTables = dynamolocal.StartApp
		defer func() { app.StartLocalTables = nil }()
	}
	var log bytes.Buffer
	d, err := startDevLinks(context.Background(), table, dir, true, "http://127.0.0.1:3000", &log)
	if err != nil {
		t.Fatal(err)
	}
	defer d.closeLogged(&log)

	client := func(key string) *dynamodb.Client {
		return dynamodb.New(dynamodb.Options{Region: d.Region, BaseEndpoint: aws.String(d.Env["AWS_ENDPOINT_URL_DYNAMODB"]),
			Credentials: credentials.NewStaticCredentialsProvider(key, d.Env["AWS_SECRET_ACCESS_KEY"], "")})
	}
	keyOf := func(name string) string { return table.FunctionByName(name).Environment["AWS_ACCESS_KEY_ID"] }
	keys := map[string]bool{keyOf("reports"): true, keyOf("writer"): true, keyOf("version"): true, d.Env["AWS_ACCESS_KEY_ID"]: true}
	if len(keys) != 4 {
		t.Fatalf("access key ids reports %q writer %q version %q dev %q: want four different ones", keyOf("reports"), keyOf("writer"), keyOf("version"), d.Env["AWS_ACCESS_KEY_ID"])
	}
	ctx := context.Background()
	put := func(key string) error {
		_, err := client(key).PutItem(ctx, &dynamodb.PutItemInput{TableName: aws.String("shop-alice-todos"),
			Item: map[string]types.AttributeValue{"id": &types.AttributeValueMemberS{Value: "t1"}}})
		return err
	}
	get := func(key string) error {
		_, err := client(key).GetItem(ctx, &dynamodb.GetItemInput{TableName: aws.String("shop-alice-todos"),
			Key: map[string]types.AttributeValue{"id": &types.AttributeValueMemberS{Value: "t1"}}})
		return err
	}
	arn := "arn:aws:dynamodb:" + d.Region + ":000000000000:table/shop-alice-todos"
	tests := []struct {
		name string
		call func(string) error
		key  string
		want string // the error message; "" for success
	}{
		{"writer puts", put, keyOf("writer"), ""},
		{"read-only link refuses PutItem", put, keyOf("reports"),
			"User: arn:aws:sts::123456789012:assumed-role/shop-alice-reports-role/shop-alice-reports is not authorized to perform: dynamodb:PutItem on resource: " + arn + " because no identity-based policy allows the dynamodb:PutItem action"},
		{"read-only link allows GetItem", get, keyOf("reports"), ""},
		{"no link refuses GetItem", get, keyOf("version"),
			"User: arn:aws:sts::123456789012:assumed-role/shop-alice-version-role/shop-alice-version is not authorized to perform: dynamodb:GetItem on resource: " + arn + " because no identity-based policy allows the dynamodb:GetItem action"},
		{"dev's own key puts", put, d.Env["AWS_ACCESS_KEY_ID"], ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := tt.call(tt.key)
			if tt.want == "" {
				if err != nil {
					t.Fatalf("refused: %v", err)
				}
				return
			}
			var ae smithy.APIError
			if !errors.As(err, &ae) || ae.ErrorCode() != "AccessDeniedException" || ae.ErrorMessage() != tt.want {
				t.Errorf("got %v\nwant AccessDeniedException: %s", err, tt.want)
			}
		})
	}
}
