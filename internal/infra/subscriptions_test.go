package infra_test

import (
	"bytes"
	"encoding/json"
	"slices"
	"testing"

	"github.com/stelvio-go/stelvio"
	"github.com/stelvio-go/stelvio/aws/dynamodb"
	"github.com/stelvio-go/stelvio/aws/function"
)

// TestSubscription checks every input of a subscriber's event source mapping and stream permissions,
// and that its function is made like any other.
func TestSubscription(t *testing.T) {
	pl := planOf(t, func(ctx *stelvio.Context) error {
		events := dynamodb.NewTable(ctx, "events", dynamodb.Fields{"pk": dynamodb.String},
			dynamodb.PartitionKey("pk"), dynamodb.Stream(dynamodb.NewAndOldImages))
		events.Subscribe("audit", "functions/reports.handler", dynamodb.BatchSize(25),
			dynamodb.FunctionOptions(function.Memory(256)))
		events.Subscribe("count", "functions/orders.index")
		return nil
	})
	fn := find(t, pl, tFunction, "events-audit")
	if str(fn, "name") != "shop-test-events-audit" || str(fn, "handler") == "" || fn.Inputs["memorySize"] != float64(256) {
		t.Errorf("function inputs %v", fn.Inputs)
	}
	lambda := find(t, pl, tLambda, "events-audit")
	for _, tt := range []struct {
		name  string
		batch int
	}{{"events-audit", 25}, {"events-count", 100}} {
		esm := find(t, pl, "aws:lambda/eventSourceMapping:EventSourceMapping", tt.name+"-stream")
		var buf bytes.Buffer
		enc := json.NewEncoder(&buf)
		enc.SetEscapeHTML(false)
		if err := enc.Encode(esm.Inputs); err != nil {
			t.Fatal(err)
		}
		b := bytes.TrimSpace(buf.Bytes())
		want := `{"batchSize":` + map[int]string{25: "25", 100: "100"}[tt.batch] + `,` +
			`"eventSourceArn":"arn:aws:dynamodb:eu-west-1:123456789012:table/shop-test-events/stream/<Table events streamLabel>",` +
			`"functionName":"arn:aws:lambda:eu-west-1:123456789012:function:shop-test-` + tt.name + `",` +
			`"startingPosition":"LATEST"}`
		if string(b) != want {
			t.Errorf("%s mapping inputs\n%s\nwant\n%s", tt.name, b, want)
		}
		pol := find(t, pl, "aws:iam/rolePolicy:RolePolicy", tt.name+"-stream")
		wantPolicy := `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["dynamodb:DescribeStream","dynamodb:GetRecords","dynamodb:GetShardIterator","dynamodb:ListStreams"],"Resource":["arn:aws:dynamodb:eu-west-1:123456789012:table/shop-test-events/stream/*"]}]}`
		if str(pol, "policy") != wantPolicy {
			t.Errorf("%s stream policy\n%s\nwant\n%s", tt.name, str(pol, "policy"), wantPolicy)
		}
		if role := str(find(t, pl, tRole, tt.name), "name"); role == "" || str(pol, "role") != role {
			t.Errorf("%s stream policy role %q, want the function's role %q", tt.name, str(pol, "role"), role)
		}
		if !slices.Contains(esm.DependsOn, pol.URN) {
			t.Errorf("%s mapping depends on %q, not on the stream policy", tt.name, esm.DependsOn)
		}
		if tt.name == "events-audit" && (esm.Parent != lambda.URN || pol.Parent != lambda.URN) {
			t.Errorf("mapping parent %q, policy parent %q, want the function's component %q", esm.Parent, pol.Parent, lambda.URN)
		}
	}
}
