package app

import (
	"context"

	"github.com/stelvio-go/stelvio/internal/link"
	"github.com/stelvio-go/stelvio/internal/route"
	"github.com/stelvio-go/stelvio/internal/tablespec"
)

// Hooks of the public aws/dynamodb package, set when it is initialised. An app that does not import
// it declares no table and never links the local DynamoDB engine: both hooks stay nil.
var (
	// TableDeclOf returns the declaration behind a *dynamodb.Table, or nil for a nil Table or another
	// type.
	TableDeclOf func(t any) *route.TableDecl
	// ApiDeclOf returns the declaration behind a *apigateway.Api, or nil for a nil Api or another
	// type; the apigateway package sets it.
	ApiDeclOf func(a any) *route.ApiDecl
	// HTTPApiDeclOf returns the declaration behind a *httpapi.Api, or nil for a nil Api or another
	// type; the httpapi package sets it.
	HTTPApiDeclOf func(a any) *route.HTTPApiDecl
	// StartLocalTables starts dev's local DynamoDB engine with the app's tables.
	StartLocalTables func(ctx context.Context, opts LocalTablesOptions) (LocalTables, error)
)

// LocalTablesOptions configure StartLocalTables.
type LocalTablesOptions struct {
	// Dir keeps the tables' data between runs (.stelvio/dev/dynamodb).
	Dir string
	// Reset deletes the data in Dir before starting.
	Reset bool
	// Tables are the declared tables under their physical names.
	Tables []tablespec.Table
	// ShimDir receives the Python endpoint shim (sitecustomize.py), a folder for the workers'
	// PYTHONPATH.
	ShimDir string
	// Logf reports background problems (a failed snapshot).
	Logf func(format string, args ...any)
}

// LocalTables is dev's running local DynamoDB engine.
type LocalTables interface {
	// Env is the environment a handler needs to reach the engine with the AWS SDKs.
	Env() map[string]string
	// Changes describe what starting did to the existing local tables ("created", "replaced ...").
	Changes() []string
	// Table gives a local table's name, ARN and stream ARN (empty without a stream).
	Table(ctx context.Context, name string) (physical, arn, streamARN string, err error)
	// Grant makes the engine hold the function p to what its links allow and returns the access
	// key id its requests must be signed with.
	Grant(p LocalPrincipal) (accessKeyID string)
	// Close writes the last snapshot and stops the engine.
	Close() error
}

// LocalPrincipal is a function as the local engine checks its requests.
type LocalPrincipal struct {
	// ARN names the function in a denial: "arn:aws:sts::<account>:assumed-role/<role>/<function>".
	ARN string
	// Statements are what the function's links grant (its identity-based policy when deployed).
	Statements []link.Statement
}
