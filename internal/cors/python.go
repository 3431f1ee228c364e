package cors

import _ "embed"

// PythonModuleName is the file name under which PythonModule is placed in a Python function's package.
const PythonModuleName = "stelvio_cors.py"

// PythonModule is the source of stelvio_cors.py, the Python handlers' one-call helper: apply(response)
// returns the response with the CORS headers that Config.Environment passed to the function.
//
//go:embed stelvio_cors.py
var PythonModule []byte
