package devserver

import (
	"context"
	"errors"
	"strings"

	"github.com/stelvio-go/stelvio/internal/devserver/streamhook"
	"github.com/stelvio-go/stelvio/internal/route"
)

// Stream is a table subscription dev runs (see streamhook.Stream).
type Stream = streamhook.Stream

// startStreams starts the readers of Options.Streams (internal/devstreams, linked by apps with tables)
// and returns what stops them.
func (s *Server) startStreams(ctx context.Context) (stop func()) {
	if len(s.opts.Streams) == 0 {
		return func() {}
	}
	if streamhook.Start == nil {
		s.logf("stelvio dev: table subscribers are not invoked: this build has no stream reader (import github.com/stelvio-go/stelvio/aws/dynamodb)\n")
		return func() {}
	}
	return streamhook.Start(ctx, streamHost{s}, streamhook.Config{
		Streams: s.opts.Streams, Endpoint: s.opts.StreamsEndpoint, Region: s.opts.Region,
		AccessKeyID: s.opts.Env["AWS_ACCESS_KEY_ID"], SecretAccessKey: s.opts.Env["AWS_SECRET_ACCESS_KEY"],
	})
}

// streamHost gives the stream readers the server's log and functions.
type streamHost struct{ s *Server }

func (h streamHost) Logf(format string, args ...any) { h.s.logf(format, args...) }

func (h streamHost) Warm(ctx context.Context, fn *route.Function) error {
	if _, err := h.s.functionRunner(fn).current(ctx); err != nil && !errors.As(err, new(*BuildError)) {
		return err
	}
	return nil
}

func (h streamHost) Invoke(ctx context.Context, fn *route.Function, payload []byte) error {
	pool, err := h.s.functionRunner(fn).current(ctx)
	if err != nil {
		return err
	}
	res, err := pool.Invoke(ctx, payload)
	if err != nil {
		return err
	}
	if res.Err != nil {
		return errors.New(strings.TrimSpace(res.Err.Error()))
	}
	return nil
}
