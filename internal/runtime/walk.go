package runtime

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"github.com/stelvio-go/stelvio/internal/route"
)

// LinkError is a symbolic link among a function's sources that cannot be followed: its target is
// outside the project (a package would carry a file of the user's machine, such as ~/.aws/credentials,
// to AWS), missing, or a folder that contains the link.
type LinkError struct {
	// Link is the link's path, relative to the project when it is inside it.
	Link string
	// Target is where the link points, as far as it resolves.
	Target string
	// Reason is "outside", "missing" or "loop".
	Reason string
}

func (e *LinkError) Error() string {
	switch e.Reason {
	case "missing":
		return fmt.Sprintf("%s is a symbolic link to %s, which does not exist; remove the link or create its target inside the project", e.Link, e.Target)
	case "loop":
		return fmt.Sprintf("%s is a symbolic link to %s, a folder that contains the link; remove the link", e.Link, e.Target)
	}
	return fmt.Sprintf("%s is a symbolic link to %s, outside the project; stelvio packages only files inside the project: copy what the function needs into the project or remove the link", e.Link, e.Target)
}

// FollowLink applies the rule for a symbolic link met among a function's sources (for a package or
// for the local server's watch), so that both follow the same links: a link is followed when its
// target, all links resolved, is inside projectDir; any other link is a *LinkError. It returns the
// resolved target and its file info.
func FollowLink(projectDir, link string) (string, fs.FileInfo, error) {
	name := link
	if r, err := filepath.Rel(projectDir, link); err == nil && !escapes(r) {
		name = filepath.ToSlash(r)
	}
	target, err := filepath.EvalSymlinks(link)
	if err != nil {
		dest, rerr := os.Readlink(link)
		if rerr != nil {
			dest = "?"
		}
		return "", nil, &LinkError{Link: name, Target: dest, Reason: "missing"}
	}
	root, err := filepath.EvalSymlinks(projectDir)
	if err != nil {
		return "", nil, fmt.Errorf("project directory: %w", err)
	}
	if r, err := filepath.Rel(root, target); err != nil || escapes(r) {
		return "", nil, &LinkError{Link: name, Target: target, Reason: "outside"}
	}
	info, err := os.Stat(target)
	if err != nil {
		return "", nil, err
	}
	return target, info, nil
}

func escapes(rel string) bool {
	return rel == ".." || strings.HasPrefix(rel, ".."+string(filepath.Separator)) || filepath.IsAbs(rel)
}

// Walk visits root and everything under it in lexical order, calling visit with each folder's and
// regular file's path as reached from root (through links) and its info (a link's target's). skip
// leaves out a file or folder below root by name (a link by its target's kind; a link left out is not
// looked at further). Symbolic links are followed by FollowLink's rule, and every link that breaks it
// is reported: Walk goes on and returns all of them joined.
func Walk(projectDir, root string, skip func(name string, dir bool) bool, visit func(path string, info fs.FileInfo) error) error {
	info, err := os.Stat(root)
	if err != nil {
		return err
	}
	if !info.IsDir() {
		return fmt.Errorf("%s is not a folder", root)
	}
	real, err := filepath.EvalSymlinks(root)
	if err != nil {
		return err
	}
	var problems []error
	if err := walk(projectDir, root, info, map[string]bool{real: true}, skip, visit, &problems); err != nil {
		return err
	}
	return errors.Join(problems...)
}

func walk(projectDir, dir string, info fs.FileInfo, open map[string]bool, skip func(string, bool) bool, visit func(string, fs.FileInfo) error, problems *[]error) error {
	if err := visit(dir, info); err != nil {
		return err
	}
	entries, err := os.ReadDir(dir)
	if err != nil {
		return err
	}
	for _, e := range entries {
		p := filepath.Join(dir, e.Name())
		isDir := e.IsDir()
		var info fs.FileInfo
		real := ""
		if e.Type()&fs.ModeSymlink != 0 {
			// What the walk leaves out is left out whatever the link points to: a link's target
			// matters only when the link would be followed.
			if t, err := os.Stat(p); err == nil {
				isDir = t.IsDir()
			}
			if skip != nil && skip(e.Name(), isDir) {
				continue
			}
			target, tinfo, err := FollowLink(projectDir, p)
			if err != nil {
				var le *LinkError
				if errors.As(err, &le) {
					*problems = append(*problems, err)
					continue
				}
				return err
			}
			info, real = tinfo, target
			if isDir && open[target] {
				name := p
				if r, err := filepath.Rel(projectDir, p); err == nil {
					name = filepath.ToSlash(r)
				}
				*problems = append(*problems, &LinkError{Link: name, Target: target, Reason: "loop"})
				continue
			}
		} else if skip != nil && skip(e.Name(), isDir) {
			continue
		}
		if info == nil {
			if info, err = e.Info(); err != nil {
				return err
			}
		}
		if isDir {
			if real == "" {
				if real, err = filepath.EvalSymlinks(p); err != nil {
					return err
				}
			}
			open[real] = true
			err := walk(projectDir, p, info, open, skip, visit, problems)
			delete(open, real)
			if err != nil {
				return err
			}
			continue
		}
		if !info.Mode().IsRegular() {
			continue // sockets, devices, pipes
		}
		if err := visit(p, info); err != nil {
			return err
		}
	}
	return nil
}

// FolderLinks walks a folder-based function's folder as its package is made (Walk, leaving out what
// Skipped leaves out) and returns every symbolic link that breaks FollowLink's rule as a problem of
// the function's first route, so that it is reported with the declaration's other problems before
// anything is built or served.
func FolderLinks(projectDir string, fn *route.Function) []Problem {
	if !fn.FolderBased {
		return nil
	}
	err := Walk(projectDir, filepath.Join(projectDir, filepath.FromSlash(fn.Dir)), Skipped, func(string, fs.FileInfo) error { return nil })
	if err == nil {
		return nil
	}
	errs := []error{err}
	if joined, ok := err.(interface{ Unwrap() []error }); ok {
		errs = joined.Unwrap()
	}
	var out []Problem
	for _, e := range errs {
		p := Problem{Function: fn.Name, Message: e.Error()}
		var le *LinkError
		if !errors.As(e, &le) {
			p.Message = fmt.Sprintf("package folder %s: %v", fn.Dir, e)
		}
		switch {
		case len(fn.Routes) > 0:
			p.Route = fn.Routes[0]
		case len(fn.HTTPRoutes) > 0:
			p.HTTPRoute = fn.HTTPRoutes[0]
		}
		out = append(out, p)
	}
	return out
}
