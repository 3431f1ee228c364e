package apigateway

import (
	"fmt"
	"slices"
	"time"

	engine "github.com/stelvio-go/stelvio/internal/httpapi"
	"github.com/stelvio-go/stelvio/internal/route"
)

// CORSConfig is the CORS configuration of an api, for both kinds. API Gateway applies it differently
// to each:
//
//   - A REST API answers the browser's preflight (OPTIONS on every path that has routes) itself, and
//     its own error answers (403, 401, 502, ...) carry the CORS headers; a handler's response is passed
//     through untouched, so handlers add Access-Control-Allow-Origin themselves — with package
//     github.com/stelvio-go/stelvio/lambda/cors (Go) or the module stelvio_cors (Python), which read
//     the environment variables stelvio gives every function of the API. Its headers are static, so it
//     allows one origin or "*".
//   - An HTTP API answers preflights that no route matches and sets the CORS headers of every response
//     in place of the handler's own; handlers add no CORS headers. It allows a list of origins: the
//     response names the request's origin when it is in the list.
type CORSConfig struct {
	// AllowOrigins are the origins allowed ("https://app.example.com"), or "*" for every origin. A REST
	// API allows exactly one entry.
	AllowOrigins []string
	// AllowMethods are the methods allowed ("GET", "POST", ..., upper case). Empty: a REST API allows
	// every method, an HTTP API none beyond simple requests ("*" allows all).
	AllowMethods []string
	// AllowHeaders are the request headers allowed ("authorization", "content-type"). Empty: a REST
	// API allows every header, an HTTP API none beyond simple requests ("*" allows all).
	AllowHeaders []string
	// ExposeHeaders are the response headers a browser lets scripts read; empty exposes none.
	ExposeHeaders []string
	// MaxAge is how long a browser may cache a preflight answer, in whole seconds (at most a day on an
	// HTTP API); zero sends no Access-Control-Max-Age.
	MaxAge time.Duration
	// AllowCredentials lets browsers send cookies and authorization headers; it needs listed origins,
	// not "*".
	AllowCredentials bool
}

// CORS turns on CORS for the api (see CORSConfig for how each kind applies it). Its problems (several
// origins on a REST API, credentials with "*", an unknown or lower-case method, an origin with a path,
// a header entry that is not one header name) are reported with the app's other problems.
func CORS(c CORSConfig) Option {
	return optionFunc{
		rest: func(d *route.ApiDecl, _ func(string)) {
			cfg := &route.CORSDecl{MaxAge: c.MaxAge}
			cfg.Config.AllowOrigins = slices.Clone(c.AllowOrigins)
			cfg.Config.AllowMethods = slices.Clone(c.AllowMethods)
			cfg.Config.AllowHeaders = slices.Clone(c.AllowHeaders)
			cfg.Config.AllowCredentials = c.AllowCredentials
			cfg.Config.ExposeHeaders = slices.Clone(c.ExposeHeaders)
			d.CORS = cfg
		},
		http: func(d *route.HTTPApiDecl, report func(string)) {
			cfg := &route.HTTPCORS{
				AllowOrigins:     slices.Clone(c.AllowOrigins),
				AllowMethods:     slices.Clone(c.AllowMethods),
				AllowHeaders:     slices.Clone(c.AllowHeaders),
				ExposeHeaders:    slices.Clone(c.ExposeHeaders),
				MaxAge:           int(c.MaxAge / time.Second),
				AllowCredentials: c.AllowCredentials,
			}
			if c.MaxAge%time.Second != 0 {
				report(fmt.Sprintf("CORS max age %s is not a whole number of seconds; browsers count it in seconds, e.g. 10*time.Minute", c.MaxAge))
			}
			check := engine.CORS{AllowOrigins: cfg.AllowOrigins, AllowMethods: cfg.AllowMethods, AllowHeaders: cfg.AllowHeaders,
				ExposeHeaders: cfg.ExposeHeaders, MaxAge: cfg.MaxAge, AllowCredentials: cfg.AllowCredentials}
			for _, err := range check.Validate() {
				report(err.Error())
			}
			d.CORS = cfg
		},
	}
}
