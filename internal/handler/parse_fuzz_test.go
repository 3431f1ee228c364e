package handler

import "testing"

// FuzzParse checks that any handler string (with or without a configured folder) is either rejected or
// prints with Ref.String to a handler string that parses back to the same Ref.
func FuzzParse(f *testing.F) {
	seeds := []struct{ s, folder string }{
		{"functions/users.index", ""},
		{"functions/orders::handler.index", ""},
		{"handler.index", "functions/orders"},
		{"functions/hello.Hello", ""},
		{"a::b::c.d", ""},
		{"a:::b.c", ""},
		{"../x.y", ""},
		{"functions/users.py.index", ""},
	}
	for _, s := range seeds {
		f.Add(s.s, s.folder)
	}
	f.Fuzz(func(t *testing.T, s, folder string) {
		r, err := Parse(s, folder)
		if err != nil {
			if err.Error() == "" {
				t.Fatalf("Parse(%q, %q): empty error", s, folder)
			}
			return
		}
		printed := r.String()
		again, err := Parse(printed, "")
		if err != nil {
			t.Fatalf("Parse(%q, %q) printed as %q, which does not parse: %v", s, folder, printed, err)
		}
		if again != r {
			t.Fatalf("Parse(%q, %q) = %#v, printed %q parses to %#v", s, folder, r, printed, again)
		}
		if again.String() != printed {
			t.Fatalf("%q prints as %q, then as %q", s, printed, again.String())
		}
		if r.Module() == "" {
			t.Fatalf("Parse(%q, %q) = %#v has no Python module", s, folder, r)
		}
	})
}
