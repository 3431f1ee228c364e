package plan

import (
	"cmp"
	"fmt"
	"path/filepath"
	"strings"
	"sync"

	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
	"github.com/pulumi/pulumi/sdk/v3/go/common/tokens"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

// Account is the AWS account id the mocks put in ARNs.
const Account = "123456789012"

// Mocks answers a Pulumi program's resource registrations as AWS would, with outputs made from the
// inputs (ARNs, invoke URLs) and placeholders such as "<RestApi my-api id>" for ids AWS makes up, and records
// every resource. Use it with pulumi.RunErr(program, pulumi.WithMocks(app, env, mocks)).
type Mocks struct {
	// App and Env are the project and stack the program runs as; they make the URNs.
	App, Env string
	// Region goes into ARNs and URLs.
	Region string
	// CloudWatchRoleArn is what reading the account's API Gateway settings answers: "" is an account
	// without a CloudWatch role.
	CloudWatchRoleArn string
	// ProjectDir makes archive paths relative.
	ProjectDir string

	mu        sync.Mutex
	resources []Resource
	urns      map[string]bool
	providers map[string]provider // by URN
}

// provider is a provider resource the program made: its name and the region it works in.
type provider struct {
	name, region string
}

var _ pulumi.MockResourceMonitor = (*Mocks)(nil)

// Resources returns what was registered so far, in no particular order.
func (m *Mocks) Resources() []Resource {
	m.mu.Lock()
	defer m.mu.Unlock()
	return append([]Resource(nil), m.resources...)
}

// Call answers function invokes; stelvio's program makes none, so it echoes the arguments.
func (m *Mocks) Call(args pulumi.MockCallArgs) (resource.PropertyMap, error) {
	return args.Args, nil
}

// NewResource records a registered or read resource and returns its id and outputs.
func (m *Mocks) NewResource(args pulumi.MockResourceArgs) (string, resource.PropertyMap, error) {
	r := Resource{Type: args.TypeToken, Name: args.Name, Inputs: m.plainMap(args.Inputs)}
	var parent string
	switch {
	case args.RegisterRPC != nil:
		parent = args.RegisterRPC.GetParent()
		r.RetainOnDelete = args.RegisterRPC.GetRetainOnDelete()
		r.Component = !args.RegisterRPC.GetCustom()
		r.Provider = providerURN(args.RegisterRPC.GetProvider())
		r.DependsOn = args.RegisterRPC.GetDependencies()
	case args.ReadRPC != nil:
		parent = args.ReadRPC.GetParent()
		r.Read = true
		r.ID = args.ID
		r.Provider = providerURN(args.ReadRPC.GetProvider())
		r.DependsOn = args.ReadRPC.GetDependencies()
	}
	r.URN = m.urn(parent, args.TypeToken, args.Name)
	if parent != "" && resource.URN(parent).QualifiedType() != resource.RootStackType {
		r.Parent = parent
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	// The engine refuses two resources with one URN; so does the plan.
	if m.urns[r.URN] {
		return "", nil, fmt.Errorf("duplicate resource URN %s", r.URN)
	}
	if m.urns == nil {
		m.urns = map[string]bool{}
	}
	m.urns[r.URN] = true
	if strings.HasPrefix(args.TypeToken, "pulumi:providers:") {
		// A provider without a region works in the environment's (AWS_REGION, the profile's).
		region, _ := r.Inputs["region"].(string)
		if m.providers == nil {
			m.providers = map[string]provider{}
		}
		m.providers[r.URN] = provider{name: args.Name, region: cmp.Or(region, m.Region)}
	}
	if p, ok := m.providers[r.Provider]; ok {
		r.ProviderName, r.ProviderRegion = p.name, p.region
	}
	m.resources = append(m.resources, r)
	id, outs := m.outputs(args, cmp.Or(r.ProviderRegion, m.Region))
	return id, outs, nil
}

// providerURN is the URN part of a provider reference "urn::id".
func providerURN(ref string) string {
	if i := strings.LastIndex(ref, "::"); i >= 0 {
		return ref[:i]
	}
	return ref
}

// urn is the URN the mock monitor gives the resource.
func (m *Mocks) urn(parent, typ, name string) string {
	parentType := tokens.Type("")
	if p := resource.URN(parent); p != "" && p.QualifiedType() != resource.RootStackType {
		parentType = p.QualifiedType()
	}
	return string(resource.NewURN(tokens.QName(m.Env), tokens.PackageName(m.App), parentType, tokens.Type(typ), name))
}

// outputs are the id and output properties of a resource: its inputs, plus what AWS would add. region
// is the region of the resource's provider, which its ARNs and URLs name.
func (m *Mocks) outputs(args pulumi.MockResourceArgs, region string) (string, resource.PropertyMap) {
	in := args.Inputs
	out := in.Copy()
	str := func(k string) string {
		v, ok := in[resource.PropertyKey(k)]
		if !ok {
			return ""
		}
		if v.IsSecret() {
			v = v.SecretValue().Element
		}
		if v.IsString() {
			return v.StringValue()
		}
		return ""
	}
	set := func(k, v string) { out[resource.PropertyKey(k)] = resource.NewProperty(v) }
	// An id AWS makes up reads "<RestApi my-api id>".
	kind := args.TypeToken[strings.LastIndex(args.TypeToken, ":")+1:]
	placeholder := func(attr string) string { return "<" + kind + " " + args.Name + " " + attr + ">" }
	id := args.ID
	if id == "" {
		id = placeholder("id")
	}
	switch args.TypeToken {
	case "aws:iam/role:Role":
		id = str("name")
		set("arn", fmt.Sprintf("arn:aws:iam::%s:role/%s", Account, id))
	case "aws:lambda/function:Function":
		id = str("name")
		arn := fmt.Sprintf("arn:aws:lambda:%s:%s:function:%s", region, Account, id)
		set("arn", arn)
		set("invokeArn", fmt.Sprintf("arn:aws:apigateway:%s:lambda:path/2015-03-31/functions/%s/invocations", region, arn))
	case "aws:dynamodb/table:Table":
		id = str("name")
		arn := fmt.Sprintf("arn:aws:dynamodb:%s:%s:table/%s", region, Account, id)
		set("arn", arn)
		if v, ok := in["streamEnabled"]; ok && v.IsBool() && v.BoolValue() {
			set("streamArn", arn+"/stream/"+placeholder("streamLabel"))
		} else {
			set("streamArn", "")
		}
	case "aws:apigateway/restApi:RestApi":
		set("rootResourceId", placeholder("rootResourceId"))
		set("executionArn", fmt.Sprintf("arn:aws:execute-api:%s:%s:%s", region, Account, id))
	case "aws:apigateway/stage:Stage":
		api, stage := str("restApi"), str("stageName")
		set("invokeUrl", fmt.Sprintf("https://%s.execute-api.%s.amazonaws.com/%s", api, region, stage))
		set("executionArn", fmt.Sprintf("arn:aws:execute-api:%s:%s:%s/%s", region, Account, api, stage))
	case "aws:apigatewayv2/api:Api":
		set("apiEndpoint", fmt.Sprintf("https://%s.execute-api.%s.amazonaws.com", id, region))
		set("executionArn", fmt.Sprintf("arn:aws:execute-api:%s:%s:%s", region, Account, id))
	case "aws:apigatewayv2/stage:Stage":
		api, stage := str("apiId"), str("name")
		set("invokeUrl", fmt.Sprintf("https://%s.execute-api.%s.amazonaws.com/%s", api, region, strings.TrimPrefix(stage, "$default")))
		set("executionArn", fmt.Sprintf("arn:aws:execute-api:%s:%s:%s/%s", region, Account, api, stage))
	case "aws:apigatewayv2/domainName:DomainName":
		cfg := resource.PropertyMap{}
		if v, ok := in["domainNameConfiguration"]; ok && v.IsObject() {
			cfg = v.ObjectValue().Copy()
		}
		cfg["targetDomainName"] = resource.NewProperty(placeholder("targetDomainName"))
		cfg["hostedZoneId"] = resource.NewProperty(placeholder("hostedZoneId"))
		out["domainNameConfiguration"] = resource.NewProperty(cfg)
	case "aws:cloudwatch/logGroup:LogGroup":
		set("arn", fmt.Sprintf("arn:aws:logs:%s:%s:log-group:%s", region, Account, str("name")))
	case "aws:acm/certificate:Certificate":
		set("arn", fmt.Sprintf("arn:aws:acm:%s:%s:certificate/%s", region, Account, id))
		// One domain: ACM asks for one CNAME whose name and value it makes up.
		out["domainValidationOptions"] = resource.NewProperty([]resource.PropertyValue{
			resource.NewProperty(resource.PropertyMap{
				"domainName":          resource.NewProperty(str("domainName")),
				"resourceRecordName":  resource.NewProperty(placeholder("validationRecordName")),
				"resourceRecordType":  resource.NewProperty("CNAME"),
				"resourceRecordValue": resource.NewProperty(placeholder("validationRecordValue")),
			}),
		})
	case "aws:apigateway/domainName:DomainName":
		set("regionalDomainName", placeholder("regionalDomainName"))
		set("regionalZoneId", placeholder("regionalZoneId"))
		set("cloudfrontDomainName", placeholder("cloudfrontDomainName"))
		set("cloudfrontZoneId", "Z2FDTNDATAQYW2") // CloudFront's hosted zone, the same everywhere
	case "aws:s3/bucket:Bucket", "aws:s3/bucketV2:BucketV2":
		// A bucket without a name gets one made up at deploy time.
		id = str("bucket")
		if id == "" {
			id = placeholder("bucket")
			set("bucket", id)
		}
		set("arn", "arn:aws:s3:::"+id)
	case "aws:apigateway/account:Account":
		if args.ReadRPC != nil {
			set("cloudwatchRoleArn", m.CloudWatchRoleArn)
		}
	}
	return id, out
}

// plainMap turns Pulumi property values into plain values for printing: secrets masked, archives and
// assets as their paths, unknown values as "(known after deploy)".
func (m *Mocks) plainMap(pm resource.PropertyMap) map[string]any {
	out := make(map[string]any, len(pm))
	for k, v := range pm {
		if strings.HasPrefix(string(k), "__") {
			continue // the SDK's own bookkeeping
		}
		out[string(k)] = m.plain(v)
	}
	return out
}

// Placeholders of values a plan cannot show.
const (
	Secret  = "[secret]"
	Unknown = "(known after deploy)"
)

func (m *Mocks) plain(v resource.PropertyValue) any {
	switch {
	case v.IsNull():
		return nil
	case v.IsBool():
		return v.BoolValue()
	case v.IsNumber():
		return v.NumberValue()
	case v.IsString():
		return v.StringValue()
	case v.IsArray():
		arr := v.ArrayValue()
		out := make([]any, len(arr))
		for i, e := range arr {
			out[i] = m.plain(e)
		}
		return out
	case v.IsObject():
		return m.plainMap(v.ObjectValue())
	case v.IsSecret():
		return Secret
	case v.IsOutput():
		o := v.OutputValue()
		switch {
		case o.Secret:
			return Secret
		case !o.Known:
			return Unknown
		}
		return m.plain(o.Element)
	case v.IsComputed():
		return Unknown
	case v.IsArchive():
		a := v.ArchiveValue()
		if p, ok := a.GetPath(); ok {
			return m.rel(p)
		}
		return "(archive)"
	case v.IsAsset():
		a := v.AssetValue()
		if p, ok := a.GetPath(); ok {
			return m.rel(p)
		}
		return "(asset)"
	case v.IsResourceReference():
		return string(v.ResourceReferenceValue().URN)
	}
	return fmt.Sprint(v.V)
}

// rel makes a path inside the project relative to it, so plans do not depend on where the project is.
func (m *Mocks) rel(p string) string {
	if m.ProjectDir == "" {
		return p
	}
	dir, err := filepath.Abs(m.ProjectDir)
	if err != nil {
		return p
	}
	if r, err := filepath.Rel(dir, p); err == nil && !strings.HasPrefix(r, "..") {
		return filepath.ToSlash(r)
	}
	return p
}
