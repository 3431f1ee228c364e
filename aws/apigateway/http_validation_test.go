package apigateway_test

import (
	"errors"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stelvio-go/stelvio"
	"github.com/stelvio-go/stelvio/aws/apigateway"
	"github.com/stelvio-go/stelvio/aws/function"
	"github.com/stelvio-go/stelvio/internal/app"
	"github.com/stelvio-go/stelvio/internal/route"
)

// Every problem is reported with the file:line of its declaration and the fix.
func TestHTTPProblems(t *testing.T) {
	tests := []struct {
		name string
		run  func(ctx *stelvio.Context) error
		want []string
	}{
		{"default route with a method", func(ctx *stelvio.Context) error {
			apigateway.NewHTTP(ctx, "a").Route("GET", "$default", "functions/echo.handler")
			return nil
		}, []string{`http_validation_test.go:LINE: route GET $default: the $default route catches every method; write api.Route("ANY", "$default", ...) instead of method "GET"`}},
		{"route key syntax", func(ctx *stelvio.Context) error {
			api := apigateway.NewHTTP(ctx, "a")
			api.Route("FETCH", "/x", "functions/echo.handler")
			api.Route("GET,POST", "/y", "functions/echo.handler")
			api.Route("GET", "/x/{id}/{id}", "functions/echo.handler")
			return nil
		}, []string{
			`http_validation_test.go:LINE: route FETCH /x: unknown HTTP method "FETCH"; use one of GET, POST, PUT, PATCH, DELETE, HEAD, OPTIONS, ANY (or *)`,
			`http_validation_test.go:LINE: route GET,POST /y: an HTTP API route has one method; declare a route per method (api.Route("GET", "/y", ...), ...) or use ANY`,
			`http_validation_test.go:LINE: route GET /x/{id}/{id}: route key "GET /x/{id}/{id}": path "/x/{id}/{id}": duplicate path parameter "id"; rename one of them`,
		}},
		{"timeout above 30 s", func(ctx *stelvio.Context) error {
			apigateway.NewHTTP(ctx, "a").Route("GET", "/x", "functions/echo.handler", function.Timeout(31*time.Second))
			return nil
		}, []string{`http_validation_test.go:LINE: function functions/echo.py: timeout 31s is longer than HTTP API integrations wait: they time out after 30 s; set function.Timeout(30 * time.Second) or less (https://docs.aws.amazon.com/apigateway/latest/developerguide/http-api-quotas.html)`}},
		{"function.New timeout above 30 s", func(ctx *stelvio.Context) error {
			fn := function.New(ctx, "slow", "functions/echo.handler", function.Timeout(time.Minute))
			apigateway.NewHTTP(ctx, "a").RouteFunction("GET", "/x", fn)
			return nil
		}, []string{`http_validation_test.go:LINE: route GET /x: function "slow" has a timeout of 60s, and HTTP API integrations time out after 30 s; set function.Timeout(30 * time.Second) or less (https://docs.aws.amazon.com/apigateway/latest/developerguide/http-api-quotas.html)`}},
		// function.New's default timeout, 60 s, is longer than "Maximum integration timeout | 30
		// seconds" (https://docs.aws.amazon.com/apigateway/latest/developerguide/http-api-quotas.html):
		// reported once, at the function's first route, naming where the function is made.
		{"function.New default timeout", func(ctx *stelvio.Context) error {
			fn := function.New(ctx, "plain", "functions/echo.handler")
			api := apigateway.NewHTTP(ctx, "a")
			api.RouteFunction("GET", "/x", fn)
			api.RouteFunction("GET", "/y", fn)
			apigateway.NewHTTP(ctx, "b").RouteFunction("GET", "/x", function.New(ctx, "quick", "functions/me.handler", function.Timeout(30*time.Second)))
			return nil
		}, []string{`http_validation_test.go:LINE: route GET /x: function "plain" has the default timeout of function.New, 60s, and HTTP API integrations time out after 30 s; give it function.Timeout(30 * time.Second) or less at http_validation_test.go:LINE (https://docs.aws.amazon.com/apigateway/latest/developerguide/http-api-quotas.html)`}},
		// Routes that differ only in parameter names match the same requests. AWS's route docs
		// (https://docs.aws.amazon.com/apigateway/latest/developerguide/http-api-develop-routes.html)
		// do not say whether API Gateway refuses them: their routing priorities (full match, greedy
		// variable, $default) cannot choose between the two, so stelvio refuses them before any cloud
		// call, by the rule dev's router applies (route.HTTPMatchKey).
		{"routes matching the same requests", func(ctx *stelvio.Context) error {
			api := apigateway.NewHTTP(ctx, "h5")
			api.Route("GET", "/s/{id}", "functions/echo.handler")
			api.Route("GET", "/s/{other}", "functions/echo.handler")
			api.Route("POST", "/s/{other}", "functions/echo.handler")
			return nil
		}, []string{`http_validation_test.go:LINE: route GET /s/{other}: matches the same requests as route GET /s/{id} at http_validation_test.go:LINE (the paths differ only in parameter names); use the same parameter names or different paths`}},
		{"duplicate route key", func(ctx *stelvio.Context) error {
			api := apigateway.NewHTTP(ctx, "a")
			api.Route("GET", "/x", "functions/echo.handler")
			api.Route("GET", "/x", "functions/me.handler")
			return nil
		}, []string{`http_validation_test.go:LINE: route GET /x: route key GET /x is already routed at http_validation_test.go:LINE; each route key may be routed once`}},
		{"authorizer settings", func(ctx *stelvio.Context) error {
			api := apigateway.NewHTTP(ctx, "a")
			api.JWTAuthorizer("jwt", "https://issuer.example.com")
			api.CognitoAuthorizer("pool", apigateway.UserPoolARN("arn:aws:cognito-idp:pool"), apigateway.Audience("client"))
			api.RequestAuthorizer("lambda", "functions/echo.handler", apigateway.TTL(time.Minute))
			return nil
		}, []string{
			`http_validation_test.go:LINE: authorizer "jwt": no audience; list the client ids (aud or client_id claims) it accepts`,
			`http_validation_test.go:LINE: authorizer "pool": user pool ARN "arn:aws:cognito-idp:pool" is not of the form arn:aws:cognito-idp:REGION:ACCOUNT:userpool/POOL_ID (e.g. arn:aws:cognito-idp:us-east-1:123456789012:userpool/us-east-1_AbCdEf123)`,
			`http_validation_test.go:LINE: authorizer "lambda": caching needs at least one identity source (the cache key); add one, or set the TTL to 0`,
		}},
		{"scopes without a JWT authorizer", func(ctx *stelvio.Context) error {
			api := apigateway.NewHTTP(ctx, "a")
			l := api.RequestAuthorizer("lambda", "functions/echo.handler")
			api.Route("GET", "/x", "functions/echo.handler").Scopes("read")
			api.Route("GET", "/y", "functions/echo.handler").Auth(l).Scopes("read")
			return nil
		}, []string{
			`http_validation_test.go:LINE: route GET /x: scopes need a JWT authorizer, and the route has no authorizer; give it one made with api.JWTAuthorizer or api.CognitoAuthorizer`,
			`http_validation_test.go:LINE: route GET /y: scopes need a JWT authorizer, and the route's authorizer "lambda" is a Lambda authorizer; remove the scopes or use api.JWTAuthorizer`,
		}},
		{"IAM authorization with scopes", func(ctx *stelvio.Context) error {
			api := apigateway.NewHTTP(ctx, "a")
			api.Route("GET", "/x", "functions/echo.handler").Auth(api.IAMAuthorizer()).Scopes("read")
			api.SetDefaultAuthorizer(api.IAMAuthorizer())
			api.Route("GET", "/y", "functions/echo.handler").Scopes("read")
			return nil
		}, []string{
			`http_validation_test.go:LINE: route GET /x: scopes need a JWT authorizer, and the route uses IAM authorization (api.IAMAuthorizer), which checks the caller's signature and has no scopes; remove the scopes or use api.JWTAuthorizer`,
			`http_validation_test.go:LINE: route GET /y: scopes need a JWT authorizer, and the route uses IAM authorization (api.IAMAuthorizer), which checks the caller's signature and has no scopes; remove the scopes or use api.JWTAuthorizer`,
		}},
		{"DevJWKS", func(ctx *stelvio.Context) error {
			api := apigateway.NewHTTP(ctx, "a")
			api.JWTAuthorizer("up", "https://issuer.example.com", apigateway.Audience("client"), apigateway.DevJWKS("../secrets/jwks.json"))
			api.JWTAuthorizer("abs", "https://issuer.example.com", apigateway.Audience("client"), apigateway.DevJWKS("/etc/jwks.json"))
			api.JWTAuthorizer("missing", "https://issuer.example.com", apigateway.Audience("client"), apigateway.DevJWKS("testdata/none.json"))
			api.RequestAuthorizer("lambda", "functions/echo.handler", apigateway.TTL(0), apigateway.DevJWKS("testdata/plan-prod.json"))
			return nil
		}, []string{
			`http_validation_test.go:LINE: authorizer "up": JWKS file "../secrets/jwks.json" is outside the project; give a path relative to the project directory`,
			`http_validation_test.go:LINE: authorizer "abs": JWKS file "/etc/jwks.json" is outside the project; give a path relative to the project directory`,
			`http_validation_test.go:LINE: authorizer "missing": JWKS file testdata/none.json not found in the project`,
			`http_validation_test.go:LINE: authorizer "lambda": apigateway.DevJWKS does not apply to a request authorizer of an HTTP API; remove it (it is an option of Cognito and JWT authorizers)`,
		}},
		{"links", func(ctx *stelvio.Context) error {
			api := apigateway.NewHTTP(ctx, "a")
			api.Route("GET", "/x", "functions/echo.handler", function.Link(api))
			function.New(ctx, "reports", "functions/me.handler", function.LinkReadOnly(api))
			return nil
		}, []string{
			`http_validation_test.go:LINE: function functions-echo: the link to api "a" makes a cycle (function functions-echo -> api a -> function functions-echo): an API is made after the functions it calls, so none of them can hold its URL; a handler behind the API finds it in the request (requestContext.domainName and requestContext.stage)`,
			`http_validation_test.go:LINE: function reports: api "a" is linked read-only; read-only links are for tables, so use function.Link`,
		}},
		{"CORS", func(ctx *stelvio.Context) error {
			apigateway.NewHTTP(ctx, "a", apigateway.CORS(apigateway.CORSConfig{AllowOrigins: []string{"*"}, AllowCredentials: true}))
			return nil
		}, []string{`http_validation_test.go:LINE: api "a": CORS: allowCredentials cannot be used with the origin "*" (browsers refuse credentials for a wildcard origin); list the origins`}},
		// The values https://docs.aws.amazon.com/apigateway/latest/developerguide/http-api-cors.html
		// documents: methods GET, POST, DELETE, ... or "*" (upper case; whether API Gateway takes
		// "get" is not said, so the fix says to write GET), header names or "*", origins
		// scheme://host[:port], "*", https://* or http://*.
		{"CORS values", func(ctx *stelvio.Context) error {
			apigateway.NewHTTP(ctx, "a", apigateway.CORS(apigateway.CORSConfig{
				AllowOrigins:  []string{"https://*.example.com"},
				AllowMethods:  []string{"FETCH", "get"},
				AllowHeaders:  []string{"Content-Type, Authorization"},
				ExposeHeaders: []string{"x total"},
				MaxAge:        48 * time.Hour,
			}))
			return nil
		}, []string{
			`http_validation_test.go:LINE: api "a": CORS: origin "https://*.example.com": API Gateway matches "*" only as the whole origin or as https://* or http://* (every origin of that scheme); list the origins, e.g. https://app.example.com`,
			`http_validation_test.go:LINE: api "a": CORS: unknown method "FETCH" in allowMethods; use GET, POST, PUT, PATCH, DELETE, HEAD, OPTIONS or "*"`,
			`http_validation_test.go:LINE: api "a": CORS: method "get" in allowMethods must be upper case; write GET`,
			`http_validation_test.go:LINE: api "a": CORS: allowHeaders entry "Content-Type, Authorization" holds several header names; list each on its own: []string{"Content-Type", "Authorization"}`,
			`http_validation_test.go:LINE: api "a": CORS: exposeHeaders entry "x total" is not a header name; list names such as "content-type" or "x-api-key", or "*"`,
			`http_validation_test.go:LINE: api "a": CORS: maxAge 172800 is out of range; use 0 to 86400 seconds`,
		}},
		// A JWT authorizer's issuer is an https URL (API Gateway fetches its keys from the issuer's
		// jwks_uri: https://docs.aws.amazon.com/apigateway/latest/developerguide/http-api-jwt-authorizer.html;
		// "The issuer must be an absolute https URL with no query string or fragment":
		// https://docs.aws.amazon.com/apigateway/latest/developerguide/rest-api-jwt-authorizer-create.html),
		// and an empty audience matches no token.
		{"JWT issuer and audience", func(ctx *stelvio.Context) error {
			api := apigateway.NewHTTP(ctx, "a")
			api.JWTAuthorizer("plain", "http://insecure.example.com", apigateway.Audience("client"))
			api.JWTAuthorizer("word", "not a url", apigateway.Audience("client"))
			api.JWTAuthorizer("empty", "https://issuer.example.com", apigateway.Audience(""))
			return nil
		}, []string{
			`http_validation_test.go:LINE: authorizer "plain": issuer "http://insecure.example.com" is not an https URL: API Gateway fetches the issuer's signing keys over https, from ISSUER/.well-known/openid-configuration; write https://insecure.example.com`,
			`http_validation_test.go:LINE: authorizer "word": issuer "not a url" is not a URL; write the issuer's https URL exactly as its tokens' iss claim holds it (for a Cognito user pool, https://cognito-idp.REGION.amazonaws.com/POOL_ID)`,
			`http_validation_test.go:LINE: authorizer "empty": audience "" is empty; list the client ids (aud or client_id claims) it accepts, e.g. apigateway.Audience("my-app-client")`,
		}},
		{"authorizer of another api", func(ctx *stelvio.Context) error {
			a, b := apigateway.NewHTTP(ctx, "a"), apigateway.NewHTTP(ctx, "b")
			jwt := a.JWTAuthorizer("jwt", "https://issuer.example.com", apigateway.Audience("client"))
			b.Route("GET", "/x", "functions/echo.handler").Auth(jwt)
			return nil
		}, []string{`http_validation_test.go:LINE: route GET /x: authorizer "jwt" belongs to api "a"; declare an authorizer on this api and use that one`}},
		{"domain of another api", func(ctx *stelvio.Context) error {
			apigateway.NewHTTP(ctx, "a", apigateway.DomainName("api.example.com"))
			apigateway.NewHTTP(ctx, "b", apigateway.DomainName("API.example.com"))
			return nil
		}, []string{
			// Without a DNS provider each custom domain is a problem too, found before any cloud call.
			`http_validation_test.go:LINE: api "a": domain api.example.com needs a DNS provider; create the app with stelvio.New(name, route53.Use("ZONE_ID")) or cloudflare.Use("ZONE_ID")`,
			`http_validation_test.go:LINE: api "b": domain API.example.com needs a DNS provider; create the app with stelvio.New(name, route53.Use("ZONE_ID")) or cloudflare.Use("ZONE_ID")`,
			`http_validation_test.go:LINE: api "b": domain api.example.com is already used by api "a" at http_validation_test.go:LINE; one domain can serve only one api, so give this api another domain (e.g. a subdomain)`,
		}},
		{"name of another api", func(ctx *stelvio.Context) error {
			apigateway.NewHTTP(ctx, "a")
			apigateway.NewHTTP(ctx, "A")
			return nil
		}, []string{`http_validation_test.go:LINE: api "A": api "a" at http_validation_test.go:LINE has the same name; give each api its own name (names are not case-sensitive)`}},
		// One Option type and one AuthorizerOption type serve both kinds of api: what a kind has no
		// use for is a problem naming what to do instead, never silently dropped.
		{"REST-only api options", func(ctx *stelvio.Context) error {
			apigateway.NewHTTP(ctx, "a", apigateway.StageName("prod"), apigateway.Edge, apigateway.Regional, apigateway.BinaryMediaTypes("image/png"))
			return nil
		}, []string{
			`http_validation_test.go:LINE: api "a": apigateway.StageName is an option of REST APIs (apigateway.New); remove it: an HTTP API serves its $default stage at the root of its URL`,
			`http_validation_test.go:LINE: api "a": endpoint type EDGE is an option of REST APIs (apigateway.New); remove it: an HTTP API's endpoint is regional`,
			`http_validation_test.go:LINE: api "a": apigateway.BinaryMediaTypes is an option of REST APIs (apigateway.New); remove it: an HTTP API base64-encodes bodies that are not text itself (isBase64Encoded)`,
		}},
		{"authorizer options of the other kind", func(ctx *stelvio.Context) error {
			api := apigateway.NewHTTP(ctx, "a")
			api.JWTAuthorizer("jwt", "https://issuer.example.com", apigateway.Audience("c"), apigateway.ValidationRegex("^ey"), apigateway.TTL(time.Minute))
			api.RequestAuthorizer("req", "functions/echo.handler", apigateway.TokenHeader("X-Token"), apigateway.UserPoolARN("arn"))
			rest := apigateway.New(ctx, "r")
			rest.CognitoAuthorizer("pool", apigateway.UserPoolARN("arn:aws:cognito-idp:us-east-1:123456789012:userpool/us-east-1_AbCdEf123"), apigateway.Audience("c"))
			rest.TokenAuthorizer("tok", "functions/echo.handler", apigateway.IAMPolicyResponses())
			return nil
		}, []string{
			`http_validation_test.go:LINE: authorizer "jwt": apigateway.ValidationRegex does not apply to a JWT authorizer of an HTTP API; remove it (it is an option of REST API TOKEN and Cognito authorizers)`,
			`http_validation_test.go:LINE: authorizer "jwt": apigateway.TTL does not apply to a JWT authorizer of an HTTP API; remove it (it is an option of token and request authorizers)`,
			`http_validation_test.go:LINE: authorizer "req": apigateway.TokenHeader does not apply to a request authorizer of an HTTP API; remove it (it is an option of token, Cognito and JWT authorizers)`,
			`http_validation_test.go:LINE: authorizer "req": apigateway.UserPoolARN does not apply to a request authorizer of an HTTP API; remove it (it is an option of Cognito authorizers)`,
			`http_validation_test.go:LINE: authorizer "pool": apigateway.Audience does not apply to a COGNITO_USER_POOLS authorizer of a REST API; remove it (it is an option of HTTP API JWT and Cognito authorizers; a REST API's Cognito authorizer matches the aud claim with apigateway.ValidationRegex)`,
			`http_validation_test.go:LINE: authorizer "tok": apigateway.IAMPolicyResponses does not apply to a TOKEN authorizer of a REST API; remove it (a REST API's authorizers always return IAM policies; it is an option of HTTP API request authorizers)`,
		}},
		{"Cognito user pools", func(ctx *stelvio.Context) error {
			api := apigateway.NewHTTP(ctx, "a")
			api.CognitoAuthorizer("none", apigateway.Audience("c"))
			api.CognitoAuthorizer("two", apigateway.Audience("c"),
				apigateway.UserPoolARN("arn:aws:cognito-idp:us-east-1:123456789012:userpool/us-east-1_AbCdEf123"),
				apigateway.UserPoolARN("arn:aws:cognito-idp:us-east-1:123456789012:userpool/us-east-1_XyZ"))
			return nil
		}, []string{
			`http_validation_test.go:LINE: authorizer "none": a Cognito authorizer needs the ARN of its user pool; pass apigateway.UserPoolARN("arn:aws:cognito-idp:REGION:ACCOUNT:userpool/POOL_ID")`,
			`http_validation_test.go:LINE: authorizer "two": 2 user pools; an HTTP API's Cognito authorizer is a JWT authorizer with one issuer, so give one apigateway.UserPoolARN and declare an authorizer per pool`,
		}},
		{"authorizer of the other kind of api", func(ctx *stelvio.Context) error {
			web, rest := apigateway.NewHTTP(ctx, "web"), apigateway.New(ctx, "rest")
			jwt := web.JWTAuthorizer("jwt", "https://issuer.example.com", apigateway.Audience("c"))
			iam := rest.IAMAuthorizer()
			rest.Route("GET", "/x", "functions/echo.handler").Auth(jwt)
			web.Route("GET", "/x", "functions/echo.handler").Auth(iam)
			rest.SetDefaultAuthorizer(jwt)
			web.SetDefaultAuthorizer(iam)
			return nil
		}, []string{
			`http_validation_test.go:LINE: route GET /x: authorizer "jwt" belongs to HTTP API "web"; declare an authorizer on this api and use that one`,
			`http_validation_test.go:LINE: route GET /x: authorizer "iam" belongs to REST API "rest"; declare an authorizer on this api and use that one`,
			`http_validation_test.go:LINE: api "rest": default authorizer "jwt" belongs to HTTP API "web"; declare the authorizer on this api and make that one the default`,
			`http_validation_test.go:LINE: api "web": default authorizer "iam" belongs to REST API "rest"; declare the authorizer on this api and make that one the default`,
		}},
		{"token header of a JWT authorizer", func(ctx *stelvio.Context) error {
			apigateway.NewHTTP(ctx, "a").JWTAuthorizer("jwt", "https://issuer.example.com", apigateway.Audience("c"), apigateway.TokenHeader("X Token"))
			return nil
		}, []string{`http_validation_test.go:LINE: authorizer "jwt": identity source "$request.header.X Token": "X Token" is not a valid header name`}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := app.ProgramOf(stelvio.New("http-api"), tt.run).Load("dev", "../../examples/http-api")
			var ps route.Problems
			if !errors.As(err, &ps) {
				t.Fatalf("err = %v, want problems", err)
			}
			var got []string
			for _, p := range ps {
				got = append(got, httpLineless(p.String()))
			}
			if strings.Join(got, "\n") != strings.Join(tt.want, "\n") {
				t.Errorf("problems:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(tt.want, "\n"))
			}
		})
	}
}

