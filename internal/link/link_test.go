package link

import (
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

func TestEnvNames(t *testing.T) {
	tests := []struct {
		kind       Kind
		name, attr string
		want       string
	}{
		{KindTable, "todos", AttrName, "STELVIO_TABLE_TODOS_NAME"},
		{KindTable, "user-events.v2", AttrStreamARN, "STELVIO_TABLE_USER_EVENTS_V2_STREAM_ARN"},
		{KindFunction, "sendMail", AttrARN, "STELVIO_FUNCTION_SENDMAIL_ARN"},
		{KindAPI, "billing_api", AttrURL, "STELVIO_API_BILLING_API_URL"},
		{KindTable, "café", AttrName, "STELVIO_TABLE_CAF__NAME"},
	}
	for _, tt := range tests {
		if got := EnvName(tt.kind, tt.name, tt.attr); got != tt.want {
			t.Errorf("EnvName(%s, %q, %s) = %s, want %s", tt.kind, tt.name, tt.attr, got, tt.want)
		}
	}
}

const arn = "arn:aws:dynamodb:us-east-1:123456789012:table/app-todos"

func TestTableStatements(t *testing.T) {
	rw, _ := json.Marshal(TableStatements(arn, ReadWrite))
	want := `[{"Effect":"Allow","Action":["dynamodb:BatchGetItem","dynamodb:BatchWriteItem","dynamodb:ConditionCheckItem","dynamodb:DeleteItem","dynamodb:GetItem","dynamodb:PutItem","dynamodb:Query","dynamodb:Scan","dynamodb:UpdateItem"],"Resource":["` + arn + `"]},` +
		`{"Effect":"Allow","Action":["dynamodb:Query","dynamodb:Scan"],"Resource":["` + arn + `/index/*"]}]`
	if string(rw) != want {
		t.Errorf("read-write\n got: %s\nwant: %s", rw, want)
	}
	ro, _ := json.Marshal(TableStatements(arn, ReadOnly))
	want = `[{"Effect":"Allow","Action":["dynamodb:BatchGetItem","dynamodb:ConditionCheckItem","dynamodb:GetItem","dynamodb:Query","dynamodb:Scan"],"Resource":["` + arn + `"]},` +
		`{"Effect":"Allow","Action":["dynamodb:Query","dynamodb:Scan"],"Resource":["` + arn + `/index/*"]}]`
	if string(ro) != want {
		t.Errorf("read-only\n got: %s\nwant: %s", ro, want)
	}
}

func TestEnvAndPolicyOfLinks(t *testing.T) {
	fnARN := "arn:aws:lambda:us-east-1:123456789012:function:app-mail"
	links := []Link{
		Table("todos", arn, arn+"/stream/2026", ReadOnly),
		Function("mail", fnARN),
		API("billing", "https://x.execute-api.us-east-1.amazonaws.com/v1"),
	}
	env, err := Env("users.get", links)
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]string{
		"STELVIO_TABLE_TODOS_NAME":       "todos",
		"STELVIO_TABLE_TODOS_ARN":        arn,
		"STELVIO_TABLE_TODOS_STREAM_ARN": arn + "/stream/2026",
		"STELVIO_FUNCTION_MAIL_NAME":     "mail",
		"STELVIO_FUNCTION_MAIL_ARN":      fnARN,
		"STELVIO_API_BILLING_URL":        "https://x.execute-api.us-east-1.amazonaws.com/v1",
	}
	if len(env) != len(want) {
		t.Errorf("env %v", env)
	}
	for k, v := range want {
		if env[k] != v {
			t.Errorf("%s = %q, want %q", k, env[k], v)
		}
	}
	p, _ := json.Marshal(PolicyOf(links))
	wantPolicy := `{"Version":"2012-10-17","Statement":[` +
		`{"Effect":"Allow","Action":["dynamodb:BatchGetItem","dynamodb:ConditionCheckItem","dynamodb:GetItem","dynamodb:Query","dynamodb:Scan"],"Resource":["` + arn + `"]},` +
		`{"Effect":"Allow","Action":["dynamodb:Query","dynamodb:Scan"],"Resource":["` + arn + `/index/*"]},` +
		`{"Effect":"Allow","Action":["lambda:InvokeFunction"],"Resource":["` + fnARN + `"]}]}`
	if string(p) != wantPolicy {
		t.Errorf("policy\n got: %s\nwant: %s", p, wantPolicy)
	}
	if PolicyOf([]Link{API("billing", "u")}) != nil {
		t.Error("an API link alone needs no policy")
	}
}

