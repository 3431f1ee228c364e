// Package dynamolocal runs a DynamoDB (and DynamoDB Streams) endpoint inside the dev process, so
// that handlers linked to tables reach a local engine with no AWS account, no second runtime and
// nothing to install.
//
// The engine is github.com/sivchari/kumo's in-process server. This package puts its own listener in
// front of it that
//   - forwards only the DynamoDB and DynamoDB Streams JSON protocols (every other kumo service stays
//     unreachable),
//   - adds the X-Amz-Crc32 header DynamoDB sends (the CRC32 of the response body; the AWS SDKs
//     verify it when present and aws-sdk-go-v2 warns when it is missing),
//   - notes which requests change data, so that a snapshot of all tables is written to
//     Options.Dir every SnapshotInterval while there are changes, and once more on Close,
//   - applies index projections to Query and Scan on an index (projection.go), which the engine
//     ignores,
//   - holds requests signed with a function's access key (Grant) to what the function's links
//     allow, refusing the rest with AWS's AccessDeniedException (access.go).
//
// Snapshots are taken through the DynamoDB API (DescribeTable, DescribeTimeToLive, Scan) and
// restored the same way (CreateTable, UpdateTimeToLive, BatchWriteItem), so they do not depend on
// the engine's own storage format. A snapshot file is written to a temporary name, synced and
// renamed: a crash leaves the previous or the new snapshot, never half of one.
//
// kumo keeps its state in package-level variables, so one Server may run per process at a time.
package dynamolocal
