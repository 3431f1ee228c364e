package runtime

import (
	"archive/zip"
	"bytes"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"sort"
	"strings"
	"time"
)

// zipTime is the timestamp of every zip entry: the earliest a zip can hold, so that a package depends
// only on its contents.
var zipTime = time.Date(1980, 1, 1, 0, 0, 0, 0, time.UTC)

// Archive is the contents of a package before it is zipped: slash-separated names mapped to bytes and
// one of two modes (0644, or 0755 for executables).
type Archive struct {
	files map[string]archiveFile
}

type archiveFile struct {
	data []byte
	mode fs.FileMode
}

// NewArchive returns an empty archive.
func NewArchive() *Archive { return &Archive{files: map[string]archiveFile{}} }

// AddBytes puts data at name; executable gives it mode 0755. A later Add of the same name wins.
func (a *Archive) AddBytes(name string, data []byte, executable bool) {
	mode := fs.FileMode(0o644)
	if executable {
		mode = 0o755
	}
	a.files[name] = archiveFile{data: data, mode: mode}
}

// AddFile puts the file at src under name, keeping only its executable bit.
func (a *Archive) AddFile(name, src string) error {
	info, err := os.Stat(src)
	if err != nil {
		return err
	}
	data, err := os.ReadFile(src)
	if err != nil {
		return err
	}
	a.AddBytes(name, data, info.Mode()&0o111 != 0)
	return nil
}

// Has reports whether name is in the archive.
func (a *Archive) Has(name string) bool {
	_, ok := a.files[name]
	return ok
}

// AddDir adds every regular file under root, recursively, at prefix (may be ""), except what Skipped
// says to leave out. Names already present are kept when keep is true (user files win over
// dependencies). Symbolic links are followed only to targets inside projectDir (see FollowLink): a link
// to anything outside the project fails the package, naming the link and its target.
func (a *Archive) AddDir(projectDir, root, prefix string, keep bool) error {
	return Walk(projectDir, root, Skipped, func(p string, info fs.FileInfo) error {
		if info.IsDir() {
			return nil
		}
		rel, err := filepath.Rel(root, p)
		if err != nil {
			return err
		}
		name := path.Join(prefix, filepath.ToSlash(rel))
		if keep && a.Has(name) {
			return nil
		}
		return a.AddFile(name, p)
	})
}

// Skipped reports whether a file or folder never belongs in a package: version control and editor
// folders, stelvio's own .stelvio, other dot-folders (.venv, .idea), Python bytecode and OS litter.
func Skipped(name string, dir bool) bool {
	if dir {
		return strings.HasPrefix(name, ".") || name == "__pycache__" || name == "node_modules"
	}
	switch name {
	case ".DS_Store", "Thumbs.db", "desktop.ini":
		return true
	}
	return strings.HasSuffix(name, ".pyc") || strings.HasSuffix(name, ".pyo")
}

// Names returns the archive's entry names, sorted.
func (a *Archive) Names() []string {
	names := make([]string, 0, len(a.files))
	for n := range a.files {
		names = append(names, n)
	}
	sort.Strings(names)
	return names
}

// Key hashes the archive's names, modes and contents together with extra inputs (generator version,
// configuration): the cache key of a package made only of these files.
func (a *Archive) Key(extra ...string) string {
	h := sha256.New()
	for _, e := range extra {
		fmt.Fprintf(h, "extra %q\n", e)
	}
	for _, n := range a.Names() {
		f := a.files[n]
		sum := sha256.Sum256(f.data)
		fmt.Fprintf(h, "file %q %o %x\n", n, f.mode, sum)
	}
	return hex.EncodeToString(h.Sum(nil))
}

// WriteTo writes the archive as a deterministic zip: entries sorted by name, no folder entries, every
// timestamp zipTime, modes 0644 or 0755, deflated.
func (a *Archive) WriteTo(w io.Writer) (int64, error) {
	cw := &countWriter{w: w}
	zw := zip.NewWriter(cw)
	for _, n := range a.Names() {
		f := a.files[n]
		hdr := &zip.FileHeader{Name: n, Method: zip.Deflate, Modified: zipTime}
		hdr.SetMode(f.mode)
		fw, err := zw.CreateHeader(hdr)
		if err != nil {
			return cw.n, err
		}
		if _, err := fw.Write(f.data); err != nil {
			return cw.n, err
		}
	}
	err := zw.Close()
	return cw.n, err
}

type countWriter struct {
	w io.Writer
	n int64
}

func (c *countWriter) Write(p []byte) (int, error) {
	n, err := c.w.Write(p)
	c.n += int64(n)
	return n, err
}

// BuildDir is where packages are cached, under the project.
func BuildDir(projectDir string) string { return filepath.Join(projectDir, ".stelvio", "build") }

// Cached returns the package of function name for the inputs hashed as key, calling build to make its
// archive only when no package with that key is cached. Older packages of the function are removed.
// A package larger than Lambda accepts (CheckSize) is refused before it is written, and a cached one
// before it is used, so that a deploy stops before any cloud call.
func Cached(projectDir, name, key, handler string, build func() (*Archive, error)) (Package, error) {
	dir := filepath.Join(BuildDir(projectDir), name)
	zipPath := filepath.Join(dir, key[:32]+".zip")
	if data, err := os.ReadFile(zipPath); err == nil {
		if err := CheckSize(name, data); err != nil {
			return Package{}, err
		}
		return Package{Path: zipPath, Hash: Hash(data), Handler: handler}, nil
	}
	a, err := build()
	if err != nil {
		return Package{}, err
	}
	var buf bytes.Buffer
	if _, err := a.WriteTo(&buf); err != nil {
		return Package{}, fmt.Errorf("function %q: write package: %w", name, err)
	}
	if err := CheckSize(name, buf.Bytes()); err != nil {
		return Package{}, err
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return Package{}, fmt.Errorf("function %q: write package: %w", name, StateError(projectDir, err))
	}
	if err := writeAtomic(zipPath, buf.Bytes()); err != nil {
		return Package{}, fmt.Errorf("function %q: write package: %w", name, StateError(projectDir, err))
	}
	if old, err := filepath.Glob(filepath.Join(dir, "*.zip")); err == nil {
		for _, o := range old {
			if o != zipPath {
				os.Remove(o)
			}
		}
	}
	return Package{Path: zipPath, Hash: Hash(buf.Bytes()), Handler: handler}, nil
}

// Hash is the base64-encoded SHA-256 of a package's bytes, as Lambda's CodeSha256.
func Hash(data []byte) string {
	sum := sha256.Sum256(data)
	return base64.StdEncoding.EncodeToString(sum[:])
}

// writeAtomic writes data to path through a temporary file in the same folder, so that a reader never
// sees half a file.
func writeAtomic(path string, data []byte) error {
	tmp, err := os.CreateTemp(filepath.Dir(path), filepath.Base(path)+".*")
	if err != nil {
		return err
	}
	if _, err := tmp.Write(data); err != nil {
		tmp.Close()
		os.Remove(tmp.Name())
		return err
	}
	if err := tmp.Close(); err != nil {
		os.Remove(tmp.Name())
		return err
	}
	if err := os.Rename(tmp.Name(), path); err != nil {
		os.Remove(tmp.Name())
		return err
	}
	return nil
}

// WriteFileAtomic writes data to path (creating its folder) unless the file already holds exactly data,
// so that an unchanged generated file keeps its modification time.
func WriteFileAtomic(path string, data []byte) error {
	if old, err := os.ReadFile(path); err == nil && bytes.Equal(old, data) {
		return nil
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return err
	}
	return writeAtomic(path, data)
}
