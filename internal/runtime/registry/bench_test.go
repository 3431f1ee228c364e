package registry_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"testing"

	"github.com/stelvio-go/stelvio/internal/route"
	"github.com/stelvio-go/stelvio/internal/runtime"
	"github.com/stelvio-go/stelvio/internal/runtime/registry"
	"github.com/stelvio-go/stelvio/internal/runtime/runtimetest"
)

// app writes n functions of lang into a new project, each serving two routes (so each gets generated
// routing code), and returns the project and its table.
func app(b *testing.B, lang string, n int) (string, *route.Table) {
	dir := b.TempDir()
	runtimetest.WriteModule(b, dir)
	var routes []*route.RouteDecl
	for i := range n {
		switch lang {
		case "python":
			os.MkdirAll(filepath.Join(dir, "functions"), 0o755)
			src := "def index(event, context):\n    return {\"statusCode\": 200}\n\n\ndef get(event, context):\n    return {\"statusCode\": 200}\n"
			os.WriteFile(filepath.Join(dir, "functions", fmt.Sprintf("f%d.py", i)), []byte(src), 0o644)
			routes = append(routes,
				&route.RouteDecl{Methods: "GET", Path: fmt.Sprintf("/f%d", i), Handler: fmt.Sprintf("functions/f%d.index", i)},
				&route.RouteDecl{Methods: "GET", Path: fmt.Sprintf("/f%d/{id}", i), Handler: fmt.Sprintf("functions/f%d.get", i)})
		case "go":
			pkg := filepath.Join(dir, "functions", fmt.Sprintf("g%d", i))
			os.MkdirAll(pkg, 0o755)
			src := fmt.Sprintf(`package g%d

import (
	"context"

	"github.com/aws/aws-lambda-go/events"
)

func Index(ctx context.Context, req events.APIGatewayProxyRequest) (events.APIGatewayProxyResponse, error) {
	return events.APIGatewayProxyResponse{StatusCode: 200}, nil
}

func Get(ctx context.Context, req events.APIGatewayProxyRequest) (events.APIGatewayProxyResponse, error) {
	return events.APIGatewayProxyResponse{StatusCode: 200}, nil
}
`, i)
			os.WriteFile(filepath.Join(pkg, "g.go"), []byte(src), 0o644)
			routes = append(routes,
				&route.RouteDecl{Methods: "GET", Path: fmt.Sprintf("/g%d", i), Handler: fmt.Sprintf("functions/g%d.Index", i)},
				&route.RouteDecl{Methods: "GET", Path: fmt.Sprintf("/g%d/{id}", i), Handler: fmt.Sprintf("functions/g%d.Get", i)})
		}
	}
	return dir, runtimetest.Table(b, dir, &route.Decls{Apis: []*route.ApiDecl{{Name: "api", Routes: routes}}})
}

// BenchmarkPackageAll measures building every package of an app with 1, 10 and 50 functions: cold
// (nothing under .stelvio; Go's own build cache is warm, as on a developer machine after the first
// build) and cached (nothing changed since the last build).
func BenchmarkPackageAll(b *testing.B) {
	for _, lang := range []string{"python", "go"} {
		for _, n := range []int{1, 10, 50} {
			for _, cached := range []bool{false, true} {
				mode := "cold"
				if cached {
					mode = "cached"
				}
				b.Run(fmt.Sprintf("%s/functions=%d/%s", lang, n, mode), func(b *testing.B) {
					dir, table := app(b, lang, n)
					p := registry.Packager(dir)
					ctx := context.Background()
					if _, err := p.PackageAll(ctx, table); err != nil {
						b.Fatal(err)
					}
					b.ResetTimer()
					for range b.N {
						if !cached {
							b.StopTimer()
							os.RemoveAll(filepath.Join(dir, ".stelvio"))
							b.StartTimer()
						}
						pkgs, err := p.PackageAll(ctx, table)
						if err != nil {
							b.Fatal(err)
						}
						if len(pkgs) != n {
							b.Fatalf("%d packages, want %d", len(pkgs), n)
						}
					}
					b.ReportMetric(float64(b.Elapsed().Milliseconds())/float64(b.N), "ms/build")
				})
			}
		}
	}
}

var _ = runtime.Package{}
