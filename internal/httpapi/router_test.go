package httpapi

import (
	"maps"
	"testing"
)

func mustKey(t testing.TB, s string) RouteKey {
	t.Helper()
	k, err := ParseRouteKey(s)
	if err != nil {
		t.Fatal(err)
	}
	return k
}

func router(t testing.TB, keys ...string) *Router {
	t.Helper()
	var routes []Route
	for _, k := range keys {
		routes = append(routes, Route{Key: mustKey(t, k), Function: "fn " + k})
	}
	r, err := NewRouter(routes)
	if err != nil {
		t.Fatal(err)
	}
	return r
}

// The routing example of the documentation ("Routing API requests"): an API with a $default stage and
// the routes GET /pets/dog/1, GET /pets/dog/{id}, GET /pets/{proxy+}, ANY /{proxy+} and $default.
// https://docs.aws.amazon.com/apigateway/latest/developerguide/http-api-develop-routes.html
func TestMatchDocumentedPriorities(t *testing.T) {
	r := router(t, "$default", "ANY /{proxy+}", "GET /pets/{proxy+}", "GET /pets/dog/{id}", "GET /pets/dog/1")
	cases := []struct {
		method, path, want string
		params             map[string]string
	}{
		{"GET", "/pets/dog/1", "GET /pets/dog/1", nil},                                     // full match of a static route
		{"GET", "/pets/dog/2", "GET /pets/dog/{id}", map[string]string{"id": "2"}},         // full match with a variable
		{"GET", "/pets/cat/1", "GET /pets/{proxy+}", map[string]string{"proxy": "cat/1"}},  // greedy, GET
		{"POST", "/pets/cat/1", "ANY /{proxy+}", map[string]string{"proxy": "pets/cat/1"}}, // ANY matches the undefined method
		{"GET", "/", "$default", nil},                                                      // greedy needs a segment; $default last
		{"GET", "/pets/dog/a%20b", "GET /pets/dog/{id}", map[string]string{"id": "a b"}},   // values URL-decoded
		{"DELETE", "/pets/dog/1", "ANY /{proxy+}", map[string]string{"proxy": "pets/dog/1"}},
	}
	for _, c := range cases {
		t.Run(c.method+" "+c.path, func(t *testing.T) {
			m, ok := r.Match(c.method, c.path)
			if !ok {
				t.Fatal("no match")
			}
			if got := m.Route.Key.String(); got != c.want {
				t.Errorf("route = %q, want %q", got, c.want)
			}
			if !maps.Equal(m.PathParameters, c.params) {
				t.Errorf("path parameters = %v, want %v", m.PathParameters, c.params)
			}
		})
	}
}

// "You can use the ANY method to match all methods that you haven't defined for a resource": a route
// naming the method beats ANY on the same path; a full match beats a greedy one whatever its method.
func TestMatchMethodBeforeAny(t *testing.T) {
	r := router(t, "ANY /users/{id}", "GET /users/{id}", "GET /{proxy+}", "POST /users/me")
	cases := []struct{ method, path, want string }{
		{"GET", "/users/7", "GET /users/{id}"},
		{"PUT", "/users/7", "ANY /users/{id}"},
		{"POST", "/users/me", "POST /users/me"},
		{"GET", "/users/me", "GET /users/{id}"},
		{"GET", "/users/7/orders", "GET /{proxy+}"},
	}
	for _, c := range cases {
		m, ok := r.Match(c.method, c.path)
		if !ok || m.Route.Key.String() != c.want {
			t.Errorf("%s %s: got %v (ok %v), want %s", c.method, c.path, m.Route, ok, c.want)
		}
	}
}

// "If no routes match a request, API Gateway returns {"message":"Not Found"} to the client."
func TestMatchNone(t *testing.T) {
	r := router(t, "GET /pets", "GET /pets/{id}")
	for _, c := range []struct{ method, path string }{{"POST", "/pets"}, {"GET", "/pets/1/x"}, {"GET", "/"}, {"GET", "/pets/"}} {
		if m, ok := r.Match(c.method, c.path); ok {
			t.Errorf("%s %s matched %s", c.method, c.path, m.Route.Key)
		}
	}
}

func TestNewRouterErrors(t *testing.T) {
	_, err := NewRouter([]Route{
		{Key: mustKey(t, "GET /users/{id}"), Function: "a"},
		{Key: mustKey(t, "GET /users/{name}"), Function: "b"},
		{Key: mustKey(t, "GET /pets"), Function: "c"},
		{Key: mustKey(t, "GET /pets"), Function: "d"},
		{Key: mustKey(t, "$default"), Function: "e"},
		{Key: mustKey(t, "$default"), Function: "f"},
		{Key: mustKey(t, "POST /x")},
	})
	want := `routes "GET /users/{id}" and "GET /users/{name}" match the same requests; use the same parameter names or different paths
route "GET /pets" is declared twice; keep one
route "$default" is declared twice; keep one
route "POST /x" has no function; name the function it invokes`
	if err == nil || err.Error() != want {
		t.Errorf("error =\n%v\nwant\n%s", err, want)
	}
}
