package httpapi

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"golang.org/x/net/http/httpguts"
	"math"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/aws/aws-lambda-go/events"
	"github.com/go-jose/go-jose/v4"
	"github.com/go-jose/go-jose/v4/jwt"

	"github.com/stelvio-go/stelvio/internal/authorizer"
)

// JWTAuthorizer is a JWT authorizer of an HTTP API.
// https://docs.aws.amazon.com/apigateway/latest/developerguide/http-api-jwt-authorizer.html
type JWTAuthorizer struct {
	Name string
	// IdentitySource is where the token is: "$request.header.Authorization" when empty. The value may
	// be the token alone or "Bearer " and the token.
	IdentitySource string
	// Issuer must equal the token's iss claim. For an Amazon Cognito user pool it is
	// CognitoIssuer(userPoolID).
	Issuer string
	// Audience: the token's aud (or, when it has no aud, its client_id) must be one of them.
	Audience []string
	// JWKS is where the issuer's keys are; the zero value means the local development key of
	// authorizer.Engine (tokens minted by authorizer.MintDevToken verify with it).
	JWKS authorizer.JWKSSource
}

// DefaultIdentitySource is the identity source of a JWT authorizer when none is configured.
const DefaultIdentitySource = "$request.header.Authorization"

// CognitoIssuer is the issuer of an Amazon Cognito user pool's tokens,
// https://cognito-idp.{region}.amazonaws.com/{userPoolId}: the Issuer a JWT authorizer uses to accept
// the pool's tokens.
func CognitoIssuer(userPoolID string) string {
	c := authorizer.Config{UserPoolID: userPoolID}
	return c.Issuer()
}

// MaxAudiences and MaxScopes are the documented quotas "Audiences per authorizer | 50" and "Scopes
// per route | 10".
// https://docs.aws.amazon.com/apigateway/latest/developerguide/http-api-quotas.html
const (
	MaxAudiences = 50
	MaxScopes    = 10
)

// Validate returns every problem of the authorizer's configuration.
func (a *JWTAuthorizer) Validate() []error {
	var errs []error
	add := func(format string, args ...any) {
		errs = append(errs, fmt.Errorf("JWT authorizer %q: "+format, append([]any{a.Name}, args...)...))
	}
	if a.Name == "" {
		errs = append(errs, errors.New("JWT authorizer with no name; give every authorizer of an API a unique name"))
	}
	if a.Issuer == "" {
		add("no issuer; set the issuer URL (for a Cognito user pool, https://cognito-idp.REGION.amazonaws.com/POOL_ID)")
	} else if msg := issuerProblem(a.Issuer); msg != "" {
		add("%s", msg)
	}
	if len(a.Audience) == 0 {
		add("no audience; list the client ids (aud or client_id claims) it accepts")
	}
	for _, aud := range a.Audience {
		if strings.TrimSpace(aud) == "" {
			// Said once: an empty value matches no token, however often it is listed.
			add("audience %q is empty; list the client ids (aud or client_id claims) it accepts, e.g. apigateway.Audience(\"my-app-client\")", aud)
			break
		}
	}
	if len(a.Audience) > MaxAudiences {
		add("%d audiences; an authorizer takes at most %d", len(a.Audience), MaxAudiences)
	}
	if a.IdentitySource != "" {
		if h, ok := strings.CutPrefix(a.IdentitySource, "$request.header."); !ok {
			add("identity source %q: a JWT authorizer reads a header; write $request.header.NAME", a.IdentitySource)
		} else if !httpguts.ValidHeaderFieldName(h) {
			add("identity source %q: %q is not a valid header name", a.IdentitySource, h)
		}
	}
	return errs
}

