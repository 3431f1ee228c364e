package cors

import (
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"strings"

	lambdacors "github.com/stelvio-go/stelvio/lambda/cors"
)

// Methods are the methods a REST API method can have, in the order Access-Control-Allow-Methods lists
// them (sorted). "ANY" stands for all of them.
var Methods = []string{"DELETE", "GET", "HEAD", "OPTIONS", "PATCH", "POST", "PUT"}

// Any is the method that stands for all methods.
const Any = "ANY"

// Config is the CORS configuration of one REST API.
type Config struct {
	// AllowOrigins must hold exactly one entry: "*" or one origin ("https://app.example.com"). It is a
	// list only so that Validate can explain why a REST API cannot allow several.
	AllowOrigins []string
	// AllowMethods are the allowed methods; empty means all (as does "ANY").
	AllowMethods []string
	// AllowHeaders are the allowed request headers; empty means "*".
	AllowHeaders []string
	// AllowCredentials sends Access-Control-Allow-Credentials: true.
	AllowCredentials bool
	// ExposeHeaders are the response headers the browser may read; empty sends no header.
	ExposeHeaders []string
	// MaxAge is the preflight cache time in seconds; nil sends no header.
	MaxAge *int
}

// Validate returns every problem of the configuration, each a complete sentence naming the fix; nil
// when there is none.
func (c Config) Validate() []error {
	var errs []error
	switch n := len(c.AllowOrigins); {
	case n == 0:
		errs = append(errs, fmt.Errorf(`cors: no allowed origin; allow "*" or one origin such as "https://app.example.com"`))
	case n > 1 && slices.Contains(c.AllowOrigins, "*"):
		errs = append(errs, fmt.Errorf(`cors: allowed origins %s: "*" already allows every origin and cannot be combined with others; allow "*" alone or one origin`, quoteList(c.AllowOrigins)))
	case n > 1:
		errs = append(errs, fmt.Errorf(`cors: allowed origins %s: a REST API answers CORS with static headers, so it can allow one origin or "*", not a list; allow one origin, allow "*", or answer each origin from the handler`, quoteList(c.AllowOrigins)))
	}
	for _, o := range c.AllowOrigins {
		if o == "" {
			errs = append(errs, fmt.Errorf(`cors: empty allowed origin; allow "*" or an origin such as "https://app.example.com"`))
		} else if o != "*" && strings.ContainsAny(o, ", ") {
			errs = append(errs, fmt.Errorf(`cors: allowed origin %q holds several values; a REST API can allow one origin or "*"`, o))
		}
	}
	if c.AllowCredentials && slices.Contains(c.AllowOrigins, "*") {
		errs = append(errs, fmt.Errorf(`cors: credentials cannot be allowed with origin "*": browsers refuse credentialed responses that allow every origin; allow one origin instead`))
	}
	for _, m := range c.AllowMethods {
		if m != Any && !slices.Contains(Methods, m) {
			errs = append(errs, fmt.Errorf("cors: unknown method %q in allowed methods; use %s or %s", m, strings.Join(Methods, ", "), Any))
		}
	}
	if c.MaxAge != nil && *c.MaxAge < 0 {
		errs = append(errs, fmt.Errorf("cors: max age %d is negative; use 0 or more seconds", *c.MaxAge))
	}
	return errs
}

func quoteList(s []string) string {
	q := make([]string, len(s))
	for i, v := range s {
		q[i] = strconv.Quote(v)
	}
	return "[" + strings.Join(q, ", ") + "]"
}

// Origin is the value of Access-Control-Allow-Origin.
func (c Config) Origin() string {
	if len(c.AllowOrigins) == 0 {
		return ""
	}
	return c.AllowOrigins[0]
}

// allowHeaders is the value of Access-Control-Allow-Headers.
func (c Config) allowHeaders() string {
	if len(c.AllowHeaders) == 0 {
		return "*"
	}
	return strings.Join(c.AllowHeaders, ",")
}

// allowed reports whether the configuration allows method.
func (c Config) allowed(method string) bool {
	return len(c.AllowMethods) == 0 || slices.Contains(c.AllowMethods, Any) || slices.Contains(c.AllowMethods, method)
}

// Response is an answer the gateway writes itself.
type Response struct {
	Status  int
	Headers http.Header
	Body    []byte
}

