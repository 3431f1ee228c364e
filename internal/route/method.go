package route

import (
	"fmt"
	"slices"
	"strings"
)

// Any is the method that matches every HTTP method.
const Any = "ANY"

// Methods are the HTTP verbs a route may name, besides ANY.
var Methods = []string{"GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS"}

// ParseMethods reads the method argument of a route: one verb ("GET", "get"), a list of verbs
// ([]string{"GET", "POST"}), or any method ("ANY", "*"). It returns the canonical, sorted list;
// any method is []string{"ANY"}.
func ParseMethods(v any) ([]string, error) {
	switch m := v.(type) {
	case string:
		if m == "*" || strings.EqualFold(m, Any) {
			return []string{Any}, nil
		}
		verb, err := parseVerb(m)
		if err != nil {
			return nil, err
		}
		return []string{verb}, nil
	case []string:
		if len(m) == 0 {
			return nil, fmt.Errorf("method list is empty; name at least one of %s", strings.Join(Methods, ", "))
		}
		var out []string
		for _, s := range m {
			if s == "*" || strings.EqualFold(s, Any) {
				return nil, fmt.Errorf("method list %q contains %q; use \"ANY\" on its own instead of a list", m, s)
			}
			verb, err := parseVerb(s)
			if err != nil {
				return nil, err
			}
			if slices.Contains(out, verb) {
				return nil, fmt.Errorf("method list %q names %s twice; list each method once", m, verb)
			}
			out = append(out, verb)
		}
		slices.Sort(out)
		return out, nil
	case nil:
		return nil, fmt.Errorf("method is missing; use one of %s, ANY", strings.Join(Methods, ", "))
	}
	return nil, fmt.Errorf("method must be a string or []string, not %T", v)
}

func parseVerb(s string) (string, error) {
	up := strings.ToUpper(strings.TrimSpace(s))
	if slices.Contains(Methods, up) && up == strings.ToUpper(s) {
		return up, nil
	}
	return "", fmt.Errorf("unknown HTTP method %q; use one of %s, ANY (or *)", s, strings.Join(Methods, ", "))
}
