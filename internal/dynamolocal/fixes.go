package dynamolocal

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"strings"
)

// The listener completes two kinds of single-item write answers the engine gets wrong.
//
// The engine ignores ReturnValuesOnConditionCheckFailure. DynamoDB then puts the item as it was
// into the ConditionalCheckFailedException
// (https://docs.aws.amazon.com/amazondynamodb/latest/APIReference/API_PutItem.html,
// API_UpdateItem.html, API_DeleteItem.html). The listener fills it in: it notes such requests and,
// on a failed condition, reads the item with a consistent GetItem.

type failureItemKey struct{}

type failureItemRequest struct {
	Op                                  string `json:"-"`
	TableName                           string
	Key                                 map[string]json.RawMessage
	Item                                map[string]json.RawMessage
	ReturnValuesOnConditionCheckFailure string
}

var singleItemWrites = map[string]bool{"PutItem": true, "UpdateItem": true, "DeleteItem": true}

// noteFailureItem returns r with the request attached when it asks for the item on a failed
// condition.
func noteFailureItem(r *http.Request, op string, body []byte) *http.Request {
	if !singleItemWrites[op] {
		return r
	}
	var req failureItemRequest
	if json.Unmarshal(body, &req) != nil {
		return r
	}
	req.Op = op
	if req.ReturnValuesOnConditionCheckFailure != "ALL_OLD" && req.Op != "PutItem" {
		return r
	}
	return r.WithContext(context.WithValue(r.Context(), failureItemKey{}, &req))
}

// addFailureItem adds "Item" to a ConditionalCheckFailedException answer when the request asked
// for it and the item exists; any trouble leaves the answer as it was.
func (s *Server) addFailureItem(ctx context.Context, body []byte) []byte {
	req, ok := ctx.Value(failureItemKey{}).(*failureItemRequest)
	if !ok || req.ReturnValuesOnConditionCheckFailure != "ALL_OLD" || !bytes.Contains(body, []byte("ConditionalCheckFailedException")) {
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

// The engine answers a PutItem whose item lacks a key attribute or has one of the wrong type with
// the message DynamoDB gives for a wrong Key ("The provided key element does not match the
// schema"). DynamoDB names the attribute (ValidationException,
// https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/Programming.Errors.html; the
// texts are DynamoDB's answers as users report them): "One or more parameter values were invalid:
// Missing the key user in the item" and "... Type mismatch for key user expected: S actual: N".
func (s *Server) fixPutKeyMessage(ctx context.Context, body []byte) []byte {
	req, ok := ctx.Value(failureItemKey{}).(*failureItemRequest)
	if !ok || req.Op != "PutItem" || !bytes.Contains(body, []byte("The provided key element does not match the schema")) {
		return body
	}
	d, err := s.describe(ctx, req.TableName)
	if err != nil {
		return body
	}
	var schema []keyElem
	var defs []attrDef
	if json.Unmarshal(d.KeySchema, &schema) != nil || json.Unmarshal(d.AttributeDefinitions, &defs) != nil {
		return body
	}
	types := map[string]string{}
	for _, a := range defs {
		types[a.AttributeName] = a.AttributeType
	}
	msg := ""
	for _, k := range schema {
		raw, ok := req.Item[k.AttributeName]
		if !ok {
			msg = "One or more parameter values were invalid: Missing the key " + k.AttributeName + " in the item"
			break
		}
		var v map[string]json.RawMessage
		if json.Unmarshal(raw, &v) != nil || len(v) != 1 {
			return body
		}
		for actual := range v {
			if actual != types[k.AttributeName] {
				msg = "One or more parameter values were invalid: Type mismatch for key " + k.AttributeName +
					" expected: " + types[k.AttributeName] + " actual: " + actual
			}
		}
		if msg != "" {
			break
		}
	}
	if msg == "" {
		return body
	}
	var e map[string]any
	if json.Unmarshal(body, &e) != nil {
		return body
	}
	return withMessage(body, e, msg)
}

// withMessage is the error answer e (decoded from body) with msg as its message, whichever of
// "message" and "Message" it has; body when it cannot be encoded.
func withMessage(body []byte, e map[string]any, msg string) []byte {
	for _, k := range []string{"message", "Message"} {
		if _, ok := e[k]; ok {
			e[k] = msg
		}
	}
	fixed, err := json.Marshal(e)
	if err != nil {
		return body
	}
	return fixed
}

// fixCancellation completes a TransactionCanceledException answer the way DynamoDB writes it: an item
// whose part of the transaction was fine has the reason code "None"
// (https://docs.aws.amazon.com/amazondynamodb/latest/APIReference/API_TransactWriteItems.html),
// and the message lists the codes in request order. The engine leaves such codes empty and names
// a type instead of the codes in its message.
func fixCancellation(body []byte) []byte {
	var e map[string]any
	if err := json.Unmarshal(body, &e); err != nil {
		return body
	}
	reasons, ok := e["CancellationReasons"].([]any)
	if !ok {
		return body
	}
	codes := make([]string, 0, len(reasons))
	for _, r := range reasons {
		m, ok := r.(map[string]any)
		if !ok {
			return body
		}
		code, _ := m["Code"].(string)
		if code == "" {
			code = "None"
			m["Code"] = code
		}
		codes = append(codes, code)
	}
	msg := "Transaction cancelled, please refer cancellation reasons for specific reasons [" + strings.Join(codes, ", ") + "]"
	return withMessage(body, e, msg)
}
