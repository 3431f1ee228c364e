// Command stelvio creates stelvio projects (stelvio init). Each project's
// infra program is its own command line: go run ./infra deploy.
package main

import (
	"os"

	"github.com/stelvio-go/stelvio/internal/cli"
)

func main() {
	os.Exit(cli.ToolMain(os.Args[1:], os.Stdout, os.Stderr))
}
