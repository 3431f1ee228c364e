package httpapi

import (
	"context"
	"crypto/rand"
	"crypto/rsa"
	"encoding/json"
	"fmt"
	"net/http/httptest"
	"os"
	"path/filepath"
	"reflect"
	"sync"
	"testing"
	"time"

	"github.com/go-jose/go-jose/v4"
	"github.com/go-jose/go-jose/v4/jwt"

	"github.com/stelvio-go/stelvio/internal/authorizer"
)

var (
	keyOnce          sync.Once
	testKey, evilKey *rsa.PrivateKey
)

func keys(t testing.TB) (*rsa.PrivateKey, *rsa.PrivateKey) {
	keyOnce.Do(func() {
		var err error
		if testKey, err = rsa.GenerateKey(rand.Reader, 2048); err != nil {
			panic(err)
		}
		if evilKey, err = rsa.GenerateKey(rand.Reader, 2048); err != nil {
			panic(err)
		}
	})
	return testKey, evilKey
}

const issuer = "https://issuer.example.com"

var testNow = time.Unix(1_700_000_000, 0)

// jwksFile writes the JWKS of the test key (kid "k1") and returns its path.
func jwksFile(t testing.TB) string {
	key, _ := keys(t)
	set := jose.JSONWebKeySet{Keys: []jose.JSONWebKey{{Key: &key.PublicKey, KeyID: "k1", Algorithm: "RS256", Use: "sig"}}}
	b, _ := json.Marshal(set)
	path := filepath.Join(t.TempDir(), "jwks.json")
	if err := os.WriteFile(path, b, 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

func sign(t testing.TB, key *rsa.PrivateKey, kid string, claims map[string]any) string {
	t.Helper()
	signer, err := jose.NewSigner(jose.SigningKey{Algorithm: jose.RS256, Key: key}, (&jose.SignerOptions{}).WithType("JWT").WithHeader("kid", kid))
	if err != nil {
		t.Fatal(err)
	}
	tok, err := jwt.Signed(signer).Claims(claims).Serialize()
	if err != nil {
		t.Fatal(err)
	}
	return tok
}

func claims(extra map[string]any) map[string]any {
	c := map[string]any{"iss": issuer, "aud": "client-1", "sub": "user-1", "iat": testNow.Unix() - 10, "exp": testNow.Unix() + 3600}
	for k, v := range extra {
		if v == nil {
			delete(c, k)
		} else {
			c[k] = v
		}
	}
	return c
}

// JWT authorizers: the documented validation steps and answers.
// https://docs.aws.amazon.com/apigateway/latest/developerguide/http-api-jwt-authorizer.html
// https://docs.aws.amazon.com/apigateway/latest/developerguide/http-api-troubleshooting-jwt.html
func TestAuthorizeJWT(t *testing.T) {
	good, evil := keys(t)
	a := &JWTAuthorizer{Name: "jwt", Issuer: issuer, Audience: []string{"client-1", "client-2"}, JWKS: authorizer.JWKSSource{File: jwksFile(t)}}
	engine := authorizer.NewEngine(authorizer.Options{})
	ok := sign(t, good, "k1", claims(nil))
	invalid := func(desc string) string {
		return `Bearer scope="" error="invalid_token" error_description="` + desc + `"`
	}
	cases := []struct {
		name   string
		header string
		scopes []string
		status int
		body   string
		www    string
	}{
		// Every 401 has a www-authenticate header (http-api-troubleshooting-jwt.html: "Check the
		// www-authenticate header"); without a token it names no error (RFC 6750, section 3.1), the
		// value being undocumented.
		{"no token", "", nil, 401, `{"message":"Unauthorized"}`, `Bearer scope=""`},
		{"no token on a route with scopes", "", []string{"admin", "read"}, 401, `{"message":"Unauthorized"}`, `Bearer scope="admin read"`},
		{"blank header", "   ", nil, 401, `{"message":"Unauthorized"}`, `Bearer scope=""`},
		// "The identitySource can include only the token, or the token prefixed with Bearer."
		{"token alone", ok, nil, 0, "", ""},
		{"Bearer token", "Bearer " + ok, nil, 0, "", ""},
		{"not a JWT", "Bearer abc", nil, 401, `{"message":"Unauthorized"}`, invalid("the token is not a valid JWT")},
		{"audience", sign(t, good, "k1", claims(map[string]any{"aud": "other"})), nil, 401, `{"message":"Unauthorized"}`, invalid("the token does not have a valid audience")},
		// "API Gateway validates client_id only if aud is not present."
		{"client_id without aud", sign(t, good, "k1", claims(map[string]any{"aud": nil, "client_id": "client-2"})), nil, 0, "", ""},
		{"aud wins over client_id", sign(t, good, "k1", claims(map[string]any{"aud": "other", "client_id": "client-2"})), nil, 401, `{"message":"Unauthorized"}`, invalid("the token does not have a valid audience")},
		{"issuer", sign(t, good, "k1", claims(map[string]any{"iss": "https://other"})), nil, 401, `{"message":"Unauthorized"}`, invalid("the token does not have a valid issuer")},
		{"expired", sign(t, good, "k1", claims(map[string]any{"exp": testNow.Unix()})), nil, 401, `{"message":"Unauthorized"}`, invalid("the token has expired")},
		{"no exp", sign(t, good, "k1", claims(map[string]any{"exp": nil})), nil, 401, `{"message":"Unauthorized"}`, invalid("the token has expired")},
		{"not before", sign(t, good, "k1", claims(map[string]any{"nbf": testNow.Unix() + 60})), nil, 401, `{"message":"Unauthorized"}`, invalid("the token is not valid yet")},
		{"issued in the future", sign(t, good, "k1", claims(map[string]any{"iat": testNow.Unix() + 60})), nil, 401, `{"message":"Unauthorized"}`, invalid("the token was issued in the future")},
		{"unknown kid", sign(t, good, "k2", claims(nil)), nil, 401, `{"message":"Unauthorized"}`, invalid("the token's kid does not match a key of the issuer")},
		{"forged signature", sign(t, evil, "k1", claims(nil)), nil, 401, `{"message":"Unauthorized"}`, invalid("the token signature is invalid")},
		// "The token must include at least one of the scopes in the route's authorizationScopes."
		{"scope", sign(t, good, "k1", claims(map[string]any{"scope": "read write"})), []string{"admin", "read"}, 0, "", ""},
		{"scp list", sign(t, good, "k1", claims(map[string]any{"scp": []string{"read"}})), []string{"read"}, 0, "", ""},
		{"missing scope", sign(t, good, "k1", claims(map[string]any{"scope": "write"})), []string{"admin", "read"}, 403, `{"message":"Forbidden"}`,
			`Bearer scope="admin read" error="insufficient_scope" error_description="the token does not have any of the route's scopes"`},
		{"invalid token on a route with scopes", sign(t, good, "k1", claims(map[string]any{"aud": "x"})), []string{"read"}, 401, `{"message":"Unauthorized"}`,
			`Bearer scope="read" error="invalid_token" error_description="the token does not have a valid audience"`},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			r := httptest.NewRequest("GET", "/x", nil)
			if c.header != "" {
				r.Header.Set("Authorization", c.header)
			}
			res := AuthorizeJWT(context.Background(), engine, a, r, c.scopes, testNow)
			if c.status == 0 {
				if res.Answer != nil {
					t.Fatalf("refused: %d %s (%s)", res.Answer.Status, res.Answer.Body, res.Reason)
				}
				if res.Authorizer == nil || res.Authorizer.JWT == nil || res.Authorizer.JWT.Claims["sub"] != "user-1" {
					t.Errorf("authorizer = %+v", res.Authorizer)
				}
				return
			}
			if res.Answer == nil {
				t.Fatal("not refused")
			}
			if res.Answer.Status != c.status || res.Answer.Body != c.body || res.Answer.Headers.Get("Www-Authenticate") != c.www {
				t.Errorf("got %d %s www-authenticate %q\nwant %d %s www-authenticate %q", res.Answer.Status, res.Answer.Body,
					res.Answer.Headers.Get("Www-Authenticate"), c.status, c.body, c.www)
			}
		})
	}
}

