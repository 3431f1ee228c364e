package deploy

import (
	"bufio"
	"fmt"
	"github.com/stelvio-go/stelvio/internal/cli"
	"io"
	"strings"

	"github.com/stelvio-go/stelvio/internal/engine"
)

// stackOpen says how openStack opens a stack: create allows an environment never deployed,
// withProgram loads the app's program (deploy, diff), json streams progress as JSON.
type stackOpen struct {
	create, withProgram, json bool
}

// openStack opens the environment's stack with the command's flags, and the
// app's program when withProgram. create false refuses environments never
// deployed.
func openStack(f *Factory, s cli.StackFlags, o stackOpen) (*engine.Stack, error) {
	opts, err := engineOptions(f, s, o.withProgram)
	if err != nil {
		return nil, err
	}
	opts.Out = f.Out
	opts.Log = f.Err
	opts.JSON = o.json
	opts.Verbose = s.Verbose
	return engine.Open(f.Context, opts, o.create)
}

// confirm asks a question on f.Err and reads one line from f.In.
func confirm(f *Factory, question string) (string, error) {
	fmt.Fprint(f.Err, question)
	line, err := bufio.NewReader(f.In).ReadString('\n')
	if err != nil && (err != io.EOF || line == "") {
		if err == io.EOF {
			return "", nil
		}
		return "", fmt.Errorf("read answer: %w", err)
	}
	return strings.TrimSpace(line), nil
}

// changed counts the resources an operation creates, updates, replaces or
// deletes.
func changed(r *engine.Result) int {
	if r == nil {
		return 0
	}
	return r.Changes["create"] + r.Changes["update"] + r.Changes["replace"] + r.Changes["delete"]
}
