// Command todo-api is a todo list API on a DynamoDB table: Python handlers (boto3) create and list
// todos, Go handlers (aws-sdk-go-v2) read, update and delete them, all linked to the table; a Python
// subscriber of the table's stream logs every change.
//
//	go run ./examples/todo-api dev     # serve it on http://127.0.0.1:3000 with a local DynamoDB
//	go run ./examples/todo-api plan    # list the AWS resources it becomes
package main

import (
	"os"

	"github.com/stelvio-go/stelvio"
	"github.com/stelvio-go/stelvio/aws/apigateway"
	"github.com/stelvio-go/stelvio/aws/dynamodb"
	"github.com/stelvio-go/stelvio/aws/function"
)

func main() {
	os.Exit(App().Main(Run))
}

// App is the todo API app.
func App() *stelvio.App { return stelvio.New("todo-api") }

// Run declares the todos table and the API.
func Run(ctx *stelvio.Context) error {
	todos := dynamodb.NewTable(ctx, "todos",
		dynamodb.Fields{"id": dynamodb.String, "owner": dynamodb.String, "created": dynamodb.Number},
		dynamodb.PartitionKey("id"),
		dynamodb.GlobalIndex("by-owner", "owner", "created", dynamodb.ProjectAll),
		// Two narrower views of the same keys: the todos' keys only, and their keys and titles.
		dynamodb.GlobalIndex("owner-ids", "owner", "created", dynamodb.ProjectKeysOnly),
		dynamodb.GlobalIndex("owner-titles", "owner", "created", dynamodb.ProjectInclude("title")),
		dynamodb.Stream(dynamodb.NewAndOldImages),
	)
	// Python (functions/audit.py): a function that receives every change of the table, in batches
	// of up to 10 records, from the table's stream.
	todos.Subscribe("audit", "functions/audit.handler", dynamodb.BatchSize(10))
	api := apigateway.New(ctx, "todo-api")

	// Python (functions/todos.py): one Lambda with generated routing code, linked to the table.
	api.Route("POST", "/todos", "functions/todos.create", function.Link(todos))
	api.Route("GET", "/todos", "functions/todos.index")

	// Go (the package functions/todo): one Lambda, linked to the table.
	api.Route("GET", "/todos/{id}", "functions/todo.Get", function.Link(todos))
	api.Route("PATCH", "/todos/{id}", "functions/todo.Update")
	api.Route("DELETE", "/todos/{id}", "functions/todo.Delete")
	api.Route("GET", "/owners/{owner}/todos", "functions/todo.ByOwner")

	// A Go function linked to nothing, and a Python one that may only read the table and may invoke
	// the Go one: both report what their links give them.
	version := function.New(ctx, "version", "functions/version.Handler")
	api.RouteFunction("GET", "/version", version)
	stats := function.New(ctx, "stats", "functions/stats.handler", function.LinkReadOnly(todos), function.Link(version))
	api.RouteFunction("GET", "/stats", stats)
	return nil
}
