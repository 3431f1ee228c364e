package devserver

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"time"

	"github.com/stelvio-go/stelvio/internal/authorizer"
	"github.com/stelvio-go/stelvio/internal/httpapi"
	"github.com/stelvio-go/stelvio/internal/route"
)

// HTTP APIs (API Gateway v2) are served by internal/httpapi's Gateway, one per API, mounted like the
// REST APIs (at the root when the app has one API, else under "/<api name>"); their functions and
// Lambda authorizers run on the same worker pools as every other function.

// mountedHTTPAPI is one HTTP API of the server.
type mountedHTTPAPI struct {
	api    *route.HTTPApi
	prefix string
	gw     *httpapi.Gateway
}

// newHTTPAPIs makes the gateway of every HTTP API of the table.
func (s *Server) newHTTPAPIs() ([]*mountedHTTPAPI, error) {
	if len(s.table.HTTPApis) == 0 {
		return nil, nil
	}
	keys := authorizer.NewEngine(s.authorizerOptions())
	var out []*mountedHTTPAPI
	for _, api := range s.table.HTTPApis {
		cfg := httpapi.Config{Name: api.Name, APIID: apiID(s.table.App, s.table.Env, api.Name), AccountID: AccountID, Region: s.opts.Region}
		for _, r := range api.Routes {
			key := httpapi.RouteKey{Default: r.Default, Method: r.Method, Path: r.Path}
			rt := httpapi.Route{Key: key, Function: r.Function.Name, Scopes: r.Scopes}
			if r.Auth != nil {
				rt.Authorizer = r.Auth.Name
			}
			cfg.Routes = append(cfg.Routes, rt)
		}
		for _, a := range api.Authorizers {
			switch a.Kind {
			case route.HTTPAuthJWT:
				// Without DevJWKS the keys are the local development key: tokens of the token command
				// verify with it.
				cfg.JWTAuthorizers = append(cfg.JWTAuthorizers, &httpapi.JWTAuthorizer{Name: a.Name, Issuer: a.Issuer, Audience: a.Audience,
					IdentitySource: strings.Join(a.IdentitySources, ","), JWKS: a.JWKS})
				continue
			case route.HTTPAuthIAM:
				// Signatures are checked with the credentials of the authorizer options (the developer's).
				cfg.IAMAuthorizers = append(cfg.IAMAuthorizers, a.Name)
				continue
			}
			cfg.LambdaAuthorizers = append(cfg.LambdaAuthorizers, &httpapi.LambdaAuthorizer{Name: a.Name, Function: a.Function.Name,
				IdentitySources: a.IdentitySources, TTL: a.TTL, SimpleResponses: a.SimpleResponses})
		}
		if c := api.CORS; c != nil {
			cfg.CORS = &httpapi.CORS{AllowOrigins: c.AllowOrigins, AllowMethods: c.AllowMethods, AllowHeaders: c.AllowHeaders,
				ExposeHeaders: c.ExposeHeaders, MaxAge: c.MaxAge, AllowCredentials: c.AllowCredentials}
		}
		cfg.Timeout = s.httpTimeout
		// The gateways run on the authorizer options' clock (time.Now unless a test sets one): JWT
		// expiry, the Lambda authorizers' caches and the events' times.
		gw, err := httpapi.New(cfg, httpapi.Options{Invoke: s.invokeAuthorizer, Keys: keys, Log: s.log, Now: s.opts.Authorizers.Now})
		if err != nil {
			return nil, err
		}
		out = append(out, &mountedHTTPAPI{api: api, prefix: HTTPMountPath(s.table, api), gw: gw})
	}
	return out, nil
}

// serveHTTPAPI answers r when its path is under an HTTP API and reports whether it did. raw holds the
// header lines as the client sent them, when haveRaw.
func (s *Server) serveHTTPAPI(w http.ResponseWriter, r *http.Request, start time.Time, raw []rawHeader, rawSize int, haveRaw bool) bool {
	path := r.URL.EscapedPath()
	for _, m := range s.httpAPIs {
		if m.prefix != "" && path != m.prefix && !strings.HasPrefix(path, m.prefix+"/") {
			continue
		}
		req := r
		if m.prefix != "" {
			// IAM authorization checks the signature of the path the client sent, prefix included.
			req = r.Clone(httpapi.WithClientRequest(r.Context(), r))
			req.URL.Path = strings.TrimPrefix(r.URL.Path, m.prefix)
			req.URL.RawPath = strings.TrimPrefix(r.URL.RawPath, m.prefix)
			if req.URL.Path == "" {
				req.URL.Path = "/"
			}
		}
		sw := &statusWriter{ResponseWriter: w, status: http.StatusOK}
		// The quota on the request line and header values applies to the request as the client sent it.
		// What HTTP APIs answer past it is not documented; the answers are the REST APIs' (server.go).
		if g := checkLimits(r, rawSize, headerValuesSize(r, raw, haveRaw), true); g != nil {
			m.gw.Answer(sw, req, &httpapi.Answer{Status: g.status, Body: g.body, Headers: http.Header{}})
		} else {
			m.gw.Handle(sw, req)
		}
		status := sw.status
		if !sw.wrote {
			status = 499 // the client went away before the gateway could answer (httpapi.ErrClientGone)
		}
		s.logf("%s %s %d %s %s\n", r.Method, loggedURI(r.URL), status, formatDuration(time.Since(start)), m.api.Name)
		return true
	}
	return false
}

// httpRoutes lists the HTTP APIs' routes for the startup banner.
func (s *Server) httpRoutes() []string {
	var out []string
	for _, m := range s.httpAPIs {
		for _, r := range m.api.Routes {
			key := fmt.Sprintf("%-7s %s", r.Method, m.prefix+r.Path.String())
			if r.Default {
				key = fmt.Sprintf("%-7s %s", route.Any, strings.TrimPrefix(m.prefix+" ", " ")+"$default")
			}
			line := fmt.Sprintf("%s  →  %s (%s)", key, r.Function.Name, r.Target)
			if r.Auth != nil {
				line += authNote(r.Auth.Name, r.Auth.Kind, r.Scopes)
			}
			out = append(out, line)
		}
	}
	return out
}

// prepareHTTPAPIs builds the functions of the HTTP APIs' routes and Lambda authorizers ahead of the
// first request, each once however many routes it serves.
func (s *Server) prepareHTTPAPIs(ctx context.Context) {
	seen := map[*route.Function]bool{}
	for _, m := range s.httpAPIs {
		var fns []*route.Function
		for _, r := range m.api.Routes {
			if !seen[r.Function] {
				seen[r.Function] = true
				fns = append(fns, r.Function)
			}
		}
		for _, a := range m.api.Authorizers {
			if a.Function != nil {
				fns = append(fns, a.Function)
			}
		}
		for _, fn := range fns {
			run := s.functionRunner(fn)
			if _, err := run.current(ctx); err != nil && !errors.As(err, new(*BuildError)) {
				s.logf("[%s] %s\n", run.label, err)
			}
		}
	}
}

// statusWriter remembers the status written, for the access log.
type statusWriter struct {
	http.ResponseWriter
	status int
	wrote  bool
}

func (w *statusWriter) WriteHeader(status int) {
	w.status, w.wrote = status, true
	w.ResponseWriter.WriteHeader(status)
}

func (w *statusWriter) Write(b []byte) (int, error) {
	w.wrote = true
	return w.ResponseWriter.Write(b)
}
