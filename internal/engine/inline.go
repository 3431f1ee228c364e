package engine

import "github.com/pulumi/pulumi/sdk/v3/go/pulumi"

// Inline is an environment's whole Pulumi program as the engine runs it: the tagged aws provider, then
// opts.Program with it. Only App, Env, Region, Profile and Program are read. The offline plan runs it
// under Pulumi mocks, so it shows the very provider a deployment uses.
func Inline(opts Options) pulumi.RunFunc { return inline(opts) }
