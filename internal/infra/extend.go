package infra

import (
	"fmt"
	"sync"

	"github.com/pulumi/pulumi-aws/sdk/v7/go/aws"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/stelvio-go/stelvio/internal/infra/function"
	"github.com/stelvio-go/stelvio/internal/infra/restapi"
	"github.com/stelvio-go/stelvio/internal/route"
)

// Extension is what the extend package records for extend.Pulumi: a function run inside the Pulumi
// program after stelvio's resources are declared.
type Extension = func(ctx *pulumi.Context, m *Made) error

// Made is what stelvio made in an environment's Pulumi program, as extensions see it.
type Made struct {
	Ctx   *pulumi.Context
	Table *route.Table
	// AWS is the environment's aws provider (region, profile, default tags); nil under plain mocks.
	AWS *aws.Provider
	// Lambdas and Apis by name.
	Lambdas map[string]*function.Lambda
	Apis    map[string]*restapi.RestApi

	// Export makes a stack output (shown by plan and outputs).
	Export func(name string, value pulumi.StringOutput)

	mu      sync.Mutex
	outputs map[*route.OutputDecl]*placeholder
}

// placeholder is a deploy-time value: functions' environments read it before an extension sets it.
type placeholder struct {
	out     pulumi.StringOutput
	resolve func(any)
	reject  func(error)
	done    bool
}

func newMade(ctx *pulumi.Context, t *route.Table, prov *aws.Provider) *Made {
	m := &Made{Ctx: ctx, Table: t, AWS: prov, Lambdas: map[string]*function.Lambda{},
		Apis: map[string]*restapi.RestApi{}, outputs: map[*route.OutputDecl]*placeholder{}}
	for _, o := range t.Outputs {
		out, resolve, reject := ctx.NewOutput()
		// The placeholder is resolved with the extension's own output; awaiting it awaits that one in
		// turn, with its unknown-ness during previews, its secrecy and its dependencies.
		str := out.ApplyT(func(v any) (string, error) {
			s, ok := v.(string)
			if !ok {
				return "", fmt.Errorf("output %q: value is %T, not a string", o.Name, v)
			}
			return s, nil
		}).(pulumi.StringOutput)
		m.outputs[o] = &placeholder{out: str, resolve: resolve, reject: reject}
	}
	return m
}

// envOutputs are the values of fn's deploy-time environment variables.
func (m *Made) envOutputs(fn *route.Function) map[string]pulumi.StringInput {
	if len(fn.Outputs) == 0 {
		return nil
	}
	vars := make(map[string]pulumi.StringInput, len(fn.Outputs))
	for k, o := range fn.Outputs {
		if p, ok := m.outputs[o]; ok {
			vars[k] = p.out
		}
	}
	return vars
}

// Set gives the deploy-time value o its value.
func (m *Made) Set(o *route.OutputDecl, v pulumi.StringInput) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	p, ok := m.outputs[o]
	if !ok {
		return fmt.Errorf("output %q was not declared with ctx.Output on this app's context", o.Name)
	}
	if p.done {
		return fmt.Errorf("output %q is set twice; set it once", o.Name)
	}
	p.done = true
	p.resolve(v.ToStringOutput())
	return nil
}

// runExtensions calls every extension in declaration order.
func (m *Made) runExtensions() error {
	for _, ext := range m.Table.Extensions {
		run, ok := ext.Run.(Extension)
		if !ok {
			return fmt.Errorf("%s: extension of type %T cannot run", ext.Source, ext.Run)
		}
		if err := run(m.Ctx, m); err != nil {
			return fmt.Errorf("%s: extend.Pulumi: %w", ext.Source, err)
		}
	}
	return nil
}

// settle rejects the placeholders that no extension set.
func (m *Made) settle() {
	m.mu.Lock()
	defer m.mu.Unlock()
	for o, p := range m.outputs {
		if !p.done {
			p.done = true
			p.reject(fmt.Errorf("output %q (%s) was never set; set it in an extend.Pulumi function with app.Set", o.Name, o.Source))
		}
	}
}
