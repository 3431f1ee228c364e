// Package streamhook connects the local server with the reader of DynamoDB table streams
// (internal/devstreams) without the server importing it: the reader and its AWS SDK client are linked
// only into apps that declare tables (aws/dynamodb imports the reader, which sets Start).
package streamhook

import (
	"context"

	"github.com/stelvio-go/stelvio/internal/route"
)

// Stream is a table subscription dev runs: the subscriber's function is invoked with the records of
// the local table's stream, as Lambda's event source mapping invokes it on AWS.
type Stream struct {
	Subscription *route.Subscription
	// StreamARN is the local table's stream.
	StreamARN string
}

// Host is what a stream reader needs of the local server.
type Host interface {
	// Logf writes a line to dev's log.
	Logf(format string, args ...any)
	// Warm starts the function's workers (building it first when needed).
	Warm(ctx context.Context, fn *route.Function) error
	// Invoke runs the function with payload; a function error is an error.
	Invoke(ctx context.Context, fn *route.Function, payload []byte) error
}

// Config is where the streams are read: the local engine's endpoint, region and credentials.
type Config struct {
	Streams                      []Stream
	Endpoint, Region             string
	AccessKeyID, SecretAccessKey string
}

// Start reads the streams and invokes their subscribers until the returned stop is called; nil when
// no reader is linked.
var Start func(ctx context.Context, h Host, c Config) (stop func())
