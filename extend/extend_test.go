package extend_test

import (
	"errors"
	"os"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/pulumi/pulumi-aws/sdk/v7/go/aws/s3"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/stelvio-go/stelvio"
	"github.com/stelvio-go/stelvio/aws/apigateway"
	"github.com/stelvio-go/stelvio/aws/function"
	"github.com/stelvio-go/stelvio/extend"
	"github.com/stelvio-go/stelvio/internal/app"
)

var markRE = regexp.MustCompile(`// (@\w+)`)

// marks maps the "// @name" comments of this file to "file:line", where a declaration on that line is
// reported.
func marks(t *testing.T) map[string]string {
	t.Helper()
	src, err := os.ReadFile("extend_test.go")
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]string{}
	for i, line := range strings.Split(string(src), "\n") {
		for _, m := range markRE.FindAllStringSubmatch(line, -1) {
			out[m[1]] = "extend_test.go:" + strconv.Itoa(i+1)
		}
	}
	return out
}

// filesApp declares a function whose BUCKET is the output "uploads-bucket", and ext as its extension.
func filesApp(ext func(p *pulumi.Context, a *extend.App, bucket *stelvio.Output, files *function.Function) error) func(ctx *stelvio.Context) error {
	return func(ctx *stelvio.Context) error {
		bucket := ctx.Output("uploads-bucket", "local-uploads") // @output
		files := function.New(ctx, "files", "functions/reports.handler", function.EnvOutput("BUCKET", bucket))
		apigateway.New(ctx, "my-api").RouteFunction("GET", "/files", files)
		extend.Pulumi(ctx, func(p *pulumi.Context, a *extend.App) error { return ext(p, a, bucket, files) }) // @extension
		return nil
	}
}

func newBucket(p *pulumi.Context, a *extend.App) (*s3.Bucket, error) {
	return s3.NewBucket(p, "uploads", &s3.BucketArgs{Bucket: pulumi.String("my-uploads")}, a.AWSProvider())
}

func TestOutputNeverSet(t *testing.T) {
	at := marks(t)
	_, err := planOf(filesApp(func(p *pulumi.Context, a *extend.App, _ *stelvio.Output, _ *function.Function) error {
		_, err := newBucket(p, a)
		return err
	}))
	// The Pulumi SDK names the input that waited for the output.
	want := `plan prod: waiting for RPCs: marshaling properties: awaiting input property "environment": output "uploads-bucket" (` + at["@output"] + `) was never set; set it in an extend.Pulumi function with app.Set`
	if err == nil || err.Error() != want {
		t.Fatalf("error %q, want %q", err, want)
	}
}

func TestOutputSetTwice(t *testing.T) {
	at := marks(t)
	_, err := planOf(filesApp(func(p *pulumi.Context, a *extend.App, bucket *stelvio.Output, _ *function.Function) error {
		b, err := newBucket(p, a)
		if err != nil {
			return err
		}
		if err := a.Set(bucket, b.Bucket); err != nil {
			t.Errorf("first Set: %v", err)
		}
		return a.Set(bucket, pulumi.String("other"))
	}))
	want := "plan prod: " + at["@extension"] + `: extend.Pulumi: output "uploads-bucket" is set twice; set it once`
	if err == nil || err.Error() != want {
		t.Fatalf("error %v, want %s", err, want)
	}
}

func TestSetRefusesForeignOutputs(t *testing.T) {
	var elsewhere *stelvio.Output
	if _, err := app.ProgramOf(stelvio.New("other"), func(ctx *stelvio.Context) error {
		elsewhere = ctx.Output("uploads-bucket", "x")
		return nil
	}).Load("dev", project); err != nil {
		t.Fatal(err)
	}
	var nilErr, foreignErr error
	_, err := planOf(filesApp(func(p *pulumi.Context, a *extend.App, bucket *stelvio.Output, _ *function.Function) error {
		nilErr = a.Set(nil, pulumi.String("x"))
		foreignErr = a.Set(elsewhere, pulumi.String("x"))
		return a.Set(bucket, pulumi.String("my-uploads"))
	}))
	if err != nil {
		t.Fatal(err)
	}
	if nilErr == nil || nilErr.Error() != "extend: Set: the output is nil" {
		t.Errorf("Set(nil): %v", nilErr)
	}
	if want := `output "uploads-bucket" was not declared with ctx.Output on this app's context`; foreignErr == nil || foreignErr.Error() != want {
		t.Errorf("Set of another app's output: %v, want %s", foreignErr, want)
	}
}

