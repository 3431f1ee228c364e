package route

import (
	"slices"
	"testing"
)

func TestParsePathAccepts(t *testing.T) {
	tests := []struct {
		in, canonical string
		params        []string
	}{
		{"/", "/", nil},
		{"/users", "/users", nil},
		{"/users/", "/users", nil},
		{"/users/{id}", "/users/{id}", []string{"id"}},
		{"/users/{id}/", "/users/{id}", []string{"id"}},
		{"/users/{user_id}/orders/{orderId}", "/users/{user_id}/orders/{orderId}", []string{"user_id", "orderId"}},
		{"/files/{proxy+}", "/files/{proxy+}", []string{"proxy"}},
		{"/{proxy+}", "/{proxy+}", []string{"proxy"}},
		{"/v1.0/user-profiles/_me", "/v1.0/user-profiles/_me", nil},
		{"/{a}/{b}/{c}/{d}/{e}/{f}/{g}/{h}/{i}/{j}", "/{a}/{b}/{c}/{d}/{e}/{f}/{g}/{h}/{i}/{j}", []string{"a", "b", "c", "d", "e", "f", "g", "h", "i", "j"}},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			p, err := ParsePath(tt.in)
			if err != nil {
				t.Fatal(err)
			}
			if p.String() != tt.canonical {
				t.Errorf("String() = %q, want %q", p.String(), tt.canonical)
			}
			if !slices.Equal(p.Params(), tt.params) {
				t.Errorf("Params() = %q, want %q", p.Params(), tt.params)
			}
		})
	}
}

func TestParseMethodsAccepts(t *testing.T) {
	tests := []struct {
		in   string
		want []string
	}{
		{"GET", []string{"GET"}},
		{"options", []string{"OPTIONS"}},
		{"Any", []string{"ANY"}},
		{"*", []string{"ANY"}},
		{"PUT,delete, GET", []string{"DELETE", "GET", "PUT"}},
	}
	for _, tt := range tests {
		got, err := ParseMethods(tt.in)
		if err != nil {
			t.Errorf("ParseMethods(%q): %v", tt.in, err)
			continue
		}
		if !slices.Equal(got, tt.want) {
			t.Errorf("ParseMethods(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

// API Gateway makes a path variable greedy with a + after any name, {proxy+} being the usual example
// (https://docs.aws.amazon.com/apigateway/latest/developerguide/http-api-develop-routes.html: "To create
// a greedy path variable, add + to the variable name—for example, {proxy+}"); and it documents no
// quota on the number of path parameters
// (https://docs.aws.amazon.com/apigateway/latest/developerguide/api-gateway-execution-service-limits-table.html).
func TestParsePathGreedyNamesAndManyParams(t *testing.T) {
	tests := []struct {
		in     string
		params []string
	}{
		{"/files/{path+}", []string{"path"}},
		{"/static/{file_path+}", []string{"file_path"}},
		{"/{a}/{b}/{c}/{d}/{e}/{f}/{g}/{h}/{i}/{j}/{k}", []string{"a", "b", "c", "d", "e", "f", "g", "h", "i", "j", "k"}},
	}
	for _, tt := range tests {
		p, err := ParsePath(tt.in)
		if err != nil {
			t.Errorf("ParsePath(%q): %v", tt.in, err)
			continue
		}
		if p.String() != tt.in || !slices.Equal(p.Params(), tt.params) {
			t.Errorf("ParsePath(%q) = %q with %q", tt.in, p, p.Params())
		}
	}
	for in, want := range map[string]string{
		"/{path+}/x": `path "/{path+}/x": greedy parameter {path+} must be the last segment`,
		"/x/{+}":     `path "/x/{+}": empty parameter "{+}"; name it, e.g. {id}`,
		"/x/{1a+}":   `path "/x/{1a+}": parameter name "1a" must start with a letter or _ and contain only letters, digits and _`,
	} {
		if _, err := ParsePath(in); err == nil || err.Error() != want {
			t.Errorf("ParsePath(%q) error %v, want %s", in, err, want)
		}
	}
}

// ResourceCount counts what API Gateway's "Resources per API" quota (300 by default) counts: the root
// and one resource per distinct path prefix.
func TestResourceCount(t *testing.T) {
	api := &Api{Name: "api"}
	for _, s := range []string{"/users", "/users/{id}", "/users/{id}/orders", "/orders/{id}", "/"} {
		p, err := ParsePath(s)
		if err != nil {
			t.Fatal(err)
		}
		api.Routes = append(api.Routes, &Route{Api: api, Methods: []string{"GET"}, Path: p})
	}
	// "/", "/users", "/users/{id}", "/users/{id}/orders", "/orders", "/orders/{id}"
	if got := api.ResourceCount(); got != 6 {
		t.Errorf("ResourceCount() = %d, want 6", got)
	}
	if got := (&Api{}).ResourceCount(); got != 1 {
		t.Errorf("ResourceCount() of an API without routes = %d, want 1 (the root)", got)
	}
}

// Shape erases parameter names only: paths of one shape match the same request paths.
func TestPathShape(t *testing.T) {
	for in, want := range map[string]string{
		"/":                    "/",
		"/users":               "/users",
		"/users/{id}":          "/users/{}",
		"/users/{name}/orders": "/users/{}/orders",
		"/files/{proxy+}":      "/files/{+}",
		"/{a}/{b}/{rest+}":     "/{}/{}/{+}",
	} {
		p, err := ParsePath(in)
		if err != nil {
			t.Fatal(err)
		}
		if got := p.Shape(); got != want {
			t.Errorf("Shape(%s) = %q, want %q", in, got, want)
		}
	}
}
