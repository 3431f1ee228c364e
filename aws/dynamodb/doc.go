// Package dynamodb declares DynamoDB tables and the local engine that serves them under dev.
//
//	todos := dynamodb.NewTable(ctx, "todos",
//		dynamodb.Fields{"id": dynamodb.String, "owner": dynamodb.String, "created": dynamodb.Number},
//		dynamodb.PartitionKey("id"),
//		dynamodb.GlobalIndex("by-owner", "owner", "created", dynamodb.ProjectAll),
//	)
//	api.Route("GET", "/todos", "functions/todos.index", function.Link(todos))
//
// A table is deployed as an on-demand (PAY_PER_REQUEST) DynamoDB table named "{app}-{env}-{name}".
// Fields lists the typed attributes that keys and indexes use; items may hold any other attributes
// without declaring them. Problems of a declaration (a key that is not a field, a local index on a
// table without a sort key, two tables of one name) are reported with every other problem of the app,
// with the file:line of the NewTable call.
//
// A function linked to a table (function.Link, function.LinkReadOnly) gets the IAM permissions it needs
// on the table and its indexes, and the environment variables STELVIO_TABLE_<NAME>_NAME, _ARN and
// _STREAM_ARN (tables with a stream), which handlers read with the package
// github.com/stelvio-go/stelvio/link (Go) or the module stelvio_link (Python).
//
// Under dev the tables are served by a DynamoDB engine inside the dev process, with their data kept in
// .stelvio/dev/dynamodb between runs (dev --reset-data starts empty); the handlers' AWS SDKs reach it
// through AWS_ENDPOINT_URL_DYNAMODB, with nothing to install. As on AWS, each function may do only
// what its links allow (a write through a read-only link, or any use of a table it is not linked to,
// fails with AccessDeniedException), and a Query or Scan on an index returns what the index projects.
package dynamodb
