package apigateway_test

import (
	"fmt"

	"github.com/stelvio-go/stelvio"
	"github.com/stelvio-go/stelvio/aws/apigateway"
	"github.com/stelvio-go/stelvio/internal/app"
)

// Every mistake of a program is reported at once, with where it was made and how to fix it, before
// anything is deployed.
func Example_problems() {
	_, err := app.ProgramOf(stelvio.New("quickstart"), func(ctx *stelvio.Context) error {
		api := apigateway.New(ctx, "my-api")
		api.Route("GET", "users", "functions/users.index")
		api.Route("GET", "/users/{id}", "functions/users.py.get")
		api.Route("GET", "/users/{userId}/orders", "functions/orders.index")
		return nil
	}).Load("dev", "../../examples/quickstart")
	fmt.Println(err)
	// Output:
	// 3 problems in the app:
	//   example_problems_test.go:16: route GET users: path "users" must start with "/"; write "/users"
	//   example_problems_test.go:17: route GET /users/{id}: handler "functions/users.py.get": file path "functions/users.py" contains a dot; leave out the file extension and use only one "." before the function name
	//   example_problems_test.go:18: route GET /users/{userId}/orders: path parameter {userId} conflicts with {id} under /users (route GET /users/{id} at example_problems_test.go:17); API Gateway allows one parameter per position, so use the same name
}
