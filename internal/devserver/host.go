package devserver

import (
	"encoding/json"
	"net"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// While the server listens on a loopback address (the default) it answers only requests whose Host is
// a loopback name or address: localhost, a name under .localhost, an address of 127.0.0.0/8 or ::1,
// with any port, and the names of Options.AllowHosts. A web page open in the developer's browser can
// make the browser send requests to 127.0.0.1 under a name of its own (DNS rebinding), and read the
// answers as its own; such requests carry the page's name as Host and are refused. The same holds for
// the local Lambda endpoint (lambda.go), which runs functions without checking signatures.
// Listening on an address that is not loopback (--host 0.0.0.0) answers every Host: the developer
// has chosen to serve other machines, which reach it by names this one cannot know.

// anyHostKey marks, in a connection's context, a connection accepted by a listener on an address that
// is not loopback: its requests are answered whatever their Host.
type anyHostKey struct{}

// loopbackAddr reports whether a listener's address is a loopback address.
func loopbackAddr(a net.Addr) bool {
	tcp, ok := a.(*net.TCPAddr)
	return ok && tcp.IP.IsLoopback()
}

// loopbackHost reports whether host (a Host header's name, without port and brackets) names this
// machine's loopback interface.
func loopbackHost(host string) bool {
	host = strings.ToLower(strings.TrimSuffix(host, "."))
	if host == "localhost" || strings.HasSuffix(host, ".localhost") {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// hostName is the name of a Host header value: without its port and, for IPv6, its brackets.
func hostName(hostport string) string {
	if h, _, err := net.SplitHostPort(hostport); err == nil {
		return h
	}
	return strings.TrimSuffix(strings.TrimPrefix(hostport, "["), "]")
}

// refusedHost returns the name of r's Host and true when the server refuses it: r came through a
// loopback connection of a listener that does not answer every Host (anyHost, or the connection's
// anyHostKey), and its Host is neither a loopback name nor one of allowed.
func refusedHost(r *http.Request, anyHost bool, allowed []string) (string, bool) {
	if on, _ := r.Context().Value(anyHostKey{}).(bool); anyHost || on {
		return "", false
	}
	if a, ok := r.Context().Value(http.LocalAddrContextKey).(net.Addr); ok && !loopbackAddr(a) {
		return "", false
	}
	name := hostName(r.Host)
	if loopbackHost(name) {
		return "", false
	}
	for _, h := range allowed {
		if strings.EqualFold(strings.TrimSuffix(hostName(h), "."), strings.TrimSuffix(name, ".")) {
			return "", false
		}
	}
	return name, true
}

// hostMessage is the message of a refused Host: what is refused, why, and how to allow it.
func hostMessage(name string) string {
	shown := name
	if name == "" {
		shown = "(empty)"
	}
	fix := "restart dev with --allow-host " + name + " to answer it"
	if name == "" {
		fix = "send a Host header such as localhost"
	}
	return "Forbidden: Host " + strconv.Quote(shown) + " is not a loopback name; stelvio dev listens on a loopback address and answers only " +
		"localhost, *.localhost, 127.0.0.0/8 and [::1] (any port), so that web pages cannot reach it through DNS rebinding; " + fix
}

// hostAllowed answers 403 to a request whose Host the server refuses, logs it and reports false; it
// reports true for every other request.
func (s *Server) hostAllowed(w http.ResponseWriter, r *http.Request, requestID string, start time.Time) bool {
	name, refused := refusedHost(r, false, s.opts.AllowHosts)
	if !refused {
		return true
	}
	body, _ := json.Marshal(map[string]string{"message": hostMessage(name)})
	h := w.Header()
	h.Set("Content-Type", "application/json")
	h.Set("Content-Length", strconv.Itoa(len(body)))
	h.Set("x-amzn-RequestId", requestID)
	w.WriteHeader(http.StatusForbidden)
	w.Write(body) //nolint:errcheck // The client may have gone; nothing to do about it.
	s.logf("%s %s %d %s - (Host %q refused; --allow-host %s answers it)\n", r.Method, loggedURI(r.URL), http.StatusForbidden,
		formatDuration(time.Since(start)), name, name)
	return false
}

// CheckAllowHost checks an --allow-host value: a host name or IP address as a Host header carries it,
// without scheme or port.
func CheckAllowHost(name string) error {
	if net.ParseIP(strings.Trim(name, "[]")) != nil || name != "" && !strings.Contains(name, ":") && validHostName(name) {
		return nil
	}
	return &AddressError{Flag: "--allow-host", Value: name,
		Problem: "not a host name or IP address; give the name alone, without scheme or port: --allow-host myapp.test"}
}
