// Package link gives handlers the resources linked to their function: the name and ARN of a
// table, the name and ARN of a function, the URL of an API. The app links them (the function's
// links set environment variables, see the naming scheme in the stelvio docs); a handler asks by
// the declared name:
//
//	todos, err := link.Table("todos")
//	...
//	db.GetItem(ctx, &dynamodb.GetItemInput{TableName: aws.String(todos.Name), ...})
//
// Under `stelvio dev` the same calls return the local tables. Python handlers have the same
// accessors in the stelvio_link module.
package link
