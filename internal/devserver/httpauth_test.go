package devserver

import (
	"bytes"
	"context"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"
	"github.com/go-jose/go-jose/v4"
	"github.com/go-jose/go-jose/v4/jwt"

	"github.com/stelvio-go/stelvio/internal/authorizer"
	"github.com/stelvio-go/stelvio/internal/route"
)

// jwksServer serves a JWKS on 127.0.0.1 whose keys the test can change, counting the fetches.
type jwksServer struct {
	*httptest.Server
	mu      sync.Mutex
	set     jose.JSONWebKeySet
	fetches atomic.Int32
}

func newJWKSServer(t *testing.T) *jwksServer {
	j := &jwksServer{}
	j.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		j.fetches.Add(1)
		j.mu.Lock()
		defer j.mu.Unlock()
		json.NewEncoder(w).Encode(j.set) //nolint:errcheck // The test reads the answer.
	}))
	t.Cleanup(j.Close)
	return j
}

func (j *jwksServer) serve(keys map[string]*rsa.PrivateKey) {
	j.mu.Lock()
	defer j.mu.Unlock()
	j.set = jose.JSONWebKeySet{}
	for kid, k := range keys {
		j.set.Keys = append(j.set.Keys, jose.JSONWebKey{Key: &k.PublicKey, KeyID: kid, Algorithm: "RS256", Use: "sig"})
	}
}

func rsaKey(t *testing.T) *rsa.PrivateKey {
	t.Helper()
	k, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	return k
}

func signToken(t *testing.T, key *rsa.PrivateKey, kid, iss, aud string) string {
	t.Helper()
	signer, err := jose.NewSigner(jose.SigningKey{Algorithm: jose.RS256, Key: key}, (&jose.SignerOptions{}).WithType("JWT").WithHeader("kid", kid))
	if err != nil {
		t.Fatal(err)
	}
	now := time.Now()
	tok, err := jwt.Signed(signer).Claims(map[string]any{"iss": iss, "aud": aud, "sub": "user-" + kid, "iat": now.Unix() - 5, "exp": now.Add(time.Hour).Unix()}).Serialize()
	if err != nil {
		t.Fatal(err)
	}
	return tok
}

const httpAuthIssuer = "https://issuer.example.com"

// cognitoPool is the user pool of the "file" and "dev" authorizers: the token command's tokens (signed
// with the local development key) name its issuer and the client "stelvio-dev-client".
const cognitoPool = "us-east-1_AbCdEf123"

