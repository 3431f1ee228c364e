// Package registry assembles the language runtimes stelvio ships into a runtime.Registry: the one
// place that knows every language.
package registry

import (
	"github.com/stelvio-go/stelvio/internal/handler"
	"github.com/stelvio-go/stelvio/internal/runtime"
	"github.com/stelvio-go/stelvio/internal/runtime/golang"
	"github.com/stelvio-go/stelvio/internal/runtime/python"
)

// Default returns the Python and Go runtimes; interpreter is the host python ("python3" when empty).
func Default(interpreter string) runtime.Registry {
	return runtime.Registry{
		handler.Python: python.New(interpreter),
		handler.Go:     golang.New(),
	}
}

// Packager returns a packager of the default runtimes for the project in projectDir.
func Packager(projectDir string) *runtime.Packager {
	return &runtime.Packager{ProjectDir: projectDir, Runtimes: Default("")}
}
