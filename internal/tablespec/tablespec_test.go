package tablespec

import (
	"fmt"
	"strings"
	"testing"
)

func todos() Table {
	return Table{
		Name:         "todos",
		Fields:       map[string]FieldType{"user": String, "created": Number, "status": String, "title": String},
		PartitionKey: "user",
		SortKey:      "created",
		LocalIndexes: []LocalIndex{{Name: "by-title", SortKey: "title", Projection: Projection{Type: ProjectAll}}},
		GlobalIndexes: []GlobalIndex{{Name: "by-status", PartitionKey: "status", SortKey: "created",
			Projection: Projection{Type: ProjectInclude, NonKeyAttributes: []string{"title"}}}},
		Stream:       StreamNewAndOldImages,
		TTLAttribute: "expires",
	}
}

func TestValidateAcceptsAFullDeclaration(t *testing.T) {
	if err := Validate(todos()); err != nil {
		t.Fatalf("Validate: %v", err)
	}
}

func TestValidateReportsEveryProblem(t *testing.T) {
	long := strings.Repeat("x", 256)
	tests := []struct {
		name   string
		modify func(*Table)
		want   []string
	}{
		{"partition key not a field", func(t *Table) { t.PartitionKey = "owner" },
			[]string{`table "todos": the partition key "owner" is not among the fields; declare it in the fields with its type`}},
		{"no partition key", func(t *Table) { t.PartitionKey = "" },
			[]string{`table "todos": no partition key; set the partition key to one of the fields`}},
		{"sort key not a field and same as gsi key", func(t *Table) {
			t.SortKey = "when"
			t.LocalIndexes = nil
			t.GlobalIndexes[0].SortKey = ""
		}, []string{`table "todos": the sort key "when" is not among the fields; declare it in the fields with its type`}},
		{"short table name", func(t *Table) { t.Name = "td" },
			[]string{`table "td": table name "td" has 2 characters; use 3 to 255`}},
		{"index name with a space and a long one", func(t *Table) {
			t.LocalIndexes[0].Name = "by title"
			t.GlobalIndexes[0].Name = long
		}, []string{
			`table "todos": local index name "by title" contains ' '; use only a-z, A-Z, 0-9, '_', '-' and '.'`,
			`table "todos": global index name "` + long + `" has 256 characters; use 3 to 255`,
		}},
		{"duplicate index names", func(t *Table) { t.GlobalIndexes[0].Name = "by-title" },
			[]string{`table "todos": global index "by-title" has the name of a local index; index names must be unique within a table`}},
		{"lsi without sort key on a table without sort key", func(t *Table) {
			t.SortKey = ""
			t.LocalIndexes[0].SortKey = ""
			t.GlobalIndexes[0].SortKey = ""
		}, []string{
			`table "todos": local index "by-title" needs a table with a sort key; local indexes share the table's partition key and replace its sort key, so add a sort key to the table or use a global index`,
			`table "todos": local index "by-title" has no sort key; set it to one of the fields`,
		}},
		{"too many indexes", func(t *Table) {
			t.LocalIndexes = nil
			t.GlobalIndexes = nil
			for i := range 6 {
				t.LocalIndexes = append(t.LocalIndexes, LocalIndex{Name: fmt.Sprintf("lsi%d", i), SortKey: "title"})
			}
			for i := range 21 {
				t.GlobalIndexes = append(t.GlobalIndexes, GlobalIndex{Name: fmt.Sprintf("gsi%d", i), PartitionKey: "status"})
			}
		}, []string{
			`table "todos": 6 local indexes; DynamoDB allows at most 5 per table`,
			`table "todos": 21 global indexes; DynamoDB allows at most 20 per table by default`,
		}},
		{"gsi keys", func(t *Table) {
			t.GlobalIndexes[0].PartitionKey = ""
			t.GlobalIndexes[0].SortKey = "priority"
		}, []string{
			`table "todos": global index "by-status" has no partition key; set it to one of the fields`,
			`table "todos": global index "by-status" sort key "priority" is not among the fields; declare it in the fields with its type`,
		}},
		{"projections", func(t *Table) {
			t.LocalIndexes[0].Projection = Projection{Type: ProjectAll, NonKeyAttributes: []string{"a", "b"}}
			t.GlobalIndexes[0].Projection = Projection{Type: ProjectInclude}
		}, []string{
			`table "todos": local index "by-title" lists projected attributes a, b but projects ALL; list attributes only with an INCLUDE projection`,
			`table "todos": global index "by-status" has an INCLUDE projection without attributes; list the attributes to project`,
		}},
		{"field type, stream, ttl", func(t *Table) {
			t.Fields["expires"] = String
			t.Fields["title"] = "BOOL"
			t.Stream = "NEW"
		}, []string{
			`table "todos": field "title" has type "BOOL"; use S (string), N (number) or B (binary)`,
			`table "todos": stream view "NEW" is unknown; use KEYS_ONLY, NEW_IMAGE, OLD_IMAGE or NEW_AND_OLD_IMAGES`,
			`table "todos": TTL attribute "expires" is declared with type "S"; DynamoDB expires items by a number (epoch seconds)`,
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tbl := todos()
			tt.modify(&tbl)
			err := Validate(tbl)
			if err == nil {
				t.Fatal("Validate accepted the declaration")
			}
			if got, want := err.Error(), strings.Join(tt.want, "\n"); got != want {
				t.Errorf("Validate error\n got: %s\nwant: %s", got, want)
			}
		})
	}
}

func TestKeyAttributesAreTheUsedKeysOnly(t *testing.T) {
	got := strings.Join(todos().KeyAttributes(), ",")
	if want := "created,status,title,user"; got != want {
		t.Errorf("KeyAttributes = %s, want %s", got, want)
	}
}