// "Backend resources, such as Lambda functions, can access the JWT claims": requestContext.authorizer.
// jwt.claims holds every claim as a string (aws-lambda-go types them map[string]string; numbers in
// decimal, as a real event's "exp": "1787996002" in github.com/DefinitelyTyped/DefinitelyTyped/pull/75458;
// lists as "[a b]", see ClaimString), jwt.scopes the
// token's scopes on a route with scopes.
func TestJWTClaimsInEvent(t *testing.T) {
	good, _ := keys(t)
	a := &JWTAuthorizer{Name: "jwt", Issuer: issuer, Audience: []string{"client-1"}, JWKS: authorizer.JWKSSource{File: jwksFile(t)}}
	tok := sign(t, good, "k1", claims(map[string]any{"scope": "read write", "email_verified": true, "groups": []string{"a", "b"}, "ratio": 0.5}))
	r := httptest.NewRequest("GET", "/x", nil)
	r.Header.Set("Authorization", "Bearer "+tok)
	res := AuthorizeJWT(context.Background(), authorizer.NewEngine(authorizer.Options{}), a, r, []string{"read"}, testNow)
	if res.Answer != nil {
		t.Fatal(res.Reason)
	}
	want := map[string]string{
		"iss": issuer, "aud": "client-1", "sub": "user-1", "iat": "1699999990", "exp": "1700003600",
		"scope": "read write", "email_verified": "true", "groups": "[a b]", "ratio": "0.5",
	}
	if !reflect.DeepEqual(res.Authorizer.JWT.Claims, want) {
		t.Errorf("claims = %v\nwant     %v", res.Authorizer.JWT.Claims, want)
	}
	if !reflect.DeepEqual(res.Authorizer.JWT.Scopes, []string{"read", "write"}) {
		t.Errorf("scopes = %v", res.Authorizer.JWT.Scopes)
	}
}