// issuerProblem says what is wrong with a JWT authorizer's issuer, "" when nothing is. API Gateway
// checks a token's "signature by using the public key that is fetched from the issuer's jwks_uri"
// (https://docs.aws.amazon.com/apigateway/latest/developerguide/http-api-jwt-authorizer.html), which
// it finds in the issuer's OpenID Connect discovery document, ISSUER/.well-known/openid-configuration:
// "The issuer must be an absolute https URL with no query string or fragment"
// (https://docs.aws.amazon.com/apigateway/latest/developerguide/rest-api-jwt-authorizer-create.html,
// the page for REST APIs; the HTTP API pages give no other rule).
func issuerProblem(issuer string) string {
	const fix = "write the issuer's https URL exactly as its tokens' iss claim holds it (for a Cognito user pool, https://cognito-idp.REGION.amazonaws.com/POOL_ID)"
	u, err := url.Parse(issuer)
	switch {
	case err != nil || !u.IsAbs() || u.Host == "" || u.Opaque != "" || strings.ContainsAny(issuer, " \t"):
		return fmt.Sprintf("issuer %q is not a URL; %s", issuer, fix)
	case !strings.EqualFold(u.Scheme, "https"):
		return fmt.Sprintf("issuer %q is not an https URL: API Gateway fetches the issuer's signing keys over https, from ISSUER/.well-known/openid-configuration; write %s",
			issuer, "https://"+issuer[len(u.Scheme+"://"):])
	case u.RawQuery != "" || u.ForceQuery || u.Fragment != "" || strings.Contains(issuer, "#"):
		return fmt.Sprintf("issuer %q has a query or fragment; an issuer is an https URL without them, e.g. https://issuer.example.com", issuer)
	case u.User != nil:
		return fmt.Sprintf("issuer %q holds a user name or password; %s", issuer, fix)
	}
	return ""
}

func (a *JWTAuthorizer) header() string {
	if a.IdentitySource == "" {
		return "Authorization"
	}
	return strings.TrimPrefix(a.IdentitySource, "$request.header.")
}

// AuthResult is the outcome of an authorizer: Answer when the request is refused, otherwise what the
// event's requestContext.authorizer carries.
type AuthResult struct {
	Answer     *Answer
	Authorizer *events.APIGatewayV2HTTPRequestContextAuthorizerDescription
	// Reason says, for the server's log, why a request was refused; never the token.
	Reason string
}

