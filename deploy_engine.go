//go:build stelvio_deploy

package stelvio

import "github.com/stelvio-go/stelvio/internal/cli/deploy"

// deployCommands run the deployment engine in this binary.
var deployCommands = deploy.Commands
