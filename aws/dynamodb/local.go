package dynamodb

import (
	"context"
	"errors"
	"fmt"

	"github.com/stelvio-go/stelvio/internal/app"
	"github.com/stelvio-go/stelvio/internal/dynamolocal"
)

// The local engine is reachable only through this package, so that an app without tables never
// links it.
func init() { app.StartLocalTables = startLocal }

type local struct {
	s       *dynamolocal.Server
	changes []string
}

func startLocal(ctx context.Context, opts app.LocalTablesOptions) (app.LocalTables, error) {
	if opts.Reset {
		if err := dynamolocal.RemoveData(opts.Dir); err != nil {
			return nil, err
		}
	}
	s, err := dynamolocal.Start(ctx, dynamolocal.Options{Dir: opts.Dir, Logf: opts.Logf})
	if err != nil {
		return nil, err
	}
	l := &local{s: s}
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
		if _, err := dynamolocal.WritePythonShim(opts.ShimDir); err != nil {
			return nil, errors.Join(err, s.Close())
		}
	}
	return l, nil
}

func (l *local) Env() map[string]string { return l.s.Env() }
func (l *local) Changes() []string      { return l.changes }
func (l *local) Close() error           { return l.s.Close() }

func (l *local) Table(ctx context.Context, name string) (string, string, string, error) {
	t, err := l.s.Table(ctx, name)
	return t.Name, t.ARN, t.StreamARN, err
}
