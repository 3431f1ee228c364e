package devserver

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"sync"
	"time"

	"github.com/aws/aws-lambda-go/events"
	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/dynamodbstreams"
	st "github.com/aws/aws-sdk-go-v2/service/dynamodbstreams/types"

	"github.com/stelvio-go/stelvio/internal/route"
)

// Stream is a table subscription dev runs: the subscriber's function is invoked with the records of
// the local table's stream, as Lambda's event source mapping invokes it on AWS.
type Stream struct {
	Subscription *route.Subscription
	// StreamARN is the local table's stream.
	StreamARN string
}

// Intervals of the stream pollers.
const (
	// StreamPollInterval is the wait between reads of a shard that had no new records.
	StreamPollInterval = 250 * time.Millisecond
	// streamShardInterval is the wait between looks for new shards.
	streamShardInterval = 5 * time.Second
	// streamMaxBackoff is the longest wait before retrying a failed batch.
	streamMaxBackoff = 30 * time.Second
	// maxGetRecords is the most records one GetRecords call returns.
	maxGetRecords = 1000
)

// startStreams reads the local streams of Options.Streams and invokes their subscribers until the
// returned stop is called (or ctx is done). Each stream's shard iterators are taken now, at the
// latest record, so that every change made once the server answers reaches the subscribers.
func (s *Server) startStreams(ctx context.Context) (stop func()) {
	if len(s.opts.Streams) == 0 {
		return func() {}
	}
	ctx, cancel := context.WithCancel(ctx)
	client := dynamodbstreams.New(dynamodbstreams.Options{
		Region:       s.opts.Region,
		BaseEndpoint: aws.String(s.opts.StreamsEndpoint),
		Credentials:  credentials.NewStaticCredentialsProvider(s.opts.Env["AWS_ACCESS_KEY_ID"], s.opts.Env["AWS_SECRET_ACCESS_KEY"], ""),
	})
	var wg sync.WaitGroup
	for _, stream := range s.opts.Streams {
		p := &poller{s: s, client: client, stream: stream, shards: map[string]*shard{}}
		if err := p.discover(ctx, st.ShardIteratorTypeLatest); err != nil {
			s.logf("[%s] stream of table %s: %v; its subscriber is not invoked\n", p.label(), stream.Subscription.Table.Name, err)
			continue
		}
		s.logf("stelvio dev: %s reads the stream of table %s (batches of up to %d records)\n", p.label(), stream.Subscription.Table.Name, stream.Subscription.BatchSize)
		// The subscriber's workers start now rather than with the first record.
		if _, err := s.functionRunner(stream.Subscription.Function).current(ctx); err != nil && !errors.As(err, new(*BuildError)) {
			s.logf("[%s] %s\n", p.label(), err)
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			p.run(ctx)
		}()
	}
	return func() {
		cancel()
		wg.Wait()
	}
}

// poller reads one stream for one subscriber.
type poller struct {
	s      *Server
	client *dynamodbstreams.Client
	stream Stream
	shards map[string]*shard // open shards by id
	closed map[string]bool   // shards read to their end
}

type shard struct {
	iterator *string
	// last is the sequence number of the last record delivered, to resume after an expired iterator.
	last string
}

func (p *poller) label() string { return p.stream.Subscription.Function.Name }

// discover adds the stream's shards not yet read, from position typ.
func (p *poller) discover(ctx context.Context, typ st.ShardIteratorType) error {
	arn := aws.String(p.stream.StreamARN)
	var start *string
	for {
		out, err := p.client.DescribeStream(ctx, &dynamodbstreams.DescribeStreamInput{StreamArn: arn, ExclusiveStartShardId: start})
		if err != nil {
			return fmt.Errorf("describe stream: %w", err)
		}
		for _, sh := range out.StreamDescription.Shards {
			id := aws.ToString(sh.ShardId)
			if _, open := p.shards[id]; open || p.closed[id] {
				continue
			}
			it, err := p.client.GetShardIterator(ctx, &dynamodbstreams.GetShardIteratorInput{StreamArn: arn, ShardId: sh.ShardId, ShardIteratorType: typ})
			if err != nil {
				return fmt.Errorf("shard iterator of %s: %w", id, err)
			}
			p.shards[id] = &shard{iterator: it.ShardIterator}
		}
		start = out.StreamDescription.LastEvaluatedShardId
		if start == nil {
			return nil
		}
	}
}

