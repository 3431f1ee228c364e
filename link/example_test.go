package link_test

import (
	"fmt"
	"os"

	"github.com/stelvio-go/stelvio/link"
)

func ExampleTable() {
	// The app sets these when it links the table "todos" to the function.
	os.Setenv("STELVIO_TABLE_TODOS_NAME", "myapp-dev-todos")
	os.Setenv("STELVIO_TABLE_TODOS_ARN", "arn:aws:dynamodb:us-east-1:123456789012:table/myapp-dev-todos")

	todos, err := link.Table("todos")
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(todos.Name)
	fmt.Println(todos.ARN)

	_, err = link.Table("users")
	fmt.Println(err)
	// Output:
	// myapp-dev-todos
	// arn:aws:dynamodb:us-east-1:123456789012:table/myapp-dev-todos
	// link: table "users" is not linked to this function (STELVIO_TABLE_USERS_NAME is not set; table links set: STELVIO_TABLE_TODOS_NAME); link the table to the function in the app
}

func ExampleAPI() {
	os.Setenv("STELVIO_API_BILLING_URL", "https://abc123.execute-api.us-east-1.amazonaws.com/v1")
	billing, err := link.API("billing")
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(billing.URL)
	// Output: https://abc123.execute-api.us-east-1.amazonaws.com/v1
}
