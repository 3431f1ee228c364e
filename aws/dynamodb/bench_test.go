package dynamodb_test

import (
	"context"
	"testing"

	"github.com/stelvio-go/stelvio/internal/app"
	"github.com/stelvio-go/stelvio/internal/tablespec"
)

// BenchmarkStartLocalTables is what the tables add to dev's start: the engine started with the data
// of an earlier run (one table, 100 items), the table checked against its declaration, and stopped.
func BenchmarkStartLocalTables(b *testing.B) {
	ctx := context.Background()
	spec := tablespec.Table{Name: "todo-api-dev-todos", PartitionKey: "id",
		Fields:        map[string]tablespec.FieldType{"id": tablespec.String, "owner": tablespec.String, "created": tablespec.Number},
		GlobalIndexes: []tablespec.GlobalIndex{{Name: "by-owner", PartitionKey: "owner", SortKey: "created", Projection: tablespec.Projection{Type: tablespec.ProjectAll}}}}
	opts := app.LocalTablesOptions{Dir: b.TempDir(), Tables: []tablespec.Table{spec}, ShimDir: b.TempDir()}
	lt, err := app.StartLocalTables(ctx, opts)
	if err != nil {
		b.Fatal(err)
	}
	seed(b, lt, 100)
	if err := lt.Close(); err != nil {
		b.Fatal(err)
	}
	b.ResetTimer()
	for b.Loop() {
		lt, err := app.StartLocalTables(ctx, opts)
		if err != nil {
			b.Fatal(err)
		}
		if err := lt.Close(); err != nil {
			b.Fatal(err)
		}
	}
}
