package httpapi

import (
	"errors"
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"strings"

	"golang.org/x/net/http/httpguts"

	"github.com/stelvio-go/stelvio/internal/route"
)

// CORS is an HTTP API's CORS configuration. API Gateway applies it itself: "API Gateway automatically
// sends a response to preflight OPTIONS requests, even if there isn't an OPTIONS route configured",
// "For a CORS request, API Gateway adds the configured CORS headers to the response from an
// integration", and "API Gateway ignores CORS headers returned from your backend integration".
// https://docs.aws.amazon.com/apigateway/latest/developerguide/http-api-cors.html
type CORS struct {
	// AllowOrigins are origins ("https://www.example.com") or "*".
	AllowOrigins []string
	// AllowMethods are methods or "*".
	AllowMethods []string
	// AllowHeaders are request header names or "*".
	AllowHeaders []string
	// ExposeHeaders are response header names or "*".
	ExposeHeaders []string
	// MaxAge is Access-Control-Max-Age in seconds; 0 sends none.
	MaxAge int
	// AllowCredentials sends Access-Control-Allow-Credentials: true.
	AllowCredentials bool
}

// MaxCORSAge is the largest maxAge the API reference allows (86400 seconds).
// https://docs.aws.amazon.com/apigatewayv2/latest/api-reference/apis-apiid.html#apis-apiid-model-cors
const MaxCORSAge = 86400

// Validate returns every problem of the configuration, with the values the CORS page of the
// developer guide documents for each property: allowOrigins "https://www.example.com", "*" (all
// origins), "https://*" or "http://*" (any origin that begins with https:// or http://); allowMethods
// "GET, POST, DELETE, *"; allowHeaders "authorization, *"; exposeHeaders "date, x-api-id, *"; maxAge
// seconds, at most 86400 (MaxCORSAge).
// https://docs.aws.amazon.com/apigateway/latest/developerguide/http-api-cors.html
//
// The documentation shows methods in upper case only and does not say whether API Gateway accepts
// others; a browser compares the methods of Access-Control-Allow-Methods with its request's, which it
// writes in upper case, so a lower-case method is reported with the upper-case one to write.
func (c *CORS) Validate() []error {
	var errs []error
	if len(c.AllowOrigins) == 0 {
		errs = append(errs, errors.New("CORS: no allowed origins; list the origins of the web apps that call the API, or \"*\""))
	}
	for _, o := range c.AllowOrigins {
		if o == "*" {
			continue
		}
		scheme, host, ok := strings.Cut(o, "://")
		switch {
		case !ok || (scheme != "http" && scheme != "https") || host == "" || strings.ContainsAny(host, "/?#"):
			errs = append(errs, fmt.Errorf("CORS: origin %q is not an origin; write scheme://host[:port] with no path, e.g. https://www.example.com", o))
		case host != "*" && strings.Contains(host, "*"):
			// A browser's Origin never holds "*": API Gateway documents "*" as a pattern only alone or
			// after the scheme, so any other entry with "*" would never match a request.
			errs = append(errs, fmt.Errorf("CORS: origin %q: API Gateway matches \"*\" only as the whole origin or as https://* or http://* (every origin of that scheme); list the origins, e.g. https://app.example.com", o))
		}
	}
	if c.AllowCredentials && slices.Contains(c.AllowOrigins, "*") {
		errs = append(errs, errors.New(`CORS: allowCredentials cannot be used with the origin "*" (browsers refuse credentials for a wildcard origin); list the origins`))
	}
	for _, m := range c.AllowMethods {
		switch up := strings.ToUpper(m); {
		case m == "*" || slices.Contains(route.Methods, m):
		case m == route.Any || up == route.Any:
			errs = append(errs, fmt.Errorf("CORS: method %q in allowMethods: an HTTP API allows every method with \"*\"; write \"*\"", m))
		case slices.Contains(route.Methods, up):
			errs = append(errs, fmt.Errorf("CORS: method %q in allowMethods must be upper case; write %s", m, up))
		default:
			errs = append(errs, fmt.Errorf("CORS: unknown method %q in allowMethods; use %s or \"*\"", m, strings.Join(route.Methods, ", ")))
		}
	}
	errs = append(errs, checkHeaderNames("allowHeaders", c.AllowHeaders)...)
	errs = append(errs, checkHeaderNames("exposeHeaders", c.ExposeHeaders)...)
	if c.MaxAge < 0 || c.MaxAge > MaxCORSAge {
		errs = append(errs, fmt.Errorf("CORS: maxAge %d is out of range; use 0 to %d seconds", c.MaxAge, MaxCORSAge))
	}
	return errs
}

