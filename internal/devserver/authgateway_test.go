package devserver

import (
	"encoding/json"
	"net/http/httptest"
	"reflect"
	"testing"
	"time"
)

// TestInsertAuthorizer: requestContext.authorizer spliced into the event equals the event decoded,
// given the authorizer, and encoded again — even when a query parameter, a header name and a header
// value spell "requestContext".
func TestInsertAuthorizer(t *testing.T) {
	r := httptest.NewRequest("GET", `/me?requestContext=%7B%7D&x=%22requestContext%22%3A%7B`, nil)
	r.Header.Set("RequestContext", `"requestContext":{"a":1}`)
	payload, err := marshalEvent(r, eventInput{resource: "/me", stage: "v1", apiID: "abc", accountID: AccountID,
		requestID: "c6af9ac6-7b61-11e6-9a41-93e8deadbeef", now: time.Date(2026, 11, 25, 9, 30, 15, 0, time.UTC)})
	if err != nil {
		t.Fatal(err)
	}
	auth := map[string]any{"principalId": "ada", "integrationLatency": 3, "user": "ada", "admin": "true"}

	got, err := insertAuthorizer(payload, auth)
	if err != nil {
		t.Fatal(err)
	}
	var gotEv, wantEv map[string]any
	if err := json.Unmarshal(got, &gotEv); err != nil {
		t.Fatalf("spliced event is not JSON: %v\n%s", err, got)
	}
	if err := json.Unmarshal(payload, &wantEv); err != nil {
		t.Fatal(err)
	}
	wantEv["requestContext"].(map[string]any)["authorizer"] = map[string]any{"principalId": "ada", "integrationLatency": 3.0, "user": "ada", "admin": "true"}
	if !reflect.DeepEqual(gotEv, wantEv) {
		t.Errorf("spliced event:\n%s\nwant the event with requestContext.authorizer %v", got, auth)
	}
	if q := gotEv["queryStringParameters"].(map[string]any); q["requestContext"] != "{}" || q["x"] != `"requestContext":{` {
		t.Errorf("query parameters changed: %v", q)
	}

	// An empty requestContext gets the authorizer as its only member; no authorizer leaves the event.
	if got, err := insertAuthorizer([]byte(`{"requestContext":{}}`), map[string]any{"a": "b"}); err != nil || string(got) != `{"requestContext":{"authorizer":{"a":"b"}}}` {
		t.Errorf("empty requestContext: %s %v", got, err)
	}
	if got, err := insertAuthorizer(payload, nil); err != nil || string(got) != string(payload) {
		t.Errorf("nil authorizer changed the event: %v", err)
	}
	if _, err := insertAuthorizer([]byte(`{"resource":"/"}`), map[string]any{"a": "b"}); err == nil || err.Error() != "the event has no requestContext" {
		t.Errorf("event without requestContext: %v", err)
	}
}
