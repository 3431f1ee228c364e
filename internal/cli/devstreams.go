package cli

import (
	"context"
	"fmt"

	"github.com/stelvio-go/stelvio/internal/devserver"
	"github.com/stelvio-go/stelvio/internal/route"
)

// streams are the app's table subscriptions under dev: each subscriber with its local table's
// stream, and the endpoint the streams are read at ("" without subscriptions).
func (d *devLinks) streams(ctx context.Context, t *route.Table) ([]devserver.Stream, string, error) {
	if len(t.Subscriptions) == 0 || d.tables == nil {
		return nil, "", nil
	}
	var out []devserver.Stream
	for _, s := range t.Subscriptions {
		_, _, arn, err := d.tables.Table(ctx, s.Table.Physical(t.App, t.Env))
		if err != nil {
			return nil, "", err
		}
		if arn == "" {
			return nil, "", fmt.Errorf("local table %q has no stream for subscriber %q", s.Table.Name, s.Name)
		}
		out = append(out, devserver.Stream{Subscription: s, StreamARN: arn})
	}
	return out, d.Env["AWS_ENDPOINT_URL_DYNAMODB_STREAMS"], nil
}
