package route

import (
	"fmt"
	"regexp"
	"strings"
)

// No API Gateway quota limits the number of path parameters of a route: the REST API quotas
// (https://docs.aws.amazon.com/apigateway/latest/developerguide/api-gateway-execution-service-limits-table.html)
// list "Resources per API | 300" (MaxResources) and nothing per path.

// SegmentKind tells literal segments from parameters.
type SegmentKind int

const (
	Literal SegmentKind = iota // users
	Param                      // {id}
	Greedy                     // {proxy+}, or any {name+}
)

// Segment is one element of a path between slashes.
type Segment struct {
	Kind SegmentKind
	// Value is the literal text, or the parameter name without braces and "+".
	Value string
}

// String prints the segment as API Gateway's path part: "users", "{id}", "{proxy+}".
func (s Segment) String() string {
	switch s.Kind {
	case Param:
		return "{" + s.Value + "}"
	case Greedy:
		return "{" + s.Value + "+}"
	}
	return s.Value
}

// Path is a parsed route path. The root "/" has no segments.
type Path struct {
	Segments []Segment
}

// String prints the canonical path: "/", "/users/{id}", never a trailing slash.
func (p Path) String() string {
	if len(p.Segments) == 0 {
		return "/"
	}
	var b strings.Builder
	for _, s := range p.Segments {
		b.WriteByte('/')
		b.WriteString(s.String())
	}
	return b.String()
}

// Shape is the path with its parameter names erased: "/users/{}/{+}" for /users/{id}/{proxy+}. Two
// paths of one shape match the same request paths, whatever their parameters are called.
func (p Path) Shape() string {
	if len(p.Segments) == 0 {
		return "/"
	}
	var b strings.Builder
	for _, s := range p.Segments {
		b.WriteByte('/')
		switch s.Kind {
		case Param:
			b.WriteString("{}")
		case Greedy:
			b.WriteString("{+}")
		default:
			b.WriteString(s.Value)
		}
	}
	return b.String()
}

// Params lists the parameter names in order, greedy included.
func (p Path) Params() []string {
	var out []string
	for _, s := range p.Segments {
		if s.Kind != Literal {
			out = append(out, s.Value)
		}
	}
	return out
}

var (
	paramNameRE = regexp.MustCompile(`^[A-Za-z_][A-Za-z0-9_]*$`)
	literalRE   = regexp.MustCompile(`^[A-Za-z0-9._:@~-]+$`)
)

// ParsePath reads a route path. "/users/" and "/users" are the same path.
func ParsePath(s string) (Path, error) {
	if s == "" {
		return Path{}, fmt.Errorf(`path is empty; use "/" for the root`)
	}
	if !strings.HasPrefix(s, "/") {
		return Path{}, fmt.Errorf("path %q must start with \"/\"; write %q", s, "/"+s)
	}
	trimmed := strings.TrimSuffix(s[1:], "/")
	var p Path
	if trimmed == "" {
		if s != "/" {
			return Path{}, fmt.Errorf("path %q has an empty segment (\"//\"); remove the extra slash", s)
		}
		return p, nil
	}
	seen := map[string]bool{}
	parts := strings.Split(trimmed, "/")
	for i, part := range parts {
		seg, err := parseSegment(s, part)
		if err != nil {
			return Path{}, err
		}
		if seg.Kind == Greedy && i != len(parts)-1 {
			return Path{}, fmt.Errorf("path %q: greedy parameter {%s+} must be the last segment", s, seg.Value)
		}
		if seg.Kind != Literal {
			if seen[seg.Value] {
				return Path{}, fmt.Errorf("path %q: duplicate path parameter %q; rename one of them", s, seg.Value)
			}
			seen[seg.Value] = true
		}
		p.Segments = append(p.Segments, seg)
	}
	return p, nil
}

func parseSegment(path, part string) (Segment, error) {
	if part == "" {
		return Segment{}, fmt.Errorf("path %q has an empty segment (\"//\"); remove the extra slash", path)
	}
	open, close := strings.Count(part, "{"), strings.Count(part, "}")
	if open == 0 && close == 0 {
		if part == "." || part == ".." {
			return Segment{}, fmt.Errorf("path %q has a %q segment, which clients resolve away before the request is sent; remove it", path, part)
		}
		if !literalRE.MatchString(part) {
			return Segment{}, fmt.Errorf("path %q: segment %q may contain only letters, digits and . _ : @ ~ -", path, part)
		}
		return Segment{Kind: Literal, Value: part}, nil
	}
	if open > 1 || close > 1 {
		return Segment{}, fmt.Errorf("path %q: segment %q has more than one parameter; put each parameter in its own segment, e.g. /{a}/{b}", path, part)
	}
	if !strings.HasPrefix(part, "{") || !strings.HasSuffix(part, "}") || open != close {
		return Segment{}, fmt.Errorf("path %q: segment %q mixes text and a parameter or has unbalanced braces; a parameter must be a whole segment, e.g. /users/{id}", path, part)
	}
	name := part[1 : len(part)-1]
	kind := Param
	if strings.HasSuffix(name, "+") {
		kind = Greedy
		name = strings.TrimSuffix(name, "+")
	}
	if name == "" {
		return Segment{}, fmt.Errorf("path %q: empty parameter %q; name it, e.g. {id}", path, part)
	}
	if !paramNameRE.MatchString(name) {
		return Segment{}, fmt.Errorf("path %q: parameter name %q must start with a letter or _ and contain only letters, digits and _", path, name)
	}
	return Segment{Kind: kind, Value: name}, nil
}

// ResourceCount is the number of API Gateway resources the API has: the root "/" that API Gateway
// creates with every REST API, and one per distinct path prefix of its routes (Resources:
// "/users/{id}/orders" needs "/users", "/users/{id}" and itself). Compare it with MaxResources, the
// documented default of "Resources per API" (the table above).
func (a *Api) ResourceCount() int { return 1 + len(a.Resources()) }