// lineless replaces line numbers of this file with LINE, so that the table stays readable.
func httpLineless(s string) string {
	var b strings.Builder
	for {
		i := strings.Index(s, "http_validation_test.go:")
		if i < 0 {
			b.WriteString(s)
			return b.String()
		}
		b.WriteString(s[:i] + "http_validation_test.go:LINE")
		s = strings.TrimLeft(s[i+len("http_validation_test.go:"):], "0123456789")
	}
}

// An identity source is written once, in either API's syntax (or with IdentityHeader/IdentityQuery),
// and reaches each kind of api in its own: "method.request.header.X" on a REST API,
// "$request.header.X" on an HTTP API.
func TestIdentitySourceSyntax(t *testing.T) {
	sources := []apigateway.AuthorizerOption{
		apigateway.IdentityHeader("X-Key"),
		apigateway.IdentityQuery("key"),
		apigateway.IdentitySource("method.request.header.X-Other"),
		apigateway.IdentitySource("$context.requestId"),
		apigateway.IdentitySource("stageVariables.tier"),
	}
	table, err := app.ProgramOf(stelvio.New("http-api"), func(ctx *stelvio.Context) error {
		apigateway.New(ctx, "rest").RequestAuthorizer("req", "functions/echo.handler", sources...)
		apigateway.NewHTTP(ctx, "web").RequestAuthorizer("req", "functions/echo.handler", sources...)
		return nil
	}).Load("dev", "../../examples/http-api")
	if err != nil {
		t.Fatal(err)
	}
	rest := strings.Join(table.Apis[0].Authorizers[0].IdentitySources, " ")
	if want := "method.request.header.X-Key method.request.querystring.key method.request.header.X-Other context.requestId stageVariables.tier"; rest != want {
		t.Errorf("REST identity sources = %s, want %s", rest, want)
	}
	web := strings.Join(table.HTTPApis[0].Authorizers[0].IdentitySources, " ")
	if want := "$request.header.X-Key $request.querystring.key $request.header.X-Other $context.requestId $stageVariables.tier"; web != want {
		t.Errorf("HTTP identity sources = %s, want %s", web, want)
	}
}

