package authorizer

import (
	"errors"
	"reflect"
	"testing"
)

// IAM wildcards: "*" matches any run of characters (slashes and colons too), "?" one character.
// https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_resource.html
func TestMatch(t *testing.T) {
	arn := "arn:aws:execute-api:us-east-1:123456789012:abc123/v1/GET/users/42"
	tests := []struct {
		pattern string
		value   string
		want    bool
	}{
		{arn, arn, true},
		{"*", arn, true},
		{"arn:aws:execute-api:us-east-1:123456789012:abc123/*", arn, true},
		{"arn:aws:execute-api:us-east-1:123456789012:abc123/*/*", arn, true},
		{"arn:aws:execute-api:us-east-1:123456789012:abc123/v1/*/users/*", arn, true},
		{"arn:aws:execute-api:us-east-1:123456789012:abc123/v1/GET/users", arn, false},
		{"arn:aws:execute-api:us-east-1:123456789012:abc123/v1/POST/*", arn, false},
		{"arn:aws:execute-api:*:*:abc123/v1/GET/users/??", arn, true},
		{"arn:aws:execute-api:*:*:abc123/v1/GET/users/?", arn, false},
		{"arn:aws:execute-api:us-east-1:123456789012:abc123/v1/get/users/42", arn, false}, // resources are case-sensitive
		{"arn:aws:execute-api:us-east-1:*:abc123/v1/GET/", "arn:aws:execute-api:us-east-1:1:abc123/v1/GET/", true},
		{"a*c", "a*bc", true},
		{"a*b*c", "axxbyyc", true},
		{"a*b*c", "axxbyy", false},
		{"", "", true},
		{"", "a", false},
		{"**", "", true},
	}
	for _, tt := range tests {
		if got := Match(tt.pattern, tt.value, true); got != tt.want {
			t.Errorf("Match(%q, %q) = %v, want %v", tt.pattern, tt.value, got, tt.want)
		}
	}
	if !Match("Execute-API:invoke", "execute-api:Invoke", false) {
		t.Error("action names must match without regard to case")
	}
}

func TestEvaluate(t *testing.T) {
	arn := "arn:aws:execute-api:us-east-1:123456789012:abc123/v1/GET/users/42"
	allow := func(res ...string) Statement {
		return Statement{Effect: "Allow", Action: []string{"execute-api:Invoke"}, Resource: res}
	}
	deny := func(res ...string) Statement {
		return Statement{Effect: "Deny", Action: []string{"execute-api:Invoke"}, Resource: res}
	}
	tests := []struct {
		name string
		p    Policy
		want Decision
	}{
		{"allow exact", Policy{[]Statement{allow(arn)}}, Allowed},
		{"allow wildcard", Policy{[]Statement{allow("arn:aws:execute-api:us-east-1:123456789012:abc123/*/GET/*")}}, Allowed},
		{"allow another method only", Policy{[]Statement{allow("arn:aws:execute-api:us-east-1:123456789012:abc123/v1/POST/users/42")}}, NotAllowed},
		{"no statements", Policy{}, NotAllowed},
		{"deny wins over allow", Policy{[]Statement{allow("*"), deny(arn)}}, Denied},
		{"deny of another path", Policy{[]Statement{allow("*"), deny("arn:aws:execute-api:*:*:*/v1/DELETE/*")}}, Allowed},
		{"action wildcard", Policy{[]Statement{{Effect: "Allow", Action: []string{"execute-api:*"}, Resource: []string{"*"}}}}, Allowed},
		{"other action", Policy{[]Statement{{Effect: "Allow", Action: []string{"execute-api:ManageConnections"}, Resource: []string{"*"}}}}, NotAllowed},
		{"NotResource", Policy{[]Statement{{Effect: "Allow", Action: []string{"execute-api:Invoke"}, NotResource: []string{"*/DELETE/*"}}}}, Allowed},
		{"NotResource excluding it", Policy{[]Statement{{Effect: "Allow", Action: []string{"execute-api:Invoke"}, NotResource: []string{"*/GET/*"}}}}, NotAllowed},
		{"NotAction", Policy{[]Statement{{Effect: "Deny", NotAction: []string{"s3:*"}, Resource: []string{"*"}}}}, Denied},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := tt.p.Evaluate(arn); got != tt.want {
				t.Errorf("Evaluate() = %v, want %v", got, tt.want)
			}
		})
	}
}

