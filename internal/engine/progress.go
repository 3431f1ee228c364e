package engine

import (
	"encoding/json"
	"fmt"
	"io"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/pulumi/pulumi/sdk/v3/go/auto/events"
	"github.com/pulumi/pulumi/sdk/v3/go/common/apitype"
)

// progress turns engine events into what the user sees: a line per resource
// as it starts and finishes, a summary and the outputs; or, in JSON mode, one
// JSON object per line (see Event).
type progress struct {
	mu      sync.Mutex
	out     io.Writer
	json    bool
	op, env string
	started map[string]time.Time
	steps   []Step
	summary *apitype.SummaryEvent
	begin   time.Time
	events  int
	quiet   bool
}

// seen says whether any engine event arrived.
func (p *progress) seen() bool {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.events > 0
}

// silence drops any further events: the operation is over.
func (p *progress) silence() {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.quiet = true
}

// Event is one line of JSON progress. Kind is "start", "done", "failed",
// "diagnostic", "summary" or "outputs".
type Event struct {
	Kind       string         `json:"event"`
	Op         string         `json:"op,omitempty"`
	Env        string         `json:"env,omitempty"`
	URN        string         `json:"urn,omitempty"`
	Type       string         `json:"type,omitempty"`
	Name       string         `json:"name,omitempty"`
	DurationMS int64          `json:"durationMs,omitempty"`
	Severity   string         `json:"severity,omitempty"`
	Message    string         `json:"message,omitempty"`
	Changes    map[string]int `json:"changes,omitempty"`
	Outputs    map[string]any `json:"outputs,omitempty"`
}

func newProgress(out io.Writer, asJSON bool, op, env string) *progress {
	return &progress{out: out, json: asJSON, op: op, env: env, started: map[string]time.Time{}, begin: time.Now()}
}

func (p *progress) emit(e Event, human string) {
	if p.json {
		e.Env = p.env
		line, err := json.Marshal(e)
		if err != nil {
			line, _ = json.Marshal(Event{Kind: "diagnostic", Severity: "error", Message: err.Error()})
		}
		fmt.Fprintf(p.out, "%s\n", line)
		return
	}
	if human != "" {
		fmt.Fprintln(p.out, human)
	}
}

func (p *progress) event(e events.EngineEvent) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.events++
	if p.quiet {
		return
	}
	switch {
	case e.ResourcePreEvent != nil:
		m := e.ResourcePreEvent.Metadata
		if !shown(m) {
			return
		}
		p.started[m.URN] = time.Now()
		if p.op == "preview" {
			p.steps = append(p.steps, step(m))
			p.emit(Event{Kind: "plan", Op: string(m.Op), URN: m.URN, Type: m.Type, Name: urnName(m.URN)},
				fmt.Sprintf("  %s %-8s %s %s%s", symbol(m.Op), m.Op, m.Type, urnName(m.URN), because(m)))
			return
		}
		p.emit(Event{Kind: "start", Op: string(m.Op), URN: m.URN, Type: m.Type, Name: urnName(m.URN)},
			fmt.Sprintf("  %s %-8s %s %s ...", symbol(m.Op), m.Op, m.Type, urnName(m.URN)))
	case e.ResOutputsEvent != nil:
		m := e.ResOutputsEvent.Metadata
		if !shown(m) || p.op == "preview" {
			return
		}
		st := step(m)
		st.Duration = time.Since(p.started[m.URN]).Round(10 * time.Millisecond)
		p.steps = append(p.steps, st)
		p.emit(Event{Kind: "done", Op: st.Op, URN: m.URN, Type: m.Type, Name: st.Name, DurationMS: st.Duration.Milliseconds()},
			fmt.Sprintf("  %s %-8s %s %s (%s)", symbol(m.Op), pastTense(m.Op), m.Type, st.Name, st.Duration))
	case e.ResOpFailedEvent != nil:
		m := e.ResOpFailedEvent.Metadata
		st := step(m)
		st.Failed = true
		st.Duration = time.Since(p.started[m.URN]).Round(10 * time.Millisecond)
		p.steps = append(p.steps, st)
		p.emit(Event{Kind: "failed", Op: st.Op, URN: m.URN, Type: m.Type, Name: st.Name, DurationMS: st.Duration.Milliseconds()},
			fmt.Sprintf("  ! %-8s %s %s failed (%s)", m.Op, m.Type, st.Name, st.Duration))
	case e.DiagnosticEvent != nil:
		d := e.DiagnosticEvent
		if d.Ephemeral || (d.Severity != "error" && d.Severity != "warning") {
			return
		}
		msg := strings.TrimSpace(d.Message)
		where := ""
		if d.URN != "" {
			where = urnName(d.URN) + ": "
		}
		p.emit(Event{Kind: "diagnostic", URN: d.URN, Severity: d.Severity, Message: msg},
			fmt.Sprintf("  %s: %s%s", d.Severity, where, msg))
	case e.SummaryEvent != nil:
		s := *e.SummaryEvent
		p.summary = &s
		changes := counts(s.ResourceChanges)
		p.emit(Event{Kind: "summary", Op: p.op, Changes: changes, DurationMS: int64(s.DurationSeconds) * 1000},
			summaryLine(p.op, p.env, changes, time.Since(p.begin)))
	}
}

