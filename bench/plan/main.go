// Command plan measures the offline plan: generated apps of 10, 100 and 1,000 routes planned by stelvio
// (route table, components, mocks, sorting), beside the bare Pulumi program that registers the same
// resources directly under the same mocks, so stelvio's overhead is a ratio. Runs alternate between the
// two and the medians are compared; packages are not built (bench/packages measures them). It writes a
// Markdown report and never fails on a number.
//
//	go run ./bench/plan [-runs 15] [-out bench/plan/results.md]
package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"syscall"
	"time"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/stelvio-go/stelvio/internal/plan"
	"github.com/stelvio-go/stelvio/internal/plan/plantest"
)

func main() {
	if err := run(); err != nil {
		fmt.Fprintln(os.Stderr, "error:", err)
		os.Exit(1)
	}
}

// sample is one measured run: wall-clock time, the CPU time of the process (less disturbed by other
// work on the machine), and allocations.
type sample struct {
	d, cpu time.Duration
	allocs uint64
	bytes  uint64
}

func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

func measure(f func() error) (sample, error) {
	runtime.GC()
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	cpu := cpuTime()
	start := time.Now()
	err := f()
	d := time.Since(start)
	cpu = cpuTime() - cpu
	runtime.ReadMemStats(&after)
	return sample{d: d, cpu: cpu, allocs: after.Mallocs - before.Mallocs, bytes: after.TotalAlloc - before.TotalAlloc}, err
}

// median is the median of s by key; s is sorted by it.
func median(s []sample, key func(sample) time.Duration) sample {
	slices.SortFunc(s, func(a, b sample) int { return int(key(a) - key(b)) })
	return s[len(s)/2]
}

func wall(s sample) time.Duration { return s.d }
func cpu(s sample) time.Duration  { return s.cpu }

type row struct {
	routes, resources int
	ours, bare        []sample
}

func run() error {
	runs := flag.Int("runs", 15, "measured runs of each program per size (after one warm-up)")
	out := flag.String("out", filepath.Join("bench", "plan", "results.md"), "report file")
	flag.Parse()

	var rows []row
	for _, n := range []int{10, 100, 1000} {
		dir, err := os.MkdirTemp("", "stelvio-bench-plan-")
		if err != nil {
			return err
		}
		defer os.RemoveAll(dir)
		p, err := plantest.GenerateApp(dir, n)
		if err != nil {
			return err
		}
		opts := plan.Options{Env: "bench", ProjectDir: dir, Packager: plantest.Packager{ProjectDir: dir}, Region: "us-east-1"}
		t, err := p.Load(opts.Env, dir)
		if err != nil {
			return err
		}
		pkgs, err := opts.Packager.PackageAll(context.Background(), t)
		if err != nil {
			return err
		}
		r := row{routes: n}
		ours := func() error {
			pl, err := plan.Run(context.Background(), p, opts)
			if err == nil {
				r.resources = len(pl.Resources)
			}
			return err
		}
		bare := func() error {
			mocks := &plan.Mocks{App: t.App, Env: t.Env, Region: "us-east-1", ProjectDir: dir}
			return pulumi.RunErr(plantest.BareProgram(t, pkgs), pulumi.WithMocks(t.App, t.Env, mocks))
		}
		for i := -1; i < *runs; i++ {
			// Alternate which goes first, so neither always runs on a warmer heap.
			order := []func() error{ours, bare}
			if i%2 == 1 {
				order = []func() error{bare, ours}
			}
			var got [2]sample
			for j, f := range order {
				s, err := measure(f)
				if err != nil {
					return fmt.Errorf("%d routes: %w", n, err)
				}
				got[j] = s
			}
			if i%2 == 1 {
				got[0], got[1] = got[1], got[0]
			}
			if i >= 0 { // the first round warms up
				r.ours, r.bare = append(r.ours, got[0]), append(r.bare, got[1])
			}
		}
		rows = append(rows, r)
		fmt.Fprintf(os.Stderr, "%d routes: stelvio %v, bare %v\n", n, median(r.ours, wall).d, median(r.bare, wall).d)
	}
	return os.WriteFile(*out, []byte(report(rows, *runs)), 0o644)
}

func ms(d time.Duration) string { return fmt.Sprintf("%.1f ms", float64(d)/float64(time.Millisecond)) }

func report(rows []row, runs int) string {
	var b strings.Builder
	b.WriteString("# Offline plan benchmark\n\n")
	fmt.Fprintf(&b, "`go run ./bench/plan` on %s/%s, %d CPUs, %s; median of %d alternating runs after a warm-up "+
		"(wall-clock, and CPU time of the process, which other work on the machine disturbs less); packages not built. "+
		"`go test -bench Plan ./internal/plan` runs the same programs as a testing.B benchmark.\n\n",
		runtime.GOOS, runtime.GOARCH, runtime.NumCPU(), runtime.Version(), runs)
	b.WriteString("- **stelvio**: `plan.Run` — load and validate the app into its route table, run `infra.Program` " +
		"(components, the account lookup, outputs) under `plan.Mocks`, record and sort every resource.\n")
	b.WriteString("- **bare**: the same custom resources with the same names and inputs registered directly " +
		"(`plantest.BareProgram`) under the same mocks: the Pulumi SDK's own cost.\n\n")
	b.WriteString("| routes | resources | stelvio (min–max) | bare (min–max) | time ratio | CPU stelvio | CPU bare | CPU ratio | allocs stelvio | allocs bare | alloc ratio | MB stelvio |\n")
	b.WriteString("|---|---|---|---|---|---|---|---|---|---|---|---|\n")
	for _, r := range rows {
		oc, bc := median(r.ours, cpu), median(r.bare, cpu)
		ours, bare := median(r.ours, wall), median(r.bare, wall)
		fmt.Fprintf(&b, "| %d | %d | %s (%s–%s) | %s (%s–%s) | %.2f× | %s | %s | %.2f× | %d | %d | %.2f× | %.1f |\n",
			r.routes, r.resources,
			ms(ours.d), ms(r.ours[0].d), ms(r.ours[len(r.ours)-1].d),
			ms(bare.d), ms(r.bare[0].d), ms(r.bare[len(r.bare)-1].d), float64(ours.d)/float64(bare.d),
			ms(oc.cpu), ms(bc.cpu), float64(oc.cpu)/float64(bc.cpu),
			ours.allocs, bare.allocs, float64(ours.allocs)/float64(bare.allocs), float64(ours.bytes)/(1<<20))
	}
	b.WriteString("\nTargets: 1,000 routes in under 3 s; overhead at most 1.3× the bare program. " +
		"Reported, never enforced. A generated app has one Python file per 10 routes (each with routing code), " +
		"paths /s{i}/r{j} and, for every other route, /s{i}/r{j}/{id}.\n")
	return b.String()
}