// run reads the shards every StreamPollInterval and invokes the subscriber with each batch, until
// ctx is done. Shards found later (after a split) are read from their start.
func (p *poller) run(ctx context.Context) {
	tick := time.NewTicker(StreamPollInterval)
	defer tick.Stop()
	lastLook := time.Now()
	for {
		select {
		case <-ctx.Done():
			return
		case <-tick.C:
		}
		if time.Since(lastLook) >= streamShardInterval {
			lastLook = time.Now()
			if err := p.discover(ctx, st.ShardIteratorTypeTrimHorizon); err != nil && ctx.Err() == nil {
				p.s.logf("[%s] stream of table %s: %v\n", p.label(), p.stream.Subscription.Table.Name, err)
			}
		}
		for id, sh := range p.shards {
			p.read(ctx, id, sh)
		}
	}
}

// read delivers the shard's new records, one batch at a time, until it has none.
func (p *poller) read(ctx context.Context, id string, sh *shard) {
	sub := p.stream.Subscription
	for ctx.Err() == nil {
		// One read is one batch: at most the batch size, and at most the 1000 records GetRecords returns
		// (https://docs.aws.amazon.com/amazondynamodb/latest/APIReference/API_streams_GetRecords.html).
		limit := int32(min(sub.BatchSize, maxGetRecords))
		out, err := p.client.GetRecords(ctx, &dynamodbstreams.GetRecordsInput{ShardIterator: sh.iterator, Limit: aws.Int32(limit)})
		if err != nil {
			if ctx.Err() != nil {
				return
			}
			var expired *st.ExpiredIteratorException
			if errors.As(err, &expired) {
				p.renew(ctx, id, sh)
				return
			}
			p.s.logf("[%s] read the stream of table %s: %v\n", p.label(), sub.Table.Name, err)
			return
		}
		if len(out.Records) > 0 {
			if !p.deliver(ctx, out.Records) {
				return // ctx is done
			}
			sh.last = aws.ToString(out.Records[len(out.Records)-1].Dynamodb.SequenceNumber)
		}
		if out.NextShardIterator == nil {
			delete(p.shards, id)
			if p.closed == nil {
				p.closed = map[string]bool{}
			}
			p.closed[id] = true
			return
		}
		sh.iterator = out.NextShardIterator
		if len(out.Records) == 0 {
			return
		}
	}
}

// renew replaces an expired iterator: after the last record delivered, or at the latest record.
func (p *poller) renew(ctx context.Context, id string, sh *shard) {
	in := &dynamodbstreams.GetShardIteratorInput{StreamArn: aws.String(p.stream.StreamARN), ShardId: aws.String(id), ShardIteratorType: st.ShardIteratorTypeLatest}
	if sh.last != "" {
		in.ShardIteratorType, in.SequenceNumber = st.ShardIteratorTypeAfterSequenceNumber, aws.String(sh.last)
	}
	it, err := p.client.GetShardIterator(ctx, in)
	if err != nil {
		p.s.logf("[%s] renew the stream iterator of table %s: %v\n", p.label(), p.stream.Subscription.Table.Name, err)
		return
	}
	sh.iterator = it.ShardIterator
}

// deliver invokes the subscriber with a batch until it succeeds, as Lambda retries a stream batch
// that failed (the whole batch, in order, blocking the shard) until it succeeds or its records expire
// (https://docs.aws.amazon.com/lambda/latest/dg/services-ddb-params.html). The wait between
// tries doubles from one second up to 30 seconds. It returns false when ctx ended first.
func (p *poller) deliver(ctx context.Context, records []st.Record) bool {
	sub := p.stream.Subscription
	payload, err := json.Marshal(StreamEvent(records, p.stream.StreamARN, p.s.opts.Region))
	if err != nil {
		p.s.logf("[%s] encode the stream event: %v\n", p.label(), err)
		return true // cannot happen with these types; the batch is skipped rather than retried forever
	}
	names := make([]string, len(records))
	for i, r := range records {
		names[i] = string(r.EventName)
	}
	wait := time.Second
	for {
		start := time.Now()
		err := p.invoke(ctx, payload)
		if err == nil {
			p.s.logf("STREAM %s %s %s %s\n", sub.Table.Name, strings.Join(names, ","), formatDuration(time.Since(start)), p.label())
			return true
		}
		if ctx.Err() != nil {
			return false
		}
		p.s.logf("[%s] stream batch of %d records from table %s failed: %v; retrying the batch in %s\n", p.label(), len(records), sub.Table.Name, err, wait)
		select {
		case <-ctx.Done():
			return false
		case <-time.After(wait):
		}
		wait = min(2*wait, streamMaxBackoff)
	}
}

