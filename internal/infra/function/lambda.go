// Package function is the Pulumi component of one Lambda function: its execution role, its
// permissions and the function running its deployment package.
package function

import (
	"encoding/json"
	"errors"
	"fmt"

	"github.com/pulumi/pulumi-aws/sdk/v7/go/aws/iam"
	"github.com/pulumi/pulumi-aws/sdk/v7/go/aws/lambda"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/stelvio-go/stelvio/internal/naming"
	"github.com/stelvio-go/stelvio/internal/route"
)

// LambdaType is the Pulumi type of the Lambda component.
const LambdaType = "stelvio:function:Lambda"

// LambdaTrustPolicy lets the Lambda service assume a function's role.
const LambdaTrustPolicy = `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"lambda.amazonaws.com"},"Action":"sts:AssumeRole"}]}`

// LambdaArgs are the inputs of NewLambda.
type LambdaArgs struct {
	// App and Env make the physical names: "{app}-{env}-{function}".
	App, Env string
	// Function is the function of the app's route table.
	Function *route.Function
	// Code is the path of the function's deployment package (a zip).
	Code string
	// CodeHash is the package's base64-encoded SHA-256 (what Lambda reports as CodeSha256): the function
	// is updated exactly when it changes.
	CodeHash string
	// Handler is the package's Lambda handler: "users.index", "stelvio_router.handler", "bootstrap".
	Handler string
	// Outputs are the values of the function's deploy-time environment variables (Function.Outputs),
	// by variable name; a variable without one here gets its dev value.
	Outputs map[string]pulumi.StringInput
	// LinkEnv are the variables of the function's links (route.Function.LinkVariables) with their
	// values; LinkPolicy is the policy document its links need (nil when they need none).
	LinkEnv    map[string]pulumi.StringInput
	LinkPolicy pulumi.StringInput
}

// Lambda is one Lambda function of the app with its execution role.
type Lambda struct {
	pulumi.ResourceState

	// Role is the function's execution role; Function the Lambda function.
	Role     *iam.Role
	Function *lambda.Function

	// Name is the function's physical name; Arn and InvokeArn its ARNs (API Gateway integrations call
	// InvokeArn).
	Name      pulumi.StringOutput
	Arn       pulumi.StringOutput
	InvokeArn pulumi.StringOutput
}

// PolicyDocument is the IAM policy document that allows each statement's actions on its resources.
func PolicyDocument(sts []route.Statement) (string, error) {
	type statement struct {
		Effect   string   `json:"Effect"`
		Action   []string `json:"Action"`
		Resource []string `json:"Resource"`
	}
	doc := struct {
		Version   string      `json:"Version"`
		Statement []statement `json:"Statement"`
	}{Version: "2012-10-17"}
	for _, s := range sts {
		doc.Statement = append(doc.Statement, statement{Effect: "Allow", Action: s.Actions, Resource: s.Resources})
	}
	b, err := json.Marshal(doc)
	return string(b), err
}

// RoleName is the physical name of a function's execution role: "{app}-{env}-{function}-role", shortened
// (before the suffix) to IAM's limit.
func RoleName(app, env, fn string) string {
	return naming.Role(app, env, fn)
}

// NewLambda creates a function's execution role (trusted by lambda.amazonaws.com, with the
// AWSLambdaBasicExecutionRole managed policy for its logs) and the Lambda function running its package.
func NewLambda(ctx *pulumi.Context, name string, args *LambdaArgs, opts ...pulumi.ResourceOption) (*Lambda, error) {
	if args == nil || args.Function == nil {
		return nil, errors.New("lambda: no function given")
	}
	fn := args.Function
	if args.Code == "" || args.Handler == "" {
		return nil, fmt.Errorf("lambda %q: no deployment package or handler", fn.Name)
	}
	l := &Lambda{}
	if err := ctx.RegisterComponentResource(LambdaType, name, l, opts...); err != nil {
		return nil, err
	}
	parent := pulumi.Parent(l)

	role, err := iam.NewRole(ctx, name, &iam.RoleArgs{
		Name:             pulumi.String(RoleName(args.App, args.Env, fn.Name)),
		AssumeRolePolicy: pulumi.String(LambdaTrustPolicy),
	}, parent)
	if err != nil {
		return nil, fmt.Errorf("lambda %q: role: %w", fn.Name, err)
	}
	logs, err := iam.NewRolePolicyAttachment(ctx, name, &iam.RolePolicyAttachmentArgs{
		Role:      role.Name,
		PolicyArn: pulumi.String(string(iam.ManagedPolicyAWSLambdaBasicExecutionRole)),
	}, parent)
	if err != nil {
		return nil, fmt.Errorf("lambda %q: role policy: %w", fn.Name, err)
	}

	fargs := &lambda.FunctionArgs{
		Name:           pulumi.String(naming.Physical(args.App, args.Env, fn.Name, naming.LambdaLimit)),
		Role:           role.Arn,
		Runtime:        pulumi.String(fn.RuntimeID),
		Handler:        pulumi.String(args.Handler),
		MemorySize:     pulumi.Int(fn.Memory),
		Timeout:        pulumi.Int(fn.Timeout),
		Architectures:  pulumi.StringArray{pulumi.String(fn.Architecture)},
		Code:           pulumi.NewFileArchive(args.Code),
		SourceCodeHash: pulumi.String(args.CodeHash),
	}
	if len(fn.Environment)+len(fn.Outputs)+len(args.LinkEnv) > 0 {
		vars := pulumi.ToStringMap(fn.Environment)
		for k, v := range args.LinkEnv {
			vars[k] = v
		}
		for k, o := range fn.Outputs {
			if v, ok := args.Outputs[k]; ok {
				vars[k] = v
			} else {
				vars[k] = pulumi.String(o.Dev)
			}
		}
		fargs.Environment = &lambda.FunctionEnvironmentArgs{Variables: vars}
	}
	deps := []pulumi.Resource{logs}
	if len(fn.Permissions) > 0 {
		doc, err := PolicyDocument(fn.Permissions)
		if err != nil {
			return nil, fmt.Errorf("lambda %q: permissions: %w", fn.Name, err)
		}
		perms, err := iam.NewRolePolicy(ctx, name+"-permissions", &iam.RolePolicyArgs{
			Role:   role.Name,
			Policy: pulumi.String(doc),
		}, parent)
		if err != nil {
			return nil, fmt.Errorf("lambda %q: permissions: %w", fn.Name, err)
		}
		deps = append(deps, perms)
	}
	if args.LinkPolicy != nil {
		links, err := iam.NewRolePolicy(ctx, name+"-links", &iam.RolePolicyArgs{
			Role:   role.Name,
			Policy: args.LinkPolicy,
		}, parent)
		if err != nil {
			return nil, fmt.Errorf("lambda %q: link permissions: %w", fn.Name, err)
		}
		deps = append(deps, links)
	}
	// The role's permissions are attached before the function can run.
	f, err := lambda.NewFunction(ctx, name, fargs, parent, pulumi.DependsOn(deps))
	if err != nil {
		return nil, fmt.Errorf("lambda %q: function: %w", fn.Name, err)
	}

	l.Role, l.Function = role, f
	l.Name, l.Arn, l.InvokeArn = f.Name, f.Arn, f.InvokeArn
	if err := ctx.RegisterResourceOutputs(l, pulumi.Map{
		"name": f.Name, "arn": f.Arn, "invokeArn": f.InvokeArn,
	}); err != nil {
		return nil, err
	}
	return l, nil
}
