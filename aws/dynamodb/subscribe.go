package dynamodb

import (
	"github.com/stelvio-go/stelvio/aws/function"
	"github.com/stelvio-go/stelvio/internal/app"
	"github.com/stelvio-go/stelvio/internal/route"
)

// SubscribeOption configures a table's subscriber (Table.Subscribe).
type SubscribeOption interface {
	applySubscriber(d *route.SubscriberDecl)
}

type subscribeOptionFunc func(d *route.SubscriberDecl)

func (f subscribeOptionFunc) applySubscriber(d *route.SubscriberDecl) { f(d) }

// BatchSize is the most stream records one invocation of the subscriber receives: 1 to 10000, 100
// when not given.
func BatchSize(n int) SubscribeOption {
	return subscribeOptionFunc(func(d *route.SubscriberDecl) { d.BatchSize, d.BatchSizeSet = n, true })
}

// FunctionOptions configure the subscriber's Lambda function (memory, timeout, environment, links,
// ...).
func FunctionOptions(opts ...function.Option) SubscribeOption {
	return subscribeOptionFunc(func(d *route.SubscriberDecl) { app.ApplyFunctionOptions(&d.Config, opts) })
}

// Subscriber is a function subscribed to a table's stream.
type Subscriber struct {
	d *route.SubscriberDecl
}

// Name is the subscriber's name on its table; its function is named "{table}-{name}".
func (s *Subscriber) Name() string { return s.d.Name }

// Subscribe adds a Lambda function, named name (unique on the table), that receives the table's
// stream records in batches: handler is a Python ("functions/audit.handler") or Go
// ("functions/audit.Handler") handler string as in api.Route. A Go handler takes an
// events.DynamoDBEvent of github.com/aws/aws-lambda-go/events. The table needs a stream (Stream).
// On AWS the function is invoked by an event source mapping starting at the stream's latest
// records; under dev the local table's stream is read the same way.
func (t *Table) Subscribe(name, handler string, opts ...SubscribeOption) *Subscriber {
	sd := &route.SubscriberDecl{Table: t.d, Name: name, Handler: handler, Source: route.Caller(1)}
	for _, o := range opts {
		if o != nil {
			o.applySubscriber(sd)
		}
	}
	t.d.Subscribers = append(t.d.Subscribers, sd)
	return &Subscriber{d: sd}
}