// Preflight is the answer to OPTIONS on a resource whose methods are pathMethods (the methods of the
// routes of that path; "ANY" counts as all): the MOCK integration's 200 with an empty body and the
// static CORS headers. Access-Control-Allow-Methods lists the allowed methods the path has, plus
// OPTIONS, sorted and comma-joined; Access-Control-Max-Age and -Allow-Credentials are sent only when
// set. The method response of the OPTIONS method has the application/json content type, as the
// console and the OpenAPI example of the CORS guide declare it.
// https://docs.aws.amazon.com/apigateway/latest/developerguide/how-to-cors.html
// https://docs.aws.amazon.com/apigateway/latest/developerguide/enable-cors-for-resource-using-swagger-importer-tool.html
func (c Config) Preflight(pathMethods []string) Response {
	h := http.Header{}
	h.Set("Content-Type", "application/json")
	h.Set("Access-Control-Allow-Origin", c.Origin())
	h.Set("Access-Control-Allow-Methods", strings.Join(c.PreflightMethods(pathMethods), ","))
	h.Set("Access-Control-Allow-Headers", c.allowHeaders())
	if c.MaxAge != nil {
		h.Set("Access-Control-Max-Age", strconv.Itoa(*c.MaxAge))
	}
	if c.AllowCredentials {
		h.Set("Access-Control-Allow-Credentials", "true")
	}
	return Response{Status: http.StatusOK, Headers: h, Body: []byte{}}
}

// PreflightMethods is the list Access-Control-Allow-Methods holds for a path with pathMethods.
func (c Config) PreflightMethods(pathMethods []string) []string {
	has := func(m string) bool { return slices.Contains(pathMethods, Any) || slices.Contains(pathMethods, m) }
	var out []string
	for _, m := range Methods {
		if m == "OPTIONS" || has(m) && c.allowed(m) {
			out = append(out, m)
		}
	}
	return out
}

// GatewayResponseHeaders are the headers the DEFAULT_4XX and DEFAULT_5XX gateway responses carry, and
// so every answer the gateway makes itself (403 Missing Authentication Token, the authorizers' 401 and
// 403 and 500, 413, 502, 504): Access-Control-Allow-Origin, plus -Expose-Headers and
// -Allow-Credentials when set. A handler's response is not a gateway response and is passed through
// untouched.
// https://docs.aws.amazon.com/apigateway/latest/developerguide/how-to-cors.html
// https://docs.aws.amazon.com/apigateway/latest/developerguide/supported-gateway-response-types.html
func (c Config) GatewayResponseHeaders() http.Header {
	h := http.Header{}
	h.Set("Access-Control-Allow-Origin", c.Origin())
	if len(c.ExposeHeaders) > 0 {
		h.Set("Access-Control-Expose-Headers", strings.Join(c.ExposeHeaders, ","))
	}
	if c.AllowCredentials {
		h.Set("Access-Control-Allow-Credentials", "true")
	}
	return h
}

// AddGatewayResponseHeaders sets the GatewayResponseHeaders on h, the headers of an answer the gateway
// makes itself.
func (c Config) AddGatewayResponseHeaders(h http.Header) {
	for k, v := range c.GatewayResponseHeaders() {
		h[k] = v
	}
}

// Environment is what the API's functions get as environment variables, read by the handler helpers
// (package github.com/stelvio-go/stelvio/lambda/cors and PythonModule). Settings that are not
// configured are absent; the allowed methods are listed in full ("ANY" expanded), the allowed headers
// default to "*".
func (c Config) Environment() map[string]string {
	env := map[string]string{
		lambdacors.EnvAllowOrigin:  c.Origin(),
		lambdacors.EnvAllowHeaders: c.allowHeaders(),
	}
	var methods []string
	for _, m := range Methods {
		if c.allowed(m) {
			methods = append(methods, m)
		}
	}
	env[lambdacors.EnvAllowMethods] = strings.Join(methods, ",")
	if c.AllowCredentials {
		env[lambdacors.EnvAllowCredentials] = "true"
	}
	if len(c.ExposeHeaders) > 0 {
		env[lambdacors.EnvExposeHeaders] = strings.Join(c.ExposeHeaders, ",")
	}
	if c.MaxAge != nil {
		env[lambdacors.EnvMaxAge] = strconv.Itoa(*c.MaxAge)
	}
	return env
}
