package dynamolocal

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"strings"
)

// The engine ignores ReturnValuesOnConditionCheckFailure. DynamoDB then puts the item as it was
// into the ConditionalCheckFailedException
// (https://docs.aws.amazon.com/amazondynamodb/latest/APIReference/API_PutItem.html,
// API_UpdateItem.html, API_DeleteItem.html). The listener fills it in: it notes such requests and,
// on a failed condition, reads the item with a consistent GetItem.

type failureItemKey struct{}

type failureItemRequest struct {
	TableName                           string
	Key                                 map[string]json.RawMessage
	Item                                map[string]json.RawMessage
	ReturnValuesOnConditionCheckFailure string
}

var singleItemWrites = map[string]bool{"PutItem": true, "UpdateItem": true, "DeleteItem": true}

// noteFailureItem returns r with the request attached when it asks for the item on a failed
// condition; the body is restored for the engine either way.
func noteFailureItem(r *http.Request) (*http.Request, error) {
	if !singleItemWrites[strings.TrimPrefix(r.Header.Get("X-Amz-Target"), dynamoPrefix)] || r.Body == nil {
		return r, nil
	}
	body, err := io.ReadAll(r.Body)
	r.Body.Close()
	if err != nil {
		return nil, err
	}
	r.Body = io.NopCloser(bytes.NewReader(body))
	var req failureItemRequest
	if json.Unmarshal(body, &req) != nil || req.ReturnValuesOnConditionCheckFailure != "ALL_OLD" {
		return r, nil
	}
	return r.WithContext(context.WithValue(r.Context(), failureItemKey{}, &req)), nil
}

// addFailureItem adds "Item" to a ConditionalCheckFailedException answer when the request asked
// for it and the item exists; any trouble leaves the answer as it was.
func (s *Server) addFailureItem(ctx context.Context, body []byte) []byte {
	req, ok := ctx.Value(failureItemKey{}).(*failureItemRequest)
	if !ok || !bytes.Contains(body, []byte("ConditionalCheckFailedException")) {
		return body
	}
	var e map[string]any
	if json.Unmarshal(body, &e) != nil {
		return body
	}
	key := req.Key
	if key == nil { // PutItem: the key attributes of the item
		d, err := s.describe(ctx, req.TableName)
		if err != nil {
			return body
		}
		var schema []keyElem
		if json.Unmarshal(d.KeySchema, &schema) != nil {
			return body
		}
		key = map[string]json.RawMessage{}
		for _, k := range schema {
			key[k.AttributeName] = req.Item[k.AttributeName]
		}
	}
	var out struct{ Item json.RawMessage }
	if s.call(ctx, "GetItem", map[string]any{"TableName": req.TableName, "Key": key, "ConsistentRead": true}, &out) != nil || len(out.Item) == 0 {
		return body
	}
	e["Item"] = out.Item
	fixed, err := json.Marshal(e)
	if err != nil {
		return body
	}
	return fixed
}
