// Package cli is the command line of a stelvio app: the user's
// infrastructure program calls Main (through stelvio.App.Main), so
// `go run ./infra deploy` is the app's own command line.
//
// Each command lives in its own file as a constructor newXCmd(f, runF), an
// options struct filled by flags and arguments, and a runX(opts) function
// that does the work. Tests build a command with a runF that captures the
// options (argument parsing) or call runX directly (behaviour). Commands add
// themselves to the root with addCommand from an init function, so a new
// command is one new file.
//
// ExitCode is the one place that maps errors to exit codes: 0 success,
// 1 the operation failed, 2 usage error, 4 the environment's state is locked.
package cli
