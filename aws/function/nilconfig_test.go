package function_test

import (
	"testing"

	"github.com/stelvio-go/stelvio"
	"github.com/stelvio-go/stelvio/aws/apigateway"
	"github.com/stelvio-go/stelvio/aws/function"
	"github.com/stelvio-go/stelvio/internal/app"
)

// TestNilOptions: a nil Option, or a nil *Config (a Config is an Option, so a pointer to one is too),
// configures nothing: the program loads with the defaults instead of crashing. A non-nil *Config
// configures as its Config does.
func TestNilOptions(t *testing.T) {
	var cfg *function.Config
	var opt function.Option
	table, err := app.ProgramOf(stelvio.New("quickstart"), func(ctx *stelvio.Context) error {
		api := apigateway.New(ctx, "my-api")
		api.Route("GET", "/users", "functions/users.index", cfg, opt)
		api.Route("GET", "/orders", "functions/orders.index", &function.Config{Memory: 512})
		api.RouteFunction("GET", "/reports", function.New(ctx, "reports", "functions/reports.handler", cfg, opt, function.Memory(256)))
		return nil
	}).Load("dev", "../../examples/quickstart")
	if err != nil {
		t.Fatal(err)
	}
	users, reports := table.FunctionByName("functions-users"), table.FunctionByName("reports")
	if users == nil || users.Memory != 128 || users.Timeout != 60 {
		t.Errorf("functions-users %+v, want the defaults", users)
	}
	if orders := table.FunctionByName("functions-orders"); orders == nil || orders.Memory != 512 {
		t.Errorf("functions-orders %+v, want the 512 MB of its *Config", orders)
	}
	if reports == nil || reports.Memory != 256 || reports.Timeout != 60 {
		t.Errorf("reports %+v, want 256 MB and the default timeout", reports)
	}
}
