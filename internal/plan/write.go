package plan

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"sort"
	"strings"
)

// WriteJSON writes the plan's resources as one JSON array of objects with type, name, parent, urn and
// inputs (keys sorted).
func (p *Plan) WriteJSON(w io.Writer) error {
	rs := p.Resources
	if rs == nil {
		rs = []Resource{}
	}
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false) // "<RestApi my-api id>" stays readable
	enc.SetIndent("", "  ")
	if err := enc.Encode(rs); err != nil {
		return fmt.Errorf("encode plan: %w", err)
	}
	_, err := w.Write(buf.Bytes())
	return err
}

// WriteText writes the plan as a tree: each resource's type and name indented under its component
// (with the provider it is made with and that provider's region, when the plan's resources use more
// than one region), its inputs below it one per line (nested keys joined with "."), then the stack
// outputs and the number of resources of each type.
func (p *Plan) WriteText(w io.Writer) error {
	var b strings.Builder
	fmt.Fprintf(&b, "Plan of %s in environment %s (offline: ids, the account and unknown values are placeholders)\n\n", p.App, p.Env)
	regions := map[string]bool{}
	for _, r := range p.Resources {
		if r.ProviderRegion != "" {
			regions[r.ProviderRegion] = true
		}
	}
	depth := map[string]int{}
	for _, r := range p.Resources {
		d := 0
		if r.Parent != "" {
			d = depth[r.Parent] + 1
		}
		depth[r.URN] = d
		indent := strings.Repeat("  ", d)
		fmt.Fprintf(&b, "%s%s  %s", indent, r.Type, r.Name)
		var notes []string
		if r.Read {
			notes = append(notes, "read, id "+r.ID)
		}
		if r.RetainOnDelete {
			notes = append(notes, "kept on destroy")
		}
		if len(regions) > 1 && r.ProviderName != "" {
			notes = append(notes, fmt.Sprintf("provider %s, %s", r.ProviderName, r.ProviderRegion))
		}
		if len(notes) > 0 {
			fmt.Fprintf(&b, "  (%s)", strings.Join(notes, "; "))
		}
		b.WriteByte('\n')
		lines := flatten("", r.Inputs, nil)
		width := 0
		for _, l := range lines {
			width = max(width, len(l[0]))
		}
		for _, l := range lines {
			fmt.Fprintf(&b, "%s      %-*s  %s\n", indent, width, l[0], l[1])
		}
	}
	if len(p.Outputs) > 0 {
		b.WriteString("\nOutputs:\n")
		keys := sortedKeys(p.Outputs)
		width := 0
		for _, k := range keys {
			width = max(width, len(k))
		}
		for _, k := range keys {
			fmt.Fprintf(&b, "  %-*s  %s\n", width, k, value(p.Outputs[k]))
		}
	}
	counts := map[string]int{}
	for _, r := range p.Resources {
		counts[r.Type]++
	}
	fmt.Fprintf(&b, "\n%d resources:\n", len(p.Resources))
	for _, t := range sortedKeys(counts) {
		fmt.Fprintf(&b, "  %4d  %s\n", counts[t], t)
	}
	_, err := io.WriteString(w, b.String())
	return err
}

// flatten lists the leaves of nested maps as ("a.b", value) pairs, sorted by key.
func flatten(prefix string, m map[string]any, out [][2]string) [][2]string {
	for _, k := range sortedKeys(m) {
		key := k
		if prefix != "" {
			key = prefix + "." + k
		}
		if sub, ok := m[k].(map[string]any); ok && len(sub) > 0 {
			out = flatten(key, sub, out)
			continue
		}
		out = append(out, [2]string{key, value(m[k])})
	}
	return out
}

// value prints a leaf: strings as they are, anything else as compact JSON.
func value(v any) string {
	if s, ok := v.(string); ok {
		return s
	}
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return fmt.Sprint(v)
	}
	return strings.TrimSuffix(buf.String(), "\n")
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}
