package link

import (
	"encoding/json"
	"errors"
	"fmt"
	"sort"
	"strings"
)

// Kind is the kind of a linked resource, as it appears in variable names.
type Kind string

// Linkable kinds.
const (
	KindTable    Kind = "TABLE"
	KindFunction Kind = "FUNCTION"
	KindAPI      Kind = "API"
)

// Attributes of linked resources, as they appear at the end of variable names.
const (
	AttrName      = "NAME"
	AttrARN       = "ARN"
	AttrStreamARN = "STREAM_ARN"
	AttrURL       = "URL"
)

// EnvPrefix starts every link variable.
const EnvPrefix = "STELVIO_"

// EnvName is the variable holding attribute attr of the resource of kind k declared as name.
func EnvName(k Kind, name, attr string) string {
	return EnvPrefix + string(k) + "_" + NameKey(name) + "_" + attr
}

// NameKey is name with a-z in upper case and every character other than A-Z and 0-9 replaced by
// '_' (ASCII only, so that every language maps a name the same way).
func NameKey(name string) string {
	var b strings.Builder
	for _, r := range name {
		switch {
		case r >= 'a' && r <= 'z':
			b.WriteRune(r - 'a' + 'A')
		case r >= 'A' && r <= 'Z' || r >= '0' && r <= '9':
			b.WriteRune(r)
		default:
			b.WriteByte('_')
		}
	}
	return b.String()
}

// Access is what a table link allows.
type Access int

// Table access levels.
const (
	ReadWrite Access = iota
	ReadOnly
)

// Statement is one IAM policy statement.
type Statement struct {
	Effect   string   `json:"Effect"`
	Action   []string `json:"Action"`
	Resource []string `json:"Resource"`
}

// Policy is an IAM policy document.
type Policy struct {
	Version   string      `json:"Version"`
	Statement []Statement `json:"Statement"`
}

// JSON is the policy document as IAM takes it. "<" and ">" stay as they are (plans show placeholder
// ARNs such as "arn:aws:dynamodb:<region>:..."), where encoding/json's default would write \u003c.
func (p Policy) JSON() (string, error) {
	var b strings.Builder
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(p); err != nil {
		return "", err
	}
	return strings.TrimSuffix(b.String(), "\n"), nil
}

// Actions of a table link. The read actions are those the IAM service authorization reference
// classes as Read for items (https://docs.aws.amazon.com/service-authorization/latest/reference/list_amazondynamodb.html):
// ConditionCheckItem reads an item to evaluate a transaction condition.
var (
	tableReadActions  = []string{"dynamodb:GetItem", "dynamodb:BatchGetItem", "dynamodb:Query", "dynamodb:Scan", "dynamodb:ConditionCheckItem"}
	tableWriteActions = []string{"dynamodb:PutItem", "dynamodb:UpdateItem", "dynamodb:DeleteItem", "dynamodb:BatchWriteItem"}
	indexActions      = []string{"dynamodb:Query", "dynamodb:Scan"}
)

// TableStatements are the statements of a table link: item actions on the table, Query and Scan
// on its indexes ("<arn>/index/*").
func TableStatements(tableARN string, access Access) []Statement {
	actions := append([]string{}, tableReadActions...)
	if access == ReadWrite {
		actions = append(actions, tableWriteActions...)
	}
	sort.Strings(actions)
	return []Statement{
		{Effect: "Allow", Action: actions, Resource: []string{tableARN}},
		{Effect: "Allow", Action: append([]string{}, indexActions...), Resource: []string{tableARN + "/index/*"}},
	}
}

// FunctionStatements are the statements of a function link.
func FunctionStatements(functionARN string) []Statement {
	return []Statement{{Effect: "Allow", Action: []string{"lambda:InvokeFunction"}, Resource: []string{functionARN}}}
}

// Link is one resource linked to a function: the variables it sets and the statements it needs.
type Link struct {
	Kind       Kind
	Name       string
	Env        map[string]string // attribute -> value
	Statements []Statement
}

// Table links a table. streamARN is empty for a table without a stream.
func Table(name, arn, streamARN string, access Access) Link {
	env := map[string]string{AttrName: name, AttrARN: arn}
	if streamARN != "" {
		env[AttrStreamARN] = streamARN
	}
	return Link{Kind: KindTable, Name: name, Env: env, Statements: TableStatements(arn, access)}
}

// Function links a function so the linked one may invoke it.
func Function(name, arn string) Link {
	return Link{Kind: KindFunction, Name: name, Env: map[string]string{AttrName: name, AttrARN: arn}, Statements: FunctionStatements(arn)}
}

// API links an API by its URL; calling it needs no IAM statement.
func API(name, url string) Link {
	return Link{Kind: KindAPI, Name: name, Env: map[string]string{AttrURL: url}}
}

// Env is the environment of a function with these links. It reports every pair of links whose
// names map to the same variables, and every link made twice.
func Env(function string, links []Link) (map[string]string, error) {
	env := map[string]string{}
	owner := map[string]string{} // NameKey per kind -> declared name
	var errs []error
	for _, l := range links {
		key := string(l.Kind) + "_" + NameKey(l.Name)
		if prev, ok := owner[key]; ok {
			if prev == l.Name {
				errs = append(errs, fmt.Errorf("function %q: %s %q is linked twice; link it once", function, strings.ToLower(string(l.Kind)), l.Name))
			} else {
				errs = append(errs, fmt.Errorf("function %q: %s names %q and %q both map to %s_*; rename one of them",
					function, strings.ToLower(string(l.Kind)), prev, l.Name, EnvPrefix+key))
			}
			continue
		}
		owner[key] = l.Name
		for attr, v := range l.Env {
			env[EnvName(l.Kind, l.Name, attr)] = v
		}
	}
	if len(errs) > 0 {
		return nil, errors.Join(errs...)
	}
	return env, nil
}

// PolicyOf is the policy document granting what the links need; nil when they need nothing.
func PolicyOf(links []Link) *Policy {
	var st []Statement
	for _, l := range links {
		st = append(st, l.Statements...)
	}
	if len(st) == 0 {
		return nil
	}
	return &Policy{Version: "2012-10-17", Statement: st}
}
