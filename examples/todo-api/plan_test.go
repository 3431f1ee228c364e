package main

import (
	"context"
	"encoding/json"
	"testing"

	"github.com/stelvio-go/stelvio/internal/app"
	"github.com/stelvio-go/stelvio/internal/plan"
	"github.com/stelvio-go/stelvio/internal/plan/plantest"
)

// TestTodoAPIPlan checks the table, the linked functions' environment and their link policies in the
// offline plan (account 123456789012, us-east-1).
func TestTodoAPIPlan(t *testing.T) {
	pl, err := plan.Run(context.Background(), app.ProgramOf(App(), Run), plan.Options{
		Env: "test", ProjectDir: ".", Packager: plantest.Packager{ProjectDir: "."}, Region: "us-east-1",
	})
	if err != nil {
		t.Fatal(err)
	}
	js := func(v any) string {
		b, err := json.Marshal(v)
		if err != nil {
			t.Fatal(err)
		}
		return string(b)
	}
	const arn = "arn:aws:dynamodb:us-east-1:123456789012:table/todo-api-test-todos"

	// Attribute definitions name the key attributes of the table and its index only.
	tables := pl.OfType("aws:dynamodb/table:Table")
	if len(tables) != 1 {
		t.Fatalf("%d tables, want 1", len(tables))
	}
	wantTable := `{"attributes":[{"name":"created","type":"N"},{"name":"id","type":"S"},{"name":"owner","type":"S"}],` +
		`"billingMode":"PAY_PER_REQUEST",` +
		`"globalSecondaryIndexes":[{"keySchemas":[{"attributeName":"owner","keyType":"HASH"},{"attributeName":"created","keyType":"RANGE"}],"name":"by-owner","projectionType":"ALL"},` +
		`{"keySchemas":[{"attributeName":"owner","keyType":"HASH"},{"attributeName":"created","keyType":"RANGE"}],"name":"owner-ids","projectionType":"KEYS_ONLY"},` +
		`{"keySchemas":[{"attributeName":"owner","keyType":"HASH"},{"attributeName":"created","keyType":"RANGE"}],"name":"owner-titles","nonKeyAttributes":["title"],"projectionType":"INCLUDE"}],` +
		`"hashKey":"id","name":"todo-api-test-todos","streamEnabled":true,"streamViewType":"NEW_AND_OLD_IMAGES"}`
	if got := js(tables[0].Inputs); tables[0].Name != "todos" || got != wantTable {
		t.Errorf("table %s: %s\nwant %s", tables[0].Name, got, wantTable)
	}
	if pl.Outputs["todos-table"] != "todo-api-test-todos" || pl.Outputs["todos-table-arn"] != arn {
		t.Errorf("outputs %v", pl.Outputs)
	}

	readWrite := `{"Effect":"Allow","Action":["dynamodb:BatchGetItem","dynamodb:BatchWriteItem","dynamodb:ConditionCheckItem","dynamodb:DeleteItem","dynamodb:GetItem","dynamodb:PutItem","dynamodb:Query","dynamodb:Scan","dynamodb:UpdateItem"],"Resource":["` + arn + `"]}`
	readOnly := `{"Effect":"Allow","Action":["dynamodb:BatchGetItem","dynamodb:ConditionCheckItem","dynamodb:GetItem","dynamodb:Query","dynamodb:Scan"],"Resource":["` + arn + `"]}`
	indexes := `{"Effect":"Allow","Action":["dynamodb:Query","dynamodb:Scan"],"Resource":["` + arn + `/index/*"]}`
	invoke := `{"Effect":"Allow","Action":["lambda:InvokeFunction"],"Resource":["arn:aws:lambda:us-east-1:123456789012:function:todo-api-test-version"]}`
	const streamARN = arn + `/stream/\u003cTable todos streamLabel\u003e`
	tableEnv := `"STELVIO_TABLE_TODOS_ARN":"` + arn + `","STELVIO_TABLE_TODOS_NAME":"todo-api-test-todos","STELVIO_TABLE_TODOS_STREAM_ARN":"` + streamARN + `"`
	tests := []struct {
		function, env, policy string // policy "" means no link policy
	}{
		{"functions-todos", `{"variables":{` + tableEnv + `}}`, `{"Version":"2012-10-17","Statement":[` + readWrite + `,` + indexes + `]}`},
		{"functions-todo", `{"variables":{` + tableEnv + `}}`, `{"Version":"2012-10-17","Statement":[` + readWrite + `,` + indexes + `]}`},
		{"stats", `{"variables":{"STELVIO_FUNCTION_VERSION_ARN":"arn:aws:lambda:us-east-1:123456789012:function:todo-api-test-version","STELVIO_FUNCTION_VERSION_NAME":"todo-api-test-version",` + tableEnv + `}}`,
			`{"Version":"2012-10-17","Statement":[` + readOnly + `,` + indexes + `,` + invoke + `]}`},
		{"version", `null`, ""},
		{"todos-audit", `null`, ""},
	}
	for _, tt := range tests {
		fn := pl.Find("aws:lambda/function:Function", tt.function)
		if fn == nil {
			t.Errorf("no function %s", tt.function)
			continue
		}
		if got := js(fn.Inputs["environment"]); got != tt.env {
			t.Errorf("%s environment %s\nwant %s", tt.function, got, tt.env)
		}
		p := pl.Find("aws:iam/rolePolicy:RolePolicy", tt.function+"-links")
		switch {
		case p == nil && tt.policy != "":
			t.Errorf("%s has no link policy", tt.function)
		case p != nil && tt.policy == "":
			t.Errorf("%s has a link policy %v", tt.function, p.Inputs)
		case p != nil:
			if got := p.Inputs["policy"]; got != tt.policy {
				t.Errorf("%s link policy %s\nwant %s", tt.function, got, tt.policy)
			}
			if role := p.Inputs["role"]; role != "todo-api-test-"+tt.function+"-role" {
				t.Errorf("%s link policy on role %v", tt.function, role)
			}
		}
	}

	// The subscriber of the table's stream: an event source mapping from the latest record, batches
	// of 10, and the permission to read the stream on the function's role.
	esm := pl.Find("aws:lambda/eventSourceMapping:EventSourceMapping", "todos-audit-stream")
	if esm == nil {
		t.Fatal("no event source mapping for the subscriber todos-audit")
	}
	wantESM := `{"batchSize":10,"eventSourceArn":"arn:aws:dynamodb:us-east-1:123456789012:table/todo-api-test-todos/stream/\u003cTable todos streamLabel\u003e",` +
		`"functionName":"arn:aws:lambda:us-east-1:123456789012:function:todo-api-test-todos-audit","startingPosition":"LATEST"}`
	if got := js(esm.Inputs); got != wantESM {
		t.Errorf("event source mapping %s\nwant %s", got, wantESM)
	}
	sp := pl.Find("aws:iam/rolePolicy:RolePolicy", "todos-audit-stream")
	if sp == nil {
		t.Fatal("no stream policy for the subscriber todos-audit")
	}
	wantPolicy := `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["dynamodb:DescribeStream","dynamodb:GetRecords","dynamodb:GetShardIterator","dynamodb:ListStreams"],"Resource":["` + arn + `/stream/*"]}]}`
	if sp.Inputs["policy"] != wantPolicy || sp.Inputs["role"] != "todo-api-test-todos-audit-role" {
		t.Errorf("stream policy %v on role %v\nwant %s", sp.Inputs["policy"], sp.Inputs["role"], wantPolicy)
	}
}
