package authorizer

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
)

// MethodARN is the ARN API Gateway passes to a Lambda authorizer and matches the policy against:
// arn:aws:execute-api:{region}:{account}:{apiId}/{stage}/{METHOD}/{path}, the path being the request's
// path without its leading slash ("" for the root, giving ".../GET/").
// https://docs.aws.amazon.com/apigateway/latest/developerguide/api-gateway-lambda-authorizer-input.html
func MethodARN(region, account, apiID, stage, method, path string) string {
	return "arn:aws:execute-api:" + region + ":" + account + ":" + apiID + "/" + stage + "/" + method + "/" +
		strings.TrimPrefix(path, "/")
}

// Output is what a Lambda authorizer returns.
// https://docs.aws.amazon.com/apigateway/latest/developerguide/api-gateway-lambda-authorizer-output.html
type Output struct {
	PrincipalID string
	Policy      Policy
	// Context holds the context map's values as API Gateway passes them on: stringified.
	Context map[string]string
}

// Policy is the policyDocument of an authorizer's output.
type Policy struct {
	Statements []Statement
}

// Statement is one statement of a policy. Action and Resource hold one or more patterns; a statement
// with NotAction or NotResource matches what its patterns do not.
type Statement struct {
	Effect      string
	Action      []string
	NotAction   []string
	Resource    []string
	NotResource []string
}

// Decision is the result of evaluating a policy for a method ARN.
type Decision int

const (
	// NotAllowed means no statement allows the method (and none denies it).
	NotAllowed Decision = iota
	// Allowed means a statement allows the method and none denies it.
	Allowed
	// Denied means a statement denies the method: an explicit deny wins over any allow.
	Denied
)

const invokeAction = "execute-api:Invoke"

// Evaluate decides whether the policy lets the caller invoke methodARN, as IAM evaluates a policy: an
// explicit Deny wins, then an Allow, otherwise the request is not allowed.
// https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic.html
func (p Policy) Evaluate(methodARN string) Decision {
	allowed := false
	for _, s := range p.Statements {
		if !s.matches(invokeAction, methodARN) {
			continue
		}
		if s.Effect == "Deny" {
			return Denied
		}
		allowed = true
	}
	if allowed {
		return Allowed
	}
	return NotAllowed
}

func (s Statement) matches(action, resource string) bool {
	return matchesAny(s.Action, s.NotAction, action, false) && matchesAny(s.Resource, s.NotResource, resource, true)
}

// matchesAny reports whether value matches one of patterns, or, with notPatterns, none of them. Action
// names are compared without regard to case, resources with it.
// https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_action.html
func matchesAny(patterns, notPatterns []string, value string, caseSensitive bool) bool {
	if notPatterns != nil {
		for _, p := range notPatterns {
			if Match(p, value, caseSensitive) {
				return false
			}
		}
		return true
	}
	for _, p := range patterns {
		if Match(p, value, caseSensitive) {
			return true
		}
	}
	return false
}

// Match reports whether value matches an IAM pattern, in which "*" matches any run of characters
// (slashes and colons included) and "?" any single character.
// https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_resource.html
func Match(pattern, value string, caseSensitive bool) bool {
	if !caseSensitive {
		pattern, value = strings.ToLower(pattern), strings.ToLower(value)
	}
	p, v := []rune(pattern), []rune(value)
	// Iterative glob matching with backtracking to the last "*".
	pi, vi, star, mark := 0, 0, -1, 0
	for vi < len(v) {
		switch {
		case pi < len(p) && p[pi] == '*':
			star, mark = pi, vi
			pi++
		case pi < len(p) && (p[pi] == '?' || p[pi] == v[vi]):
			pi++
			vi++
		case star >= 0:
			pi = star + 1
			mark++
			vi = mark
		default:
			return false
		}
	}
	for pi < len(p) && p[pi] == '*' {
		pi++
	}
	return pi == len(p)
}

// errMalformed is an authorizer output API Gateway cannot use: the client gets a 500
// AuthorizerConfigurationException.
var errMalformed = errors.New("malformed authorizer output")

