package devserver

import (
	"reflect"
	"testing"

	"github.com/stelvio-go/stelvio/internal/route"
)

func testRouter(t *testing.T, routes ...[2]string) *router {
	t.Helper()
	api := &route.Api{Name: "api"}
	for _, r := range routes {
		methods, err := route.ParseMethods(r[0])
		if err != nil {
			t.Fatal(err)
		}
		p, err := route.ParsePath(r[1])
		if err != nil {
			t.Fatal(err)
		}
		api.Routes = append(api.Routes, &route.Route{Api: api, Methods: methods, Path: p})
	}
	return newRouter(api)
}

func TestMatch(t *testing.T) {
	rt := testRouter(t,
		[2]string{"GET", "/"},
		[2]string{"GET", "/users"},
		[2]string{"POST", "/users"},
		[2]string{"GET", "/users/{id}"},
		[2]string{"GET", "/users/me"},
		[2]string{"GET", "/users/{id}/posts/{post}"},
		[2]string{"ANY", "/{proxy+}"},
		[2]string{"GET", "/files/{proxy+}"},
		[2]string{"PUT", "/files/{name}"},
		[2]string{"DELETE", "/admin/{id}"},
	)
	tests := []struct {
		method, path string
		resource     string // "" for no match
		methods      string
		params       map[string]string
	}{
		{"GET", "/", "/", "GET", nil},
		{"GET", "", "/", "GET", nil},
		{"GET", "/users", "/users", "GET", nil},
		{"GET", "/users/", "/users", "GET", nil},
		{"POST", "/users", "/users", "POST", nil},
		{"GET", "/users/42", "/users/{id}", "GET", map[string]string{"id": "42"}},
		{"GET", "/users/me", "/users/me", "GET", nil},
		{"GET", "/users/a%2Fb", "/users/{id}", "GET", map[string]string{"id": "a/b"}},
		{"GET", "/users/7/posts/9", "/users/{id}/posts/{post}", "GET", map[string]string{"id": "7", "post": "9"}},
		// A literal beats a parameter, which beats the greedy path.
		{"GET", "/users/7/posts", "/{proxy+}", "ANY", map[string]string{"proxy": "users/7/posts"}},
		{"GET", "/files/a/b", "/files/{proxy+}", "GET", map[string]string{"proxy": "a/b"}},
		// /files/{name} is the resource for /files/a, and it has no GET: 403, not /files/{proxy+}.
		{"GET", "/files/a", "", "", nil},
		{"PUT", "/files/a", "/files/{name}", "PUT", map[string]string{"name": "a"}},
		// The most specific resource is chosen by path; a method it lacks is not looked up elsewhere.
		{"GET", "/admin/1", "", "", nil},
		{"DELETE", "/users", "", "", nil},
		{"PATCH", "/users/42", "", "", nil},
		{"POST", "/anything/else", "/{proxy+}", "ANY", map[string]string{"proxy": "anything/else"}},
		{"DELETE", "/", "", "", nil},
	}
	for _, tt := range tests {
		t.Run(tt.method+" "+tt.path, func(t *testing.T) {
			r, params, ok := rt.match(tt.method, tt.path)
			if tt.resource == "" {
				if ok {
					t.Fatalf("matched %s, want no match (403)", r)
				}
				return
			}
			if !ok {
				t.Fatalf("no match, want %s", tt.resource)
			}
			if r.Resource() != tt.resource || r.Methods[0] != tt.methods || !reflect.DeepEqual(params, tt.params) {
				t.Errorf("matched %s %v, want %s %s %v", r, params, tt.methods, tt.resource, tt.params)
			}
		})
	}
}

func TestMatchWithoutRootResource(t *testing.T) {
	rt := testRouter(t, [2]string{"ANY", "/{proxy+}"})
	if r, _, ok := rt.match("GET", "/"); ok {
		t.Errorf("GET / matched %s; {proxy+} needs at least one segment", r)
	}
}
