package main

import (
	"context"
	"encoding/json"
	"testing"

	"github.com/stelvio-go/stelvio/internal/app"
	"github.com/stelvio-go/stelvio/internal/plan"
	"github.com/stelvio-go/stelvio/internal/plan/plantest"
)

// TestInvokePlan checks what the links become on AWS (account 123456789012, us-east-1): the linked
// functions get summarize's name and ARN and a policy allowing lambda:InvokeFunction on it; the
// unlinked one gets neither, so its call is denied (as dev denies it).
func TestInvokePlan(t *testing.T) {
	pl, err := plan.Run(context.Background(), app.ProgramOf(App(), Run), plan.Options{
		Env: "test", ProjectDir: ".", Packager: plantest.Packager{ProjectDir: "."}, Region: "us-east-1",
	})
	if err != nil {
		t.Fatal(err)
	}
	js := func(v any) string {
		b, err := json.Marshal(v)
		if err != nil {
			t.Fatal(err)
		}
		return string(b)
	}
	const arn = "arn:aws:lambda:us-east-1:123456789012:function:invoke-test-summarize"
	linkedEnv := `{"variables":{"STELVIO_FUNCTION_SUMMARIZE_ARN":"` + arn + `","STELVIO_FUNCTION_SUMMARIZE_NAME":"invoke-test-summarize"}}`
	invoke := `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["lambda:InvokeFunction"],"Resource":["` + arn + `"]}]}`
	tests := []struct {
		function, env, policy string // policy "" means no link policy
	}{
		{"functions-summary", linkedEnv, invoke},
		{"functions-digest", linkedEnv, invoke},
		{"functions-unlinked", `null`, ""},
		{"summarize", `null`, ""},
	}
	for _, tt := range tests {
		fn := pl.Find("aws:lambda/function:Function", tt.function)
		if fn == nil {
			t.Errorf("no function %s", tt.function)
			continue
		}
		if got := js(fn.Inputs["environment"]); got != tt.env {
			t.Errorf("%s environment %s\nwant %s", tt.function, got, tt.env)
		}
		p := pl.Find("aws:iam/rolePolicy:RolePolicy", tt.function+"-links")
		switch {
		case p == nil && tt.policy != "":
			t.Errorf("%s has no link policy", tt.function)
		case p != nil && tt.policy == "":
			t.Errorf("%s has a link policy %v", tt.function, p.Inputs)
		case p != nil:
			if got := p.Inputs["policy"]; got != tt.policy || p.Inputs["role"] != "invoke-test-"+tt.function+"-role" {
				t.Errorf("%s link policy %v on role %v\nwant %s", tt.function, got, p.Inputs["role"], tt.policy)
			}
		}
	}
}
