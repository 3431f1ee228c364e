package main

// The comparison with serverless-offline: the same Python handler file, served on GET /users/{id} by
// serverless-offline (a REST `http` event) and by stelvio's dev server, measured in the same rounds as
// the other targets. serverless and serverless-offline are installed with npm, once, into a cache
// folder outside the repository; without node or npm, or when the install fails (no network), the
// target is skipped with the reason, and the bench goes on.

import (
	"bytes"
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"time"
)

var (
	offlineOn    = flag.Bool("offline", true, "also measure serverless-offline against the python handler (needs node and npm; skipped without them)")
	offlineCache = flag.String("offline-cache", defaultOfflineCache(), "folder serverless and serverless-offline are installed into, once")
)

const (
	offlineName       = "serverless-offline"
	stelvioPython     = "python handler" // the stelvio target serving the same handler file
	serverlessVersion = "3.40.0"
	offlineVersion    = "13.10.1"
	compareConns      = 16
	offlineHeading    = "## Compared with serverless-offline"
	offlineHandler    = "functions/users.get"
	offlinePath       = "/users/7"
)

func defaultOfflineCache() string {
	dir, err := os.UserCacheDir()
	if err != nil {
		return filepath.Join(os.TempDir(), "stelvio-bench", "offline")
	}
	return filepath.Join(dir, "stelvio-bench", "offline")
}

// offlineCompare runs serverless-offline for the bench and keeps what the comparison reports.
type offlineCompare struct {
	skip     string // why serverless-offline is not measured; empty when it is
	url      string // its GET /users/7
	cmd      *exec.Cmd
	exited   chan struct{}
	dir      string // the service folder (serverless.yml and two links)
	logPath  string
	versions string                 // node, python3
	rounds   map[string][]roundStat // by target name, the rounds at compareConns
	kept     []section              // the report's sections found before the run, written back after it
	load     string                 // the machine's load average when the target started
}

type roundStat struct {
	rps          float64
	p50, p99     time.Duration
	server, work int64 // VmRSS bytes: the server process; its workers (every process below it)
	workers      int
}

type section struct{ heading, text string }

// startOffline installs serverless-offline if needed, starts it on a free loopback port and waits until
// it answers what stelvio's Python target answers at stelvioURL. It never fails: a target that cannot
// run is skipped, with the reason printed and reported. It also keeps the report's sections (out) that
// the report writer does not write itself, to put them back after the run.
func startOffline(out, projectDir, stelvioURL string) *offlineCompare {
	o := &offlineCompare{rounds: map[string][]roundStat{}, kept: readSections(out), load: loadAverage()}
	if !*offlineOn {
		o.skip = "not measured (-offline=false)"
	} else if err := o.start(projectDir, stelvioURL); err != nil {
		o.skip = "skipped: " + err.Error()
		o.stop()
	}
	if o.skip != "" {
		fmt.Fprintf(os.Stderr, "%s: %s\n", offlineName, o.skip)
	}
	return o
}