// DevJWKS resolves a file of the project to its path, and keeps a URL; IAMAuthorizer is one
// authorizer however often it is asked for.
func TestDevJWKSAndIAM(t *testing.T) {
	var iam1, iam2 *apigateway.Authorizer
	table, err := app.ProgramOf(stelvio.New("http-api"), func(ctx *stelvio.Context) error {
		api := apigateway.NewHTTP(ctx, "a")
		api.JWTAuthorizer("file", "https://issuer.example.com", apigateway.Audience("client"), apigateway.DevJWKS("testdata/plan-prod.json"))
		api.CognitoAuthorizer("url", apigateway.UserPoolARN("arn:aws:cognito-idp:us-east-1:123456789012:userpool/us-east-1_AbCdEf123"), apigateway.Audience("client"),
			apigateway.DevJWKS("https://127.0.0.1:8443/jwks.json"))
		iam1, iam2 = api.IAMAuthorizer(), api.IAMAuthorizer()
		api.SetDefaultAuthorizer(iam1)
		api.Route("GET", "/x", "functions/echo.handler")
		return nil
	}).Load("dev", "../../examples/http-api")
	if err != nil {
		t.Fatal(err)
	}
	if iam1 != iam2 || iam1.Name() != "iam" {
		t.Errorf("IAMAuthorizer gave %p %q and %p", iam1, iam1.Name(), iam2)
	}
	auths := table.HTTPApis[0].Authorizers
	if len(auths) != 3 {
		t.Fatalf("%d authorizers, want 3 (file, url, iam once)", len(auths))
	}
	wantFile, _ := filepath.Abs("../../examples/http-api/testdata/plan-prod.json")
	if got := auths[0].JWKS; got.File != wantFile || got.URL != "" || auths[0].DevJWKS != "testdata/plan-prod.json" {
		t.Errorf("file authorizer JWKS = %+v (%q), want file %s", got, auths[0].DevJWKS, wantFile)
	}
	if got := auths[1].JWKS; got.URL != "https://127.0.0.1:8443/jwks.json" || got.File != "" {
		t.Errorf("url authorizer JWKS = %+v", got)
	}
	if a := auths[2]; a.Name != "iam" || a.Kind != "AWS_IAM" || a.Function != nil {
		t.Errorf("iam authorizer = %+v", a)
	}
	if r := table.HTTPApis[0].Routes[0]; r.Auth != auths[2] {
		t.Errorf("route auth = %+v, want the IAM authorizer", r.Auth)
	}
}

