package dynamodb_test

import (
	"os/exec"
	"strings"
	"testing"

	"github.com/stelvio-go/stelvio/internal/cli/clitest"
)

// TestEngineLinkedOnlyWithTables checks that the local DynamoDB engine (kumo, ~24 MB and ~48 s of
// compiling) is part of an app's binary only when the app imports this package.
func TestEngineLinkedOnlyWithTables(t *testing.T) {
	root := clitest.RepoRoot(t)
	for _, tt := range []struct {
		pkg  string
		want bool
	}{
		{"./examples/quickstart", false},
		{"./examples/todo-api", true},
		{"./examples/invoke", false}, // links to functions only: dev writes the endpoint shim without the engine
	} {
		cmd := exec.Command("go", "list", "-deps", tt.pkg)
		cmd.Dir = root
		out, err := cmd.Output()
		if err != nil {
			t.Fatalf("go list -deps %s: %v", tt.pkg, err)
		}
		if got := strings.Contains(string(out), "github.com/sivchari/kumo"); got != tt.want {
			t.Errorf("%s links the engine: %t, want %t", tt.pkg, got, tt.want)
		}
	}
}
