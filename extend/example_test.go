package extend_test

import (
	"context"
	"fmt"

	"github.com/pulumi/pulumi-aws/sdk/v7/go/aws/s3"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/stelvio-go/stelvio"
	"github.com/stelvio-go/stelvio/aws/apigateway"
	"github.com/stelvio-go/stelvio/aws/function"
	"github.com/stelvio-go/stelvio/extend"
	"github.com/stelvio-go/stelvio/internal/app"
	"github.com/stelvio-go/stelvio/internal/plan"
	"github.com/stelvio-go/stelvio/internal/plan/plantest"
)

// project is the app whose handler files the examples use.
const project = "../examples/quickstart"

// planOf plans environment "prod" of an app named shop with run, as `stelvio plan prod` does, without
// building packages.
func planOf(run func(ctx *stelvio.Context) error) (*plan.Plan, error) {
	p := app.ProgramOf(stelvio.New("shop"), run)
	p.Dir = project
	return plan.Run(context.Background(), p, plan.Options{
		Env: "prod", ProjectDir: project, Packager: plantest.Packager{ProjectDir: project}, Region: "eu-west-1",
	})
}

// An S3 bucket made with pulumi-aws in the app's deployment: the function gets the bucket's name in
// its environment and the permission to read and write its objects. Under dev the function sees the
// output's dev value instead.
func Example() {
	run := func(ctx *stelvio.Context) error {
		bucketName := ctx.Output("uploads-bucket", "local-uploads")
		files := function.New(ctx, "files", "functions/reports.handler", function.EnvOutput("BUCKET", bucketName))
		apigateway.New(ctx, "my-api").RouteFunction("ANY", "/files/{proxy+}", files)

		extend.Pulumi(ctx, func(p *pulumi.Context, app *extend.App) error {
			bucket, err := s3.NewBucket(p, "uploads", &s3.BucketArgs{
				Bucket: pulumi.Sprintf("%s-%s-uploads", app.Name(), app.Env()),
			}, app.AWSProvider())
			if err != nil {
				return err
			}
			if err := app.Set(bucketName, bucket.Bucket); err != nil {
				return err
			}
			return app.Function(files).Allow("uploads-rw", []string{"s3:GetObject", "s3:PutObject"},
				pulumi.Sprintf("arn:aws:s3:::%s/*", bucket.Bucket))
		})
		return nil
	}

	pl, err := planOf(run)
	if err != nil {
		fmt.Println(err)
		return
	}
	bucket := pl.Find("aws:s3/bucket:Bucket", "uploads")
	fmt.Println("bucket:", bucket.Inputs["bucket"])
	policy := pl.Find("aws:iam/rolePolicy:RolePolicy", "files-uploads-rw")
	fmt.Printf("policy of %s: %s\n", policy.Inputs["role"], policy.Inputs["policy"])
	lambda := pl.Find("aws:lambda/function:Function", "files")
	fmt.Println("deployed BUCKET:", lambda.Inputs["environment"].(map[string]any)["variables"].(map[string]any)["BUCKET"])

	table, err := app.ProgramOf(stelvio.New("shop"), run).Load("dev", project)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println("dev BUCKET:", table.FunctionByName("files").LocalEnvironment()["BUCKET"])
	// Output:
	// bucket: shop-prod-uploads
	// policy of shop-prod-files-role: {"Statement":[{"Action":["s3:GetObject","s3:PutObject"],"Effect":"Allow","Resource":["arn:aws:s3:::shop-prod-uploads/*"]}],"Version":"2012-10-17"}
	// deployed BUCKET: shop-prod-uploads
	// dev BUCKET: local-uploads
}
