package main

import (
	"context"
	"encoding/json"
	"strings"
	"testing"

	"github.com/stelvio-go/stelvio/internal/app"
	"github.com/stelvio-go/stelvio/internal/plan"
	"github.com/stelvio-go/stelvio/internal/plan/plantest"
)

// TestEscapeHatchPlan: the plan holds the app's own bucket, made with the app's aws provider, the
// policy on the files function's role that allows its objects, and the bucket's name in the function's
// environment.
func TestEscapeHatchPlan(t *testing.T) {
	pl, err := plan.Run(context.Background(), app.ProgramOf(App(), Run), plan.Options{
		Env: "prod", ProjectDir: ".", Packager: plantest.Packager{ProjectDir: "."}, Region: "eu-west-1",
	})
	if err != nil {
		t.Fatal(err)
	}
	bucket := pl.Find("aws:s3/bucket:Bucket", "uploads")
	if bucket == nil {
		t.Fatalf("no bucket in the plan")
	}
	if bucket.Inputs["forceDestroy"] != false {
		t.Errorf("prod bucket forceDestroy = %v, want false", bucket.Inputs["forceDestroy"])
	}
	if bucket.ProviderName != "aws" {
		t.Errorf("bucket made with provider %q, want the app's aws provider", bucket.ProviderName)
	}
	policy := pl.Find("aws:iam/rolePolicy:RolePolicy", "files-uploads-rw")
	if policy == nil {
		t.Fatal("no policy for the files function")
	}
	role := pl.Find("aws:iam/role:Role", "files")
	if role == nil || policy.Inputs["role"] != role.Inputs["name"] {
		t.Errorf("policy role %v, want the files function's role %v", policy.Inputs["role"], role)
	}
	var doc struct {
		Statement []struct {
			Effect   string
			Action   []string
			Resource []string
		}
	}
	if err := json.Unmarshal([]byte(policy.Inputs["policy"].(string)), &doc); err != nil {
		t.Fatalf("policy %v: %v", policy.Inputs["policy"], err)
	}
	fn := pl.Find("aws:lambda/function:Function", "files")
	env, _ := fn.Inputs["environment"].(map[string]any)
	vars, _ := env["variables"].(map[string]any)
	bucketName, _ := vars["BUCKET"].(string)
	if bucketName != "<Bucket uploads bucket>" {
		t.Errorf("files function BUCKET = %v, want the bucket's name, made up at deploy time", vars["BUCKET"])
	}
	if len(doc.Statement) != 1 || doc.Statement[0].Effect != "Allow" ||
		strings.Join(doc.Statement[0].Action, ",") != "s3:GetObject,s3:PutObject" ||
		len(doc.Statement[0].Resource) != 1 || doc.Statement[0].Resource[0] != "arn:aws:s3:::"+bucketName+"/*" {
		t.Errorf("policy %s, want s3:GetObject and s3:PutObject on arn:aws:s3:::%s/*", policy.Inputs["policy"], bucketName)
	}
	if pl.Outputs["uploads-bucket"] != bucketName {
		t.Errorf("output uploads-bucket = %q, want %q", pl.Outputs["uploads-bucket"], bucketName)
	}
}
