package main

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/stelvio-go/stelvio/internal/app"
	"github.com/stelvio-go/stelvio/internal/cli/devrun"
)

// devRun is one `dev` command running in this process.
type devRun struct{ *devrun.Dev }

// startDev runs `dev test --port P` (plus args) as the app's command line does, and waits until it
// answers.
func startDev(t *testing.T, args ...string) *devRun {
	t.Helper()
	return &devRun{devrun.Start(t, app.ProgramOf(App(), Run), "/version", args...)}
}

// call sends a request and decodes the JSON answer (nil for an empty body).
func (d *devRun) call(t *testing.T, method, path, body string) (int, map[string]any) {
	t.Helper()
	req, err := http.NewRequest(method, d.Base+path, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	raw, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	if len(raw) == 0 {
		return resp.StatusCode, nil
	}
	var out map[string]any
	if err := json.Unmarshal(raw, &out); err != nil {
		t.Fatalf("%s %s: %d %s: not JSON: %v\nserver output:\n%s", method, path, resp.StatusCode, raw, err, d.Log.String())
	}
	return resp.StatusCode, out
}

func (d *devRun) expect(t *testing.T, method, path, body string, status int, want map[string]any) map[string]any {
	t.Helper()
	got, out := d.call(t, method, path, body)
	if got != status {
		t.Fatalf("%s %s: status %d (%v), want %d\nserver output:\n%s", method, path, got, out, status, d.Log.String())
	}
	for k, v := range want {
		if fmt.Sprint(out[k]) != fmt.Sprint(v) {
			t.Errorf("%s %s: %s = %v, want %v", method, path, k, out[k], v)
		}
	}
	return out
}

// change waits for the line the stream subscriber (functions/audit.py) logs for the record of event
// on todo id, and returns its fields.
func (d *devRun) change(t *testing.T, event, id string) map[string]any {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for {
		for _, line := range strings.Split(d.Log.String(), "\n") {
			_, js, ok := strings.Cut(line, "[todos-audit] change ")
			if !ok {
				continue
			}
			var c map[string]any
			if err := json.Unmarshal([]byte(js), &c); err != nil {
				t.Fatalf("subscriber line %q: %v", line, err)
			}
			if c["event"] == event && c["id"] == id {
				return c
			}
		}
		if time.Now().After(deadline) {
			t.Fatalf("the subscriber logged no %s of todo %s; output:\n%s", event, id, d.Log.String())
		}
		time.Sleep(100 * time.Millisecond)
	}
}

func jsonOf(t *testing.T, v any) string {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func ids(t *testing.T, out map[string]any) string {
	t.Helper()
	list, ok := out["todos"].([]any)
	if !ok {
		t.Fatalf("no todos list in %v", out)
	}
	var s []string
	for _, it := range list {
		m := it.(map[string]any)
		s = append(s, fmt.Sprintf("%s:%s:%v", m["id"], m["owner"], m["done"]))
	}
	return strings.Join(s, " ")
}

// TestTodoAPIUnderDev runs the app's dev command with the local DynamoDB engine and drives every route
// over HTTP: Python handlers (boto3) and Go handlers (aws-sdk-go-v2) share the linked table; the data
// is still there after dev restarts.
func TestTodoAPIUnderDev(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs the handlers")
	}
	d := startDev(t, "--reset-data")

	d.expect(t, "POST", "/todos", `{"id":"t1","owner":"ada","title":"write docs","created":1}`, 201,
		map[string]any{"id": "t1", "owner": "ada", "title": "write docs", "done": false, "created": 1})
	// The conditional write fails in the engine, and boto3 raises it to the handler.
	d.expect(t, "POST", "/todos", `{"id":"t1","owner":"ada","title":"again","created":9}`, 409,
		map[string]any{"error": "todo t1 exists already", "code": "ConditionalCheckFailedException"})
	d.expect(t, "POST", "/todos", `{"id":"t2","owner":"ada","title":"review","created":2}`, 201, nil)
	d.expect(t, "POST", "/todos", `{"id":"t3","owner":"bob","title":"deploy","created":3}`, 201, nil)

	// The by-owner index, sorted by creation time.
	if got := ids(t, d.expect(t, "GET", "/todos?owner=ada", "", 200, nil)); got != "t1:ada:false t2:ada:false" {
		t.Errorf("todos of ada: %s", got)
	}
	if got := ids(t, d.expect(t, "GET", "/todos?owner=bob", "", 200, nil)); got != "t3:bob:false" {
		t.Errorf("todos of bob: %s", got)
	}

	// Go handlers on the same table.
	d.expect(t, "GET", "/todos/t1", "", 200, map[string]any{"id": "t1", "owner": "ada", "title": "write docs", "done": false, "created": 1})
	d.expect(t, "PATCH", "/todos/t1", `{"done":true}`, 200, map[string]any{"id": "t1", "title": "write docs", "done": true})
	d.expect(t, "PATCH", "/todos/nope", `{"done":true}`, 404, map[string]any{"error": "no todo nope", "code": "ConditionalCheckFailedException"})
	d.expect(t, "DELETE", "/todos/t3", "", 204, nil)
	d.expect(t, "GET", "/todos/t3", "", 404, map[string]any{"error": "no todo t3"})

	// The table's stream subscriber got each change, in Lambda's DynamoDB event
	// (https://docs.aws.amazon.com/lambda/latest/dg/with-ddb.html#services-dynamodb-event).
	ins := d.change(t, "INSERT", "t1")
	region, _ := ins["region"].(string)
	arn, _ := ins["arn"].(string)
	if ins["source"] != "aws:dynamodb" || ins["new"] != "write docs" || ins["old"] != nil || ins["view"] != "NEW_AND_OLD_IMAGES" ||
		region == "" || !strings.HasPrefix(arn, "arn:aws:dynamodb:"+region+":000000000000:table/todo-api-test-todos/stream/") {
		t.Errorf("INSERT record as the subscriber saw it: %v", ins)
	}
	if mod := d.change(t, "MODIFY", "t1"); mod["old"] != "write docs" || mod["new"] != "write docs" || mod["done"] != true {
		t.Errorf("MODIFY record as the subscriber saw it: %v", mod)
	}
	if rem := d.change(t, "REMOVE", "t3"); rem["old"] != "deploy" || rem["new"] != nil {
		t.Errorf("REMOVE record as the subscriber saw it: %v", rem)
	}
	if !strings.Contains(d.Log.String(), "stelvio dev: todos-audit reads the stream of table todos (batches of up to 10 records)\n") {
		t.Errorf("dev did not announce the subscriber; output:\n%s", d.Log.String())
	}
	if !strings.Contains(d.Log.String(), "STREAM todos INSERT") {
		t.Errorf("dev logged no stream batch; output:\n%s", d.Log.String())
	}

	// Links as each function sees them: read-only table and function links (Python), none (Go).
	d.expect(t, "GET", "/stats", "", 200, map[string]any{
		"count":            2,
		"table":            "todo-api-test-todos",
		"version_function": "todo-api-test-version",
		"not_linked":       `link: table "users" is not linked to this function (STELVIO_TABLE_USERS_NAME is not set; table links set: STELVIO_TABLE_TODOS_NAME); link the table to the function in the app`,
	})
	d.expect(t, "GET", "/version", "", 200, map[string]any{
		"not_linked": `link: table "todos" is not linked to this function (STELVIO_TABLE_TODOS_NAME is not set; no table is linked to it); link the table to the function in the app`,
	})

	// What links allow is enforced as IAM enforces the functions' roles on AWS: a read-only link reads
	// but may not write (Python, boto3), a function without a link may not read (Go,
	// aws-sdk-go-v2). The refusal is IAM's
	// (https://docs.aws.amazon.com/IAM/latest/UserGuide/troubleshoot_access-denied.html).
	tableARN := "arn:aws:dynamodb:" + region + ":000000000000:table/todo-api-test-todos"
	refused := func(fn, action string) string {
		return "AccessDeniedException: User: arn:aws:sts::123456789012:assumed-role/todo-api-test-" + fn + "-role/todo-api-test-" + fn +
			" is not authorized to perform: dynamodb:" + action + " on resource: " + tableARN +
			" because no identity-based policy allows the dynamodb:" + action + " action"
	}
	d.expect(t, "GET", "/stats?id=t2", "", 200, map[string]any{"title": "review", "write": refused("stats", "PutItem")})
	d.expect(t, "GET", "/version?table=todo-api-test-todos", "", 200, map[string]any{"read": refused("version", "GetItem")})
	d.expect(t, "GET", "/todos/t2", "", 200, map[string]any{"id": "t2", "owner": "ada", "title": "review"}) // the refused write changed nothing

	// Each index answers with what it projects
	// (https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/GSI.html#GSI.Projections):
	// every attribute (by-owner, ALL), the table's and the index's keys (owner-ids, KEYS_ONLY), those
	// and the title (owner-titles, INCLUDE).
	all := []any{"created", "done", "id", "owner", "title"}
	keys := []any{"created", "id", "owner"}
	titles := []any{"created", "id", "owner", "title"}
	want := map[string][]any{"by-owner": {all, all}, "owner-ids": {keys, keys}, "owner-titles": {titles, titles}}
	out := d.expect(t, "GET", "/stats?owner=ada", "", 200, nil)
	if got, want := jsonOf(t, out["projections"]), jsonOf(t, want); got != want {
		t.Errorf("projections as the Python handler saw them: %s\nwant %s", got, want)
	}
	for index, attrs := range want {
		out := d.expect(t, "GET", "/owners/ada/todos?index="+index, "", 200, map[string]any{"index": index})
		if got, want := jsonOf(t, out["attributes"]), jsonOf(t, attrs); got != want {
			t.Errorf("index %s as the Go handler saw it: %s\nwant %s", index, got, want)
		}
	}
	if code := d.Stop(); code != 0 {
		t.Fatalf("dev exited with %d; output:\n%s", code, d.Log.String())
	}
	if !strings.Contains(d.Log.String(), "local table todo-api-test-todos: created") {
		t.Errorf("dev did not report creating the local table; output:\n%s", d.Log.String())
	}

	// A restart keeps the data.
	d = startDev(t)
	if got := ids(t, d.expect(t, "GET", "/todos", "", 200, nil)); got != "t1:ada:true t2:ada:false" {
		t.Errorf("todos after restart: %s\nserver output:\n%s", got, d.Log.String())
	}
	if code := d.Stop(); code != 0 {
		t.Fatalf("dev exited with %d; output:\n%s", code, d.Log.String())
	}
	// --reset-data starts empty.
	d = startDev(t, "--reset-data")
	if got := ids(t, d.expect(t, "GET", "/todos", "", 200, nil)); got != "" {
		t.Errorf("todos after --reset-data: %s", got)
	}
}
