package authorizer

import (
	"context"
	"crypto/rand"
	"crypto/rsa"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/go-jose/go-jose/v4"
	"github.com/go-jose/go-jose/v4/jwt"
)

const testPool = "us-east-1_AbC123"

// A Cognito user pool authorizer verifies the token itself: signature by a key of the pool (RS256),
// exp, iss = https://cognito-idp.{region}.amazonaws.com/{userPoolId}, and the kind of token — an ID
// token for a method without scopes, an access token holding one of the method's scopes otherwise.
// Anything else is 401 {"message":"Unauthorized"}.
// https://docs.aws.amazon.com/cognito/latest/developerguide/amazon-cognito-user-pools-using-tokens-verifying-a-jwt.html
// https://docs.aws.amazon.com/apigateway/latest/developerguide/apigateway-integrate-with-cognito.html
// https://repost.aws/knowledge-center/api-gateway-cognito-401-unauthorized ("If you didn't set up
// scopes on the API Gateway method, then you must use a valid ID token. If you set up additional
// scopes ..., then you must use a valid access token.")
func TestCognito(t *testing.T) {
	dir := t.TempDir()
	clk := newClock()
	e := NewEngine(Options{Now: clk.Now, DevKeyDir: dir})
	cfg := &Config{Name: "users", Kind: KindCognito, UserPoolID: testPool}
	otherKey, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	devMint := func(o MintOptions) string {
		o.UserPoolID = testPool
		if o.Now.IsZero() {
			o.Now = clk.Now()
		}
		tok, err := MintDevToken(dir, o)
		if err != nil {
			t.Fatal(err)
		}
		return tok
	}
	otherMint, err := mint(otherKey, cfg.Issuer(), MintOptions{Now: clk.Now()})
	if err != nil {
		t.Fatal(err)
	}
	hsSigner, err := jose.NewSigner(jose.SigningKey{Algorithm: jose.HS256, Key: []byte("0123456789abcdef0123456789abcdef")}, nil)
	if err != nil {
		t.Fatal(err)
	}
	hsToken, err := jwt.Signed(hsSigner).Claims(map[string]any{"iss": cfg.Issuer(), "token_use": "id", "exp": clk.Now().Add(time.Hour).Unix()}).Serialize()
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name   string
		header string
		scopes []string
		ok     bool
	}{
		{"HS256 token", hsToken, nil, false},
		{"ID token", devMint(MintOptions{}), nil, true},
		{"ID token with Bearer prefix", "Bearer " + devMint(MintOptions{}), nil, true},
		{"no token", "", nil, false},
		{"garbage", "not-a-jwt", nil, false},
		{"expired", devMint(MintOptions{Now: clk.Now().Add(-2 * time.Hour)}), nil, false},
		{"wrong issuer", devMint(MintOptions{Claims: map[string]any{"iss": "https://cognito-idp.us-east-1.amazonaws.com/us-east-1_Other"}}), nil, false},
		{"signed by another key", otherMint, nil, false},
		{"access token where an ID token is needed", devMint(MintOptions{Access: true, Scopes: []string{"api/read"}}), nil, false},
		{"ID token where scopes are needed", devMint(MintOptions{}), []string{"api/read"}, false},
		{"access token with the scope", devMint(MintOptions{Access: true, Scopes: []string{"openid", "api/read"}}), []string{"api/write", "api/read"}, true},
		{"access token missing the scope", devMint(MintOptions{Access: true, Scopes: []string{"api/write"}}), []string{"api/read"}, false},
		{"no exp", devMint(MintOptions{Claims: map[string]any{"exp": nil}}), nil, false},
		// With a validation expression, aud must match it (as a whole).
		{"aud matching the validation expression", devMint(MintOptions{ClientID: "web-client"}), []string{"validate"}, true},
		{"aud not matching the validation expression", devMint(MintOptions{ClientID: "mobile-client"}), []string{"validate"}, false},
		{"aud matching in part only", devMint(MintOptions{ClientID: "web-client-2"}), []string{"validate"}, false},
	}
	validating := *cfg
	validating.ValidationExpression = "web-[a-z]+"
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			req := newRequest("GET", "/users/42", http.Header{"Authorization": {tt.header}})
			req.Scopes = tt.scopes
			c := cfg
			if slices.Equal(tt.scopes, []string{"validate"}) {
				c, req.Scopes = &validating, nil
			}
			res := e.Authorize(context.Background(), c, req, nil)
			if !tt.ok {
				wantAnswer(t, res.Answer, 401, bodyUnauthorized, "UnauthorizedException")
				return
			}
			if res.Answer != nil {
				t.Fatalf("answer %d %s, want the request allowed", res.Answer.Status, res.Answer.Body)
			}
			claims, _ := res.Authorizer["claims"].(map[string]any)
			if claims["iss"] != cfg.Issuer() || claims["cognito:username"] == nil && claims["username"] == nil {
				t.Errorf("claims = %v", claims)
			}
		})
	}
}

