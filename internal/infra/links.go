package infra

import (
	"fmt"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/stelvio-go/stelvio/internal/infra/function"
	"github.com/stelvio-go/stelvio/internal/infra/httpapi"
	"github.com/stelvio-go/stelvio/internal/infra/restapi"
	"github.com/stelvio-go/stelvio/internal/infra/table"
	ilink "github.com/stelvio-go/stelvio/internal/link"
	"github.com/stelvio-go/stelvio/internal/route"
)

// TableOutput is the stack output holding a table's physical name: "todos-table".
func TableOutput(name string) string { return name + "-table" }

// TableArnOutput is the stack output holding a table's ARN: "todos-table-arn".
func TableArnOutput(name string) string { return name + "-table-arn" }

// tables creates the app's tables, by declared name.
func tables(ctx *pulumi.Context, t *route.Table, opts Options, res []pulumi.ResourceOption) (map[string]*table.Table, error) {
	out := map[string]*table.Table{}
	for _, tb := range t.Tables {
		made, err := table.New(ctx, tb.Name, &table.Args{App: t.App, Env: t.Env, Table: tb}, res...)
		if err != nil {
			return nil, err
		}
		out[tb.Name] = made
		opts.export(ctx, TableOutput(tb.Name), made.Name)
		opts.export(ctx, TableArnOutput(tb.Name), made.Arn)
	}
	return out, nil
}

// deployNode is a function, a REST API or an HTTP API, in the order they are made.
type deployNode struct {
	Function *route.Function
	Api      *route.Api
	HTTPApi  *route.HTTPApi
}

// deployOrder orders the functions and APIs so that every function comes after the functions and APIs
// it links (a link holds their ARN or URL) and every API after the functions it calls (Build rejects
// cycles). Without links it is the functions in table order, then the REST APIs, then the HTTP APIs.
func deployOrder(t *route.Table) []deployNode {
	var out []deployNode
	done := map[any]bool{}
	var visitFn func(fn *route.Function)
	var visitApi func(api *route.Api)
	var visitHTTP func(api *route.HTTPApi)
	visitFn = func(fn *route.Function) {
		if done[fn] {
			return
		}
		done[fn] = true
		for _, l := range fn.Links {
			switch {
			case l.Function != nil:
				visitFn(l.Function)
			case l.Api != nil:
				visitApi(l.Api)
			case l.HTTPApi != nil:
				visitHTTP(l.HTTPApi)
			}
		}
		out = append(out, deployNode{Function: fn})
	}
	visitHTTP = func(api *route.HTTPApi) {
		if done[api] {
			return
		}
		done[api] = true
		for _, r := range api.Routes {
			if r.Function != nil {
				visitFn(r.Function)
			}
		}
		for _, a := range api.Authorizers {
			if a.Function != nil {
				visitFn(a.Function)
			}
		}
		out = append(out, deployNode{HTTPApi: api})
	}
	visitApi = func(api *route.Api) {
		if done[api] {
			return
		}
		done[api] = true
		for _, r := range api.Routes {
			if r.Function != nil {
				visitFn(r.Function)
			}
		}
		out = append(out, deployNode{Api: api})
	}
	for _, fn := range t.Functions {
		visitFn(fn)
	}
	for _, api := range t.Apis {
		visitApi(api)
	}
	for _, api := range t.HTTPApis {
		visitHTTP(api)
	}
	return out
}

// linkArgs are fn's link variables with the values of the made resources, and the policy its links
// need (nil without links).
func linkArgs(fn *route.Function, tbls map[string]*table.Table, lambdas map[string]*function.Lambda, apis map[string]*restapi.RestApi, httpApis map[string]*httpapi.HttpApi) (map[string]pulumi.StringInput, pulumi.StringInput, error) {
	if len(fn.Links) == 0 {
		return nil, nil, nil
	}
	env := map[string]pulumi.StringInput{}
	for name, v := range fn.LinkVariables() {
		val, _, err := linkValue(v.Link, v.Attr, tbls, lambdas, apis, httpApis)
		if err != nil {
			return nil, nil, fmt.Errorf("function %q: %w", fn.Name, err)
		}
		env[name] = val
	}
	// API links need no permission: calling an API is a plain HTTPS request.
	var arns []any
	var links []*route.Link
	for _, l := range fn.Links {
		if l.Api != nil || l.HTTPApi != nil {
			continue
		}
		_, arn, err := linkValue(l, ilink.AttrARN, tbls, lambdas, apis, httpApis)
		if err != nil {
			return nil, nil, fmt.Errorf("function %q: %w", fn.Name, err)
		}
		arns = append(arns, arn)
		links = append(links, l)
	}
	if len(links) == 0 {
		return env, nil, nil
	}
	policy := pulumi.All(arns...).ApplyT(func(vs []any) (string, error) {
		var ls []ilink.Link
		for i, l := range links {
			arn := vs[i].(string)
			if l.Table != nil {
				ls = append(ls, ilink.Link{Kind: ilink.KindTable, Name: l.Name(), Statements: ilink.TableStatements(arn, l.Access())})
			} else {
				ls = append(ls, ilink.Link{Kind: ilink.KindFunction, Name: l.Name(), Statements: ilink.FunctionStatements(arn)})
			}
		}
		return ilink.PolicyOf(ls).JSON()
	}).(pulumi.StringOutput)
	return env, policy, nil
}

// linkValue is the value of attribute attr of the linked resource, and its ARN (an API's URL, which
// has no ARN a link needs).
func linkValue(l *route.Link, attr string, tbls map[string]*table.Table, lambdas map[string]*function.Lambda, apis map[string]*restapi.RestApi, httpApis map[string]*httpapi.HttpApi) (pulumi.StringOutput, pulumi.StringOutput, error) {
	if l.HTTPApi != nil {
		h, ok := httpApis[l.HTTPApi.Name]
		if !ok {
			return pulumi.StringOutput{}, pulumi.StringOutput{}, fmt.Errorf("linked api %q was not made before it", l.HTTPApi.Name)
		}
		return h.LinkUrl, h.LinkUrl, nil
	}
	if l.Api != nil {
		r, ok := apis[l.Api.Name]
		if !ok {
			return pulumi.StringOutput{}, pulumi.StringOutput{}, fmt.Errorf("linked api %q was not made before it", l.Api.Name)
		}
		url := r.Url
		if r.Domain != nil {
			url = r.Domain.Url
		}
		return url, url, nil
	}
	if l.Table != nil {
		tb, ok := tbls[l.Table.Name]
		if !ok {
			return pulumi.StringOutput{}, pulumi.StringOutput{}, fmt.Errorf("linked table %q was not made", l.Table.Name)
		}
		switch attr {
		case ilink.AttrName:
			return tb.Name, tb.Arn, nil
		case ilink.AttrStreamARN:
			return tb.StreamArn, tb.Arn, nil
		}
		return tb.Arn, tb.Arn, nil
	}
	lf, ok := lambdas[l.Function.Name]
	if !ok {
		return pulumi.StringOutput{}, pulumi.StringOutput{}, fmt.Errorf("linked function %q was not made before it", l.Function.Name)
	}
	if attr == ilink.AttrName {
		return lf.Name, lf.Arn, nil
	}
	return lf.Arn, lf.Arn, nil
}
