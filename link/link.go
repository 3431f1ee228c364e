package link

import (
	"fmt"
	"os"
	"sort"
	"strings"

	ilink "github.com/stelvio-go/stelvio/internal/link"
)

// TableInfo is a linked DynamoDB table.
type TableInfo struct {
	// Name is the table's physical name, "{app}-{env}-{name}": what the DynamoDB API calls take.
	Name string
	// ARN is the table's ARN.
	ARN string
	// StreamARN is the ARN of the table's stream; empty for a table without a stream.
	StreamARN string
}

// FunctionInfo is a linked function.
type FunctionInfo struct {
	// Name is the function's physical name, what lambda.Invoke takes.
	Name string
	// ARN is the function's ARN.
	ARN string
}

// APIInfo is a linked API.
type APIInfo struct {
	// URL is the API's base URL: its custom domain's, else its stage's invoke URL (dev's own address
	// under dev).
	URL string
}

// NotLinkedError says that the running function is not linked to the resource asked for.
type NotLinkedError struct {
	Kind     string   // "table", "function" or "api"
	Name     string   // the name asked for
	Variable string   // the variable that is not set
	Linked   []string // the variables of this kind that are set
}

// Error names the resource, the missing variable, the links that are set and the fix.
func (e *NotLinkedError) Error() string {
	linked := "no " + e.Kind + " is linked to it"
	if len(e.Linked) > 0 {
		linked = e.Kind + " links set: " + strings.Join(e.Linked, ", ")
	}
	return fmt.Sprintf("link: %s %q is not linked to this function (%s is not set; %s); link the %s to the function in the app",
		e.Kind, e.Name, e.Variable, linked, e.Kind)
}

// Table returns the linked table declared as name.
func Table(name string) (TableInfo, error) {
	v, err := lookup(ilink.KindTable, name, ilink.AttrName, ilink.AttrARN)
	if err != nil {
		return TableInfo{}, err
	}
	return TableInfo{Name: v[0], ARN: v[1], StreamARN: os.Getenv(ilink.EnvName(ilink.KindTable, name, ilink.AttrStreamARN))}, nil
}

// Function returns the linked function declared as name.
func Function(name string) (FunctionInfo, error) {
	v, err := lookup(ilink.KindFunction, name, ilink.AttrName, ilink.AttrARN)
	if err != nil {
		return FunctionInfo{}, err
	}
	return FunctionInfo{Name: v[0], ARN: v[1]}, nil
}

// API returns the linked API declared as name.
func API(name string) (APIInfo, error) {
	v, err := lookup(ilink.KindAPI, name, ilink.AttrURL)
	if err != nil {
		return APIInfo{}, err
	}
	return APIInfo{URL: v[0]}, nil
}

func lookup(k ilink.Kind, name string, attrs ...string) ([]string, error) {
	values := make([]string, len(attrs))
	for i, attr := range attrs {
		key := ilink.EnvName(k, name, attr)
		v, ok := os.LookupEnv(key)
		if !ok {
			return nil, &NotLinkedError{Kind: strings.ToLower(string(k)), Name: name, Variable: key, Linked: linked(k, attrs[0])}
		}
		values[i] = v
	}
	return values, nil
}

// linked lists the variables ending in attr of kind k that are set.
func linked(k ilink.Kind, attr string) []string {
	prefix := ilink.EnvPrefix + string(k) + "_"
	var out []string
	for _, kv := range os.Environ() {
		key, _, _ := strings.Cut(kv, "=")
		if strings.HasPrefix(key, prefix) && strings.HasSuffix(key, "_"+attr) && !strings.HasSuffix(key, "_STREAM_ARN") {
			out = append(out, key)
		}
	}
	sort.Strings(out)
	return out
}