// AuthorizeJWT decides a request to a route with a JWT authorizer, with the documented steps: the
// token from the identity source ("only the token, or the token prefixed with Bearer"), an RSA
// signature by a key of the issuer (kid), iss, aud or client_id ("API Gateway validates client_id only
// if aud is not present"), exp, nbf, iat, and, when the route has scopes, a scope or scp claim holding
// one of them. A missing or invalid token is 401 {"message":"Unauthorized"} with a www-authenticate
// header (Bearer scope="..." alone for a missing token), which for an invalid one says why, as the
// troubleshooting page shows: Bearer scope="" error="invalid_token"
// error_description="the token does not have a valid audience". A valid token without the route's
// scopes is 403 {"message":"Forbidden"} with error="insufficient_scope" (RFC 6750, section 3.1).
//
// The claims reach the handler as requestContext.authorizer.jwt.claims, each value a string, and the
// token's scopes as requestContext.authorizer.jwt.scopes when the route has scopes.
func AuthorizeJWT(ctx context.Context, keys *authorizer.Engine, a *JWTAuthorizer, r *http.Request, scopes []string, now time.Time) AuthResult {
	scopeAttr := strings.Join(scopes, " ")
	refuse := func(desc string) AuthResult {
		ans := Unauthorized()
		ans.Headers.Set("Www-Authenticate", wwwAuthenticate(scopeAttr, "invalid_token", desc))
		return AuthResult{Answer: ans, Reason: desc}
	}
	raw := strings.TrimSpace(r.Header.Get(a.header()))
	if raw == "" {
		// No token: 401 with a www-authenticate header, as every 401 of a JWT authorizer has one ("My
		// API returns 401 {"message":"Unauthorized"}: Check the www-authenticate header in the response",
		// http-api-troubleshooting-jwt.html). Its value for a missing token is not documented: RFC 6750
		// section 3.1 gives a request that "lacks any authentication information" no error code, so the
		// challenge has API Gateway's scope attribute and nothing else.
		ans := Unauthorized()
		ans.Headers.Set("Www-Authenticate", `Bearer scope="`+scopeAttr+`"`)
		return AuthResult{Answer: ans, Reason: "no token in " + a.header()}
	}
	if t, ok := strings.CutPrefix(raw, "Bearer "); ok {
		raw = strings.TrimSpace(t)
	}
	tok, err := jwt.ParseSigned(raw, []jose.SignatureAlgorithm{jose.RS256, jose.RS384, jose.RS512, jose.PS256, jose.PS384, jose.PS512})
	if err != nil {
		return refuse("the token is not a valid JWT")
	}
	kid := ""
	if len(tok.Headers) > 0 {
		kid = tok.Headers[0].KeyID
	}
	set, err := keys.KeySet(ctx, a.JWKS, false)
	if err != nil {
		return AuthResult{Answer: InternalServerError(), Reason: fmt.Sprintf("JWKS: %v", err)}
	}
	found := set.Key(kid)
	if len(found) == 0 && a.JWKS.URL != "" {
		if set, err = keys.KeySet(ctx, a.JWKS, true); err == nil {
			found = set.Key(kid)
		}
	}
	if len(found) == 0 {
		return refuse("the token's kid does not match a key of the issuer")
	}
	var std jwt.Claims
	var all map[string]any
	if err := tok.Claims(found[0].Key, &std, &all); err != nil {
		return refuse("the token signature is invalid")
	}
	if std.Issuer != a.Issuer {
		return refuse("the token does not have a valid issuer")
	}
	aud := []string(std.Audience)
	if len(aud) == 0 {
		if id, ok := all["client_id"].(string); ok {
			aud = []string{id}
		}
	}
	if !slices.ContainsFunc(aud, func(s string) bool { return slices.Contains(a.Audience, s) }) {
		return refuse("the token does not have a valid audience")
	}
	if std.Expiry == nil || !now.Before(std.Expiry.Time()) {
		return refuse("the token has expired")
	}
	if std.NotBefore != nil && now.Before(std.NotBefore.Time()) {
		return refuse("the token is not valid yet")
	}
	if std.IssuedAt != nil && now.Before(std.IssuedAt.Time()) {
		return refuse("the token was issued in the future")
	}
	granted := tokenScopes(all)
	if len(scopes) > 0 && !slices.ContainsFunc(scopes, func(s string) bool { return slices.Contains(granted, s) }) {
		ans := Forbidden()
		ans.Headers.Set("Www-Authenticate", wwwAuthenticate(scopeAttr, "insufficient_scope", "the token does not have any of the route's scopes"))
		return AuthResult{Answer: ans, Reason: "insufficient scope"}
	}
	claims := make(map[string]string, len(all))
	for k, v := range all {
		claims[k] = ClaimString(v)
	}
	desc := &events.APIGatewayV2HTTPRequestContextAuthorizerJWTDescription{Claims: claims}
	if len(scopes) > 0 {
		desc.Scopes = granted
	}
	return AuthResult{Authorizer: &events.APIGatewayV2HTTPRequestContextAuthorizerDescription{JWT: desc}}
}

// tokenScopes are the token's scopes: the scope claim (space separated) or scp (a list or a string).
func tokenScopes(all map[string]any) []string {
	switch v := all["scope"].(type) {
	case string:
		return strings.Fields(v)
	}
	switch v := all["scp"].(type) {
	case string:
		return strings.Fields(v)
	case []any:
		var out []string
		for _, s := range v {
			if str, ok := s.(string); ok {
				out = append(out, str)
			}
		}
		return out
	}
	return nil
}

// ClaimString renders a claim as requestContext.authorizer.jwt.claims carries it: a string. Strings
// stay as they are, integral numbers are written in decimal ("exp": "1787996002", never 1.787996002e9),
// booleans as true or false. A list becomes its items separated by spaces in brackets,
// "[admin poweruser]": not documented, but how AWS's own sample code reads array claims of an HTTP API
// JWT authorizer ("API Gateway HTTP API JWT authorizer serializes array claims as bracketed
// space-separated strings", github.com/aws-solutions-library-samples/guidance-for-claude-code-with-amazon-bedrock/pull/803).
// An object claim becomes its JSON text (no source found).
func ClaimString(v any) string {
	switch v := v.(type) {
	case []any:
		parts := make([]string, len(v))
		for i, item := range v {
			parts[i] = ClaimString(item)
		}
		return "[" + strings.Join(parts, " ") + "]"
	case string:
		return v
	case bool:
		return strconv.FormatBool(v)
	case float64:
		if v == math.Trunc(v) && math.Abs(v) < 1e18 {
			return strconv.FormatInt(int64(v), 10)
		}
		return strconv.FormatFloat(v, 'f', -1, 64)
	}
	b, _ := json.Marshal(v)
	return string(b)
}
