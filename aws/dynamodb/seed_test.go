package dynamodb_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"testing"

	"github.com/stelvio-go/stelvio/internal/app"
)

// seed writes n items into the local table todo-api-dev-todos with plain DynamoDB JSON requests.
func seed(tb testing.TB, lt app.LocalTables, n int) {
	tb.Helper()
	endpoint := lt.Env()["AWS_ENDPOINT_URL_DYNAMODB"]
	for i := range n {
		body, err := json.Marshal(map[string]any{"TableName": "todo-api-dev-todos", "Item": map[string]any{
			"id": map[string]string{"S": fmt.Sprint("t", i)}, "owner": map[string]string{"S": "ada"}, "created": map[string]string{"N": fmt.Sprint(i)},
		}})
		if err != nil {
			tb.Fatal(err)
		}
		req, err := http.NewRequest("POST", endpoint, bytes.NewReader(body))
		if err != nil {
			tb.Fatal(err)
		}
		req.Header.Set("X-Amz-Target", "DynamoDB_20120810.PutItem")
		req.Header.Set("Content-Type", "application/x-amz-json-1.0")
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			tb.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != 200 {
			tb.Fatalf("PutItem: %s", resp.Status)
		}
	}
}