// A Cognito user pool is a JWT issuer (the documentation's example authorizer uses
// https://cognito-idp.us-east-2.amazonaws.com/userPoolID); offline, tokens minted with the local
// development key verify against it.
func TestJWTCognitoDevToken(t *testing.T) {
	dir := t.TempDir()
	now := time.Now()
	tok, err := authorizer.MintDevToken(dir, authorizer.MintOptions{UserPoolID: "us-east-2_AbC123", Access: true, Scopes: []string{"orders/read"}, Now: now})
	if err != nil {
		t.Fatal(err)
	}
	a := &JWTAuthorizer{Name: "cognito", Issuer: CognitoIssuer("us-east-2_AbC123"), Audience: []string{"stelvio-dev-client"}}
	if a.Issuer != "https://cognito-idp.us-east-2.amazonaws.com/us-east-2_AbC123" {
		t.Fatalf("issuer %q", a.Issuer)
	}
	engine := authorizer.NewEngine(authorizer.Options{DevKeyDir: dir})
	r := httptest.NewRequest("GET", "/orders", nil)
	r.Header.Set("Authorization", tok)
	res := AuthorizeJWT(context.Background(), engine, a, r, []string{"orders/read"}, now)
	if res.Answer != nil {
		t.Fatalf("refused: %s", res.Reason)
	}
	if c := res.Authorizer.JWT.Claims; c["client_id"] != "stelvio-dev-client" || c["token_use"] != "access" {
		t.Errorf("claims = %v", c)
	}
}

