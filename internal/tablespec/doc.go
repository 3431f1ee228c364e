// Package tablespec is the internal model of a declared DynamoDB table: its key fields, secondary
// indexes, stream and TTL attribute, and the validation that runs before anything is deployed or
// created locally. The public declaration API fills a Table; the local engine (internal/dynamolocal)
// and the Pulumi components read it.
package tablespec
