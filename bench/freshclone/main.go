// Command freshclone times README command 1 on a fresh clone: `go run ./examples/quickstart dev` with an
// empty Go build cache (modules already downloaded), from the start of the command to the first answer of
// `curl http://127.0.0.1:PORT/users/1`. It also builds the quickstart alone with another empty cache, to
// split the time into compiling the app and starting the server, and records the build cache's and the
// binary's sizes, and what a build with the deployment engine (-tags stelvio_deploy) costs on top.
//
//	go run ./bench/freshclone [-out bench/results/fresh-clone.md]
//
// It writes a Markdown report; it never fails on a number. It takes a few minutes on 2 cores.
package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"io/fs"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"syscall"
	"time"
)

func main() {
	out := flag.String("out", "bench/results/fresh-clone.md", "report file")
	flag.Parse()
	if err := run(*out); err != nil {
		fmt.Fprintln(os.Stderr, "error:", err)
		os.Exit(1)
	}
}

func run(out string) error {
	repo, err := os.Getwd()
	if err != nil {
		return err
	}
	tmp, err := os.MkdirTemp("", "freshclone")
	if err != nil {
		return err
	}
	defer os.RemoveAll(tmp)
	clone := filepath.Join(tmp, "stelvio")
	if err := cmd(repo, nil, "git", "clone", "--quiet", repo, clone); err != nil {
		return err
	}

	// 1. Compile only, empty cache.
	cacheA := filepath.Join(tmp, "cache-build")
	bin := filepath.Join(tmp, "quickstart")
	start := time.Now()
	if err := cmd(clone, env(cacheA), "go", "build", "-o", bin, "./examples/quickstart"); err != nil {
		return err
	}
	build := time.Since(start)
	binSize := size(bin)
	cacheSize := dirSize(cacheA)

	// 2. README command 1, empty cache: go run ... dev, until /users/1 answers.
	cacheB := filepath.Join(tmp, "cache-run")
	port, err := freePort()
	if err != nil {
		return err
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Minute)
	defer cancel()
	start = time.Now()
	dev := exec.CommandContext(ctx, "go", "run", "./examples/quickstart", "dev", "--port", fmt.Sprint(port))
	dev.Dir, dev.Env = clone, env(cacheB)
	// go run does not pass signals on to the program it runs: stop the whole process group.
	dev.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	var log strings.Builder
	dev.Stdout, dev.Stderr = &log, &log
	if err := dev.Start(); err != nil {
		return err
	}
	first, body, err := firstAnswer(ctx, fmt.Sprintf("http://127.0.0.1:%d/users/1", port))
	total := time.Since(start)
	_ = syscall.Kill(-dev.Process.Pid, syscall.SIGINT)
	_ = dev.Wait()
	if err != nil {
		return fmt.Errorf("%v\n%s", err, log.String())
	}

	// 3. What the deployment engine adds: the same app with -tags stelvio_deploy, on the warm cache of 1.
	start = time.Now()
	if err := cmd(clone, env(cacheA), "go", "build", "-tags", "stelvio_deploy", "-o", bin+"-deploy", "./examples/quickstart"); err != nil {
		return err
	}
	deployBuild := time.Since(start)

	var b strings.Builder
	fmt.Fprintf(&b, "# Fresh clone to first answer\n\n")
	fmt.Fprintf(&b, "`go run ./bench/freshclone` on %s, %d CPUs, %s, %s. Modules already downloaded; each run starts\n",
		time.Now().UTC().Format("2006-01-02"), runtime.NumCPU(), runtime.Version(), runtime.GOOS+"/"+runtime.GOARCH)
	fmt.Fprintf(&b, "with an empty build cache (GOCACHE in a new folder).\n\n")
	fmt.Fprintf(&b, "| step | time |\n| --- | --- |\n")
	fmt.Fprintf(&b, "| README command 1 (`go run ./examples/quickstart dev`) to the first answer of `/users/1` | %.1f s |\n", total.Seconds())
	fmt.Fprintf(&b, "| of which compiling the app (`go build ./examples/quickstart`, measured alone) | %.1f s |\n", build.Seconds())
	fmt.Fprintf(&b, "| of which starting dev and answering the first request (the difference) | %.1f s |\n", (total - build).Seconds())
	fmt.Fprintf(&b, "| first answer | HTTP %d, %d bytes |\n", first, len(body))
	fmt.Fprintf(&b, "| build cache after compiling | %.0f MB |\n", float64(cacheSize)/1e6)
	fmt.Fprintf(&b, "| binary | %.1f MB |\n", float64(binSize)/1e6)
	fmt.Fprintf(&b, "| the deployment build on top (`-tags stelvio_deploy`, warm cache of the dev build), first `plan`/`deploy` | %.1f s |\n\n", deployBuild.Seconds())
	fmt.Fprintf(&b, "The dev build links no Pulumi package (`go list -deps ./examples/quickstart | grep -c pulumi` is 0);\n")
	fmt.Fprintf(&b, "the deployment commands build the app again with the tag and hand over to that binary.\n")
	if err := os.WriteFile(out, []byte(b.String()), 0o644); err != nil {
		return err
	}
	fmt.Print(b.String())
	return nil
}

func env(cache string) []string {
	var out []string
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, "GOCACHE=") && !strings.HasPrefix(kv, "GOFLAGS=") {
			out = append(out, kv)
		}
	}
	return append(out, "GOCACHE="+cache)
}

func cmd(dir string, env []string, name string, args ...string) error {
	c := exec.Command(name, args...)
	c.Dir, c.Env = dir, env
	if b, err := c.CombinedOutput(); err != nil {
		return fmt.Errorf("%s %s: %v\n%s", name, strings.Join(args, " "), err, b)
	}
	return nil
}

func firstAnswer(ctx context.Context, url string) (int, []byte, error) {
	for {
		req, _ := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
		resp, err := http.DefaultClient.Do(req)
		if err == nil {
			b, err := io.ReadAll(resp.Body)
			resp.Body.Close()
			return resp.StatusCode, b, err
		}
		select {
		case <-ctx.Done():
			return 0, nil, fmt.Errorf("no answer from %s: %v", url, err)
		case <-time.After(100 * time.Millisecond):
		}
	}
}

func freePort() (int, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, err
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port, nil
}

func size(p string) int64 {
	fi, err := os.Stat(p)
	if err != nil {
		return 0
	}
	return fi.Size()
}

func dirSize(dir string) int64 {
	var n int64
	_ = filepath.WalkDir(dir, func(_ string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			if fi, err := d.Info(); err == nil {
				n += fi.Size()
			}
		}
		return nil
	})
	return n
}