// TestJWTAuthorizerValidate: every problem of a JWT authorizer's settings, with its exact text. The
// issuer must be an https URL: API Gateway checks a token's "signature by using the public key that is
// fetched from the issuer's jwks_uri"
// (https://docs.aws.amazon.com/apigateway/latest/developerguide/http-api-jwt-authorizer.html), which
// the issuer's discovery document ISSUER/.well-known/openid-configuration names, and "The issuer must
// be an absolute https URL with no query string or fragment"
// (https://docs.aws.amazon.com/apigateway/latest/developerguide/rest-api-jwt-authorizer-create.html).
// A token's aud or client_id "must match one of the audience entries that's configured for the
// authorizer" (https://docs.aws.amazon.com/apigateway/latest/developerguide/http-api-troubleshooting-jwt.html):
// an empty entry matches no token.
func TestJWTAuthorizerValidate(t *testing.T) {
	many := make([]string, 51)
	for i := range many {
		many[i] = fmt.Sprintf("client-%d", i)
	}
	tests := []struct {
		name string
		a    JWTAuthorizer
		want []string
	}{
		{"valid", JWTAuthorizer{Name: "j", Issuer: "https://issuer.example.com/realms/app", Audience: []string{"c"}}, nil},
		{"Cognito", JWTAuthorizer{Name: "j", Issuer: CognitoIssuer("us-east-1_AbCdEf123"), Audience: []string{"c"}}, nil},
		{"no issuer, too many audiences, a query source", JWTAuthorizer{Name: "j", IdentitySource: "$request.querystring.token", Audience: many}, []string{
			`JWT authorizer "j": no issuer; set the issuer URL (for a Cognito user pool, https://cognito-idp.REGION.amazonaws.com/POOL_ID)`,
			`JWT authorizer "j": 51 audiences; an authorizer takes at most 50`,
			`JWT authorizer "j": identity source "$request.querystring.token": a JWT authorizer reads a header; write $request.header.NAME`,
		}},
		{"http issuer", JWTAuthorizer{Name: "j", Issuer: "http://insecure.example.com", Audience: []string{"c"}}, []string{
			`JWT authorizer "j": issuer "http://insecure.example.com" is not an https URL: API Gateway fetches the issuer's signing keys over https, from ISSUER/.well-known/openid-configuration; write https://insecure.example.com`,
		}},
		{"issuer that is no URL", JWTAuthorizer{Name: "j", Issuer: "not a url", Audience: []string{"c"}}, []string{
			`JWT authorizer "j": issuer "not a url" is not a URL; write the issuer's https URL exactly as its tokens' iss claim holds it (for a Cognito user pool, https://cognito-idp.REGION.amazonaws.com/POOL_ID)`,
		}},
		{"issuer without a scheme", JWTAuthorizer{Name: "j", Issuer: "issuer.example.com", Audience: []string{"c"}}, []string{
			`JWT authorizer "j": issuer "issuer.example.com" is not a URL; write the issuer's https URL exactly as its tokens' iss claim holds it (for a Cognito user pool, https://cognito-idp.REGION.amazonaws.com/POOL_ID)`,
		}},
		{"issuer with a query", JWTAuthorizer{Name: "j", Issuer: "https://issuer.example.com/?tenant=1", Audience: []string{"c"}}, []string{
			`JWT authorizer "j": issuer "https://issuer.example.com/?tenant=1" has a query or fragment; an issuer is an https URL without them, e.g. https://issuer.example.com`,
		}},
		{"empty audience", JWTAuthorizer{Name: "j", Issuer: issuer, Audience: []string{"c", "", " "}}, []string{
			`JWT authorizer "j": audience "" is empty; list the client ids (aud or client_id claims) it accepts, e.g. apigateway.Audience("my-app-client")`,
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var got []string
			for _, e := range tt.a.Validate() {
				got = append(got, e.Error())
			}
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("errors =\n%q\nwant\n%q", got, tt.want)
			}
		})
	}
}
