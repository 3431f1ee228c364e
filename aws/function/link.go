package function

import (
	"fmt"

	"github.com/stelvio-go/stelvio/internal/app"
	"github.com/stelvio-go/stelvio/internal/route"
)

// Linkable is a resource a function can be linked to: a *dynamodb.Table, a *Function, an
// *apigateway.Api or an *apigateway.HTTPApi.
type Linkable interface {
	// LinkKind names the kind of resource: "table", "function" or "api".
	LinkKind() string
}

// LinkKind is "function": a Function can be linked to other functions (Link), which may then invoke it.
func (f *Function) LinkKind() string { return "function" }

// Link links the function to r: a *dynamodb.Table, another *Function made with New, or an
// *apigateway.Api or *apigateway.HTTPApi that does not call the function. The function's role gets what the link needs (read
// and write items of a table and query its indexes; invoke a function) and the function gets its
// environment variables: STELVIO_TABLE_<NAME>_NAME, _ARN and _STREAM_ARN for a table (with a stream),
// STELVIO_FUNCTION_<NAME>_NAME and _ARN for a function, STELVIO_API_<NAME>_URL for an API (its custom
// domain's URL when it has one, else its stage's invoke URL; for an HTTP API its endpoint,
// https://{id}.execute-api.{region}.amazonaws.com, which serves the $default stage), where NAME is the declared name
// upper-cased with characters other than letters and digits as "_". Handlers
// read them with the package github.com/stelvio-go/stelvio/link or the Python module stelvio_link.
// A variable the function sets itself (Env) wins over a link's, with a warning.
func Link(r Linkable) Option { return linkOption(r, false, route.Caller(1)) }

// LinkReadOnly links the function to the table r for reading only: GetItem, BatchGetItem, Query,
// Scan and ConditionCheckItem on the table, Query and Scan on its indexes.
func LinkReadOnly(r Linkable) Option { return linkOption(r, true, route.Caller(1)) }

func linkOption(r Linkable, readOnly bool, source string) Option {
	ld := &route.LinkDecl{ReadOnly: readOnly, Source: source}
	switch v := r.(type) {
	case *Function:
		if v != nil {
			ld.Function = v.d
		}
	default:
		if app.TableDeclOf != nil {
			ld.Table = app.TableDeclOf(r)
		}
		if ld.Table == nil && app.ApiDeclOf != nil {
			ld.Api = app.ApiDeclOf(r)
		}
		if ld.Table == nil && ld.Api == nil && app.HTTPApiDeclOf != nil {
			ld.HTTPApi = app.HTTPApiDeclOf(r)
		}
	}
	if ld.Function == nil && ld.Table == nil && ld.Api == nil && ld.HTTPApi == nil {
		what := "the linked resource is nil"
		if k := linkKindOf(r); k != "" {
			what = fmt.Sprintf("a %T (%s) cannot be linked", r, k)
		}
		app.Report(source, "link", what+"; pass a table made with dynamodb.NewTable, a function made with function.New or an api made with apigateway.New or apigateway.NewHTTP")
		return optionFunc(func(*route.FunctionConfig) {})
	}
	return optionFunc(func(c *route.FunctionConfig) { c.Links = append(c.Links, ld) })
}

// linkKindOf is r's LinkKind, or "" for a nil resource (a nil pointer of stelvio's types, whose
// LinkKind methods do not read the receiver, answers too, so nil pointers are told apart first).
func linkKindOf(r Linkable) string {
	if r == nil {
		return ""
	}
	switch r.LinkKind() {
	case "table", "function", "api":
		return "" // one of stelvio's types, given as a nil pointer
	default:
		return r.LinkKind()
	}
}