func (o *offlineCompare) start(projectDir, stelvioURL string) error {
	for _, tool := range []string{"node", "npm", "python3"} {
		if _, err := exec.LookPath(tool); err != nil {
			return fmt.Errorf("%s not found on PATH; install it to compare with serverless-offline", tool)
		}
	}
	if err := installOffline(*offlineCache); err != nil {
		return err
	}
	o.versions = toolVersion("node", "--version") + ", " + toolVersion("python3", "--version")

	dir, err := os.MkdirTemp("", "stelvio-bench-offline-")
	if err != nil {
		return err
	}
	o.dir = dir
	// serverless-offline imports the handler module relative to its working folder (its invoke.py
	// appends "." to sys.path), so the service folder links to the very functions folder stelvio serves.
	links := map[string]string{
		"node_modules": filepath.Join(*offlineCache, "node_modules"),
		"functions":    filepath.Join(projectDir, "functions"),
	}
	for name, target := range links {
		if err := os.Symlink(target, filepath.Join(dir, name)); err != nil {
			return fmt.Errorf("link %s in the service folder: %w", name, err)
		}
	}
	// serverless 3.40.0's schema does not list python3.12 yet: it warns and runs. serverless-offline
	// starts the interpreter named by the runtime up to its first dot, "python3", from PATH.
	yml := "service: bench\nframeworkVersion: \"3\"\nprovider:\n  name: aws\n  runtime: python3.12\n  region: eu-west-1\n" +
		"plugins:\n  - serverless-offline\nfunctions:\n  users:\n    handler: " + offlineHandler + "\n" +
		"    events:\n      - http:\n          method: GET\n          path: /users/{id}\n"
	if err := os.WriteFile(filepath.Join(dir, "serverless.yml"), []byte(yml), 0o644); err != nil {
		return err
	}
	ports, err := freePorts(2)
	if err != nil {
		return err
	}
	o.logPath = filepath.Join(dir, "offline.log")
	logf, err := os.Create(o.logPath)
	if err != nil {
		return err
	}
	defer logf.Close() // the child keeps its own descriptor
	cmd := exec.Command("node", filepath.Join("node_modules", "serverless", "bin", "serverless.js"), "offline", "start",
		"--host", "127.0.0.1", "--httpPort", strconv.Itoa(ports[0]), "--lambdaPort", strconv.Itoa(ports[1]), "--noPrependStageInUrl")
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "SLS_TELEMETRY_DISABLED=1", "SLS_NOTIFICATIONS_MODE=off", "SLS_INTERACTIVE_SETUP_DISABLE=1")
	cmd.Stdout, cmd.Stderr = logf, logf // a file, not a pipe this process would have to drain during the rounds
	cmd.SysProcAttr = offlineProcAttr()
	if err := cmd.Start(); err != nil {
		return fmt.Errorf("start serverless offline: %w", err)
	}
	o.cmd = cmd
	o.exited = make(chan struct{})
	go func() { cmd.Wait(); close(o.exited) }() //nolint:errcheck // the exit is seen through o.exited
	o.url = fmt.Sprintf("http://127.0.0.1:%d%s", ports[0], offlinePath)

	want, err := get(stelvioURL)
	if err != nil {
		return fmt.Errorf("stelvio's python handler: %w", err)
	}
	deadline := time.Now().Add(2 * time.Minute)
	for {
		got, err := get(o.url)
		if err == nil {
			if !bytes.Equal(got, want) {
				return fmt.Errorf("GET %s answers %s, stelvio answers %s: not the same work", offlinePath, got, want)
			}
			fmt.Fprintf(os.Stderr, "%s %s (serverless %s) answers on %s\n", offlineName, offlineVersion, serverlessVersion, o.url)
			return nil
		}
		select {
		case <-o.exited:
			return fmt.Errorf("serverless offline exited before answering: %s", o.logTail())
		case <-time.After(200 * time.Millisecond):
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("no answer on %s after 2 minutes (%v): %s", o.url, err, o.logTail())
		}
	}
}

// installOffline installs the pinned serverless and serverless-offline into dir unless they are there.
func installOffline(dir string) error {
	if installedVersion(dir, "serverless") == serverlessVersion && installedVersion(dir, "serverless-offline") == offlineVersion {
		return nil
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	fmt.Fprintf(os.Stderr, "%s: installing serverless@%s and serverless-offline@%s into %s (once)\n", offlineName, serverlessVersion, offlineVersion, dir)
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, "npm", "install", "--prefix", dir, "--save-exact", "--no-audit", "--no-fund", "--loglevel=error",
		"serverless@"+serverlessVersion, "serverless-offline@"+offlineVersion)
	if out, err := cmd.CombinedOutput(); err != nil {
		return fmt.Errorf("npm install into %s failed (%w): %s", dir, err, tail(firstLines(string(out), 3), 300))
	}
	for name, want := range map[string]string{"serverless": serverlessVersion, "serverless-offline": offlineVersion} {
		if got := installedVersion(dir, name); got != want {
			return fmt.Errorf("npm installed %s %q into %s, want %s", name, got, dir, want)
		}
	}
	return nil
}

