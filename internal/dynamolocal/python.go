package dynamolocal

import (
	_ "embed"
	"fmt"
	"os"
	"path/filepath"
)

// PythonShim is a sitecustomize.py for the dev worker's PYTHONPATH: it makes botocore older than
// 1.31 (e.g. Debian's python3-boto3 1.26) honour AWS_ENDPOINT_URL_DYNAMODB and
// AWS_ENDPOINT_URL_DYNAMODB_STREAMS, which newer botocore reads itself. It patches botocore only
// when a handler imports it and then runs any sitecustomize it shadows.
//
//go:embed python/sitecustomize.py
var PythonShim []byte

// WritePythonShim writes PythonShim as dir/sitecustomize.py (dir is created) and returns dir, the
// folder to put first on the dev worker's PYTHONPATH. Never use it for deployed packages.
func WritePythonShim(dir string) (string, error) {
	if err := writeFileAtomic(filepath.Join(dir, "sitecustomize.py"), PythonShim); err != nil {
		return "", fmt.Errorf("write python endpoint shim: %w", err)
	}
	if _, err := os.Stat(dir); err != nil {
		return "", fmt.Errorf("write python endpoint shim: %w", err)
	}
	return dir, nil
}
