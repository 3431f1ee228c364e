package cors_test

import (
	"fmt"

	"github.com/aws/aws-lambda-go/events"

	"github.com/stelvio-go/stelvio/lambda/cors"
)

// The environment stelvio gives a function of an API declared with one origin and credentials.
func exampleEnv(name string) string {
	return map[string]string{
		cors.EnvAllowOrigin:      "https://app.example.com",
		cors.EnvAllowCredentials: "true",
		cors.EnvExposeHeaders:    "X-Request-Id",
	}[name]
}

func ExampleApplyFrom() {
	resp := cors.ApplyFrom(exampleEnv, events.APIGatewayProxyResponse{
		StatusCode: 200,
		Headers:    map[string]string{"Content-Type": "application/json"},
		Body:       `{"ok":true}`,
	})
	fmt.Println(resp.Headers["Access-Control-Allow-Origin"])
	fmt.Println(resp.Headers["Access-Control-Allow-Credentials"])
	fmt.Println(resp.Headers["Access-Control-Expose-Headers"])
	fmt.Println(resp.Headers["Content-Type"])
	// Output:
	// https://app.example.com
	// true
	// X-Request-Id
	// application/json
}

func ExampleHeadersFrom() {
	noCORS := func(string) string { return "" }
	fmt.Println(cors.HeadersFrom(noCORS) == nil)
	fmt.Println(cors.HeadersFrom(func(name string) string {
		if name == cors.EnvAllowOrigin {
			return "*"
		}
		return ""
	}))
	// Output:
	// true
	// map[Access-Control-Allow-Origin:*]
}