func installedVersion(dir, pkg string) string {
	b, err := os.ReadFile(filepath.Join(dir, "node_modules", pkg, "package.json"))
	if err != nil {
		return ""
	}
	var p struct{ Version string }
	if json.Unmarshal(b, &p) != nil {
		return ""
	}
	return p.Version
}

func toolVersion(name string, args ...string) string {
	out, err := exec.Command(name, args...).CombinedOutput()
	if err != nil {
		return name + " (version unknown)"
	}
	return name + " " + strings.TrimSpace(string(out))
}

func freePorts(n int) ([]int, error) {
	var ports []int
	for range n {
		ln, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			return nil, err
		}
		defer ln.Close() // held until all are chosen, so that they differ
		ports = append(ports, ln.Addr().(*net.TCPAddr).Port)
	}
	return ports, nil
}

func (o *offlineCompare) logTail() string {
	b, _ := os.ReadFile(o.logPath) //nolint:errcheck // a missing log leaves the message empty
	return tail(firstLines(string(b), 1000), 600)
}

// firstLines joins the first n non-empty lines of s on one line, for a one-line reason.
func firstLines(s string, n int) string {
	var lines []string
	for _, l := range strings.Split(s, "\n") {
		if l = strings.TrimSpace(l); l != "" && len(lines) < n {
			lines = append(lines, l)
		}
	}
	return strings.Join(lines, "; ")
}

func tail(s string, n int) string {
	if len(s) > n {
		return "…" + s[len(s)-n:]
	}
	return s
}

// loadAverage is the 1-minute load average of a Linux machine, to say how busy it was; "n/a" elsewhere.
func loadAverage() string {
	b, err := os.ReadFile("/proc/loadavg")
	if err != nil {
		return "n/a"
	}
	f := strings.Fields(string(b))
	if len(f) == 0 {
		return "n/a"
	}
	return f[0]
}

// targets is serverless-offline's place in the rounds; none when it is skipped.
func (o *offlineCompare) targets() []struct{ name, url string } {
	if o.skip != "" {
		return nil
	}
	return []struct{ name, url string }{{offlineName, o.url}}
}

// stop ends serverless-offline and its Python processes and removes the service folder.
func (o *offlineCompare) stop() {
	if o.cmd != nil {
		stopGroup(o.cmd.Process, o.exited)
		o.cmd = nil
	}
	if o.dir != "" {
		os.RemoveAll(o.dir)
		o.dir = ""
	}
}

// observe records a round of one of the two compared targets at compareConns, with the memory of its
// server and workers sampled as the round ends.
func (o *offlineCompare) observe(r result) {
	if r.conns != compareConns || (r.name != stelvioPython && r.name != offlineName) {
		return
	}
	s := roundStat{rps: r.rps(), p50: r.pct(0.50), p99: r.pct(0.99)}
	procs := readProcs()
	if r.name == offlineName {
		s.server, s.work, s.workers = procs.rss(o.cmd.Process.Pid, 0)
	} else {
		// stelvio's server is this process: its workers are its children, serverless-offline's excepted.
		skip := 0
		if o.cmd != nil {
			skip = o.cmd.Process.Pid
		}
		s.server, s.work, s.workers = procs.rss(os.Getpid(), skip)
	}
	o.rounds[r.name] = append(o.rounds[r.name], s)
}

// procs is a snapshot of /proc: every process's parent and VmRSS.
type procs struct {
	children map[int][]int
	rssBytes map[int]int64
}