// TestAppHandles: the deployed function, role and API are reachable from an extension, and resources
// made with AWSProvider use the environment's provider.
func TestAppHandles(t *testing.T) {
	var mu sync.Mutex
	got := map[string]string{}
	record := func(key string, o pulumi.StringOutput) {
		o.ApplyT(func(s string) string {
			mu.Lock()
			defer mu.Unlock()
			got[key] = s
			return s
		})
	}
	var allowNil, allowEmpty error
	var stranger *function.Function
	pl, err := planOf(func(ctx *stelvio.Context) error {
		files := function.New(ctx, "files", "functions/reports.handler")
		api := apigateway.New(ctx, "my-api")
		api.RouteFunction("GET", "/files", files)
		extend.Pulumi(ctx, func(p *pulumi.Context, a *extend.App) error {
			if a.Name() != "shop" || a.Env() != "prod" {
				t.Errorf("app %s env %s", a.Name(), a.Env())
			}
			f := a.Function(files)
			if f == nil || f.Lambda == nil || f.Role == nil {
				return errors.New("no deployed files function")
			}
			record("name", f.Name())
			record("arn", f.Arn())
			record("role", f.Role.Name)
			deployed := a.Api(api)
			if deployed == nil || deployed.RestApi == nil || deployed.Stage == nil {
				return errors.New("no deployed api")
			}
			record("url", deployed.URL())
			record("id", deployed.ID())
			if a.Function(stranger) != nil || a.Api(nil) != nil {
				t.Errorf("a function or api not of the app was found")
			}
			allowNil = a.Function(stranger).Allow("x", []string{"s3:GetObject"}, pulumi.String("*"))
			allowEmpty = f.Allow("none", nil, pulumi.String("*"))
			_, err := newBucket(p, a)
			return err
		})
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]string{
		"name": "shop-prod-files",
		"arn":  "arn:aws:lambda:eu-west-1:123456789012:function:shop-prod-files",
		"role": "shop-prod-files-role",
		"url":  "https://<RestApi my-api id>.execute-api.eu-west-1.amazonaws.com/v1",
		"id":   "<RestApi my-api id>",
	}
	for k, v := range want {
		if got[k] != v {
			t.Errorf("%s = %q, want %q", k, got[k], v)
		}
	}
	if allowNil == nil || allowNil.Error() != "extend: Allow: the function is nil; get it with app.Function(fn) for a fn made with function.New" {
		t.Errorf("Allow on a nil function: %v", allowNil)
	}
	if allowEmpty == nil || allowEmpty.Error() != `extend: Allow "none" on function "files": give at least one action and one resource` {
		t.Errorf("Allow without actions: %v", allowEmpty)
	}
	bucket := pl.Find("aws:s3/bucket:Bucket", "uploads")
	providers := pl.OfType("pulumi:providers:aws")
	if bucket == nil || len(providers) != 1 || bucket.Provider != providers[0].URN {
		t.Errorf("the bucket is not made with the environment's aws provider (%v)", bucket)
	}
	if bucket != nil && bucket.Parent != "" {
		t.Errorf("the bucket has parent %s, want the stack", bucket.Parent)
	}
}

func TestExtensionErrorStopsThePlan(t *testing.T) {
	at := marks(t)
	_, err := planOf(func(ctx *stelvio.Context) error {
		function.New(ctx, "files", "functions/reports.handler")
		extend.Pulumi(ctx, func(*pulumi.Context, *extend.App) error { return errors.New("no quota for buckets") }) // @failing
		return nil
	})
	if want := "plan prod: " + at["@failing"] + ": extend.Pulumi: no quota for buckets"; err == nil || err.Error() != want {
		t.Errorf("error %v, want %s", err, want)
	}
}

// TestExtensionsDoNotRunUnderDev: loading the program (dev, the route table) never runs the user's
// Pulumi code.
func TestExtensionsDoNotRunUnderDev(t *testing.T) {
	ran := false
	table, err := app.ProgramOf(stelvio.New("shop"), filesApp(func(*pulumi.Context, *extend.App, *stelvio.Output, *function.Function) error {
		ran = true
		return nil
	})).Load("dev", project)
	if err != nil {
		t.Fatal(err)
	}
	if ran {
		t.Error("the extension ran while loading")
	}
	if len(table.Extensions) != 1 {
		t.Errorf("%d extensions in the table, want 1", len(table.Extensions))
	}
}

func TestDeclarationProblems(t *testing.T) {
	at := marks(t)
	_, err := app.ProgramOf(stelvio.New("shop"), func(ctx *stelvio.Context) error {
		extend.Pulumi(ctx, nil)                                                     // @nilfn
		extend.Pulumi(nil, func(*pulumi.Context, *extend.App) error { return nil }) // @nilctx
		return nil
	}).Load("dev", project)
	want := "2 problems in the app:\n" +
		"  " + at["@nilfn"] + ": extend.Pulumi: the function is nil; pass func(p *pulumi.Context, app *extend.App) error\n" +
		"  " + at["@nilctx"] + ": extend.Pulumi: the *stelvio.Context is nil; pass the ctx your run function received (app.Main(func(ctx *stelvio.Context) error { ... }))"
	if err == nil || err.Error() != want {
		t.Errorf("error:\n%v\nwant:\n%s", err, want)
	}
}