func TestMethodARN(t *testing.T) {
	tests := []struct{ method, path, want string }{
		{"GET", "/users/42", "arn:aws:execute-api:us-east-1:123456789012:abc123/v1/GET/users/42"},
		{"POST", "/", "arn:aws:execute-api:us-east-1:123456789012:abc123/v1/POST/"},
	}
	for _, tt := range tests {
		if got := MethodARN("us-east-1", "123456789012", "abc123", "v1", tt.method, tt.path); got != tt.want {
			t.Errorf("MethodARN(%s %s) = %q, want %q", tt.method, tt.path, got, tt.want)
		}
	}
}

func TestParseOutput(t *testing.T) {
	okPolicy := `"policyDocument":{"Version":"2012-10-17","Statement":[{"Action":"execute-api:Invoke","Effect":"Allow","Resource":"*"}]}`
	tests := []struct {
		name    string
		payload string
		want    *Output
		wantErr string
	}{
		// The documented example: numbers and booleans in context are stringified.
		// https://docs.aws.amazon.com/apigateway/latest/developerguide/api-gateway-lambda-authorizer-output.html
		{"documented output", `{"principalId":"user-1",` + okPolicy + `,"context":{"stringKey":"value","numberKey":1,"booleanKey":true,"float":1.5},"usageIdentifierKey":"k"}`,
			&Output{PrincipalID: "user-1", Policy: Policy{[]Statement{{Effect: "Allow", Action: []string{"execute-api:Invoke"}, Resource: []string{"*"}}}},
				Context: map[string]string{"stringKey": "value", "numberKey": "1", "booleanKey": "true", "float": "1.5"}}, ""},
		{"single statement object and lists", `{"principalId":"u","policyDocument":{"Statement":{"Action":["execute-api:Invoke"],"Effect":"Deny","Resource":["a","b"]}}}`,
			&Output{PrincipalID: "u", Policy: Policy{[]Statement{{Effect: "Deny", Action: []string{"execute-api:Invoke"}, Resource: []string{"a", "b"}}}}}, ""},
		{"not JSON", `Unauthorized`, nil, "malformed authorizer output: not a JSON object"},
		{"JSON string", `"Allow"`, nil, "malformed authorizer output: not a JSON object"},
		{"no principalId", `{` + okPolicy + `}`, nil, "malformed authorizer output: no principalId"},
		{"numeric principalId", `{"principalId":7,` + okPolicy + `}`, nil, "malformed authorizer output: principalId is not a string"},
		{"no policy", `{"principalId":"u"}`, nil, "malformed authorizer output: no policyDocument"},
		{"no statement", `{"principalId":"u","policyDocument":{"Version":"2012-10-17"}}`, nil, "malformed authorizer output: policyDocument has no Statement"},
		{"bad effect", `{"principalId":"u","policyDocument":{"Statement":[{"Action":"execute-api:Invoke","Effect":"allow","Resource":"*"}]}}`, nil,
			`malformed authorizer output: statement 0: Effect must be "Allow" or "Deny"`},
		{"no resource", `{"principalId":"u","policyDocument":{"Statement":[{"Action":"execute-api:Invoke","Effect":"Allow"}]}}`, nil,
			"malformed authorizer output: statement 0 has no Resource"},
		// "you cannot set a JSON object or array as a valid value of any key in the context map"
		{"context object", `{"principalId":"u",` + okPolicy + `,"context":{"user":{"id":3}}}`, nil,
			`malformed authorizer output: context value "user": is an object; context values must be strings, numbers or booleans`},
		{"context array", `{"principalId":"u",` + okPolicy + `,"context":{"roles":["a"]}}`, nil,
			`malformed authorizer output: context value "roles": is an array; context values must be strings, numbers or booleans`},
		{"context null", `{"principalId":"u",` + okPolicy + `,"context":{"x":null}}`, nil,
			`malformed authorizer output: context value "x": is null; context values must be strings, numbers or booleans`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := ParseOutput([]byte(tt.payload))
			if tt.wantErr != "" {
				if err == nil || err.Error() != tt.wantErr || !errors.Is(err, errMalformed) {
					t.Fatalf("ParseOutput() error = %v, want %q", err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatalf("ParseOutput() error = %v", err)
			}
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("ParseOutput() = %+v, want %+v", got, tt.want)
			}
		})
	}
}