func readProcs() procs {
	p := procs{children: map[int][]int{}, rssBytes: map[int]int64{}}
	entries, _ := os.ReadDir("/proc") //nolint:errcheck // without /proc memory reads as zero
	for _, e := range entries {
		pid, err := strconv.Atoi(e.Name())
		if err != nil {
			continue
		}
		stat, err := os.ReadFile(filepath.Join("/proc", e.Name(), "stat"))
		if err != nil {
			continue // ended meanwhile
		}
		// pid (comm) state ppid ...; comm may hold spaces and parentheses.
		i := bytes.LastIndexByte(stat, ')')
		if i < 0 {
			continue
		}
		fields := strings.Fields(string(stat[i+1:]))
		if len(fields) < 2 {
			continue
		}
		ppid, _ := strconv.Atoi(fields[1]) //nolint:errcheck // a malformed line reads as parent 0
		p.children[ppid] = append(p.children[ppid], pid)
		status, err := os.ReadFile(filepath.Join("/proc", e.Name(), "status"))
		if err != nil {
			continue
		}
		for _, line := range strings.Split(string(status), "\n") {
			if rest, ok := strings.CutPrefix(line, "VmRSS:"); ok {
				kb, _ := strconv.ParseInt(strings.TrimSuffix(strings.TrimSpace(rest), " kB"), 10, 64) //nolint:errcheck // kernel format
				p.rssBytes[pid] = kb * 1024
			}
		}
	}
	return p
}

// rss sums VmRSS of root (server) and of every process below it (workers), leaving out skip's tree.
func (p procs) rss(root, skip int) (server, workers int64, n int) {
	server = p.rssBytes[root]
	stack := slices.Clone(p.children[root])
	for len(stack) > 0 {
		pid := stack[len(stack)-1]
		stack = stack[:len(stack)-1]
		if pid == skip {
			continue
		}
		workers += p.rssBytes[pid]
		n++
		stack = append(stack, p.children[pid]...)
	}
	return server, workers, n
}

// readSections returns the "## " sections of the report at path.
func readSections(path string) []section {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil
	}
	return sections(string(b))
}

func sections(doc string) []section {
	var out []section
	for _, part := range strings.Split("\n"+doc, "\n## ")[1:] {
		heading, _, _ := strings.Cut(part, "\n")
		out = append(out, section{heading: "## " + heading, text: "## " + strings.TrimRight(part, "\n") + "\n"})
	}
	return out
}

// writeSection adds the comparison to the report the report writer has just written at path, and puts
// back the sections of the previous report it did not write itself (hand-written measurements). results
// are the merged rounds of every target, for p50 and p99 over every request.
func (o *offlineCompare) writeSection(path string, results []result, d time.Duration, rounds int) error {
	b, err := os.ReadFile(path)
	if err != nil {
		return err
	}
	doc := string(b)
	if i := strings.Index(doc, "\n"+offlineHeading+"\n"); i >= 0 { // the writer kept an old one: replace it
		rest := doc[i+1+len(offlineHeading):]
		if j := strings.Index(rest, "\n## "); j >= 0 {
			doc = doc[:i+1] + rest[j+1:]
		} else {
			doc = doc[:i+1]
		}
	}
	present := map[string]bool{}
	for _, s := range sections(doc) {
		present[s.heading] = true
	}
	var w strings.Builder
	w.WriteString(strings.TrimRight(doc, "\n") + "\n\n")
	w.WriteString(o.section(results, d, rounds))
	for _, s := range o.kept {
		if s.heading != offlineHeading && !present[s.heading] {
			w.WriteString("\n" + s.text)
		}
	}
	if err := os.WriteFile(path, []byte(w.String()), 0o644); err != nil {
		return err
	}
	fmt.Fprintf(os.Stderr, "wrote the %s comparison into %s\n", offlineName, path)
	return nil
}

