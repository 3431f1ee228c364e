package cli

import (
	"bytes"
	"github.com/stelvio-go/stelvio/internal/cli/clitest"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
)

func TestInitRendersProject(t *testing.T) {
	f, out, _ := testFactory(t, nil)
	dir := filepath.Join(f.Dir, "Pet Shop")
	root := clitest.RepoRoot(t)
	err := runInit(&InitOptions{Factory: f, Dir: dir, StelvioPath: root, NoTidy: true})
	if err != nil {
		t.Fatal(err)
	}
	gomod, err := os.ReadFile(filepath.Join(dir, "go.mod"))
	if err != nil {
		t.Fatal(err)
	}
	want := "module pet-shop\n\ngo " + goVersion() + "\n\nrequire github.com/stelvio-go/stelvio v0.0.0-00010101000000-000000000000\n\n" +
		"// stelvio is used from a local checkout.\nreplace github.com/stelvio-go/stelvio => " + root + "\n\n"
	if string(gomod) != want {
		t.Errorf("go.mod =\n%s\nwant\n%s", gomod, want)
	}
	if b, _ := os.ReadFile(filepath.Join(dir, ".gitignore")); !strings.Contains(string(b), "\n.stelvio/\n") {
		t.Errorf(".gitignore = %q, want .stelvio/ ignored", b)
	}
	if b, _ := os.ReadFile(filepath.Join(dir, "main.go")); !strings.Contains(string(b), `stelvio.New("pet-shop")`) {
		t.Errorf("main.go does not create app pet-shop:\n%s", b)
	}
	if !strings.Contains(out.String(), "  created functions/greet/greet.go\n  created functions/hello.py\n  created go.mod\n  created go.sum\n") {
		t.Errorf("init output = %q", out.String())
	}

	err = runInit(&InitOptions{Factory: f, Dir: dir, StelvioPath: root, NoTidy: true})
	if want := dir + " already has .gitignore, functions/greet/greet.go, functions/hello.py, go.mod, go.sum, main.go; init only creates new projects"; err == nil || err.Error() != want {
		t.Errorf("second init: %v, want %q", err, want)
	}
	err = runInit(&InitOptions{Factory: f, Dir: t.TempDir(), Name: "Shop", NoTidy: true})
	if want := "app name \"Shop\": use lowercase letters, digits and '-', starting with a letter; set it with --name"; err == nil || err.Error() != want {
		t.Errorf("bad name: %v, want %q", err, want)
	}
	err = runInit(&InitOptions{Factory: f, Dir: t.TempDir(), Name: "shop", StelvioPath: f.Dir, NoTidy: true})
	if want := "--stelvio-path " + f.Dir + ": no go.mod of module github.com/stelvio-go/stelvio there"; err == nil || err.Error() != want {
		t.Errorf("bad stelvio path: %v, want %q", err, want)
	}
}

// TestInitProjectWorks scaffolds a project, builds it with the Go tool,
// plans it and serves it with its own dev command.
func TestInitProjectWorks(t *testing.T) {
	if testing.Short() {
		t.Skip("builds a project against this checkout")
	}
	if _, err := exec.LookPath("python3"); err != nil {
		t.Skip("python3 is needed for the Python handler")
	}
	f, _, _ := testFactory(t, nil)
	dir := filepath.Join(f.Dir, "hello")
	if err := runInit(&InitOptions{Factory: f, Dir: dir, StelvioPath: clitest.RepoRoot(t)}); err != nil {
		t.Fatal(err)
	}
	bin := filepath.Join(t.TempDir(), "hello")
	build := exec.Command("go", "build", "-o", bin, ".")
	build.Dir = dir
	if b, err := build.CombinedOutput(); err != nil {
		t.Fatalf("go build of the new project: %v\n%s", err, b)
	}

	var out bytes.Buffer
	cmd := exec.Command(bin, "version")
	cmd.Dir, cmd.Stdout, cmd.Stderr = dir, &out, &out
	if err := cmd.Run(); err != nil || !strings.HasPrefix(out.String(), "stelvio ") {
		t.Fatalf("hello version: %v\n%s", err, out.String())
	}

	out.Reset()
	cmd = exec.Command(bin, "plan", "dev")
	cmd.Dir, cmd.Stdout, cmd.Stderr = dir, &out, &out
	if err := cmd.Run(); err != nil {
		t.Fatalf("hello plan: %v\n%s", err, out.String())
	}
	for _, want := range []string{"aws:lambda/function:Function", "aws:apigateway/restApi:RestApi", "hello-dev-"} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("plan output lacks %q:\n%s", want, out.String())
		}
	}

	port := clitest.FreePort(t)
	out.Reset()
	dev := exec.Command(bin, "dev", "--port", strconv.Itoa(port))
	dev.Dir, dev.Stdout, dev.Stderr = dir, &out, &out
	dev.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	if err := dev.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if err := dev.Process.Signal(os.Interrupt); err == nil {
			dev.Wait()
		}
	})
	base := "http://127.0.0.1:" + strconv.Itoa(port)
	for path, want := range map[string]string{"/hello": `"hello from hello"`, "/greet/ann": `"hello, ann"`} {
		body := clitest.GetWhenUp(t, base+path, &out)
		if !strings.Contains(body, want) {
			t.Errorf("GET %s = %q, want it to contain %s", path, body, want)
		}
	}
}
