package dynamodb_test

import (
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/stelvio-go/stelvio"
	"github.com/stelvio-go/stelvio/aws/apigateway"
	"github.com/stelvio-go/stelvio/aws/dynamodb"
	"github.com/stelvio-go/stelvio/aws/function"
	"github.com/stelvio-go/stelvio/internal/app"
	"github.com/stelvio-go/stelvio/internal/route"
)

// load runs run as the app "shop" in environment test, with Python handlers functions/a.py and
// functions/b.py.
func load(t *testing.T, run func(*stelvio.Context) error) (*route.Table, error) {
	t.Helper()
	dir := t.TempDir()
	if err := os.MkdirAll(filepath.Join(dir, "functions"), 0o755); err != nil {
		t.Fatal(err)
	}
	for _, f := range []string{"a.py", "b.py"} {
		if err := os.WriteFile(filepath.Join(dir, "functions", f), []byte("def handler(e, c): pass\n"), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	p := app.ProgramOf(stelvio.New("shop"), run)
	return p.Load("test", dir)
}

var fields = dynamodb.Fields{"id": dynamodb.String, "owner": dynamodb.String, "created": dynamodb.Number}

// sourceLine checks that a problem's source is a line of this file holding want.
func sourceLine(t *testing.T, source, want string) {
	t.Helper()
	file, line, ok := strings.Cut(source, ":")
	if !ok || filepath.Base(file) != "dynamodb_test.go" {
		t.Errorf("source %q is not in dynamodb_test.go", source)
		return
	}
	n, err := strconv.Atoi(line)
	if err != nil {
		t.Errorf("source %q has no line", source)
		return
	}
	b, err := os.ReadFile("dynamodb_test.go")
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(string(b), "\n")
	if n < 1 || n > len(lines) || !strings.Contains(lines[n-1], want) {
		t.Errorf("source %s: line does not hold %q", source, want)
	}
}

func TestDeclarationProblems(t *testing.T) {
	tests := []struct {
		name string
		run  func(*stelvio.Context) error
		// want are "subject: message" of each problem, in order; at is what each problem's line holds.
		want []string
		at   []string
	}{
		{
			name: "key not a field",
			run: func(ctx *stelvio.Context) error {
				dynamodb.NewTable(ctx, "todos", fields, dynamodb.PartitionKey("user"), dynamodb.SortKey("id"))
				return nil
			},
			want: []string{`table "todos": the partition key "user" is not among the fields; declare it in the fields with its type`},
			at:   []string{`"todos"`},
		},
		{
			name: "no partition key, local index without table sort key, bad projection attributes",
			run: func(ctx *stelvio.Context) error {
				dynamodb.NewTable(ctx, "todos", fields,
					dynamodb.LocalIndex("by-created", "created", dynamodb.ProjectAll),
					dynamodb.GlobalIndex("by-owner", "owner", "", dynamodb.ProjectInclude()))
				return nil
			},
			want: []string{
				`table "todos": no partition key; set the partition key to one of the fields`,
				`table "todos": local index "by-created" needs a table with a sort key; local indexes share the table's partition key and replace its sort key, so add a sort key to the table or use a global index`,
				`table "todos": global index "by-owner" has an INCLUDE projection without attributes; list the attributes to project`,
			},
			at: []string{`"todos"`, `"todos"`, `"todos"`},
		},
		{
			name: "bad name",
			run: func(ctx *stelvio.Context) error {
				dynamodb.NewTable(ctx, "my todos", fields, dynamodb.PartitionKey("id"))
				return nil
			},
			// One rule for the declared name: stelvio's, which makes a valid DynamoDB name of
			// "{app}-{env}-{name}".
			want: []string{
				`table "my todos": name must start with a letter or digit and contain only letters, digits, - and _`,
			},
			at: []string{`"my todos"`},
		},
		{
			name: "index names keep DynamoDB's rule",
			run: func(ctx *stelvio.Context) error {
				dynamodb.NewTable(ctx, "s", fields, dynamodb.PartitionKey("id"), // short index
					dynamodb.GlobalIndex("by", "owner", "", dynamodb.ProjectAll))
				return nil
			},
			want: []string{`table "s": global index name "by" has 2 characters; use 3 to 255`},
			at:   []string{"// short index"},
		},
		{
			name: "duplicate names",
			run: func(ctx *stelvio.Context) error {
				dynamodb.NewTable(ctx, "todos", fields, dynamodb.PartitionKey("id"))
				dynamodb.NewTable(ctx, "Todos", fields, dynamodb.PartitionKey("id")) // second
				dynamodb.NewTable(ctx, "my-table", fields, dynamodb.PartitionKey("id"))
				dynamodb.NewTable(ctx, "my_table", fields, dynamodb.PartitionKey("id")) // same variables
				return nil
			},
			want: []string{
				`table "Todos": another table is already named "todos" (SRC); give each table its own name (names are not case-sensitive)`,
				`table "my_table": table "my-table" (SRC) has the same link variables STELVIO_TABLE_MY_TABLE_*; rename one of them`,
			},
			at: []string{"// second", "// same variables"},
		},
		{
			name: "link problems",
			run: func(ctx *stelvio.Context) error {
				todos := dynamodb.NewTable(ctx, "todos", fields, dynamodb.PartitionKey("id"))
				a := function.New(ctx, "a", "functions/a.handler")
				function.New(ctx, "b", "functions/b.handler",
					function.Link(todos), function.LinkReadOnly(todos), // twice
					function.LinkReadOnly(a)) // read-only function
				var none *dynamodb.Table
				function.New(ctx, "c", "functions/a.handler", function.Link(none)) // nil
				function.New(ctx, "d", "functions/a.handler",
					function.Link(todos), function.Link(todos)) // same link twice
				return nil
			},
			want: []string{
				`function b: table "todos" is linked with both function.Link and function.LinkReadOnly (the other at SRC); keep one of the two: function.LinkReadOnly to read it only, function.Link to read and write it`,
				`function b: function "a" is linked read-only; read-only links are for tables, so use function.Link`,
				`link: the linked resource is nil; pass a table made with dynamodb.NewTable, a function made with function.New or an api made with apigateway.New or apigateway.NewHTTP`,
				`function d: table "todos" is already linked at SRC; link it once`,
			},
			at: []string{"// twice", "// read-only function", "// nil", "// same link twice"},
		},
		{
			name: "api link cycle",
			run: func(ctx *stelvio.Context) error {
				api := apigateway.New(ctx, "shop-api")
				a := function.New(ctx, "a", "functions/a.handler")
				api.RouteFunction("GET", "/a", a)
				b := function.New(ctx, "b", "functions/b.handler", function.Link(a))
				api.Route("GET", "/b", "functions/b.handler", function.Link(api))                           // self
				function.New(ctx, "c", "functions/a.handler", function.Link(b), function.LinkReadOnly(api)) // read-only api
				return nil
			},
			want: []string{
				`function functions-b: the link to api "shop-api" makes a cycle (function functions-b -> api shop-api -> function functions-b): an API is made after the functions it calls, so none of them can hold its URL; a handler behind the API finds it in the request (requestContext.domainName and requestContext.stage)`,
				`function c: api "shop-api" is linked read-only; read-only links are for tables, so use function.Link`,
			},
			at: []string{"// self", "// read-only api"},
		},
		{
			name: "valid links",
			run: func(ctx *stelvio.Context) error {
				todos := dynamodb.NewTable(ctx, "todos", fields, dynamodb.PartitionKey("id"))
				a := function.New(ctx, "a", "functions/a.handler", function.LinkReadOnly(todos))
				b := function.New(ctx, "b", "functions/b.handler", function.Link(a), function.Link(todos))
				api := apigateway.New(ctx, "shop-api")
				api.RouteFunction("GET", "/b", b)
				function.New(ctx, "c", "functions/a.handler", function.Link(api), function.Link(b))
				return nil
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := load(t, tt.run)
			if tt.want == nil {
				if err != nil {
					t.Fatalf("unexpected problems: %v", err)
				}
				return
			}
			var ps route.Problems
			if !errors.As(err, &ps) {
				t.Fatalf("error %v, want problems", err)
			}
			var got []string
			for _, p := range ps {
				got = append(got, p.Subject+": "+p.Message)
			}
			// The first declaration's source, named in a message, is checked on its own.
			for i, w := range tt.want {
				if i < len(got) && strings.Contains(w, "SRC") {
					before, after, _ := strings.Cut(w, "SRC")
					if strings.HasPrefix(got[i], before) && strings.HasSuffix(got[i], after) {
						src := strings.TrimSuffix(strings.TrimPrefix(got[i], before), after)
						if strings.Contains(before, "linked at") || strings.Contains(before, "the other at") {
							sourceLine(t, src, "function.Link(todos)")
						} else {
							sourceLine(t, src, "dynamodb.NewTable")
						}
						tt.want[i] = before + src + after
					}
				}
			}
			if strings.Join(got, "\n") != strings.Join(tt.want, "\n") {
				t.Fatalf("problems:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(tt.want, "\n"))
			}
			for i, p := range ps {
				sourceLine(t, p.Source, tt.at[i])
			}
		})
	}
}

// TestShortTableName: DynamoDB's 3 to 255 characters apply to the physical name DynamoDB creates
// (https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/HowItWorks.NamingRulesDataTypes.html),
// "{app}-{env}-{name}", not to the declared name.
func TestShortTableName(t *testing.T) {
	tbl, err := load(t, func(ctx *stelvio.Context) error {
		dynamodb.NewTable(ctx, "s", fields, dynamodb.PartitionKey("id"))
		return nil
	})
	if err != nil {
		t.Fatalf("unexpected problems: %v", err)
	}
	if len(tbl.Tables) != 1 {
		t.Fatalf("%d tables, want 1", len(tbl.Tables))
	}
	if got := tbl.Tables[0].PhysicalSpec(tbl.App, tbl.Env).Name; got != "shop-test-s" {
		t.Errorf("physical name %q, want shop-test-s", got)
	}
}

// TestLinksInTable checks what a link gives a function: its variables (without the one the function
// sets itself, which wins with a warning), the table's spec under its physical name.
func TestLinksInTable(t *testing.T) {
	tbl, err := load(t, func(ctx *stelvio.Context) error {
		todos := dynamodb.NewTable(ctx, "todos", fields, dynamodb.PartitionKey("owner"), dynamodb.SortKey("created"),
			dynamodb.LocalIndex("by-id", "id", dynamodb.ProjectKeysOnly),
			dynamodb.Stream(dynamodb.NewAndOldImages), dynamodb.TTL("expires"))
		a := function.New(ctx, "a", "functions/a.handler")
		function.New(ctx, "b", "functions/b.handler",
			function.Env("STELVIO_TABLE_TODOS_NAME", "mine"),
			function.LinkReadOnly(todos), function.Link(a)) // links of b
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(tbl.Warnings) != 1 {
		t.Fatalf("warnings %v, want 1", tbl.Warnings)
	}
	w := tbl.Warnings[0]
	if got, want := w.Subject+": "+w.Message, `function b: environment variable STELVIO_TABLE_TODOS_NAME is set by the function and by its link to table "todos"; the function's value is used, so remove it unless that is intended`; got != want {
		t.Errorf("warning %q\nwant %q", got, want)
	}
	sourceLine(t, w.Source, "// links of b")

	b := tbl.FunctionByName("b")
	var vars []string
	for name, v := range b.LinkVariables() {
		vars = append(vars, name+"="+v.Link.Name()+"."+v.Attr)
	}
	slices.Sort(vars)
	want := "STELVIO_FUNCTION_A_ARN=a.ARN STELVIO_FUNCTION_A_NAME=a.NAME STELVIO_TABLE_TODOS_ARN=todos.ARN STELVIO_TABLE_TODOS_STREAM_ARN=todos.STREAM_ARN"
	if got := strings.Join(vars, " "); got != want {
		t.Errorf("link variables %s\nwant %s", got, want)
	}
	if b.Environment["STELVIO_TABLE_TODOS_NAME"] != "mine" {
		t.Errorf("the function's own variable is %q, want mine", b.Environment["STELVIO_TABLE_TODOS_NAME"])
	}
	if !b.Links[0].ReadOnly || b.Links[1].ReadOnly || b.Links[1].Function != tbl.FunctionByName("a") {
		t.Errorf("links %+v %+v: want todos read-only, then function a", *b.Links[0], *b.Links[1])
	}
	if len(tbl.Tables) != 1 {
		t.Fatalf("%d tables", len(tbl.Tables))
	}
	spec := tbl.Tables[0].PhysicalSpec(tbl.App, tbl.Env)
	if spec.Name != "shop-test-todos" || spec.PartitionKey != "owner" || spec.SortKey != "created" || spec.Stream != "NEW_AND_OLD_IMAGES" ||
		spec.TTLAttribute != "expires" || len(spec.LocalIndexes) != 1 || spec.LocalIndexes[0].Projection.Type != "KEYS_ONLY" {
		t.Errorf("physical spec %+v", spec)
	}
}

// bucket is a type of the user's that has a LinkKind method: it compiles as a Linkable, and is
// reported.
type bucket struct{}

func (bucket) LinkKind() string { return "bucket" }

func TestLinkForeignType(t *testing.T) {
	_, err := load(t, func(ctx *stelvio.Context) error {
		function.New(ctx, "a", "functions/a.handler", function.Link(bucket{}))
		return nil
	})
	want := `link: a dynamodb_test.bucket (bucket) cannot be linked; pass a table made with dynamodb.NewTable, a function made with function.New or an api made with apigateway.New or apigateway.NewHTTP`
	var ps route.Problems
	if !errors.As(err, &ps) || len(ps) != 1 || ps[0].Subject+": "+ps[0].Message != want {
		t.Fatalf("problems %v\nwant %s", err, want)
	}
}