func (p *poller) invoke(ctx context.Context, payload []byte) error {
	run := p.s.functionRunner(p.stream.Subscription.Function)
	pool, err := run.current(ctx)
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

// StreamEvent is the event Lambda sends a DynamoDB stream's subscriber for records read from the
// stream streamARN in region, in aws-lambda-go's types (whose JSON is Lambda's; see
// https://docs.aws.amazon.com/lambda/latest/dg/with-ddb.html#services-dynamodb-event).
func StreamEvent(records []st.Record, streamARN, region string) events.DynamoDBEvent {
	ev := events.DynamoDBEvent{Records: make([]events.DynamoDBEventRecord, 0, len(records))}
	for _, r := range records {
		rec := events.DynamoDBEventRecord{
			AWSRegion:      aws.ToString(r.AwsRegion),
			EventID:        aws.ToString(r.EventID),
			EventName:      string(r.EventName),
			EventSource:    aws.ToString(r.EventSource),
			EventVersion:   aws.ToString(r.EventVersion),
			EventSourceArn: streamARN,
		}
		if rec.AWSRegion == "" {
			rec.AWSRegion = region
		}
		if rec.EventSource == "" {
			rec.EventSource = "aws:dynamodb"
		}
		if rec.EventVersion == "" {
			rec.EventVersion = "1.1"
		}
		if id := r.UserIdentity; id != nil {
			rec.UserIdentity = &events.DynamoDBUserIdentity{Type: aws.ToString(id.Type), PrincipalID: aws.ToString(id.PrincipalId)}
		}
		if d := r.Dynamodb; d != nil {
			rec.Change = events.DynamoDBStreamRecord{
				Keys:           attributes(d.Keys),
				NewImage:       attributes(d.NewImage),
				OldImage:       attributes(d.OldImage),
				SequenceNumber: aws.ToString(d.SequenceNumber),
				SizeBytes:      aws.ToInt64(d.SizeBytes),
				StreamViewType: string(d.StreamViewType),
			}
			// Lambda gives whole seconds; a local record without the time gets the time it is read.
			at := time.Now()
			if d.ApproximateCreationDateTime != nil {
				at = *d.ApproximateCreationDateTime
			}
			rec.Change.ApproximateCreationDateTime = events.SecondsEpochTime{Time: at.Truncate(time.Second)}
		}
		ev.Records = append(ev.Records, rec)
	}
	return ev
}

func attributes(m map[string]st.AttributeValue) map[string]events.DynamoDBAttributeValue {
	if m == nil {
		return nil
	}
	out := make(map[string]events.DynamoDBAttributeValue, len(m))
	for k, v := range m {
		out[k] = attribute(v)
	}
	return out
}

func attribute(v st.AttributeValue) events.DynamoDBAttributeValue {
	switch v := v.(type) {
	case *st.AttributeValueMemberS:
		return events.NewStringAttribute(v.Value)
	case *st.AttributeValueMemberN:
		return events.NewNumberAttribute(v.Value)
	case *st.AttributeValueMemberB:
		return events.NewBinaryAttribute(v.Value)
	case *st.AttributeValueMemberBOOL:
		return events.NewBooleanAttribute(v.Value)
	case *st.AttributeValueMemberNULL:
		return events.NewNullAttribute()
	case *st.AttributeValueMemberSS:
		return events.NewStringSetAttribute(v.Value)
	case *st.AttributeValueMemberNS:
		return events.NewNumberSetAttribute(v.Value)
	case *st.AttributeValueMemberBS:
		return events.NewBinarySetAttribute(v.Value)
	case *st.AttributeValueMemberL:
		l := make([]events.DynamoDBAttributeValue, len(v.Value))
		for i, x := range v.Value {
			l[i] = attribute(x)
		}
		return events.NewListAttribute(l)
	case *st.AttributeValueMemberM:
		return events.NewMapAttribute(attributes(v.Value))
	}
	return events.NewNullAttribute()
}
