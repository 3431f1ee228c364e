package dynamolocal

import (
	"context"
	"errors"
	"fmt"

	"github.com/stelvio-go/stelvio/internal/app"
)

// StartApp is app.StartLocalTables: it starts the engine for dev with the app's tables (opts.Reset
// deletes the data first), reports what changed in them and writes the Python endpoint shim.
func StartApp(ctx context.Context, opts app.LocalTablesOptions) (app.LocalTables, error) {
	if opts.Reset {
		if err := RemoveData(opts.Dir); err != nil {
			return nil, err
		}
	}
	s, err := Start(ctx, Options{Dir: opts.Dir, Logf: opts.Logf})
	if err != nil {
		return nil, err
	}
	l := &appTables{s: s}
	changes, err := s.EnsureTables(ctx, opts.Tables)
	if err != nil {
		return nil, fmt.Errorf("local tables: %w", errors.Join(err, s.Close()))
	}
	for _, c := range changes {
		line := c.Table + ": " + c.Action
		if c.Detail != "" {
			line += " (" + c.Detail + ")"
		}
		l.changes = append(l.changes, line)
	}
	if opts.ShimDir != "" {
		if _, err := WritePythonShim(opts.ShimDir); err != nil {
			return nil, errors.Join(err, s.Close())
		}
	}
	return l, nil
}

// appTables is a Server as dev uses it (app.LocalTables).
type appTables struct {
	s       *Server
	changes []string
}

func (l *appTables) Env() map[string]string { return l.s.Env() }
func (l *appTables) Changes() []string      { return l.changes }
func (l *appTables) Close() error           { return l.s.Close() }

func (l *appTables) Table(ctx context.Context, name string) (string, string, string, error) {
	t, err := l.s.Table(ctx, name)
	return t.Name, t.ARN, t.StreamARN, err
}

func (l *appTables) Grant(p app.LocalPrincipal) string {
	return l.s.Grant(Principal{ARN: p.ARN, Statements: p.Statements})
}
