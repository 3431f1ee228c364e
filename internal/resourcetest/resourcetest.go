// Package resourcetest runs a Pulumi program under mocks and records what it registers, so that tests
// of stelvio's components can assert the inputs of each resource.
package resourcetest

import (
	"fmt"
	"strings"
	"sync"
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

// Resource is one registered resource.
type Resource struct {
	Type   string
	Name   string
	Custom bool
	Inputs resource.PropertyMap
	// Outputs are what the mock answered: the inputs with the outputs of Outputs added.
	Outputs resource.PropertyMap
	// Provider is the provider reference ("urn::id"), "" for the default provider.
	Provider string
	// Parent is the parent's URN; Dependencies the URNs of explicit dependencies (pulumi.DependsOn).
	Parent       string
	Dependencies []string
}

// Input is the string value of an input, "" when it is missing, unknown or not a string.
func (r *Resource) Input(key string) string { return str(r.Inputs[resource.PropertyKey(key)]) }

// Path is the string at a path of nested objects and arrays in the inputs: Path("aliases", 0, "name").
func (r *Resource) Path(path ...any) string {
	v := resource.NewObjectProperty(r.Inputs)
	for _, p := range path {
		switch k := p.(type) {
		case string:
			if !v.IsObject() {
				return ""
			}
			v = v.ObjectValue()[resource.PropertyKey(k)]
		case int:
			if !v.IsArray() || k >= len(v.ArrayValue()) {
				return ""
			}
			v = v.ArrayValue()[k]
		}
	}
	return str(v)
}

// UsesProvider reports whether the resource is managed by the provider resource of type typ ("aws") and
// logical name name.
func (r *Resource) UsesProvider(typ, name string) bool {
	return strings.Contains(r.Provider, "::pulumi:providers:"+typ+"::"+name+"::")
}

func str(v resource.PropertyValue) string {
	switch {
	case v.IsString():
		return v.StringValue()
	case v.IsNumber():
		return fmt.Sprint(v.NumberValue())
	case v.IsBool():
		return fmt.Sprint(v.BoolValue())
	case v.IsSecret():
		return str(v.SecretValue().Element)
	case v.IsOutput() && v.OutputValue().Known:
		return str(v.OutputValue().Element)
	}
	return ""
}

// Mocks answers a program's registrations and records them.
type Mocks struct {
	// Outputs, when set, gives the outputs the cloud would add for a resource (e.g. an ARN).
	Outputs func(typ, name string, inputs resource.PropertyMap) resource.PropertyMap

	mu        sync.Mutex
	resources []*Resource
}

// NewResource implements pulumi.MockResourceMonitor.
func (m *Mocks) NewResource(args pulumi.MockResourceArgs) (string, resource.PropertyMap, error) {
	out := args.Inputs.Copy()
	if m.Outputs != nil {
		for k, v := range m.Outputs(args.TypeToken, args.Name, args.Inputs) {
			out[k] = v
		}
	}
	r := &Resource{Type: args.TypeToken, Name: args.Name, Custom: args.Custom, Inputs: args.Inputs, Outputs: out, Provider: args.Provider}
	if rpc := args.RegisterRPC; rpc != nil {
		r.Parent, r.Dependencies = rpc.GetParent(), rpc.GetDependencies()
	}
	m.mu.Lock()
	m.resources = append(m.resources, r)
	m.mu.Unlock()
	return args.Name + "-id", out, nil
}

// Call implements pulumi.MockResourceMonitor: invokes answer their arguments.
func (m *Mocks) Call(args pulumi.MockCallArgs) (resource.PropertyMap, error) { return args.Args, nil }

// Run runs program under m.
func (m *Mocks) Run(program pulumi.RunFunc) error {
	return pulumi.RunErr(program, pulumi.WithMocks("stelvio", "test", m))
}

// Resources are the registered resources in registration order.
func (m *Mocks) Resources() []*Resource {
	m.mu.Lock()
	defer m.mu.Unlock()
	return append([]*Resource(nil), m.resources...)
}

// Find returns the resource of type typ named name; the test fails when there is none.
func (m *Mocks) Find(t testing.TB, typ, name string) *Resource {
	t.Helper()
	for _, r := range m.Resources() {
		if r.Type == typ && r.Name == name {
			return r
		}
	}
	var have []string
	for _, r := range m.Resources() {
		have = append(have, r.Type+" "+r.Name)
	}
	t.Fatalf("no resource %s %q; registered:\n%s", typ, name, strings.Join(have, "\n"))
	return nil
}

// URN is the URN the mock engine gives a resource of type typ named name whose parents' types are
// parentTypes (outermost first).
func URN(typ, name string, parentTypes ...string) string {
	qualified := strings.Join(append(parentTypes, typ), "$")
	return "urn:pulumi:test::stelvio::" + qualified + "::" + name
}
