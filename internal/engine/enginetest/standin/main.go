// Command standin is a stand-in for the pulumi-aws and pulumi-cloudflare
// resource provider plugins, for tests of the Pulumi engine integration
// without a cloud account. It accepts any resource, returns its inputs plus
// fake ids and ARNs, reports changed inputs as updates (replacements for
// properties that force one on AWS), and answers the few data source invokes
// stelvio uses. Installed as pulumi-resource-aws it reports version 7.41.0,
// as pulumi-resource-cloudflare 6.12.0 (see enginetest.Setup).
//
// When STELVIO_STANDIN_LOG names a file, every create, update and delete is
// appended to it as a JSON line, so tests can assert what the engine did.
package main

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"sync"

	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
	"github.com/pulumi/pulumi/sdk/v3/go/common/resource/plugin"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi/provider"
	pulumirpc "github.com/pulumi/pulumi/sdk/v3/proto/go"
	"google.golang.org/protobuf/types/known/emptypb"
	"google.golang.org/protobuf/types/known/structpb"
)

const account = "123456789012"

func main() {
	pkg := strings.TrimPrefix(filepath.Base(os.Args[0]), "pulumi-resource-")
	version := map[string]string{"aws": "7.41.0", "cloudflare": "6.12.0"}[pkg]
	if version == "" {
		fmt.Fprintf(os.Stderr, "standin: install me as pulumi-resource-aws or pulumi-resource-cloudflare, not %s\n", os.Args[0])
		os.Exit(1)
	}
	err := provider.Main(pkg, func(*provider.HostClient) (pulumirpc.ResourceProviderServer, error) {
		return &standin{pkg: pkg, version: version, region: "us-east-1"}, nil
	})
	if err != nil {
		fmt.Fprintf(os.Stderr, "standin: %v\n", err)
		os.Exit(1)
	}
}

type standin struct {
	pulumirpc.UnimplementedResourceProviderServer
	pkg, version string

	mu          sync.Mutex
	region      string
	defaultTags map[string]string
}

var opts = plugin.MarshalOptions{KeepUnknowns: true, KeepSecrets: true, KeepResources: true, SkipNulls: true}

func unmarshal(s *structpb.Struct) (resource.PropertyMap, error) {
	if s == nil {
		return resource.PropertyMap{}, nil
	}
	return plugin.UnmarshalProperties(s, opts)
}

func marshal(m resource.PropertyMap) (*structpb.Struct, error) {
	return plugin.MarshalProperties(m, opts)
}

func (p *standin) Handshake(context.Context, *pulumirpc.ProviderHandshakeRequest) (*pulumirpc.ProviderHandshakeResponse, error) {
	return &pulumirpc.ProviderHandshakeResponse{AcceptSecrets: true, AcceptResources: true}, nil
}

func (p *standin) GetPluginInfo(context.Context, *emptypb.Empty) (*pulumirpc.PluginInfo, error) {
	return &pulumirpc.PluginInfo{Version: p.version}, nil
}

func (p *standin) Attach(context.Context, *pulumirpc.PluginAttach) (*emptypb.Empty, error) {
	return &emptypb.Empty{}, nil
}

func (p *standin) Cancel(context.Context, *emptypb.Empty) (*emptypb.Empty, error) {
	return &emptypb.Empty{}, nil
}

func (p *standin) CheckConfig(_ context.Context, req *pulumirpc.CheckRequest) (*pulumirpc.CheckResponse, error) {
	return &pulumirpc.CheckResponse{Inputs: req.GetNews()}, nil
}

func (p *standin) DiffConfig(_ context.Context, req *pulumirpc.DiffRequest) (*pulumirpc.DiffResponse, error) {
	return p.diff(req.GetOldInputs(), req.GetNews(), nil, "pulumi:providers:"+p.pkg)
}

