package link

import _ "embed"

// PythonModule is stelvio_link.py, the Python handlers' accessors for linked resources (table,
// function, api and NotLinkedError, with the messages of the Go package link). It belongs at the
// root of every Python function package and on the dev worker's PYTHONPATH.
//
//go:embed python/stelvio_link.py
var PythonModule []byte

// PythonModuleName is the file name PythonModule is written as.
const PythonModuleName = "stelvio_link.py"