// ParseOutput reads a Lambda authorizer's output. Anything API Gateway rejects — not a JSON object, no
// principalId, no policyDocument or statements, an Effect other than Allow or Deny, a context value that
// is an object, an array or null — is an error wrapping errMalformed, with what is wrong.
// Context numbers and booleans are stringified: "the returned values are all stringified", and a
// JSON object or array is not a valid context value.
// https://docs.aws.amazon.com/apigateway/latest/developerguide/api-gateway-lambda-authorizer-output.html
func ParseOutput(payload []byte) (*Output, error) {
	var raw struct {
		PrincipalID    *json.RawMessage           `json:"principalId"`
		PolicyDocument *json.RawMessage           `json:"policyDocument"`
		Context        map[string]json.RawMessage `json:"context"`
	}
	if err := strictObject(payload, &raw); err != nil {
		return nil, fmt.Errorf("%w: %v", errMalformed, err)
	}
	var out Output
	if raw.PrincipalID == nil {
		return nil, fmt.Errorf("%w: no principalId", errMalformed)
	}
	if err := json.Unmarshal(*raw.PrincipalID, &out.PrincipalID); err != nil {
		return nil, fmt.Errorf("%w: principalId is not a string", errMalformed)
	}
	if raw.PolicyDocument == nil {
		return nil, fmt.Errorf("%w: no policyDocument", errMalformed)
	}
	policy, err := parsePolicy(*raw.PolicyDocument)
	if err != nil {
		return nil, err
	}
	out.Policy = policy
	if len(raw.Context) > 0 {
		out.Context = make(map[string]string, len(raw.Context))
	}
	for k, v := range raw.Context {
		s, err := stringify(v)
		if err != nil {
			return nil, fmt.Errorf("%w: context value %q: %v", errMalformed, k, err)
		}
		out.Context[k] = s
	}
	return &out, nil
}

func strictObject(data []byte, v any) error {
	data = bytes.TrimSpace(data)
	if len(data) == 0 || data[0] != '{' {
		return errors.New("not a JSON object")
	}
	return json.Unmarshal(data, v)
}

func stringify(v json.RawMessage) (string, error) {
	v = bytes.TrimSpace(v)
	switch {
	case len(v) == 0:
		return "", errors.New("empty")
	case v[0] == '"':
		var s string
		err := json.Unmarshal(v, &s)
		return s, err
	case string(v) == "true" || string(v) == "false":
		return string(v), nil
	case v[0] == '-' || v[0] >= '0' && v[0] <= '9':
		var n json.Number
		if err := json.Unmarshal(v, &n); err != nil {
			return "", err
		}
		return n.String(), nil
	case v[0] == '{':
		return "", errors.New("is an object; context values must be strings, numbers or booleans")
	case v[0] == '[':
		return "", errors.New("is an array; context values must be strings, numbers or booleans")
	default:
		return "", fmt.Errorf("is %s; context values must be strings, numbers or booleans", v)
	}
}

// stringOrList reads an IAM field that is a string or a list of strings.
func stringOrList(v json.RawMessage) ([]string, error) {
	var one string
	if err := json.Unmarshal(v, &one); err == nil {
		return []string{one}, nil
	}
	var list []string
	if err := json.Unmarshal(v, &list); err != nil {
		return nil, errors.New("not a string or a list of strings")
	}
	return list, nil
}

func parsePolicy(doc json.RawMessage) (Policy, error) {
	var raw struct {
		Version   string          `json:"Version"`
		Statement json.RawMessage `json:"Statement"`
	}
	if err := strictObject(doc, &raw); err != nil {
		return Policy{}, fmt.Errorf("%w: policyDocument: %v", errMalformed, err)
	}
	if len(raw.Statement) == 0 || string(raw.Statement) == "null" {
		return Policy{}, fmt.Errorf("%w: policyDocument has no Statement", errMalformed)
	}
	var rawStatements []map[string]json.RawMessage
	if bytes.TrimSpace(raw.Statement)[0] == '{' {
		var one map[string]json.RawMessage
		if err := json.Unmarshal(raw.Statement, &one); err != nil {
			return Policy{}, fmt.Errorf("%w: Statement: %v", errMalformed, err)
		}
		rawStatements = append(rawStatements, one)
	} else if err := json.Unmarshal(raw.Statement, &rawStatements); err != nil {
		return Policy{}, fmt.Errorf("%w: Statement is not an object or a list of objects", errMalformed)
	}
	var p Policy
	for i, rs := range rawStatements {
		var s Statement
		if err := json.Unmarshal(rs["Effect"], &s.Effect); err != nil || s.Effect != "Allow" && s.Effect != "Deny" {
			return Policy{}, fmt.Errorf("%w: statement %d: Effect must be \"Allow\" or \"Deny\"", errMalformed, i)
		}
		fields := []struct {
			name string
			dst  *[]string
		}{{"Action", &s.Action}, {"NotAction", &s.NotAction}, {"Resource", &s.Resource}, {"NotResource", &s.NotResource}}
		for _, f := range fields {
			v, ok := rs[f.name]
			if !ok {
				continue
			}
			list, err := stringOrList(v)
			if err != nil {
				return Policy{}, fmt.Errorf("%w: statement %d: %s: %v", errMalformed, i, f.name, err)
			}
			*f.dst = list
		}
		if s.Action == nil && s.NotAction == nil {
			return Policy{}, fmt.Errorf("%w: statement %d has no Action", errMalformed, i)
		}
		if s.Resource == nil && s.NotResource == nil {
			return Policy{}, fmt.Errorf("%w: statement %d has no Resource", errMalformed, i)
		}
		p.Statements = append(p.Statements, s)
	}
	return p, nil
}
