package dynamodb_test

import (
	"errors"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/stelvio-go/stelvio"
	"github.com/stelvio-go/stelvio/aws/dynamodb"
	"github.com/stelvio-go/stelvio/aws/function"
	"github.com/stelvio-go/stelvio/internal/route"
)

// lineOf checks that source is a line of subscribe_test.go holding want.
func lineOf(t *testing.T, source, want string) {
	t.Helper()
	file, line, _ := strings.Cut(source, ":")
	n, err := strconv.Atoi(line)
	if filepath.Base(file) != "subscribe_test.go" || err != nil {
		t.Errorf("source %q is not a line of subscribe_test.go", source)
		return
	}
	b, err := os.ReadFile("subscribe_test.go")
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(string(b), "\n")
	if n < 1 || n > len(lines) || !strings.Contains(lines[n-1], want) {
		t.Errorf("source %s: line does not hold %q", source, want)
	}
}

func TestSubscribeProblems(t *testing.T) {
	tests := []struct {
		name string
		run  func(*stelvio.Context) error
		want []string // "subject: message"
		at   []string // what each problem's line holds
	}{
		{
			name: "no stream",
			run: func(ctx *stelvio.Context) error {
				todos := dynamodb.NewTable(ctx, "todos", fields, dynamodb.PartitionKey("id"))
				todos.Subscribe("audit", "functions/a.handler") // no stream
				return nil
			},
			want: []string{`subscriber "audit" of table "todos": table "todos" has no stream; turn it on with dynamodb.Stream(dynamodb.NewAndOldImages) (or another view) in dynamodb.NewTable`},
			at:   []string{"// no stream"},
		},
		{
			name: "batch sizes",
			run: func(ctx *stelvio.Context) error {
				todos := dynamodb.NewTable(ctx, "todos", fields, dynamodb.PartitionKey("id"), dynamodb.Stream(dynamodb.NewImage))
				todos.Subscribe("zero", "functions/a.handler", dynamodb.BatchSize(0))    // zero
				todos.Subscribe("big", "functions/a.handler", dynamodb.BatchSize(10001)) // big
				todos.Subscribe("max", "functions/a.handler", dynamodb.BatchSize(10000))
				return nil
			},
			want: []string{
				`subscriber "zero" of table "todos": batch size 0 is out of range; a DynamoDB stream's event source mapping takes 1 to 10000 records per batch`,
				`subscriber "big" of table "todos": batch size 10001 is out of range; a DynamoDB stream's event source mapping takes 1 to 10000 records per batch`,
			},
			at: []string{"// zero", "// big"},
		},
		{
			name: "duplicate and bad names, bad handler, bad function option",
			run: func(ctx *stelvio.Context) error {
				todos := dynamodb.NewTable(ctx, "todos", fields, dynamodb.PartitionKey("id"), dynamodb.Stream(dynamodb.KeysOnly))
				todos.Subscribe("audit", "functions/a.handler")
				todos.Subscribe("Audit", "functions/b.handler")                                                             // duplicate
				todos.Subscribe("my audit", "functions/a.handler")                                                          // bad name
				todos.Subscribe("missing", "functions/nothere.handler")                                                     // missing file
				todos.Subscribe("slow", "functions/a.handler", dynamodb.FunctionOptions(function.Timeout(901*time.Second))) // timeout
				return nil
			},
			want: []string{
				`subscriber "Audit" of table "todos": subscriber "audit" is already declared on table "todos" at SRC; give each subscriber of a table its own name (names are not case-sensitive)`,
				`subscriber "my audit" of table "todos": name must start with a letter or digit and contain only letters, digits, - and _`,
				`subscriber "missing" of table "todos": MISSING`,
				`subscriber "slow" of table "todos": timeout 15m1s is out of range; Lambda allows 1s to 15m0s (900 seconds)`,
			},
			at: []string{"// duplicate", "// bad name", "// missing file", "// timeout"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := load(t, tt.run)
			var ps route.Problems
			if !errors.As(err, &ps) {
				t.Fatalf("error %v, want problems", err)
			}
			if len(ps) != len(tt.want) {
				t.Fatalf("%d problems, want %d:\n%v", len(ps), len(tt.want), err)
			}
			for i, p := range ps {
				got := p.Subject + ": " + p.Message
				want := tt.want[i]
				if before, after, ok := strings.Cut(want, "SRC"); ok && strings.HasPrefix(got, before) && strings.HasSuffix(got, after) {
					src := strings.TrimSuffix(strings.TrimPrefix(got, before), after)
					lineOf(t, src, `todos.Subscribe("audit"`)
					want = got
				}
				if strings.HasSuffix(want, "MISSING") {
					// The handler's resolution is handler.Resolve's, tested there; the subject is ours.
					if !strings.HasPrefix(got, strings.TrimSuffix(want, "MISSING")) || !strings.Contains(got, "nothere") {
						t.Errorf("problem %d: %s", i, got)
					}
				} else if got != want {
					t.Errorf("problem %d\n got: %s\nwant: %s", i, got, want)
				}
				lineOf(t, p.Source, tt.at[i])
			}
		})
	}
}

// TestSubscribe checks the subscription and function a valid subscriber becomes.
func TestSubscribe(t *testing.T) {
	var sub *dynamodb.Subscriber
	tb, err := load(t, func(ctx *stelvio.Context) error {
		todos := dynamodb.NewTable(ctx, "todos", fields, dynamodb.PartitionKey("id"), dynamodb.Stream(dynamodb.NewAndOldImages))
		sub = todos.Subscribe("audit", "functions/a.handler", dynamodb.BatchSize(25),
			dynamodb.FunctionOptions(function.Memory(256), function.Link(todos)))
		todos.Subscribe("count", "functions/b.handler")
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if sub.Name() != "audit" {
		t.Errorf("Name() = %q", sub.Name())
	}
	if len(tb.Subscriptions) != 2 {
		t.Fatalf("%d subscriptions, want 2", len(tb.Subscriptions))
	}
	s := tb.Subscriptions[0]
	fn := s.Function
	if s.Name != "audit" || s.Table.Name != "todos" || s.BatchSize != 25 || fn.Name != "todos-audit" ||
		fn.Memory != 256 || fn.Entry.String() != "a.handler" || !fn.Instance || fn.Subscription != s || len(fn.Links) != 1 {
		t.Errorf("subscription %+v, function %+v", s, fn)
	}
	if c := tb.Subscriptions[1]; c.BatchSize != route.DefaultBatchSize || c.Function.Name != "todos-count" {
		t.Errorf("default subscription %+v", c)
	}
	if tb.FunctionByName("todos-count") == nil {
		t.Error("the subscriber's function is not among the app's functions")
	}
}