// A function linked to an HTTP API gets its URL in the variable a REST API's link sets.
func TestLink(t *testing.T) {
	table, err := app.ProgramOf(stelvio.New("http-api"), func(ctx *stelvio.Context) error {
		api := apigateway.NewHTTP(ctx, "orders-api")
		api.Route("GET", "/x", "functions/echo.handler")
		function.New(ctx, "reports", "functions/me.handler", function.Link(api))
		return nil
	}).Load("dev", "../../examples/http-api")
	if err != nil {
		t.Fatal(err)
	}
	fn := table.FunctionByName("reports")
	vars := fn.LinkVariables()
	v, ok := vars["STELVIO_API_ORDERS_API_URL"]
	if len(vars) != 1 || !ok || v.Link.HTTPApi != table.HTTPApis[0] || v.Link.Api != nil || v.Attr != "URL" || v.Link.Kind() != "API" {
		t.Errorf("link variables %+v", vars)
	}
	if k := (&apigateway.HTTPApi{}).LinkKind(); k != "api" {
		t.Errorf("LinkKind = %q", k)
	}
}

// The method of an HTTP API route is written as for a REST API: in any case, "*" for ANY.
func TestHTTPRouteMethodForms(t *testing.T) {
	table, err := app.ProgramOf(stelvio.New("http-api"), func(ctx *stelvio.Context) error {
		api := apigateway.NewHTTP(ctx, "a")
		api.Route("get", "/x", "functions/echo.handler")
		api.Route("*", "/y", "functions/echo.handler")
		api.Route("any", apigateway.DefaultRoute, "functions/echo.handler")
		return nil
	}).Load("dev", "../../examples/http-api")
	if err != nil {
		t.Fatal(err)
	}
	var keys []string
	for _, r := range table.HTTPApis[0].Routes {
		keys = append(keys, r.Key)
	}
	if got, want := strings.Join(keys, ", "), "GET /x, ANY /y, $default"; got != want {
		t.Errorf("route keys %s, want %s", got, want)
	}
}