func (o *offlineCompare) section(results []result, d time.Duration, rounds int) string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s\n\n", offlineHeading)
	if o.skip != "" {
		fmt.Fprintf(&b, "%s %s (serverless %s): %s\n", offlineName, offlineVersion, serverlessVersion, o.skip)
		return b.String()
	}
	stelvio, offline := o.rounds[stelvioPython], o.rounds[offlineName]
	fmt.Fprintf(&b, "The same handler file (`%s` in internal/devserver/testdata/app) on `GET /users/{id}`, served by stelvio's "+
		"dev server (target \"%s\") and by serverless-offline %s with serverless %s (a REST `http` event, runtime `python3.12` in "+
		"serverless.yml, which serverless-offline runs as `python3` from PATH; %s), measured in the run above: both take turns with "+
		"the other targets, %d rounds of %v, at %d connections; both answer the same body. req/s is the median round, p50 and p99 "+
		"over every request of the rounds. Memory is the sum of VmRSS of the server process and every process below it (its "+
		"workers), sampled at the end of each round: median of the rounds (max); worker processes is the median count. "+
		"stelvio's server process is the bench process itself, which also holds the load client, the bare net/http server and "+
		"the Go handler's route; its workers include the Go handler's. serverless-offline starts each Python process through "+
		"a shell (`sh` then `python3`), both counted. RSS counts pages shared between processes once per process, for both.\n\n",
		offlineHandler, stelvioPython, offlineVersion, serverlessVersion, o.versions, rounds, d/time.Duration(rounds), compareConns)
	fmt.Fprintf(&b, "| target | req/s | p50 | p99 | total RSS, MiB | server process RSS, MiB | workers RSS, MiB | worker processes |\n|---|---|---|---|---|---|---|---|\n")
	for _, t := range []struct {
		name, target string
		rs           []roundStat
	}{{"stelvio " + stelvioPython, stelvioPython, stelvio}, {offlineName, offlineName, offline}} {
		if len(t.rs) == 0 {
			fmt.Fprintf(&b, "| %s | not measured | | | | | | |\n", t.name)
			continue
		}
		var rps, server, work, total, procs []float64
		for _, r := range t.rs {
			rps = append(rps, r.rps)
			server = append(server, float64(r.server))
			work = append(work, float64(r.work))
			total = append(total, float64(r.server+r.work))
			procs = append(procs, float64(r.workers))
		}
		p50, p99 := pooled(results, t.target)
		fmt.Fprintf(&b, "| %s | %.0f | %s | %s | %s | %s | %s | %.0f |\n", t.name, median(rps), ms(p50), ms(p99),
			mib(total), mib(server), mib(work), median(procs))
	}
	n := min(len(stelvio), len(offline))
	if n == 0 {
		return b.String()
	}
	fmt.Fprintf(&b, "\nEach round at %d connections (p99 of the round's requests; worker processes at the round's end). "+
		"The machine's 1-minute load average was %s when serverless-offline started and %s when the report was written "+
		"(2 CPUs; other builds and tests ran beside the bench).\n\n", compareConns, o.load, loadAverage())
	fmt.Fprintf(&b, "| round | stelvio req/s | stelvio p50 | stelvio p99 | stelvio workers | %s req/s | %s p50 | %s p99 | %s workers | stelvio p99 ≤ %s p99 |\n"+
		"|---|---|---|---|---|---|---|---|---|---|\n", offlineName, offlineName, offlineName, offlineName, offlineName)
	atOrBelow := 0
	for i := range n {
		s, f := stelvio[i], offline[i]
		ok := s.p99 <= f.p99
		if ok {
			atOrBelow++
		}
		fmt.Fprintf(&b, "| %d | %.0f | %s | %s | %d | %.0f | %s | %s | %d | %s |\n", i+1, s.rps, ms(s.p50), ms(s.p99), s.workers,
			f.rps, ms(f.p50), ms(f.p99), f.workers, yesNo(ok))
	}
	verdict := "met"
	if atOrBelow < n {
		verdict = "not met"
	}
	fmt.Fprintf(&b, "\nstelvio's p99 at %d connections is at or below serverless-offline's in %d of %d rounds. "+
		"Target: at or below it in every round — %s in this run. Reported, never enforced.\n", compareConns, atOrBelow, n, verdict)
	return b.String()
}

// pooled is p50 and p99 over every request of target's rounds at compareConns.
func pooled(results []result, target string) (p50, p99 time.Duration) {
	for _, r := range results {
		if r.name == target && r.conns == compareConns {
			return r.pct(0.50), r.pct(0.99)
		}
	}
	return 0, 0
}

func mib(xs []float64) string {
	if len(xs) == 0 || slices.Max(xs) == 0 {
		return "n/a"
	}
	return fmt.Sprintf("%.0f (max %.0f)", median(xs)/(1<<20), slices.Max(xs)/(1<<20))
}

func yesNo(ok bool) string {
	if ok {
		return "yes"
	}
	return "no"
}
