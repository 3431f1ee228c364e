package stelvio_test

import (
	"os/exec"
	"strings"
	"testing"
)

// TestDevBuildLinksNoPulumi: an app built as usual (for dev) compiles no Pulumi package, which is most
// of a cold build; with -tags stelvio_deploy it holds the deployment engine.
func TestDevBuildLinksNoPulumi(t *testing.T) {
	for _, tt := range []struct {
		tags string
		want bool
	}{
		{"", false},
		{"stelvio_deploy", true},
	} {
		for _, example := range []string{"quickstart", "invoke"} {
			out, err := exec.Command("go", "list", "-tags", tt.tags, "-deps", "./examples/"+example).Output()
			if err != nil {
				t.Fatalf("go list -deps: %v", err)
			}
			if got := strings.Contains(string(out), "github.com/pulumi/pulumi/sdk/v3/go/pulumi\n"); got != tt.want {
				t.Errorf("%s built with tags %q links the Pulumi SDK: %t, want %t", example, tt.tags, got, tt.want)
			}
		}
	}
}
