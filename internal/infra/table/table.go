// Package table is the Pulumi component of one DynamoDB table of the app.
package table

import (
	"fmt"

	"github.com/pulumi/pulumi-aws/sdk/v7/go/aws/dynamodb"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/stelvio-go/stelvio/internal/route"
	"github.com/stelvio-go/stelvio/internal/tablespec"
)

// Type is the Pulumi type of the table component.
const Type = "stelvio:dynamodb:Table"

// Args are the inputs of New.
type Args struct {
	// App and Env make the physical name: "{app}-{env}-{table}".
	App, Env string
	// Table is the table of the app's route table.
	Table *route.DynamoTable
}

// Table is one DynamoDB table of the app.
type Table struct {
	pulumi.ResourceState

	// Table is the DynamoDB table.
	Table *dynamodb.Table
	// Name is the physical name; Arn and StreamArn its ARNs (StreamArn is "" without a stream).
	Name      pulumi.StringOutput
	Arn       pulumi.StringOutput
	StreamArn pulumi.StringOutput
}

// New creates the table: on demand (PAY_PER_REQUEST), attribute definitions for the key attributes of
// the table and its indexes only (DynamoDB refuses definitions no key uses: "Some AttributeDefinitions
// are not used", https://docs.aws.amazon.com/amazondynamodb/latest/APIReference/API_CreateTable.html),
// its indexes with their projections, its stream and its TTL attribute.
func New(ctx *pulumi.Context, name string, args *Args, opts ...pulumi.ResourceOption) (*Table, error) {
	if args == nil || args.Table == nil {
		return nil, fmt.Errorf("table %q: no table given", name)
	}
	spec := args.Table.Spec
	t := &Table{}
	if err := ctx.RegisterComponentResource(Type, name, t, opts...); err != nil {
		return nil, err
	}
	targs := &dynamodb.TableArgs{
		Name:        pulumi.String(args.Table.Physical(args.App, args.Env)),
		BillingMode: pulumi.String("PAY_PER_REQUEST"),
		HashKey:     pulumi.String(spec.PartitionKey),
	}
	if spec.SortKey != "" {
		targs.RangeKey = pulumi.String(spec.SortKey)
	}
	var attrs dynamodb.TableAttributeArray
	for _, a := range spec.KeyAttributes() {
		attrs = append(attrs, dynamodb.TableAttributeArgs{Name: pulumi.String(a), Type: pulumi.String(string(spec.Fields[a]))})
	}
	targs.Attributes = attrs
	var gsis dynamodb.TableGlobalSecondaryIndexArray
	for _, ix := range spec.GlobalIndexes {
		keys := dynamodb.TableGlobalSecondaryIndexKeySchemaArray{
			dynamodb.TableGlobalSecondaryIndexKeySchemaArgs{AttributeName: pulumi.String(ix.PartitionKey), KeyType: pulumi.String("HASH")},
		}
		if ix.SortKey != "" {
			keys = append(keys, dynamodb.TableGlobalSecondaryIndexKeySchemaArgs{AttributeName: pulumi.String(ix.SortKey), KeyType: pulumi.String("RANGE")})
		}
		g := dynamodb.TableGlobalSecondaryIndexArgs{Name: pulumi.String(ix.Name), KeySchemas: keys, ProjectionType: pulumi.String(projection(ix.Projection.Type))}
		if len(ix.Projection.NonKeyAttributes) > 0 {
			g.NonKeyAttributes = pulumi.ToStringArray(ix.Projection.NonKeyAttributes)
		}
		gsis = append(gsis, g)
	}
	if len(gsis) > 0 {
		targs.GlobalSecondaryIndexes = gsis
	}
	var lsis dynamodb.TableLocalSecondaryIndexArray
	for _, ix := range spec.LocalIndexes {
		l := dynamodb.TableLocalSecondaryIndexArgs{Name: pulumi.String(ix.Name), RangeKey: pulumi.String(ix.SortKey), ProjectionType: pulumi.String(projection(ix.Projection.Type))}
		if len(ix.Projection.NonKeyAttributes) > 0 {
			l.NonKeyAttributes = pulumi.ToStringArray(ix.Projection.NonKeyAttributes)
		}
		lsis = append(lsis, l)
	}
	if len(lsis) > 0 {
		targs.LocalSecondaryIndexes = lsis
	}
	if spec.Stream != "" {
		targs.StreamEnabled = pulumi.Bool(true)
		targs.StreamViewType = pulumi.String(string(spec.Stream))
	}
	if spec.TTLAttribute != "" {
		targs.Ttl = dynamodb.TableTtlArgs{AttributeName: pulumi.String(spec.TTLAttribute), Enabled: pulumi.Bool(true)}
	}
	tbl, err := dynamodb.NewTable(ctx, name, targs, pulumi.Parent(t))
	if err != nil {
		return nil, fmt.Errorf("table %q: %w", name, err)
	}
	t.Table, t.Name, t.Arn = tbl, tbl.Name, tbl.Arn
	t.StreamArn = tbl.StreamArn
	if err := ctx.RegisterResourceOutputs(t, pulumi.Map{"name": tbl.Name, "arn": tbl.Arn, "streamArn": tbl.StreamArn}); err != nil {
		return nil, err
	}
	return t, nil
}

// projection is the projection type DynamoDB is given: KEYS_ONLY when none was.
func projection(p tablespec.ProjectionType) string {
	if p == "" {
		return "KEYS_ONLY"
	}
	return string(p)
}
