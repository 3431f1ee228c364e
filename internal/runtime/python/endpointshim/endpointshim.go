// Package endpointshim is the sitecustomize.py `stelvio dev` puts first on its Python workers'
// PYTHONPATH: it makes botocore older than 1.31 (e.g. Debian's python3-boto3 1.26) honour
// AWS_ENDPOINT_URL_DYNAMODB, AWS_ENDPOINT_URL_DYNAMODB_STREAMS and AWS_ENDPOINT_URL_LAMBDA, which newer
// botocore reads itself, so that handlers reach dev's local DynamoDB engine and local Lambda endpoint.
// It patches botocore only when a handler imports it and then runs any sitecustomize it shadows. It
// is never part of a deployed package.
package endpointshim

import (
	_ "embed"
	"fmt"
	"os"
	"path/filepath"
)

// Source is sitecustomize.py.
//
//go:embed sitecustomize.py
var Source []byte

// Write writes Source as dir/sitecustomize.py, creating dir, and returns dir, the folder to put first
// on the dev worker's PYTHONPATH. The file is replaced by a rename, so that a worker starting
// meanwhile never reads half of it.
func Write(dir string) (string, error) {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return "", fmt.Errorf("write python endpoint shim: %w", err)
	}
	tmp, err := os.CreateTemp(dir, ".sitecustomize-*.py")
	if err != nil {
		return "", fmt.Errorf("write python endpoint shim: %w", err)
	}
	_, err = tmp.Write(Source)
	if cerr := tmp.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Chmod(tmp.Name(), 0o644)
	}
	if err == nil {
		err = os.Rename(tmp.Name(), filepath.Join(dir, "sitecustomize.py"))
	}
	if err != nil {
		os.Remove(tmp.Name())
		return "", fmt.Errorf("write python endpoint shim: %w", err)
	}
	return dir, nil
}
