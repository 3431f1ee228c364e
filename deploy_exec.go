//go:build !stelvio_deploy

package stelvio

import "github.com/stelvio-go/stelvio/internal/cli"

// deployCommands hand plan, deploy and the other engine commands over to a build of the app with the
// stelvio_deploy tag, so that a build for dev never compiles the Pulumi SDK.
var deployCommands = cli.ExecDeploy
