package devserver

import (
	"fmt"
	"net/url"
	"strings"
)

// maxLoggedPath is the longest path the request log prints whole.
const maxLoggedPath = 200

// loggedURI is a request's path and query as the request log prints them: query values are left out
// (they may be tokens or keys), only their names are kept, and a path longer than maxLoggedPath is
// cut, with its length, so that one oversized request does not flood the log.
func loggedURI(u *url.URL) string {
	p := u.EscapedPath()
	if len(p) > maxLoggedPath {
		p = fmt.Sprintf("%s…(%d bytes)", p[:maxLoggedPath], len(p))
	}
	if u.RawQuery == "" {
		return p
	}
	var names []string
	for _, pair := range strings.Split(u.RawQuery, "&") {
		name, _, _ := strings.Cut(pair, "=")
		if len(names) == 10 {
			names = append(names, "…")
			break
		}
		if len(name) > 40 {
			name = name[:40] + "…"
		}
		names = append(names, name+"=…")
	}
	return p + "?" + strings.Join(names, "&")
}
