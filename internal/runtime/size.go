package runtime

import (
	"archive/zip"
	"bytes"
	"fmt"
	"sort"
	"strings"
)

// Lambda's deployment package quotas: a .zip uploaded directly (as stelvio's functions are, in the
// CreateFunction/UpdateFunctionCode request) holds at most 50 MB, and its contents unzipped at most
// 250 MB (Lambda answers "Unzipped size must be smaller than 262144000 bytes", so MB here is 2^20
// bytes). https://docs.aws.amazon.com/lambda/latest/dg/gettingstarted-limits.html
const (
	MaxZipped   = 50 << 20
	MaxUnzipped = 250 << 20
)

// SizeError is a package larger than Lambda accepts.
type SizeError struct {
	Function string
	// Zipped is the zip's size; Unzipped the sum of its files' sizes.
	Zipped, Unzipped int64
	// Largest are the package's largest files, at most five, largest first.
	Largest []FileSize
}

// FileSize is one file of a package and its size, unzipped and zipped.
type FileSize struct {
	Name             string
	Size, Compressed int64
}

func (e *SizeError) Error() string {
	var over []string
	if e.Zipped > MaxZipped {
		over = append(over, fmt.Sprintf("%s zipped, more than the 50 MB Lambda accepts for a direct upload", mb(e.Zipped)))
	}
	if e.Unzipped > MaxUnzipped {
		over = append(over, fmt.Sprintf("%s unzipped, more than the 250 MB Lambda accepts", mb(e.Unzipped)))
	}
	var files []string
	for _, f := range e.Largest {
		files = append(files, fmt.Sprintf("%s %s (%s zipped)", f.Name, mb(f.Size), mb(f.Compressed)))
	}
	return fmt.Sprintf("function %q: the package is %s (https://docs.aws.amazon.com/lambda/latest/dg/gettingstarted-limits.html); its largest files: %s; leave out what the function does not need (files in its folder, requirements), or keep large data in S3 and read it at run time",
		e.Function, strings.Join(over, " and "), strings.Join(files, ", "))
}

// mb prints a size in MB of 2^20 bytes, as Lambda's quotas count them (KB or bytes when smaller).
func mb(n int64) string {
	switch {
	case n < 1<<10:
		return fmt.Sprintf("%d bytes", n)
	case n < 1<<20:
		return fmt.Sprintf("%.1f KB", float64(n)/(1<<10))
	}
	return fmt.Sprintf("%.1f MB", float64(n)/(1<<20))
}

// CheckSize reports a *SizeError when the zip in data is larger than Lambda accepts, zipped or
// unzipped. It reads only the zip's directory.
func CheckSize(function string, data []byte) error {
	zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		return fmt.Errorf("function %q: read package: %w", function, err)
	}
	e := &SizeError{Function: function, Zipped: int64(len(data))}
	files := make([]FileSize, 0, len(zr.File))
	for _, f := range zr.File {
		e.Unzipped += int64(f.UncompressedSize64)
		files = append(files, FileSize{Name: f.Name, Size: int64(f.UncompressedSize64), Compressed: int64(f.CompressedSize64)})
	}
	if e.Zipped <= MaxZipped && e.Unzipped <= MaxUnzipped {
		return nil
	}
	sort.Slice(files, func(i, j int) bool {
		if files[i].Size != files[j].Size {
			return files[i].Size > files[j].Size
		}
		return files[i].Name < files[j].Name
	})
	e.Largest = files[:min(5, len(files))]
	return e
}
