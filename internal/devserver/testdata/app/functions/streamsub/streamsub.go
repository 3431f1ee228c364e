// Package streamsub is a table subscriber: it prints each stream record it receives.
package streamsub

import (
	"context"
	"fmt"

	"github.com/aws/aws-lambda-go/events"
)

// Handler prints the event name, key and new title of each record.
func Handler(ctx context.Context, e events.DynamoDBEvent) error {
	for _, r := range e.Records {
		fmt.Printf("record %s %s %s %s\n", r.EventName, r.Change.Keys["id"].String(), r.Change.NewImage["title"].String(), r.EventSource)
	}
	return nil
}