// The handler sees requestContext.authorizer.claims with every claim as a string, exp and iat as
// dates: "auth_time": "1573022214", "exp": "Wed Nov 06 07:36:54 UTC 2019".
// https://note.kiriukun.com/entry/20191106-get-cognito-userpool-claims-in-lambda
func TestCognitoClaims(t *testing.T) {
	dir := t.TempDir()
	clk := newClock()
	e := NewEngine(Options{Now: clk.Now, DevKeyDir: dir})
	cfg := &Config{Name: "users", Kind: KindCognito, UserPoolID: testPool, TokenHeader: "X-Id-Token"}
	tok, err := MintDevToken(dir, MintOptions{UserPoolID: testPool, Now: clk.Now(), Subject: "sub-1", Username: "jane",
		ClientID: "client-1", Claims: map[string]any{"email": "jane@example.com", "email_verified": true}})
	if err != nil {
		t.Fatal(err)
	}
	res := e.Authorize(context.Background(), cfg, newRequest("GET", "/", http.Header{"X-Id-Token": {tok}}), nil)
	if res.Answer != nil {
		t.Fatalf("answer %d %s", res.Answer.Status, res.Answer.Body)
	}
	claims := res.Authorizer["claims"].(map[string]any)
	iat := clk.Now().Unix()
	want := map[string]any{
		"sub": "sub-1", "iss": "https://cognito-idp.us-east-1.amazonaws.com/us-east-1_AbC123", "aud": "client-1",
		"token_use": "id", "cognito:username": "jane", "email": "jane@example.com", "email_verified": "true",
		"iat": "Fri Nov 27 12:00:00 UTC 2026", "auth_time": jsonNum(iat), "exp": "Fri Nov 27 13:00:00 UTC 2026",
	}
	delete(claims, "jti")
	for k, v := range want {
		if claims[k] != v {
			t.Errorf("claims[%q] = %#v, want %#v", k, claims[k], v)
		}
	}
	if len(claims) != len(want) {
		t.Errorf("claims = %v", claims)
	}
}

func jsonNum(n int64) string {
	b, _ := json.Marshal(n)
	return string(b)
}

// The development key is made once, kept 0600, and reused.
func TestDevKey(t *testing.T) {
	dir := filepath.Join(t.TempDir(), ".stelvio")
	k1, err := LoadOrCreateDevKey(dir)
	if err != nil {
		t.Fatal(err)
	}
	fi, err := os.Stat(filepath.Join(dir, DevKeyFile))
	if err != nil {
		t.Fatal(err)
	}
	if fi.Mode().Perm() != 0o600 {
		t.Errorf("key file mode %v, want 0600", fi.Mode().Perm())
	}
	k2, err := LoadOrCreateDevKey(dir)
	if err != nil {
		t.Fatal(err)
	}
	if !k1.Equal(k2) {
		t.Error("a second load made a new key")
	}
	entries, _ := os.ReadDir(dir)
	if len(entries) != 1 {
		t.Errorf("dir holds %d files, want only the key", len(entries))
	}
	if err := os.WriteFile(filepath.Join(dir, DevKeyFile), []byte("junk"), 0o600); err != nil {
		t.Fatal(err)
	}
	_, err = LoadOrCreateDevKey(dir)
	if want := "read development key " + filepath.Join(dir, DevKeyFile) + ": no PEM block; delete the file to make a new key"; err == nil || err.Error() != want {
		t.Errorf("error = %v, want %q", err, want)
	}
}

