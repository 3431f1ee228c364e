package runtime_test

import (
	"math/rand/v2"
	"os"
	"path/filepath"
	"testing"

	"github.com/stelvio-go/stelvio/internal/runtime"
)

// noise returns n bytes that deflate cannot shrink, the same on every run.
func noise(seed uint64, n int) []byte {
	r := rand.NewChaCha8([32]byte{byte(seed)})
	b := make([]byte, n)
	_, _ = r.Read(b)
	return b
}

// Lambda accepts a directly uploaded .zip of at most 50 MB, 250 MB unzipped
// (https://docs.aws.amazon.com/lambda/latest/dg/gettingstarted-limits.html); a larger package is refused
// before it is written, naming the function, the sizes and its largest files.
func TestPackageSize(t *testing.T) {
	const mib = 1 << 20
	tests := []struct {
		name    string
		files   map[string][]byte
		wantErr string
	}{
		{
			name: "just under both limits",
			files: map[string][]byte{
				"handler.py": []byte("def index(e, c): pass\n"),
				"data.bin":   noise(1, 49*mib),
			},
		},
		{
			name: "zipped over 50 MB",
			files: map[string][]byte{
				"handler.py":  []byte("def index(e, c): pass\n"),
				"model/a.bin": noise(1, 12*mib),
				"model/b.bin": noise(2, 11*mib),
				"model/c.bin": noise(3, 10*mib),
				"model/d.bin": noise(4, 9*mib),
				"model/e.bin": noise(5, 8*mib),
				"model/f.bin": noise(6, 7*mib+mib/2),
				"zeros.bin":   make([]byte, 3*mib),
			},
			wantErr: `function "orders": the package is 57.5 MB zipped, more than the 50 MB Lambda accepts for a direct upload (https://docs.aws.amazon.com/lambda/latest/dg/gettingstarted-limits.html); its largest files: model/a.bin 12.0 MB (12.0 MB zipped), model/b.bin 11.0 MB (11.0 MB zipped), model/c.bin 10.0 MB (10.0 MB zipped), model/d.bin 9.0 MB (9.0 MB zipped), model/e.bin 8.0 MB (8.0 MB zipped); leave out what the function does not need (files in its folder, requirements), or keep large data in S3 and read it at run time`,
		},
		{
			name: "unzipped over 250 MB",
			files: map[string][]byte{
				"handler.py": []byte("def index(e, c): pass\n"),
				"table.csv":  make([]byte, 200*mib),
				"index.db":   make([]byte, 60*mib),
			},
			wantErr: `function "orders": the package is 260.0 MB unzipped, more than the 250 MB Lambda accepts (https://docs.aws.amazon.com/lambda/latest/dg/gettingstarted-limits.html); its largest files: table.csv 200.0 MB (199.1 KB zipped), index.db 60.0 MB (59.7 KB zipped), handler.py 22 bytes (28 bytes zipped); leave out what the function does not need (files in its folder, requirements), or keep large data in S3 and read it at run time`,
		},
	}
	if testing.Short() {
		t.Skip("zips over 300 MB of data")
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			project := t.TempDir()
			a := runtime.NewArchive()
			for name, data := range tt.files {
				a.AddBytes(name, data, false)
			}
			pkg, err := runtime.Cached(project, "orders", a.Key(), "handler.index", func() (*runtime.Archive, error) { return a, nil })
			if tt.wantErr == "" {
				if err != nil {
					t.Fatal(err)
				}
				if _, err := os.Stat(pkg.Path); err != nil {
					t.Fatal(err)
				}
				return
			}
			if err == nil || err.Error() != tt.wantErr {
				t.Fatalf("error:\n%v\nwant:\n%s", err, tt.wantErr)
			}
			if zips, _ := filepath.Glob(filepath.Join(runtime.BuildDir(project), "orders", "*.zip")); len(zips) != 0 {
				t.Fatalf("a refused package was written: %v", zips)
			}
		})
	}
}
