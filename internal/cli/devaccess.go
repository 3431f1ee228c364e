package cli

import (
	"context"
	"maps"
	"strings"

	"github.com/stelvio-go/stelvio/internal/app"
	"github.com/stelvio-go/stelvio/internal/devserver"
	"github.com/stelvio-go/stelvio/internal/link"
	"github.com/stelvio-go/stelvio/internal/naming"
	"github.com/stelvio-go/stelvio/internal/route"
)

// grantFunctions makes the local engine hold every function to what its role would allow on AWS:
// the statements of its table links (link.TableStatements, as deployed) and its own Permissions.
// Each function's workers get their own access key id (AWS_ACCESS_KEY_ID, a variable functions
// cannot set themselves, over the dummy one of devLinks.Env); the engine answers a request signed with it that the statements do not allow with
// AWS's AccessDeniedException. Requests with any other key keep full access.
func (d *devLinks) grantFunctions(ctx context.Context, t *route.Table) error {
	for _, fn := range t.Functions {
		p := app.LocalPrincipal{ARN: "arn:aws:sts::" + devserver.AccountID + ":assumed-role/" +
			naming.Role(t.App, t.Env, fn.Name) + "/" + naming.Physical(t.App, t.Env, fn.Name, naming.LambdaLimit)}
		for _, l := range fn.Links {
			if l.Table == nil {
				continue
			}
			_, arn, _, err := d.tables.Table(ctx, l.Table.Physical(t.App, t.Env))
			if err != nil {
				return err
			}
			p.Statements = append(p.Statements, link.TableStatements(arn, l.Access())...)
		}
		for _, st := range fn.Permissions {
			p.Statements = append(p.Statements, link.Statement{Effect: "Allow", Action: st.Actions, Resource: localResources(st.Resources)})
		}
		env := maps.Clone(fn.Environment)
		if env == nil {
			env = map[string]string{}
		}
		env["AWS_ACCESS_KEY_ID"] = d.tables.Grant(p)
		fn.Environment = env
	}
	return nil
}

// localResources are a function's own resource ARNs as they match local tables: a DynamoDB ARN's
// region and account are those of the deployment, so any region and account match.
func localResources(arns []string) []string {
	out := make([]string, len(arns))
	for i, a := range arns {
		parts := strings.SplitN(a, ":", 6)
		if len(parts) == 6 && parts[0] == "arn" && parts[2] == "dynamodb" {
			parts[3], parts[4] = "*", "*"
			a = strings.Join(parts, ":")
		}
		out[i] = a
	}
	return out
}
