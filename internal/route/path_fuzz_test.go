package route

import (
	"reflect"
	"testing"
)

// FuzzParsePath checks that any path either is rejected or prints to a canonical form that parses back
// to the same value: the route table, the resources and the generated routing code all rely on
// Path.String naming a path exactly once.
func FuzzParsePath(f *testing.F) {
	for _, s := range []string{"/", "/users", "/users/", "/users/{id}", "/{proxy+}", "/a/{b}/c/{proxy+}", "//", "/{}", "/{a}{b}", "/x-{y}", "/{proxy+}/x"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		p, err := ParsePath(s)
		if err != nil {
			if err.Error() == "" {
				t.Fatalf("ParsePath(%q): empty error", s)
			}
			return
		}
		printed := p.String()
		q, err := ParsePath(printed)
		if err != nil {
			t.Fatalf("ParsePath(%q) printed as %q, which does not parse: %v", s, printed, err)
		}
		if !reflect.DeepEqual(p, q) {
			t.Fatalf("ParsePath(%q) = %#v, printed %q parses to %#v", s, p, printed, q)
		}
		if q.String() != printed {
			t.Fatalf("%q prints as %q, then as %q", s, printed, q.String())
		}
	})
}
