package infra_test

import (
	"encoding/json"
	"testing"

	"github.com/stelvio-go/stelvio"
	"github.com/stelvio-go/stelvio/aws/apigateway"
	"github.com/stelvio-go/stelvio/aws/dynamodb"
	"github.com/stelvio-go/stelvio/aws/function"
)

// TestTable checks every input of a table with a sort key, both kinds of index, a stream and a TTL,
// and the stream ARN a linked function gets.
func TestTable(t *testing.T) {
	pl := planOf(t, func(ctx *stelvio.Context) error {
		events := dynamodb.NewTable(ctx, "events",
			dynamodb.Fields{"pk": dynamodb.String, "sk": dynamodb.String, "at": dynamodb.Number, "kind": dynamodb.String, "blob": dynamodb.Binary},
			dynamodb.PartitionKey("pk"), dynamodb.SortKey("sk"),
			dynamodb.LocalIndex("by-at", "at", dynamodb.ProjectInclude("title", "state")),
			dynamodb.GlobalIndex("by-kind", "kind", "", dynamodb.ProjectKeysOnly),
			dynamodb.Stream(dynamodb.NewAndOldImages),
			dynamodb.TTL("expires"),
		)
		function.New(ctx, "reports", "functions/reports.handler", function.LinkReadOnly(events))
		return nil
	})
	tb := find(t, pl, "aws:dynamodb/table:Table", "events")
	b, err := json.Marshal(tb.Inputs)
	if err != nil {
		t.Fatal(err)
	}
	// "blob" is a field no key uses: DynamoDB refuses its definition, so it is left out.
	want := `{"attributes":[{"name":"at","type":"N"},{"name":"kind","type":"S"},{"name":"pk","type":"S"},{"name":"sk","type":"S"}],` +
		`"billingMode":"PAY_PER_REQUEST",` +
		`"globalSecondaryIndexes":[{"keySchemas":[{"attributeName":"kind","keyType":"HASH"}],"name":"by-kind","projectionType":"KEYS_ONLY"}],` +
		`"hashKey":"pk",` +
		`"localSecondaryIndexes":[{"name":"by-at","nonKeyAttributes":["title","state"],"projectionType":"INCLUDE","rangeKey":"at"}],` +
		`"name":"shop-test-events","rangeKey":"sk","streamEnabled":true,"streamViewType":"NEW_AND_OLD_IMAGES",` +
		`"ttl":{"attributeName":"expires","enabled":true}}`
	if string(b) != want {
		t.Errorf("table inputs\n%s\nwant\n%s", b, want)
	}
	comp := find(t, pl, "stelvio:dynamodb:Table", "events")
	if tb.Parent != comp.URN {
		t.Errorf("table parent %q, want the component %q", tb.Parent, comp.URN)
	}
	fn := find(t, pl, tFunction, "reports")
	env, _ := fn.Inputs["environment"].(map[string]any)
	vars, _ := env["variables"].(map[string]any)
	if got := vars["STELVIO_TABLE_EVENTS_STREAM_ARN"]; got != "arn:aws:dynamodb:eu-west-1:123456789012:table/shop-test-events/stream/<Table events streamLabel>" {
		t.Errorf("stream ARN variable %v", got)
	}
}

// TestApiLink checks that a function linked to an API it is not called by gets the stage's URL (the
// custom domain's URL when the API has one), and no policy for it.
func TestApiLink(t *testing.T) {
	pl := planOf(t, func(ctx *stelvio.Context) error {
		api := apigateway.New(ctx, "api")
		api.Route("GET", "/orders", "functions/orders.index")
		function.New(ctx, "reports", "functions/reports.handler", function.Link(api))
		return nil
	})
	fn := find(t, pl, tFunction, "reports")
	env, _ := fn.Inputs["environment"].(map[string]any)
	vars, _ := env["variables"].(map[string]any)
	if got, want := vars["STELVIO_API_API_URL"], "https://<RestApi api id>.execute-api.eu-west-1.amazonaws.com/v1"; got != want || len(vars) != 1 {
		t.Errorf("variables %v, want only STELVIO_API_API_URL=%s", vars, want)
	}
	if p := pl.Find("aws:iam/rolePolicy:RolePolicy", "reports-links"); p != nil {
		t.Errorf("an api link made a policy: %v", p.Inputs)
	}
}

// TestHttpApiLink checks that a function linked to an HTTP API gets, as for a REST API, the API's URL
// in STELVIO_API_<NAME>_URL: the endpoint that serves its $default stage, with no stage path and no
// trailing slash (a REST API's link has none), and no policy for it. The HTTP API is made before the
// function.
func TestHttpApiLink(t *testing.T) {
	pl := planOf(t, func(ctx *stelvio.Context) error {
		api := apigateway.NewHTTP(ctx, "orders-api")
		api.Route("GET", "/orders", "functions/orders.index")
		function.New(ctx, "reports", "functions/reports.handler", function.Link(api))
		return nil
	})
	fn := find(t, pl, tFunction, "reports")
	env, _ := fn.Inputs["environment"].(map[string]any)
	vars, _ := env["variables"].(map[string]any)
	if got, want := vars["STELVIO_API_ORDERS_API_URL"], "https://<Api orders-api id>.execute-api.eu-west-1.amazonaws.com"; got != want || len(vars) != 1 {
		t.Errorf("variables %v, want only STELVIO_API_ORDERS_API_URL=%s", vars, want)
	}
	if p := pl.Find("aws:iam/rolePolicy:RolePolicy", "reports-links"); p != nil {
		t.Errorf("an api link made a policy: %v", p.Inputs)
	}
}