func (p *standin) Configure(_ context.Context, req *pulumirpc.ConfigureRequest) (*pulumirpc.ConfigureResponse, error) {
	args, err := unmarshal(req.GetArgs())
	if err != nil {
		return nil, err
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	if r := args["region"]; r.IsString() && r.StringValue() != "" {
		p.region = r.StringValue()
	} else if r := req.GetVariables()["aws:config:region"]; r != "" {
		p.region = r
	}
	p.defaultTags = defaultTags(args["defaultTags"])
	return &pulumirpc.ConfigureResponse{AcceptSecrets: true, SupportsPreview: true, AcceptResources: true}, nil
}

// defaultTags reads the provider's defaultTags, which arrive either as an
// object or as its JSON text.
func defaultTags(v resource.PropertyValue) map[string]string {
	var obj map[string]any
	switch {
	case v.IsObject():
		obj = v.ObjectValue().Mappable()
	case v.IsString():
		if err := json.Unmarshal([]byte(v.StringValue()), &obj); err != nil {
			return nil
		}
	default:
		return nil
	}
	tags, _ := obj["tags"].(map[string]any)
	out := map[string]string{}
	for k, v := range tags {
		out[k] = fmt.Sprint(v)
	}
	return out
}

// autonamed are the types whose name the real provider generates when the
// program leaves it out, with the property that holds it.
var autonamed = map[string]string{
	"aws:iam/role:Role": "name", "aws:iam/policy:Policy": "name", "aws:lambda/function:Function": "name",
	"aws:apigateway/restApi:RestApi": "name", "aws:cloudwatch/logGroup:LogGroup": "name",
	"aws:s3/bucket:Bucket": "bucket", "aws:s3/bucketV2:BucketV2": "bucket",
}

func (p *standin) Check(_ context.Context, req *pulumirpc.CheckRequest) (*pulumirpc.CheckResponse, error) {
	news, err := unmarshal(req.GetNews())
	if err != nil {
		return nil, err
	}
	if prop := resource.PropertyKey(autonamed[req.GetType()]); prop != "" && !news.HasValue(prop) {
		olds, err := unmarshal(req.GetOlds())
		if err != nil {
			return nil, err
		}
		// Reusing the earlier autoname keeps the resource stable.
		if olds.HasValue(prop) {
			news[prop] = olds[prop]
		} else {
			news[prop] = resource.NewProperty(req.GetName() + "-" + randomHex(4))
		}
	}
	out, err := marshal(news)
	if err != nil {
		return nil, err
	}
	return &pulumirpc.CheckResponse{Inputs: out}, nil
}

// replaceOnChange lists, per type, the input properties whose change makes AWS
// (or Cloudflare) replace the resource.
var replaceOnChange = map[string][]string{
	"aws:apigateway/deployment:Deployment":                {"restApi", "triggers"},
	"aws:apigateway/resource:Resource":                    {"restApi", "parentId", "pathPart"},
	"aws:apigateway/method:Method":                        {"restApi", "resourceId", "httpMethod"},
	"aws:apigateway/integration:Integration":              {"restApi", "resourceId", "httpMethod"},
	"aws:apigateway/stage:Stage":                          {"restApi", "stageName"},
	"aws:apigateway/domainName:DomainName":                {"domainName"},
	"aws:apigateway/basePathMapping:BasePathMapping":      {"domainName"},
	"aws:lambda/permission:Permission":                    {"action", "function", "principal", "sourceArn", "statementId", "qualifier"},
	"aws:lambda/function:Function":                        {"name"},
	"aws:iam/role:Role":                                   {"name", "path"},
	"aws:iam/rolePolicyAttachment:RolePolicyAttachment":   {"role", "policyArn"},
	"aws:iam/rolePolicy:RolePolicy":                       {"role", "name"},
	"aws:acm/certificate:Certificate":                     {"domainName", "subjectAlternativeNames", "validationMethod"},
	"aws:acm/certificateValidation:CertificateValidation": {"certificateArn", "validationRecordFqdns"},
	"aws:route53/record:Record":                           {"name", "type", "zoneId"},
	"aws:cloudwatch/logGroup:LogGroup":                    {"name"},
	"cloudflare:index/dnsRecord:DnsRecord":                {"zoneId"},
	"cloudflare:index/record:Record":                      {"zoneId"},
}

func (p *standin) Diff(_ context.Context, req *pulumirpc.DiffRequest) (*pulumirpc.DiffResponse, error) {
	olds := req.GetOldInputs()
	if olds == nil {
		olds = req.GetOlds()
	}
	return p.diff(olds, req.GetNews(), req.GetIgnoreChanges(), req.GetType())
}

func (p *standin) diff(oldS, newS *structpb.Struct, ignore []string, typ string) (*pulumirpc.DiffResponse, error) {
	olds, err := unmarshal(oldS)
	if err != nil {
		return nil, err
	}
	news, err := unmarshal(newS)
	if err != nil {
		return nil, err
	}
	keys := map[resource.PropertyKey]bool{}
	for k := range olds {
		keys[k] = true
	}
	for k := range news {
		keys[k] = true
	}
	resp := &pulumirpc.DiffResponse{
		Changes: pulumirpc.DiffResponse_DIFF_NONE, HasDetailedDiff: true,
		DetailedDiff: map[string]*pulumirpc.PropertyDiff{},
	}
	var sorted []string
	for k := range keys {
		sorted = append(sorted, string(k))
	}
	sort.Strings(sorted)
	for _, k := range sorted {
		if strings.HasPrefix(k, "__") || slices.Contains(ignore, k) {
			continue
		}
		o, hasOld := olds[resource.PropertyKey(k)]
		n, hasNew := news[resource.PropertyKey(k)]
		hasOld = hasOld && !o.IsNull()
		hasNew = hasNew && !n.IsNull()
		if hasOld && hasNew && o.DeepEquals(n) && !n.ContainsUnknowns() {
			continue
		}
		if !hasOld && !hasNew {
			continue
		}
		kind := pulumirpc.PropertyDiff_UPDATE
		switch {
		case !hasOld:
			kind = pulumirpc.PropertyDiff_ADD
		case !hasNew:
			kind = pulumirpc.PropertyDiff_DELETE
		}
		if slices.Contains(replaceOnChange[typ], k) {
			kind += pulumirpc.PropertyDiff_ADD_REPLACE - pulumirpc.PropertyDiff_ADD
			resp.Replaces = append(resp.Replaces, k)
		}
		resp.Diffs = append(resp.Diffs, k)
		resp.DetailedDiff[k] = &pulumirpc.PropertyDiff{Kind: kind, InputDiff: true}
		resp.Changes = pulumirpc.DiffResponse_DIFF_SOME
	}
	return resp, nil
}

func (p *standin) Create(_ context.Context, req *pulumirpc.CreateRequest) (*pulumirpc.CreateResponse, error) {
	ins, err := unmarshal(req.GetProperties())
	if err != nil {
		return nil, err
	}
	name := req.GetName()
	if ins["name"].IsString() {
		name = ins["name"].StringValue()
	}
	id := name + "-" + randomHex(4)
	outs := p.outputs(req.GetType(), id, ins, nil, req.GetPreview())
	if !req.GetPreview() {
		record("create", req.GetType(), req.GetUrn(), id, outs)
	}
	s, err := marshal(outs)
	if err != nil {
		return nil, err
	}
	if req.GetPreview() {
		id = ""
	}
	return &pulumirpc.CreateResponse{Id: id, Properties: s}, nil
}

func (p *standin) Update(_ context.Context, req *pulumirpc.UpdateRequest) (*pulumirpc.UpdateResponse, error) {
	news, err := unmarshal(req.GetNews())
	if err != nil {
		return nil, err
	}
	olds, err := unmarshal(req.GetOlds())
	if err != nil {
		return nil, err
	}
	outs := p.outputs(req.GetType(), req.GetId(), news, olds, false)
	if !req.GetPreview() {
		record("update", req.GetType(), req.GetUrn(), req.GetId(), outs)
	}
	s, err := marshal(outs)
	if err != nil {
		return nil, err
	}
	return &pulumirpc.UpdateResponse{Properties: s}, nil
}

func (p *standin) Read(_ context.Context, req *pulumirpc.ReadRequest) (*pulumirpc.ReadResponse, error) {
	// Nothing drifts outside the engine: the state is the truth.
	return &pulumirpc.ReadResponse{Id: req.GetId(), Properties: req.GetProperties(), Inputs: req.GetInputs()}, nil
}

func (p *standin) Delete(_ context.Context, req *pulumirpc.DeleteRequest) (*emptypb.Empty, error) {
	record("delete", req.GetType(), req.GetUrn(), req.GetId(), nil)
	return &emptypb.Empty{}, nil
}

// outputs returns the inputs plus the computed attributes of typ. On update
// the computed attributes keep their earlier values; in a preview of a create
// they are unknown.
func (p *standin) outputs(typ, id string, ins, olds resource.PropertyMap, preview bool) resource.PropertyMap {
	p.mu.Lock()
	region, tags := p.region, p.defaultTags
	p.mu.Unlock()
	outs := ins.Copy()
	name := id
	if ins["name"].IsString() {
		name = ins["name"].StringValue()
	}
	service, kind := awsService(typ)
	arn := fmt.Sprintf("arn:aws:%s:%s:%s:%s/%s", service, region, account, kind, name)
	computed := map[string]any{"id": id, "arn": arn}
	switch typ {
	case "aws:lambda/function:Function":
		computed["arn"] = fmt.Sprintf("arn:aws:lambda:%s:%s:function:%s", region, account, name)
		computed["invokeArn"] = fmt.Sprintf("arn:aws:apigateway:%s:lambda:path/2015-03-31/functions/%s/invocations",
			region, computed["arn"])
		computed["qualifiedArn"] = fmt.Sprint(computed["arn"]) + ":$LATEST"
		computed["version"] = "$LATEST"
	case "aws:iam/role:Role":
		computed["arn"] = fmt.Sprintf("arn:aws:iam::%s:role/%s", account, name)
	case "aws:s3/bucket:Bucket", "aws:s3/bucketV2:BucketV2":
		if b := ins["bucket"]; b.IsString() {
			computed["arn"] = "arn:aws:s3:::" + b.StringValue()
		}
	case "aws:apigateway/restApi:RestApi":
		computed["rootResourceId"] = "root" + randomHex(3)
		computed["executionArn"] = fmt.Sprintf("arn:aws:execute-api:%s:%s:%s", region, account, id)
	case "aws:apigateway/deployment:Deployment":
		computed["createdDate"] = "2026-01-01T00:00:00Z"
	case "aws:apigatewayv2/api:Api":
		computed["apiEndpoint"] = fmt.Sprintf("https://%s.execute-api.%s.amazonaws.com", id, region)
		computed["executionArn"] = fmt.Sprintf("arn:aws:execute-api:%s:%s:%s", region, account, id)
		computed["arn"] = fmt.Sprintf("arn:aws:apigateway:%s::/apis/%s", region, id)
	case "aws:apigatewayv2/stage:Stage":
		if api := ins["apiId"]; api.IsString() {
			computed["invokeUrl"] = fmt.Sprintf("https://%s.execute-api.%s.amazonaws.com/", api.StringValue(), region)
			computed["executionArn"] = fmt.Sprintf("arn:aws:execute-api:%s:%s:%s/%s", region, account, api.StringValue(), ins["name"].StringValue())
		}
	case "aws:apigateway/stage:Stage":
		if api := ins["restApi"]; api.IsString() {
			computed["invokeUrl"] = fmt.Sprintf("https://%s.execute-api.%s.amazonaws.com/%s",
				api.StringValue(), region, ins["stageName"].StringValue())
			computed["executionArn"] = fmt.Sprintf("arn:aws:execute-api:%s:%s:%s/%s",
				region, account, api.StringValue(), ins["stageName"].StringValue())
		}
	case "aws:apigateway/domainName:DomainName":
		computed["regionalDomainName"] = "d-" + randomHex(5) + ".execute-api." + region + ".amazonaws.com"
		computed["regionalZoneId"] = "Z1UJRXOUMOOFQ8"
		computed["cloudfrontDomainName"] = "d" + randomHex(6) + ".cloudfront.net"
		computed["cloudfrontZoneId"] = "Z2FDTNDATAQYW2"
	case "aws:acm/certificate:Certificate":
		var opts []any
		for _, d := range certificateDomains(ins) {
			opts = append(opts, map[string]any{
				"domainName":          d,
				"resourceRecordName":  "_" + randomHex(8) + "." + d + ".",
				"resourceRecordType":  "CNAME",
				"resourceRecordValue": "_" + randomHex(8) + ".acm-validations.aws.",
			})
		}
		computed["domainValidationOptions"] = opts
		computed["arn"] = fmt.Sprintf("arn:aws:acm:%s:%s:certificate/%s", region, account, id)
	case "aws:route53/record:Record":
		if n := ins["name"]; n.IsString() {
			computed["fqdn"] = strings.TrimSuffix(n.StringValue(), ".")
		}
	}
	if _, ok := ins["name"]; !ok && strings.HasPrefix(typ, "aws:") {
		computed["name"] = name
	}
	if strings.HasPrefix(typ, "aws:") && len(tags) > 0 {
		all := map[string]any{}
		for k, v := range tags {
			all[k] = v
		}
		if t := ins["tags"]; t.IsObject() {
			for k, v := range t.ObjectValue().Mappable() {
				all[k] = v
			}
		}
		computed["tagsAll"] = all
	}
	for k, v := range computed {
		key := resource.PropertyKey(k)
		if _, isInput := ins[key]; isInput && k != "tagsAll" && k != "arn" && k != "id" {
			continue
		}
		switch {
		case olds != nil && olds.HasValue(key) && k != "tagsAll":
			outs[key] = olds[key]
		case preview:
			outs[key] = resource.MakeComputed(resource.NewProperty(""))
		default:
			outs[key] = resource.NewPropertyValue(v)
		}
	}
	delete(outs, "id")
	return outs
}

func certificateDomains(ins resource.PropertyMap) []string {
	var out []string
	if d := ins["domainName"]; d.IsString() {
		out = append(out, d.StringValue())
	}
	if sans := ins["subjectAlternativeNames"]; sans.IsArray() {
		for _, s := range sans.ArrayValue() {
			if s.IsString() && !slices.Contains(out, s.StringValue()) {
				out = append(out, s.StringValue())
			}
		}
	}
	return out
}

// awsService splits a type token such as aws:apigateway/restApi:RestApi into
// the ARN service and resource kind.
func awsService(typ string) (string, string) {
	parts := strings.Split(typ, ":")
	if len(parts) != 3 {
		return "unknown", typ
	}
	mod, _, _ := strings.Cut(parts[1], "/")
	return mod, strings.ToLower(parts[2])
}

func (p *standin) Invoke(_ context.Context, req *pulumirpc.InvokeRequest) (*pulumirpc.InvokeResponse, error) {
	args, err := unmarshal(req.GetArgs())
	if err != nil {
		return nil, err
	}
	p.mu.Lock()
	region := p.region
	p.mu.Unlock()
	var ret map[string]any
	switch req.GetTok() {
	case "aws:index/getCallerIdentity:getCallerIdentity":
		ret = map[string]any{"accountId": account, "arn": "arn:aws:iam::" + account + ":user/standin",
			"userId": "AIDASTANDIN", "id": account}
	case "aws:index/getRegion:getRegion":
		ret = map[string]any{"name": region, "region": region, "id": region,
			"description": "stand-in region", "endpoint": "ec2." + region + ".amazonaws.com"}
	case "aws:index/getPartition:getPartition":
		ret = map[string]any{"partition": "aws", "dnsSuffix": "amazonaws.com", "id": "aws",
			"reverseDnsPrefix": "com.amazonaws"}
	case "aws:apigateway/getAccount:getAccount":
		ret = map[string]any{"id": "api-gateway-account", "cloudwatchRoleArn": "", "throttleSettings": []any{}}
	case "aws:route53/getZone:getZone":
		ret = args.Mappable()
		zone := "Z0STANDIN"
		if z, ok := ret["zoneId"].(string); ok && z != "" {
			zone = z
		}
		ret["zoneId"], ret["id"] = zone, zone
		if _, ok := ret["name"]; !ok {
			ret["name"] = "example.com"
		}
	default:
		// An unknown lookup answers with its own arguments.
		ret = args.Mappable()
	}
	s, err := marshal(resource.NewPropertyMapFromMap(ret))
	if err != nil {
		return nil, err
	}
	return &pulumirpc.InvokeResponse{Return: s}, nil
}

func randomHex(n int) string {
	b := make([]byte, n)
	if _, err := rand.Read(b); err != nil {
		panic(err)
	}
	return hex.EncodeToString(b)
}

// record appends one operation to the file named by STELVIO_STANDIN_LOG.
func record(op, typ, urn, id string, outs resource.PropertyMap) {
	file := os.Getenv("STELVIO_STANDIN_LOG")
	if file == "" {
		return
	}
	entry := map[string]any{"op": op, "type": typ, "urn": urn, "id": id}
	if outs != nil {
		entry["outputs"] = outs.Mappable()
	}
	line, err := json.Marshal(entry)
	if err != nil {
		fmt.Fprintf(os.Stderr, "standin: log %s: %v\n", urn, err)
		return
	}
	f, err := os.OpenFile(file, os.O_APPEND|os.O_CREATE|os.O_WRONLY, 0o644)
	if err != nil {
		fmt.Fprintf(os.Stderr, "standin: log: %v\n", err)
		return
	}
	defer f.Close()
	if _, err := f.Write(append(line, '\n')); err != nil {
		fmt.Fprintf(os.Stderr, "standin: log: %v\n", err)
	}
}
