package httpapi_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http/httptest"

	"github.com/aws/aws-lambda-go/events"

	"github.com/stelvio-go/stelvio/internal/httpapi"
)

// A server serves an HTTP API by giving Handle every request; the invoker is how it runs functions
// (here a Go closure standing in for a Lambda runtime).
func Example() {
	key, err := httpapi.ParseRouteKey("GET /users/{id}")
	if err != nil {
		panic(err)
	}
	gw, err := httpapi.New(httpapi.Config{
		Name:   "api",
		Routes: []httpapi.Route{{Key: key, Function: "users"}},
		CORS:   &httpapi.CORS{AllowOrigins: []string{"https://app.example.com"}},
	}, httpapi.Options{
		Invoke: func(ctx context.Context, function string, event []byte) ([]byte, error) {
			var ev events.APIGatewayV2HTTPRequest
			if err := json.Unmarshal(event, &ev); err != nil {
				return nil, err
			}
			// No statusCode: API Gateway answers 200 application/json with this body.
			return json.Marshal(map[string]string{"function": function, "route": ev.RouteKey, "id": ev.PathParameters["id"]})
		},
	})
	if err != nil {
		panic(err)
	}

	for _, path := range []string{"/users/42", "/orders"} {
		r := httptest.NewRequest("GET", path, nil)
		r.Header.Set("Origin", "https://app.example.com")
		w := httptest.NewRecorder()
		gw.Handle(w, r)
		fmt.Println(w.Code, w.Header().Get("Content-Type"), w.Header().Get("Access-Control-Allow-Origin"), w.Body.String())
	}
	// Output:
	// 200 application/json https://app.example.com {"function":"users","id":"42","route":"GET /users/{id}"}
	// 404 application/json https://app.example.com {"message":"Not Found"}
}
