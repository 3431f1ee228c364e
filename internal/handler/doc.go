// Package handler reads handler strings ("functions/users.index", "functions/orders::handler.index",
// the Go form "functions/hello.Hello") and finds them in the project: which file or folder is packaged,
// which runtime it runs on, and which routes share a Lambda (equal Resolved.Key). A handler must stay
// inside the project directory, also through symbolic links.
package handler
