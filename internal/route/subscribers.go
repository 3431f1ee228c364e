package route

import (
	"fmt"
	"strings"
)

// Batch sizes of a DynamoDB stream's event source mapping: default 100, at most 10,000
// (https://docs.aws.amazon.com/lambda/latest/dg/services-ddb-params.html).
const (
	DefaultBatchSize = 100
	MaxBatchSize     = 10000
)

// SubscriberDecl is one table.Subscribe call: a Lambda function that receives the table's stream
// records.
type SubscriberDecl struct {
	// Table is the table it was declared on.
	Table   *TableDecl
	Name    string
	Handler string
	Config  FunctionConfig
	// BatchSize is the most records per invocation when BatchSizeSet (DefaultBatchSize otherwise).
	BatchSize    int
	BatchSizeSet bool
	Source       string
}

// Subscription is a function subscribed to a table's stream: on AWS an event source mapping, under
// dev a poller of the local stream.
type Subscription struct {
	// Name is the subscriber's name, unique on its table.
	Name      string
	Table     *DynamoTable
	Function  *Function
	BatchSize int
	Source    string
}

// subscribers resolves the subscribers of every valid table: each one becomes a function of its own
// (no generated routing code) whose handler receives DynamoDB stream events.
func (b *builder) subscribers(d *Decls) {
	for _, td := range d.Tables {
		t := b.tableByDecl[td]
		names := map[string]*SubscriberDecl{}
		for _, sd := range td.Subscribers {
			subject := fmt.Sprintf("subscriber %q of table %q", sd.Name, td.Spec.Name)
			ok := true
			if !nameRE.MatchString(sd.Name) {
				b.add(sd.Source, subject, "name must start with a letter or digit and contain only letters, digits, - and _")
				ok = false
			} else if prev, dup := names[strings.ToLower(sd.Name)]; dup {
				b.add(sd.Source, subject, "subscriber %q is already declared on table %q at %s; give each subscriber of a table its own name (names are not case-sensitive)", prev.Name, td.Spec.Name, prev.Source)
				ok = false
			} else {
				names[strings.ToLower(sd.Name)] = sd
			}
			if td.Spec.Stream == "" {
				b.add(sd.Source, subject, "table %q has no stream; turn it on with dynamodb.Stream(dynamodb.NewAndOldImages) (or another view) in dynamodb.NewTable", td.Spec.Name)
				ok = false
			}
			size := DefaultBatchSize
			if sd.BatchSizeSet {
				size = sd.BatchSize
				if size < 1 || size > MaxBatchSize {
					b.add(sd.Source, subject, "batch size %d is out of range; a DynamoDB stream's event source mapping takes 1 to %d records per batch", size, MaxBatchSize)
					ok = false
				}
			}
			fn := b.subscriberFunction(td, sd, subject)
			if fn == nil || t == nil || !ok {
				continue // the table's own problems are reported with it
			}
			s := &Subscription{Name: sd.Name, Table: t, Function: fn, BatchSize: size, Source: sd.Source}
			fn.Subscription = s
			b.table.Subscriptions = append(b.table.Subscriptions, s)
		}
	}
}

// subscriberFunction makes a subscriber's Lambda function, named "{table}-{subscriber}".
func (b *builder) subscriberFunction(td *TableDecl, sd *SubscriberDecl, subject string) *Function {
	return b.routelessFunction("subscriber:"+td.Spec.Name+"/"+sd.Name, td.Spec.Name+"-"+sd.Name, sd.Handler, sd.Config, sd.Source, subject)
}
