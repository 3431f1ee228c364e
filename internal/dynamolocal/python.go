package dynamolocal

import "github.com/stelvio-go/stelvio/internal/runtime/python/endpointshim"

// PythonShim is the endpoint shim for the dev worker's PYTHONPATH (package endpointshim): it makes
// botocore older than 1.31 (e.g. Debian's python3-boto3 1.26) honour AWS_ENDPOINT_URL_DYNAMODB and
// AWS_ENDPOINT_URL_DYNAMODB_STREAMS, which newer botocore reads itself.
var PythonShim = endpointshim.Source

// WritePythonShim writes PythonShim as dir/sitecustomize.py (dir is created) and returns dir, the
// folder to put first on the dev worker's PYTHONPATH. Never use it for deployed packages.
func WritePythonShim(dir string) (string, error) {
	return endpointshim.Write(dir)
}
