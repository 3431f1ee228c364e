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

// ParseMethods reads the method argument of a route: one verb ("GET", "get"), several verbs joined by
// commas ("GET,POST"), or any method ("ANY", "*"). It returns the canonical, sorted list; any method is
// []string{"ANY"}.
func ParseMethods(m string) ([]string, error) {
	if strings.TrimSpace(m) == "" {
		return nil, fmt.Errorf("method is empty; use one of %s, ANY", strings.Join(Methods, ", "))
	}
	parts := strings.Split(m, ",")
	if len(parts) == 1 {
		s := strings.TrimSpace(m)
		if s == "*" || strings.EqualFold(s, Any) {
			return []string{Any}, nil
		}
		verb, err := parseVerb(s)
		if err != nil {
			return nil, err
		}
		return []string{verb}, nil
	}
	var out []string
	for _, p := range parts {
		s := strings.TrimSpace(p)
		if s == "" {
			return nil, fmt.Errorf("method list %q has an empty entry; separate methods with single commas, e.g. \"GET,POST\"", m)
		}
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
}

func parseVerb(s string) (string, error) {
	up := strings.ToUpper(s)
	if slices.Contains(Methods, up) {
		return up, nil
	}
	return "", fmt.Errorf("unknown HTTP method %q; use one of %s, ANY (or *)", s, strings.Join(Methods, ", "))
}