func TestEnvRejectsCollisions(t *testing.T) {
	_, err := Env("users.get", []Link{
		Table("my-table", arn, "", ReadWrite),
		Table("my_table", arn, "", ReadWrite),
		Function("mail", "a"),
		Function("mail", "a"),
		API("mail", "u"), // another kind: no collision
	})
	want := `function "users.get": table names "my-table" and "my_table" both map to STELVIO_TABLE_MY_TABLE_*; rename one of them` + "\n" +
		`function "users.get": function "mail" is linked twice; link it once`
	if err == nil || err.Error() != want {
		t.Errorf("error\n got: %v\nwant: %s", err, want)
	}
}

// The Python accessors read the variables Env writes and fail with the Go package's messages.
func TestPythonModule(t *testing.T) {
	if _, err := exec.LookPath("python3"); err != nil {
		if os.Getenv("CI") != "" {
			t.Fatal("python3 not found")
		}
		t.Skip("python3 not found")
	}
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, PythonModuleName), PythonModule, 0o644); err != nil {
		t.Fatal(err)
	}
	env, err := Env("f", []Link{Table("todos", arn, "", ReadWrite), Function("mail", "fa"), API("billing", "https://b")})
	if err != nil {
		t.Fatal(err)
	}
	script := `
import json, stelvio_link as L
out = {"table": list(L.table("todos")), "function": list(L.function("mail")), "api": list(L.api("billing"))}
for kind, name in (("table", "users"), ("function", "nope"), ("api", "other-api")):
    try:
        getattr(L, kind)(name)
    except L.NotLinkedError as e:
        out["err_" + kind] = str(e)
print(json.dumps(out))
`
	cmd := exec.Command("python3", "-c", script)
	cmd.Dir = dir
	cmd.Env = append(cleanEnv(), "PYTHONPATH="+dir)
	for k, v := range env {
		cmd.Env = append(cmd.Env, k+"="+v)
	}
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("python: %v\n%s", err, out)
	}
	var got map[string]any
	if err := json.Unmarshal(out, &got); err != nil {
		t.Fatalf("%s: %v", out, err)
	}
	check := func(key, want string) {
		t.Helper()
		b, _ := json.Marshal(got[key])
		if string(b) != want {
			t.Errorf("%s = %s, want %s", key, b, want)
		}
	}
	check("table", `["todos","`+arn+`",""]`)
	check("function", `["mail","fa"]`)
	check("api", `["https://b"]`)
	check("err_table", `"link: table \"users\" is not linked to this function (STELVIO_TABLE_USERS_NAME is not set; table links set: STELVIO_TABLE_TODOS_NAME); link the table to the function in the app"`)
	check("err_function", `"link: function \"nope\" is not linked to this function (STELVIO_FUNCTION_NOPE_NAME is not set; function links set: STELVIO_FUNCTION_MAIL_NAME); link the function to the function in the app"`)
	check("err_api", `"link: api \"other-api\" is not linked to this function (STELVIO_API_OTHER_API_URL is not set; api links set: STELVIO_API_BILLING_URL); link the api to the function in the app"`)
}

func cleanEnv() []string {
	var env []string
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, "STELVIO_") && !strings.HasPrefix(kv, "PYTHONPATH=") {
			env = append(env, kv)
		}
	}
	return env
}

// A policy of a plan, whose ARNs hold placeholders, reads as written: no \u003c for "<".
func TestPolicyJSON(t *testing.T) {
	got, err := Policy{Version: "2012-10-17", Statement: TableStatements("arn:aws:dynamodb:<region>:123456789012:table/t", ReadOnly)}.JSON()
	if err != nil {
		t.Fatal(err)
	}
	want := `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["dynamodb:BatchGetItem","dynamodb:ConditionCheckItem","dynamodb:GetItem","dynamodb:Query","dynamodb:Scan"],"Resource":["arn:aws:dynamodb:<region>:123456789012:table/t"]},{"Effect":"Allow","Action":["dynamodb:Query","dynamodb:Scan"],"Resource":["arn:aws:dynamodb:<region>:123456789012:table/t/index/*"]}]}`
	if got != want {
		t.Errorf("policy:\n%s\nwant:\n%s", got, want)
	}
}
