// Package python is the Python runtime of stelvio: it checks Python handlers with the host's own
// python3 (ast), builds their Lambda packages (a single file at the package root, or a whole folder),
// installs requirements.txt for the Lambda platform with pip, and generates stelvio_router.py when one
// Lambda serves several routes. On the host it runs the same files with the pyloop runtime loop.
package python
