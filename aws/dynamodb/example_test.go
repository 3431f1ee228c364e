package dynamodb_test

import (
	"fmt"
	"slices"
	"strings"

	"github.com/stelvio-go/stelvio"
	"github.com/stelvio-go/stelvio/aws/apigateway"
	"github.com/stelvio-go/stelvio/aws/dynamodb"
	"github.com/stelvio-go/stelvio/aws/function"
	"github.com/stelvio-go/stelvio/internal/app"
)

// A todos table with an index by owner, linked to the Python handlers that create and list todos:
// each linked function gets the table's variables and the permissions on it.
func Example() {
	run := func(ctx *stelvio.Context) error {
		todos := dynamodb.NewTable(ctx, "todos",
			dynamodb.Fields{"id": dynamodb.String, "owner": dynamodb.String, "created": dynamodb.Number},
			dynamodb.PartitionKey("id"),
			dynamodb.GlobalIndex("by-owner", "owner", "created", dynamodb.ProjectAll),
		)
		fmt.Println("declared", todos.Name())
		api := apigateway.New(ctx, "todo-api")
		api.Route("POST", "/todos", "functions/todos.create", function.Link(todos))
		api.Route("GET", "/todos", "functions/todos.index")
		return nil
	}
	table, err := app.ProgramOf(stelvio.New("todo-api"), run).Load("prod", "../../examples/todo-api")
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println("deployed as", table.Tables[0].Physical(table.App, table.Env))
	fn := table.Functions[0]
	var vars []string
	for name := range fn.LinkVariables() {
		vars = append(vars, name)
	}
	slices.Sort(vars)
	fmt.Printf("%s gets %s\n", fn.Name, strings.Join(vars, ", "))
	// Output:
	// declared todos
	// deployed as todo-api-prod-todos
	// functions-todos gets STELVIO_TABLE_TODOS_ARN, STELVIO_TABLE_TODOS_NAME
}

// A subscriber of the todos table's stream: a function of its own that receives the table's
// changes in batches of up to 10 records.
func ExampleTable_Subscribe() {
	run := func(ctx *stelvio.Context) error {
		todos := dynamodb.NewTable(ctx, "todos",
			dynamodb.Fields{"id": dynamodb.String},
			dynamodb.PartitionKey("id"),
			dynamodb.Stream(dynamodb.NewAndOldImages),
		)
		audit := todos.Subscribe("audit", "functions/audit.handler", dynamodb.BatchSize(10))
		fmt.Println("subscribed", audit.Name())
		api := apigateway.New(ctx, "todo-api")
		api.Route("POST", "/todos", "functions/todos.create", function.Link(todos))
		return nil
	}
	table, err := app.ProgramOf(stelvio.New("todo-api"), run).Load("prod", "../../examples/todo-api")
	if err != nil {
		fmt.Println(err)
		return
	}
	s := table.Subscriptions[0]
	fmt.Printf("function %s gets batches of %d records of table %s\n", s.Function.Name, s.BatchSize, s.Table.Name)
	// Output:
	// subscribed audit
	// function todos-audit gets batches of 10 records of table todos
}
