package httpapi

import "testing"

// Route keys: "$default", or a method and a resource path.
// https://docs.aws.amazon.com/apigateway/latest/developerguide/http-api-develop-routes.html
func TestParseRouteKey(t *testing.T) {
	ok := []struct{ in, want string }{
		{"$default", "$default"},
		{"GET /pets", "GET /pets"},
		{"ANY /{proxy+}", "ANY /{proxy+}"},
		{"GET /pets/{petID}", "GET /pets/{petID}"},
		{"POST /", "POST /"},
		{"DELETE /users/{id}/", "DELETE /users/{id}"},
		{"HEAD /a/{rest+}", "HEAD /a/{rest+}"},
	}
	for _, c := range ok {
		t.Run(c.in, func(t *testing.T) {
			k, err := ParseRouteKey(c.in)
			if err != nil {
				t.Fatal(err)
			}
			if k.String() != c.want {
				t.Errorf("String() = %q, want %q", k.String(), c.want)
			}
		})
	}
	bad := []struct{ in, want string }{
		{"GET $default", `route key "GET $default": the $default route has no method; write "$default" alone`},
		{"ANY $default", `route key "ANY $default": the $default route has no method; write "$default" alone`},
		{"/pets", `route key "/pets" has no method; write "GET /pets", or "ANY /pets" for every method`},
		{"default", `route key "default": write a method and a path separated by one space ("GET /users/{id}") or "$default"`},
		{"get /pets", `route key "get /pets": method "get" must be upper case; write "GET /pets"`},
		{"FETCH /pets", `route key "FETCH /pets": unknown method "FETCH"; use one of ANY, GET, POST, PUT, PATCH, DELETE, HEAD, OPTIONS`},
		{"GET  /pets", `route key "GET  /pets": write a method and a path separated by one space, with no space in the path`},
		{"GET pets", `route key "GET pets": path "pets" must start with "/"; write "/pets"`},
		{"GET /{proxy+}/x", `route key "GET /{proxy+}/x": path "/{proxy+}/x": greedy parameter {proxy+} must be the last segment`},
		{"GET /a/{id}/{id}", `route key "GET /a/{id}/{id}": path "/a/{id}/{id}": duplicate path parameter "id"; rename one of them`},
		{"GET /a/x{id}", `route key "GET /a/x{id}": path "/a/x{id}": segment "x{id}" mixes text and a parameter or has unbalanced braces; a parameter must be a whole segment, e.g. /users/{id}`},
	}
	for _, c := range bad {
		t.Run(c.in, func(t *testing.T) {
			_, err := ParseRouteKey(c.in)
			if err == nil || err.Error() != c.want {
				t.Errorf("error = %v\nwant    %s", err, c.want)
			}
		})
	}
}
