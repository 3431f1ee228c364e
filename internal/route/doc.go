// Package route turns what a program declared (Decls: apis, routes, function.New instances) into the
// validated route Table, the one model the AWS resources, the Lambda packages with their generated
// routing code and the local server are all made from.
//
// Build resolves every handler against the project's files, groups the routes that share a Lambda
// (the same single file, the same folder, the same Go package, or the same function.New value),
// settles each function's configuration, and checks the rules API Gateway and Lambda enforce. It never
// stops at the first mistake: every problem is collected, with the file:line of the declaring call and
// a fix, and returned together as Problems, in the order of the program's text.
//
// ParsePath and ParseMethods are the only readers of route paths and methods; Path.String is the
// canonical form (no trailing slash) that resources, routing code and the local server use.
package route
