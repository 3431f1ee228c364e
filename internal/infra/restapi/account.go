package restapi

import (
	"fmt"
	"strings"

	"github.com/pulumi/pulumi-aws/sdk/v7/go/aws/apigateway"
	"github.com/pulumi/pulumi-aws/sdk/v7/go/aws/iam"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/stelvio-go/stelvio/internal/naming"
)

// AccountType is the Pulumi type of the Account component.
const AccountType = "stelvio:apigateway:Account"

// AccountID is the id the API Gateway account settings of a region are read with; the provider reads
// the settings of the caller's account whatever the id.
const AccountID = "api-gateway-account"

// CloudWatchTrustPolicy lets API Gateway assume the CloudWatch role.
const CloudWatchTrustPolicy = `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"apigateway.amazonaws.com"},"Action":"sts:AssumeRole"}]}`

// AccountArgs are the inputs of NewAccount.
type AccountArgs struct {
	// App and Env make the name of the role created when the account has none.
	App, Env string
}

// Account makes sure the region's API Gateway account settings name a CloudWatch role, which API
// Gateway needs before any stage may log.
type Account struct {
	pulumi.ResourceState

	// CloudWatchRoleArn is the account's role: the one it already had, or the one created.
	CloudWatchRoleArn pulumi.StringOutput
}

// CloudWatchRoleName is the physical name of the CloudWatch role an app's environment creates when the
// account has none.
func CloudWatchRoleName(app, env string) string {
	return naming.Physical(app, env, "apigateway-cloudwatch", naming.RoleLimit)
}

// NewAccount reads the account settings and, only when they name no CloudWatch role (or name the one
// this app's environment created earlier, so it stays declared), creates a role with the
// AmazonAPIGatewayPushToCloudWatchLogs policy and sets it on the account. Both are kept on delete:
// other apps of the account may log through them by then.
func NewAccount(ctx *pulumi.Context, name string, args *AccountArgs, opts ...pulumi.ResourceOption) (*Account, error) {
	if args == nil {
		args = &AccountArgs{}
	}
	a := &Account{}
	if err := ctx.RegisterComponentResource(AccountType, name, a, opts...); err != nil {
		return nil, err
	}
	parent := pulumi.Parent(a)
	current, err := apigateway.GetAccount(ctx, name+"-current", pulumi.ID(AccountID), nil, parent)
	if err != nil {
		return nil, fmt.Errorf("read api gateway account settings: %w", err)
	}
	roleName := CloudWatchRoleName(args.App, args.Env)
	a.CloudWatchRoleArn = current.CloudwatchRoleArn.ApplyT(func(arn string) (pulumi.StringOutput, error) {
		if arn != "" && !strings.HasSuffix(arn, ":role/"+roleName) {
			return pulumi.String(arn).ToStringOutput(), nil
		}
		keep := pulumi.RetainOnDelete(true)
		role, err := iam.NewRole(ctx, name+"-cloudwatch", &iam.RoleArgs{
			Name:             pulumi.String(roleName),
			AssumeRolePolicy: pulumi.String(CloudWatchTrustPolicy),
		}, parent, keep)
		if err != nil {
			return pulumi.StringOutput{}, fmt.Errorf("api gateway cloudwatch role: %w", err)
		}
		logs, err := iam.NewRolePolicyAttachment(ctx, name+"-cloudwatch", &iam.RolePolicyAttachmentArgs{
			Role:      role.Name,
			PolicyArn: pulumi.String(string(iam.ManagedPolicyAmazonAPIGatewayPushToCloudWatchLogs)),
		}, parent, keep)
		if err != nil {
			return pulumi.StringOutput{}, fmt.Errorf("api gateway cloudwatch role policy: %w", err)
		}
		acct, err := apigateway.NewAccount(ctx, name, &apigateway.AccountArgs{
			CloudwatchRoleArn: role.Arn,
		}, parent, keep, pulumi.DependsOn([]pulumi.Resource{logs}))
		if err != nil {
			return pulumi.StringOutput{}, fmt.Errorf("api gateway account settings: %w", err)
		}
		return acct.CloudwatchRoleArn, nil
	}).(pulumi.StringOutput)
	if err := ctx.RegisterResourceOutputs(a, pulumi.Map{"cloudWatchRoleArn": a.CloudWatchRoleArn}); err != nil {
		return nil, err
	}
	return a, nil
}
