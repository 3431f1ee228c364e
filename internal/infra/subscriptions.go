package infra

import (
	"fmt"

	"github.com/pulumi/pulumi-aws/sdk/v7/go/aws/iam"
	"github.com/pulumi/pulumi-aws/sdk/v7/go/aws/lambda"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/stelvio-go/stelvio/internal/infra/function"
	"github.com/stelvio-go/stelvio/internal/infra/table"
	ilink "github.com/stelvio-go/stelvio/internal/link"
	"github.com/stelvio-go/stelvio/internal/route"
)

// StreamActions are what Lambda needs on a table's stream to read it for a subscriber, on
// "{table ARN}/stream/*" as AWS's example policy has them
// (https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/iam-policy-example-lamda-process-dynamodb-streams.html).
var StreamActions = []string{"dynamodb:DescribeStream", "dynamodb:GetRecords", "dynamodb:GetShardIterator", "dynamodb:ListStreams"}

// StreamPolicy is the policy that lets a subscriber's role read the stream of the table tableARN.
func StreamPolicy(tableARN string) (string, error) {
	return ilink.Policy{Version: "2012-10-17", Statement: []ilink.Statement{
		{Effect: "Allow", Action: append([]string{}, StreamActions...), Resource: []string{tableARN + "/stream/*"}},
	}}.JSON()
}

// subscriptions makes, for each subscriber, the stream permissions of its function's role and the
// event source mapping that invokes it with the table's stream records, from the latest ones on.
func subscriptions(ctx *pulumi.Context, t *route.Table, tbls map[string]*table.Table, lambdas map[string]*function.Lambda, res []pulumi.ResourceOption) error {
	for _, s := range t.Subscriptions {
		tb, ok := tbls[s.Table.Name]
		if !ok {
			return fmt.Errorf("subscriber %q: table %q was not made", s.Name, s.Table.Name)
		}
		fn, ok := lambdas[s.Function.Name]
		if !ok {
			return fmt.Errorf("subscriber %q: function %q was not made", s.Name, s.Function.Name)
		}
		opts := append([]pulumi.ResourceOption{pulumi.Parent(fn)}, res...)
		policy := tb.Arn.ApplyT(StreamPolicy).(pulumi.StringOutput)
		perms, err := iam.NewRolePolicy(ctx, s.Function.Name+"-stream", &iam.RolePolicyArgs{
			Role:   fn.Role.Name,
			Policy: policy,
		}, opts...)
		if err != nil {
			return fmt.Errorf("subscriber %q: stream permissions: %w", s.Name, err)
		}
		// Lambda checks that the role may read the stream when the mapping is made.
		if _, err := lambda.NewEventSourceMapping(ctx, s.Function.Name+"-stream", &lambda.EventSourceMappingArgs{
			EventSourceArn:   tb.StreamArn,
			FunctionName:     fn.Arn,
			StartingPosition: pulumi.String("LATEST"),
			BatchSize:        pulumi.Int(s.BatchSize),
		}, append(opts, pulumi.DependsOn([]pulumi.Resource{perms}))...); err != nil {
			return fmt.Errorf("subscriber %q: event source mapping: %w", s.Name, err)
		}
	}
	return nil
}