func TestMintRejectsBadPool(t *testing.T) {
	_, err := MintDevToken(t.TempDir(), MintOptions{UserPoolID: "pool"})
	want := `mint token: authorizer "mint": user pool id "pool" is not of the form REGION_ID ("us-east-1_AbCdEf123")`
	if err == nil || err.Error() != want {
		t.Errorf("error = %v, want %q", err, want)
	}
}

// A configured JWKS is honoured: a file, or a URL fetched once and kept (fetched again for an unknown
// key id, at most once a minute).
func TestJWKSSources(t *testing.T) {
	clk := newClock()
	key, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	set, _ := json.Marshal(jose.JSONWebKeySet{Keys: []jose.JSONWebKey{publicJWK(key)}})
	tok, err := mint(key, "https://cognito-idp.us-east-1.amazonaws.com/"+testPool, MintOptions{Now: clk.Now()})
	if err != nil {
		t.Fatal(err)
	}
	devTok, err := MintDevToken(t.TempDir(), MintOptions{UserPoolID: testPool, Now: clk.Now()})
	if err != nil {
		t.Fatal(err)
	}

	file := filepath.Join(t.TempDir(), "jwks.json")
	if err := os.WriteFile(file, set, 0o644); err != nil {
		t.Fatal(err)
	}
	var fetches atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		fetches.Add(1)
		if r.URL.Path != "/us-east-1_AbC123/.well-known/jwks.json" {
			http.NotFound(w, r)
			return
		}
		w.Write(set)
	}))
	defer srv.Close()

	for _, src := range []JWKSSource{{File: file}, {URL: srv.URL + "/us-east-1_AbC123/.well-known/jwks.json"}} {
		e := NewEngine(Options{Now: clk.Now, DevKeyDir: t.TempDir()})
		cfg := &Config{Name: "users", Kind: KindCognito, UserPoolID: testPool, JWKS: src}
		for range 3 {
			if res := e.Authorize(context.Background(), cfg, newRequest("GET", "/", http.Header{"Authorization": {tok}}), nil); res.Answer != nil {
				t.Fatalf("%+v: answer %d %s", src, res.Answer.Status, res.Answer.Body)
			}
		}
		// The development key is not in the configured set: a URL is fetched again (not within a minute
		// of the last fetch), and the token still fails.
		wantAnswer(t, e.Authorize(context.Background(), cfg, newRequest("GET", "/", http.Header{"Authorization": {devTok}}), nil).Answer,
			401, bodyUnauthorized, "UnauthorizedException")
		clk.advance(2 * time.Minute)
		wantAnswer(t, e.Authorize(context.Background(), cfg, newRequest("GET", "/", http.Header{"Authorization": {devTok}}), nil).Answer,
			401, bodyUnauthorized, "UnauthorizedException")
	}
	// One fetch for the three good tokens; the unknown key id of the development token refetches once.
	if n := fetches.Load(); n != 2 {
		t.Errorf("JWKS fetched %d times, want 2", n)
	}

	// A key set that cannot be had makes the authorizer fail: 500.
	var log strings.Builder
	e := NewEngine(Options{Now: clk.Now, Log: &log})
	cfg := &Config{Name: "users", Kind: KindCognito, UserPoolID: testPool, JWKS: JWKSSource{URL: srv.URL + "/missing"}}
	wantAnswer(t, e.Authorize(context.Background(), cfg, newRequest("GET", "/", http.Header{"Authorization": {tok}}), nil).Answer,
		500, bodyNull, "AuthorizerConfigurationException")
	if !strings.Contains(log.String(), "status 404 Not Found") {
		t.Errorf("log = %q", log.String())
	}
}
