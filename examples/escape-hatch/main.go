// Command escape-hatch is an app that adds its own AWS resource, an S3 bucket made with pulumi-aws
// directly, to stelvio's: the bucket's name reaches a Python function's environment, and the function's
// role may read and write the bucket's objects.
//
//	go run ./examples/escape-hatch plan --json   # the bucket, the policy and the env value
//	go run ./examples/escape-hatch dev           # BUCKET is the dev value, "local-uploads"
package main

import (
	"os"

	"github.com/pulumi/pulumi-aws/sdk/v7/go/aws/s3"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/stelvio-go/stelvio"
	"github.com/stelvio-go/stelvio/aws/apigateway"
	"github.com/stelvio-go/stelvio/aws/function"
	"github.com/stelvio-go/stelvio/extend"
)

func main() {
	os.Exit(App().Main(Run))
}

// App is the app.
func App() *stelvio.App { return stelvio.New("uploads") }

// Run declares an API whose files function stores objects in a bucket that the app makes itself.
func Run(ctx *stelvio.Context) error {
	// The bucket's name is known only once it is deployed; dev uses "local-uploads".
	bucketName := ctx.Output("uploads-bucket", "local-uploads")

	files := function.New(ctx, "files", "functions/files.handler",
		function.EnvOutput("BUCKET", bucketName),
		function.Memory(256))
	api := apigateway.New(ctx, "files-api")
	api.RouteFunction("GET,PUT", "/files/{key}", files)

	extend.Pulumi(ctx, func(p *pulumi.Context, app *extend.App) error {
		bucket, err := s3.NewBucket(p, "uploads", &s3.BucketArgs{ForceDestroy: pulumi.Bool(app.Env() != "prod")},
			app.AWSProvider())
		if err != nil {
			return err
		}
		if err := app.Set(bucketName, bucket.Bucket); err != nil {
			return err
		}
		app.Export("uploads-bucket", bucket.Bucket)
		return app.Function(files).Allow("uploads-rw",
			[]string{"s3:GetObject", "s3:PutObject"},
			pulumi.Sprintf("%s/*", bucket.Arn))
	})
	return nil
}
