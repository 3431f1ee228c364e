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
