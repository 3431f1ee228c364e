// Package link computes what linking a resource to a function means, as pure functions: the
// environment variables the function receives (the naming scheme below), and the IAM statements
// its role needs. The public package github.com/stelvio-go/stelvio/link reads the same variables
// inside handlers, and stelvio_link.py (PythonModule) does so for Python handlers.
//
// Naming scheme: STELVIO_<KIND>_<NAME>_<ATTRIBUTE>, where KIND is TABLE, FUNCTION or API, NAME is the
// resource's declared name in upper case with every character other than A-Z and 0-9 replaced by
// '_', and ATTRIBUTE is one of
//
//	table:    NAME, ARN, STREAM_ARN (only for a table with a stream)
//	function: NAME, ARN
//	api:      URL
//
// so a table declared "todos" gives STELVIO_TABLE_TODOS_NAME and STELVIO_TABLE_TODOS_ARN. Two
// resources of one kind whose names map to the same NAME ("my-table", "my_table") are an error.
package link