func (p *progress) outputs(outs map[string]any) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.json {
		p.emit(Event{Kind: "outputs", Outputs: outs}, "")
		return
	}
	if len(outs) == 0 {
		return
	}
	fmt.Fprintln(p.out, "Outputs:")
	WriteOutputs(p.out, outs)
}

// WriteOutputs prints outputs as aligned "name: value" lines, sorted by name.
func WriteOutputs(w io.Writer, outs map[string]any) {
	keys := make([]string, 0, len(outs))
	width := 0
	for k := range outs {
		keys = append(keys, k)
		width = max(width, len(k))
	}
	sort.Strings(keys)
	for _, k := range keys {
		v := outs[k]
		s, ok := v.(string)
		if !ok {
			b, err := json.Marshal(v)
			if err != nil {
				s = fmt.Sprint(v)
			} else {
				s = string(b)
			}
		}
		fmt.Fprintf(w, "  %-*s  %s\n", width+1, k+":", s)
	}
}

func (p *progress) result() *Result {
	p.mu.Lock()
	defer p.mu.Unlock()
	r := &Result{Op: p.op, Steps: p.steps, Changes: map[string]int{}}
	if p.summary != nil {
		r.Changes = counts(p.summary.ResourceChanges)
		r.Duration = time.Duration(p.summary.DurationSeconds) * time.Second
	}
	return r
}

// shown says whether a step is worth a line: real changes to real resources.
func shown(m apitype.StepEventMetadata) bool {
	if m.Op == apitype.OpSame || m.Op == apitype.OpRead || m.Type == "pulumi:pulumi:Stack" {
		return false
	}
	// The engine reports a replacement as several steps; the user sees one.
	if m.Op == apitype.OpCreateReplacement || m.Op == apitype.OpDeleteReplaced {
		return false
	}
	return true
}

func step(m apitype.StepEventMetadata) Step {
	return Step{Op: string(m.Op), URN: m.URN, Type: m.Type, Name: urnName(m.URN)}
}

// counts reduces the engine's change counts to the stable set stelvio shows,
// counting a replacement once.
func counts(in map[apitype.OpType]int) map[string]int {
	out := map[string]int{}
	for op, n := range in {
		switch op {
		case apitype.OpCreate, apitype.OpUpdate, apitype.OpDelete, apitype.OpSame:
			out[string(op)] += n
		case apitype.OpReplace:
			out["replace"] += n
		}
	}
	return out
}

func summaryLine(op, env string, c map[string]int, d time.Duration) string {
	var parts []string
	for _, k := range []string{"create", "update", "replace", "delete", "same"} {
		if c[k] > 0 {
			parts = append(parts, fmt.Sprintf("%d %s", c[k], k))
		}
	}
	changed := c["create"] + c["update"] + c["replace"] + c["delete"]
	if len(parts) == 0 {
		parts = append(parts, "no resources")
	}
	verb := map[string]string{
		"preview": "Plan for", "update": "Deployed", "destroy": "Destroyed", "refresh": "Refreshed",
	}[op]
	return fmt.Sprintf("%s %s: %d change(s) (%s) in %s", verb, env, changed, strings.Join(parts, ", "),
		d.Round(100*time.Millisecond))
}

func symbol(op apitype.OpType) string {
	switch op {
	case apitype.OpCreate:
		return "+"
	case apitype.OpDelete:
		return "-"
	case apitype.OpReplace:
		return "±"
	case apitype.OpUpdate:
		return "~"
	}
	return " "
}

func pastTense(op apitype.OpType) string {
	switch op {
	case apitype.OpCreate:
		return "created"
	case apitype.OpUpdate:
		return "updated"
	case apitype.OpReplace:
		return "replaced"
	case apitype.OpDelete:
		return "deleted"
	case apitype.OpRefresh:
		return "refreshed"
	}
	return string(op)
}

func because(m apitype.StepEventMetadata) string {
	keys := m.Keys
	if m.Op == apitype.OpUpdate {
		keys = m.Diffs
	}
	if len(keys) == 0 || m.Op == apitype.OpCreate {
		return ""
	}
	return " (" + strings.Join(keys, ", ") + ")"
}

// urnName is the resource name at the end of a URN.
func urnName(urn string) string {
	if i := strings.LastIndex(urn, "::"); i >= 0 {
		return urn[i+2:]
	}
	return urn
}
