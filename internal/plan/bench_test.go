package plan_test

import (
	"context"
	"fmt"
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/stelvio-go/stelvio/internal/plan"
	"github.com/stelvio-go/stelvio/internal/plan/plantest"
)

// BenchmarkPlan plans generated apps of 10, 100 and 1,000 routes (packages are not built: they are
// measured by bench/packages), beside the bare Pulumi program that registers the same resources
// directly under the same mocks. bench/plan runs it and writes the ratio.
func BenchmarkPlan(b *testing.B) {
	for _, n := range []int{10, 100, 1000} {
		dir := b.TempDir()
		p, err := plantest.GenerateApp(dir, n)
		if err != nil {
			b.Fatal(err)
		}
		opts := plan.Options{Env: "bench", ProjectDir: dir, Packager: plantest.Packager{ProjectDir: dir}, Region: "us-east-1"}
		b.Run(fmt.Sprintf("routes=%d/stelvio", n), func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if _, err := plan.Run(context.Background(), p, opts); err != nil {
					b.Fatal(err)
				}
			}
		})
		t, err := p.Load(opts.Env, dir)
		if err != nil {
			b.Fatal(err)
		}
		pkgs, err := opts.Packager.PackageAll(context.Background(), t)
		if err != nil {
			b.Fatal(err)
		}
		b.Run(fmt.Sprintf("routes=%d/bare", n), func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				mocks := &plan.Mocks{App: t.App, Env: t.Env, Region: "us-east-1", ProjectDir: dir}
				if err := pulumi.RunErr(plantest.BareProgram(t, pkgs), pulumi.WithMocks(t.App, t.Env, mocks)); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