// checkHeaderNames reports the entries of a CORS header list (allowHeaders, exposeHeaders) that are
// neither "*" nor one header name.
func checkHeaderNames(property string, names []string) []error {
	var errs []error
	for _, h := range names {
		switch {
		case h == "*" || httpguts.ValidHeaderFieldName(h):
		case strings.Contains(h, ","):
			var parts []string
			for _, p := range strings.Split(h, ",") {
				if p = strings.TrimSpace(p); p != "" {
					parts = append(parts, strconv.Quote(p))
				}
			}
			errs = append(errs, fmt.Errorf("CORS: %s entry %q holds several header names; list each on its own: []string{%s}", property, h, strings.Join(parts, ", ")))
		case strings.TrimSpace(h) == "":
			errs = append(errs, fmt.Errorf("CORS: %s has an empty entry; list header names such as \"content-type\", or \"*\"", property))
		default:
			errs = append(errs, fmt.Errorf("CORS: %s entry %q is not a header name; list names such as \"content-type\" or \"x-api-key\", or \"*\"", property, h))
		}
	}
	return errs
}

// allowOrigin is the Access-Control-Allow-Origin value for a request's Origin: the Origin itself when
// it is in the list, or begins with the scheme of an entry https://* or http://* (an HTTP API allows
// several origins; one header value can name only one), "*" when the list allows every origin, ""
// when the origin is not allowed (no CORS headers are sent then).
func (c *CORS) allowOrigin(origin string) string {
	if origin == "" {
		return ""
	}
	for _, o := range c.AllowOrigins {
		if strings.EqualFold(o, origin) {
			return origin
		}
		// "https://* (allow any origin that begins with https://)", "http://*" likewise.
		if scheme, ok := strings.CutSuffix(o, "://*"); ok && len(origin) > len(scheme)+3 && strings.EqualFold(origin[:len(scheme)+3], scheme+"://") {
			return origin
		}
	}
	if slices.Contains(c.AllowOrigins, "*") {
		return "*"
	}
	return ""
}

// IsPreflight reports whether r is a CORS preflight request: "To return CORS headers, your request must
// contain an origin header. For the OPTIONS method, your request must contain an origin header and an
// Access-Control-Request-Method header."
func IsPreflight(r *http.Request) bool {
	return r.Method == http.MethodOptions && r.Header.Get("Origin") != "" && r.Header.Get("Access-Control-Request-Method") != ""
}

// Preflight is API Gateway's own answer to a preflight request: 204 with Access-Control-Allow-Origin,
// -Allow-Methods, -Allow-Headers, -Max-Age and -Allow-Credentials as configured; the CORS headers are
// left out when the origin is not allowed.
func (c *CORS) Preflight(r *http.Request) (int, http.Header) {
	h := http.Header{}
	origin := c.allowOrigin(r.Header.Get("Origin"))
	if origin == "" {
		return http.StatusNoContent, h
	}
	h.Set("Access-Control-Allow-Origin", origin)
	if len(c.AllowMethods) > 0 {
		h.Set("Access-Control-Allow-Methods", strings.Join(c.AllowMethods, ","))
	}
	if len(c.AllowHeaders) > 0 {
		h.Set("Access-Control-Allow-Headers", strings.Join(c.AllowHeaders, ","))
	}
	if c.MaxAge > 0 {
		h.Set("Access-Control-Max-Age", strconv.Itoa(c.MaxAge))
	}
	if c.AllowCredentials {
		h.Set("Access-Control-Allow-Credentials", "true")
	}
	return http.StatusNoContent, h
}

// Apply sets the CORS headers of an actual (not preflight) request's response on h: the backend's
// Access-Control-* headers are removed, then Access-Control-Allow-Origin, -Allow-Credentials and
// -Expose-Headers are set when the request's origin is allowed.
func (c *CORS) Apply(r *http.Request, h http.Header) {
	for k := range h {
		if strings.HasPrefix(k, "Access-Control-") {
			delete(h, k)
		}
	}
	origin := c.allowOrigin(r.Header.Get("Origin"))
	if origin == "" {
		return
	}
	h.Set("Access-Control-Allow-Origin", origin)
	if c.AllowCredentials {
		h.Set("Access-Control-Allow-Credentials", "true")
	}
	if len(c.ExposeHeaders) > 0 {
		h.Set("Access-Control-Expose-Headers", strings.Join(c.ExposeHeaders, ","))
	}
}