// httpAuthApp is an app with a REST API and an HTTP API "web" (so that the HTTP API is mounted under
// /web) whose routes use IAM authorization and JWT authorizers with a JWKS file and a JWKS URL.
func httpAuthApp(t *testing.T, fileKey *rsa.PrivateKey, jwksURL string) (*route.Table, string) {
	t.Helper()
	dir := t.TempDir()
	set := jose.JSONWebKeySet{Keys: []jose.JSONWebKey{{Key: &fileKey.PublicKey, KeyID: "file-1", Algorithm: "RS256", Use: "sig"}}}
	jwks, _ := json.Marshal(set)
	files := map[string]string{
		"functions/rest.py": "def hello(event, context):\n    return {\"statusCode\": 200, \"body\": \"rest\"}\n",
		"functions/who.py": `def iam(event, context):
    i = event["requestContext"]["authorizer"]["iam"]
    return {"statusCode": 200, "body": " ".join([i["accessKey"], i["accountId"], i["callerId"], i["userArn"], i["userId"], i["principalOrgId"] or "-"])}

def me(event, context):
    return {"statusCode": 200, "body": event["requestContext"]["authorizer"]["jwt"]["claims"]["sub"]}
`,
		"keys/jwks.json": string(jwks),
	}
	for name, src := range files {
		p := filepath.Join(dir, name)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(src), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	path := func(p string) route.Path {
		parsed, err := route.ParsePath(p)
		if err != nil {
			t.Fatal(err)
		}
		return parsed
	}
	web := &route.HTTPApiDecl{Name: "web"}
	iam := &route.HTTPAuthorizerDecl{Api: web, Name: "iam", Kind: route.HTTPAuthIAM}
	poolIssuer := "https://cognito-idp.us-east-1.amazonaws.com/" + cognitoPool
	file := &route.HTTPAuthorizerDecl{Api: web, Name: "file", Kind: route.HTTPAuthJWT, Issuer: poolIssuer, Audience: []string{"stelvio-dev-client"},
		IdentitySources: []string{"$request.header.Authorization"}, UserPoolID: cognitoPool, DevJWKS: "keys/jwks.json"}
	dev := &route.HTTPAuthorizerDecl{Api: web, Name: "dev", Kind: route.HTTPAuthJWT, Issuer: poolIssuer, Audience: []string{"stelvio-dev-client"},
		IdentitySources: []string{"$request.header.Authorization"}, UserPoolID: cognitoPool}
	remote := &route.HTTPAuthorizerDecl{Api: web, Name: "remote", Kind: route.HTTPAuthJWT, Issuer: httpAuthIssuer, Audience: []string{"client-1"},
		IdentitySources: []string{"$request.header.Authorization"}, DevJWKS: jwksURL}
	web.Authorizers = []*route.HTTPAuthorizerDecl{iam, file, remote, dev}
	web.Routes = []*route.HTTPRouteDecl{
		{Key: "POST /orders", KeyOK: true, Method: "POST", Path: path("/orders"), Handler: "functions/who.iam", Authorizer: iam},
		{Key: "GET /me", KeyOK: true, Method: "GET", Path: path("/me"), Handler: "functions/who.me", Authorizer: file},
		{Key: "GET /remote", KeyOK: true, Method: "GET", Path: path("/remote"), Handler: "functions/who.me", Authorizer: remote},
		{Key: "GET /dev", KeyOK: true, Method: "GET", Path: path("/dev"), Handler: "functions/who.me", Authorizer: dev},
	}
	d := &route.Decls{
		Apis:     []*route.ApiDecl{{Name: "rest", Routes: []*route.RouteDecl{{Methods: "GET", Path: "/hello", Handler: "functions/rest.hello"}}}},
		HTTPApis: []*route.HTTPApiDecl{web},
	}
	table, err := route.Build(d, "mixed", "dev", dir)
	if err != nil {
		t.Fatal(err)
	}
	return table, dir
}

func (ts *testServer) send(t *testing.T, req *http.Request) response {
	t.Helper()
	resp, err := (&http.Client{Timeout: 90 * time.Second}).Do(req)
	if err != nil {
		t.Fatalf("%s %s: %v", req.Method, req.URL, err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return response{resp.StatusCode, resp.Header, string(b)}
}

// HTTP API authorization under dev: IAM authorization checks Signature Version 4 signatures with the
// developer's credentials, as for REST APIs (the HTTP API guide documents no answers of its own: "IAM
// authorization for HTTP APIs is similar to that for REST APIs",
// https://docs.aws.amazon.com/apigateway/latest/developerguide/http-api-access-control-iam.html), over
// the path the client signed (the API is mounted under /web); JWT authorizers verify tokens with
// their DevJWKS file or URL instead of the local development key.
func TestHTTPAPIAuthorization(t *testing.T) {
	if testing.Short() {
		t.Skip("runs Python handlers")
	}
	fileKey, urlKey1, urlKey2 := rsaKey(t), rsaKey(t), rsaKey(t)
	js := newJWKSServer(t)
	js.serve(map[string]*rsa.PrivateKey{"url-1": urlKey1})
	table, dir := httpAuthApp(t, fileKey, js.URL+"/jwks.json")
	var skew atomic.Int64
	now := func() time.Time { return time.Now().Add(time.Duration(skew.Load())) }
	ts := startServer(t, table, Options{ProjectDir: dir, Authorizers: authorizer.Options{Now: now, Credentials: []authorizer.Credential{{
		AccessKeyID: "AKIDEXAMPLE", SecretAccessKey: "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY",
		AccountID: "123456789012", Caller: "AIDAEXAMPLE", User: "AIDAEXAMPLE", UserArn: "arn:aws:iam::123456789012:user/dev"}}}})

	t.Run("iam", func(t *testing.T) {
		body := []byte(`{"item":"book"}`)
		order := func(secret string) *http.Request {
			req, err := http.NewRequest("POST", ts.url+"/web/orders", bytes.NewReader(body))
			if err != nil {
				t.Fatal(err)
			}
			if secret != "" {
				sum := sha256.Sum256(body)
				err := v4.NewSigner().SignHTTP(context.Background(), aws.Credentials{AccessKeyID: "AKIDEXAMPLE", SecretAccessKey: secret},
					req, hex.EncodeToString(sum[:]), "execute-api", "us-east-1", time.Now())
				if err != nil {
					t.Fatal(err)
				}
			}
			return req
		}
		if got := ts.send(t, order("")); got.status != 403 || got.body != `{"message":"Missing Authentication Token"}` ||
			got.header.Get("X-Amzn-Errortype") != "MissingAuthenticationTokenException" {
			t.Errorf("unsigned: %d %s %v", got.status, got.body, got.header)
		}
		if got := ts.send(t, order("wrong")); got.status != 403 || got.header.Get("X-Amzn-Errortype") != "InvalidSignatureException" ||
			!bytes.HasPrefix([]byte(got.body), []byte(`{"message":"The request signature we calculated does not match the signature you provided.`)) {
			t.Errorf("badly signed: %d %s %v", got.status, got.body, got.header)
		}
		want := "AKIDEXAMPLE 123456789012 AIDAEXAMPLE arn:aws:iam::123456789012:user/dev AIDAEXAMPLE -"
		if got := ts.send(t, order("wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY")); got.status != 200 || got.body != want {
			t.Errorf("signed: %d %s, want 200 %s", got.status, got.body, want)
		}
	})

	get := func(path, token string) response {
		return ts.do(t, "GET", path, nil, "Authorization", "Bearer "+token)
	}
	t.Run("jwks file", func(t *testing.T) {
		poolIssuer := "https://cognito-idp.us-east-1.amazonaws.com/" + cognitoPool
		if got := get("/web/me", signToken(t, fileKey, "file-1", poolIssuer, "stelvio-dev-client")); got.status != 200 || got.body != "user-file-1" {
			t.Errorf("token of the JWKS file's key: %d %s", got.status, got.body)
		}
		// The token command's token (local development key) passes an authorizer without DevJWKS, and
		// no longer the one with a JWKS file.
		devToken, err := authorizer.MintDevToken(filepath.Join(dir, ".stelvio"), authorizer.MintOptions{UserPoolID: cognitoPool, Subject: "dev-sub"})
		if err != nil {
			t.Fatal(err)
		}
		if got := get("/web/dev", devToken); got.status != 200 || got.body != "dev-sub" {
			t.Errorf("development token without DevJWKS: %d %s", got.status, got.body)
		}
		if got := get("/web/me", devToken); got.status != 401 ||
			got.header.Get("Www-Authenticate") != `Bearer scope="" error="invalid_token" error_description="the token's kid does not match a key of the issuer"` {
			t.Errorf("token of the development key: %d %s %v", got.status, got.body, got.header)
		}
	})

	t.Run("jwks url", func(t *testing.T) {
		if got := get("/web/remote", signToken(t, urlKey1, "url-1", httpAuthIssuer, "client-1")); got.status != 200 || got.body != "user-url-1" {
			t.Errorf("token of the URL's key: %d %s", got.status, got.body)
		}
		if n := js.fetches.Load(); n != 1 {
			t.Errorf("%d fetches of the JWKS, want 1", n)
		}
		get("/web/remote", signToken(t, urlKey1, "url-1", httpAuthIssuer, "client-1"))
		if n := js.fetches.Load(); n != 1 {
			t.Errorf("%d fetches after a second token of a known key, want 1 (the set is kept)", n)
		}
		// The issuer rotates its keys: a token naming an unknown kid fetches the set again (at most once
		// a minute).
		js.serve(map[string]*rsa.PrivateKey{"url-1": urlKey1, "url-2": urlKey2})
		skew.Store(int64(2 * time.Minute))
		if got := get("/web/remote", signToken(t, urlKey2, "url-2", httpAuthIssuer, "client-1")); got.status != 200 || got.body != "user-url-2" {
			t.Errorf("token of the new key: %d %s", got.status, got.body)
		}
		if n := js.fetches.Load(); n != 2 {
			t.Errorf("%d fetches after an unknown kid, want 2", n)
		}
	})
}
