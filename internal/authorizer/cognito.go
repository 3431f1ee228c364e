package authorizer

import (
	"context"
	"crypto"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"encoding/base64"
	"encoding/json"
	"encoding/pem"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/go-jose/go-jose/v4"
	"github.com/go-jose/go-jose/v4/jwt"
)

// DevKeyFile is the file, in Options.DevKeyDir, holding the local development RSA key that signs the
// tokens of MintDevToken and verifies them when a Cognito authorizer has no JWKS configured.
const DevKeyFile = "dev-jwt-key.pem"

// JWKSSource is where a Cognito authorizer finds its user pool's public keys (a JSON Web Key Set).
// The zero value means the local development key. On AWS the keys are at
// {issuer}/.well-known/jwks.json.
// https://docs.aws.amazon.com/cognito/latest/developerguide/amazon-cognito-user-pools-using-tokens-verifying-a-jwt.html
type JWKSSource struct {
	// File is a JWKS file.
	File string
	// URL is fetched once and kept; fetched again when a token names a key it does not hold.
	URL string
}

func (s JWKSSource) zero() bool { return s.File == "" && s.URL == "" }

// keyStore holds the key sets of the Cognito authorizers.
type keyStore struct {
	opts Options
	mu   sync.Mutex
	sets map[JWKSSource]*jose.JSONWebKeySet
	// fetched records when a URL was last fetched, so that unknown key ids do not cause a fetch each.
	fetched map[string]time.Time
}

func newKeyStore(opts Options) *keyStore {
	return &keyStore{opts: opts, sets: map[JWKSSource]*jose.JSONWebKeySet{}, fetched: map[string]time.Time{}}
}

func (e *Engine) devKeyDir() string {
	if e.opts.DevKeyDir == "" {
		return ".stelvio"
	}
	return e.opts.DevKeyDir
}

// keys returns the key set of src, loading it on first use; refresh fetches a URL again (at most once
// a minute).
func (k *keyStore) keys(ctx context.Context, src JWKSSource, devDir string, refresh bool) (*jose.JSONWebKeySet, error) {
	k.mu.Lock()
	defer k.mu.Unlock()
	if set, ok := k.sets[src]; ok && !(refresh && src.URL != "" && k.opts.Now().Sub(k.fetched[src.URL]) > time.Minute) {
		return set, nil
	}
	var set *jose.JSONWebKeySet
	var err error
	switch {
	case src.File != "":
		set, err = readJWKSFile(src.File)
	case src.URL != "":
		set, err = fetchJWKS(ctx, k.opts.HTTPClient, src.URL)
		k.fetched[src.URL] = k.opts.Now()
	default:
		var key *rsa.PrivateKey
		key, err = LoadOrCreateDevKey(devDir)
		if err == nil {
			set = &jose.JSONWebKeySet{Keys: []jose.JSONWebKey{publicJWK(key)}}
		}
	}
	if err != nil {
		return nil, err
	}
	k.sets[src] = set
	return set, nil
}

func readJWKSFile(path string) (*jose.JSONWebKeySet, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("read JWKS: %w", err)
	}
	var set jose.JSONWebKeySet
	if err := json.Unmarshal(b, &set); err != nil {
		return nil, fmt.Errorf("read JWKS %s: %w", path, err)
	}
	return &set, nil
}

func fetchJWKS(ctx context.Context, client *http.Client, url string) (*jose.JSONWebKeySet, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		return nil, fmt.Errorf("fetch JWKS %s: %w", url, err)
	}
	resp, err := client.Do(req)
	if err != nil {
		return nil, fmt.Errorf("fetch JWKS %s: %w", url, err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
	if err != nil {
		return nil, fmt.Errorf("fetch JWKS %s: %w", url, err)
	}
	if resp.StatusCode != http.StatusOK {
		return nil, fmt.Errorf("fetch JWKS %s: status %s", url, resp.Status)
	}
	var set jose.JSONWebKeySet
	if err := json.Unmarshal(b, &set); err != nil {
		return nil, fmt.Errorf("fetch JWKS %s: %w", url, err)
	}
	return &set, nil
}

// LoadOrCreateDevKey returns the local development key kept in dir/DevKeyFile, creating the directory
// and a new 2048-bit RSA key (file mode 0600) when there is none.
func LoadOrCreateDevKey(dir string) (*rsa.PrivateKey, error) {
	path := filepath.Join(dir, DevKeyFile)
	b, err := os.ReadFile(path)
	if err == nil {
		block, _ := pem.Decode(b)
		if block == nil {
			return nil, fmt.Errorf("read development key %s: no PEM block; delete the file to make a new key", path)
		}
		parsed, err := x509.ParsePKCS8PrivateKey(block.Bytes)
		if err != nil {
			return nil, fmt.Errorf("read development key %s: %w; delete the file to make a new key", path, err)
		}
		key, ok := parsed.(*rsa.PrivateKey)
		if !ok {
			return nil, fmt.Errorf("read development key %s: not an RSA key; delete the file to make a new key", path)
		}
		return key, nil
	}
	if !errors.Is(err, fs.ErrNotExist) {
		return nil, fmt.Errorf("read development key: %w", err)
	}
	key, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		return nil, fmt.Errorf("make development key: %w", err)
	}
	der, err := x509.MarshalPKCS8PrivateKey(key)
	if err != nil {
		return nil, fmt.Errorf("make development key: %w", err)
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, fmt.Errorf("make development key: %w", err)
	}
	// Written to a temporary file and renamed, so that two processes starting at once never read half
	// a key; the first rename wins and the other process reads it back.
	tmp, err := os.CreateTemp(dir, DevKeyFile+".*")
	if err != nil {
		return nil, fmt.Errorf("make development key: %w", err)
	}
	defer os.Remove(tmp.Name())
	if err := tmp.Chmod(0o600); err != nil {
		tmp.Close()
		return nil, fmt.Errorf("make development key: %w", err)
	}
	if err := pem.Encode(tmp, &pem.Block{Type: "PRIVATE KEY", Bytes: der}); err != nil {
		tmp.Close()
		return nil, fmt.Errorf("make development key: %w", err)
	}
	if err := tmp.Close(); err != nil {
		return nil, fmt.Errorf("make development key: %w", err)
	}
	if err := os.Link(tmp.Name(), path); err != nil {
		if errors.Is(err, fs.ErrExist) {
			return LoadOrCreateDevKey(dir)
		}
		return nil, fmt.Errorf("make development key: %w", err)
	}
	return key, nil
}

// publicJWK is the public half of key, with a key id derived from it (its RFC 7638 thumbprint).
func publicJWK(key *rsa.PrivateKey) jose.JSONWebKey {
	jwk := jose.JSONWebKey{Key: &key.PublicKey, Algorithm: string(jose.RS256), Use: "sig"}
	thumb, _ := jwk.Thumbprint(crypto.SHA256)
	jwk.KeyID = base64.RawURLEncoding.EncodeToString(thumb)
	return jwk
}

// DevJWKS is the JWKS of the local development key in dir (creating the key when there is none):
// what a tool other than the local server needs to verify the tokens of MintDevToken.
func DevJWKS(dir string) ([]byte, error) {
	key, err := LoadOrCreateDevKey(dir)
	if err != nil {
		return nil, err
	}
	return json.Marshal(jose.JSONWebKeySet{Keys: []jose.JSONWebKey{publicJWK(key)}})
}

// MintOptions describe a token made by MintDevToken.
type MintOptions struct {
	// UserPoolID makes the issuer; required.
	UserPoolID string
	// Subject is sub; a fixed development id when empty.
	Subject string
	// Username is cognito:username (ID token) or username (access token); "dev-user" when empty.
	Username string
	// ClientID is aud (ID token) or client_id (access token); "stelvio-dev-client" when empty.
	ClientID string
	// Access makes an access token (token_use "access") carrying Scopes; otherwise an ID token.
	Access bool
	Scopes []string
	// Groups is cognito:groups.
	Groups []string
	// Claims are added last (and win), e.g. email.
	Claims map[string]any
	// TTL is the lifetime; one hour (Cognito's default) when zero.
	TTL time.Duration
	// Now is the issue time; time.Now when zero.
	Now time.Time
}

// MintDevToken signs a Cognito-shaped JWT with the local development key in dir: the token the
// `stelvio token` command prints for calling a local API that has a Cognito authorizer.
// https://docs.aws.amazon.com/cognito/latest/developerguide/amazon-cognito-user-pools-using-the-id-token.html
// https://docs.aws.amazon.com/cognito/latest/developerguide/amazon-cognito-user-pools-using-the-access-token.html
func MintDevToken(dir string, o MintOptions) (string, error) {
	cfg := Config{Name: "mint", Kind: KindCognito, UserPoolID: o.UserPoolID}
	if errs := cfg.Validate(); len(errs) > 0 {
		return "", fmt.Errorf("mint token: %w", errs[0])
	}
	key, err := LoadOrCreateDevKey(dir)
	if err != nil {
		return "", fmt.Errorf("mint token: %w", err)
	}
	return mint(key, cfg.Issuer(), o)
}

func mint(key *rsa.PrivateKey, issuer string, o MintOptions) (string, error) {
	now := o.Now
	if now.IsZero() {
		now = time.Now()
	}
	ttl := o.TTL
	if ttl == 0 {
		ttl = time.Hour
	}
	sub := o.Subject
	if sub == "" {
		sub = "00000000-0000-4000-8000-00000000dev0"
	}
	username := o.Username
	if username == "" {
		username = "dev-user"
	}
	client := o.ClientID
	if client == "" {
		client = "stelvio-dev-client"
	}
	claims := map[string]any{
		"sub":       sub,
		"iss":       issuer,
		"iat":       now.Unix(),
		"auth_time": now.Unix(),
		"exp":       now.Add(ttl).Unix(),
		"jti":       fmt.Sprintf("dev-%d", now.UnixNano()),
	}
	if o.Access {
		claims["token_use"] = "access"
		claims["client_id"] = client
		claims["username"] = username
		claims["scope"] = strings.Join(o.Scopes, " ")
	} else {
		claims["token_use"] = "id"
		claims["aud"] = client
		claims["cognito:username"] = username
	}
	if len(o.Groups) > 0 {
		claims["cognito:groups"] = o.Groups
	}
	for k, v := range o.Claims {
		claims[k] = v
	}
	jwk := publicJWK(key)
	signer, err := jose.NewSigner(jose.SigningKey{Algorithm: jose.RS256, Key: key},
		(&jose.SignerOptions{}).WithType("JWT").WithHeader("kid", jwk.KeyID))
	if err != nil {
		return "", fmt.Errorf("mint token: %w", err)
	}
	tok, err := jwt.Signed(signer).Claims(claims).Serialize()
	if err != nil {
		return "", fmt.Errorf("mint token: %w", err)
	}
	return tok, nil
}

// cognitoClaims are the claims checked by the authorizer.
type cognitoClaims struct {
	jwt.Claims
	TokenUse string `json:"token_use"`
	Scope    string `json:"scope"`
}

// authorizeCognito verifies a Cognito user pool token: an RS256 signature by a key of the pool, not
// expired, issued by the pool, and of the right kind — with no scopes on the method an ID token, with
// scopes an access token carrying one of them. Anything else is 401 {"message":"Unauthorized"}.
// https://docs.aws.amazon.com/apigateway/latest/developerguide/apigateway-integrate-with-cognito.html
// https://repost.aws/knowledge-center/api-gateway-cognito-401-unauthorized
func (e *Engine) authorizeCognito(ctx context.Context, cfg *Config, req *Request) Result {
	raw := req.HTTP.Header.Get(cfg.tokenHeader())
	raw = strings.TrimPrefix(raw, "Bearer ")
	if raw == "" {
		return Result{Answer: Unauthorized()}
	}
	claims, all, err := e.verifyCognito(ctx, cfg, raw)
	if err != nil {
		e.logf("authorizer %q: token refused: %v", cfg.Name, err)
		var keyErr *keySetError
		if errors.As(err, &keyErr) {
			return Result{Answer: ConfigurationError()}
		}
		return Result{Answer: Unauthorized()}
	}
	if cfg.ValidationExpression != "" {
		aud, _ := all["aud"].(string)
		if !matchesWhole(cfg.ValidationExpression, aud) {
			e.logf("authorizer %q: token refused: aud %q does not match the validation expression", cfg.Name, aud)
			return Result{Answer: Unauthorized()}
		}
	}
	if len(req.Scopes) == 0 {
		if claims.TokenUse != "id" {
			e.logf("authorizer %q: token refused: token_use is %q; a method without scopes takes an ID token", cfg.Name, claims.TokenUse)
			return Result{Answer: Unauthorized()}
		}
	} else {
		if claims.TokenUse != "access" {
			e.logf("authorizer %q: token refused: token_use is %q; a method with scopes takes an access token", cfg.Name, claims.TokenUse)
			return Result{Answer: Unauthorized()}
		}
		granted := strings.Fields(claims.Scope)
		if !slices.ContainsFunc(req.Scopes, func(s string) bool { return slices.Contains(granted, s) }) {
			e.logf("authorizer %q: token refused: scopes %q hold none of the method's %q", cfg.Name, granted, req.Scopes)
			return Result{Answer: Unauthorized()}
		}
	}
	stringified := make(map[string]any, len(all))
	for k, v := range all {
		stringified[k] = claimString(k, v)
	}
	return Result{Authorizer: map[string]any{"claims": stringified}}
}

// keySetError is a failure to load the pool's keys: the authorizer cannot work (500), whatever the
// token.
type keySetError struct{ err error }

func (e *keySetError) Error() string { return e.err.Error() }
func (e *keySetError) Unwrap() error { return e.err }

func (e *Engine) verifyCognito(ctx context.Context, cfg *Config, raw string) (*cognitoClaims, map[string]any, error) {
	tok, err := jwt.ParseSigned(raw, []jose.SignatureAlgorithm{jose.RS256})
	if err != nil {
		return nil, nil, fmt.Errorf("parse: %w", err)
	}
	kid := ""
	if len(tok.Headers) > 0 {
		kid = tok.Headers[0].KeyID
	}
	set, err := e.keys.keys(ctx, cfg.JWKS, e.devKeyDir(), false)
	if err != nil {
		return nil, nil, &keySetError{err}
	}
	found := set.Key(kid)
	if len(found) == 0 && cfg.JWKS.URL != "" {
		if set, err = e.keys.keys(ctx, cfg.JWKS, e.devKeyDir(), true); err != nil {
			return nil, nil, &keySetError{err}
		}
		found = set.Key(kid)
	}
	if len(found) == 0 {
		return nil, nil, fmt.Errorf("no key %q in the user pool's key set", kid)
	}
	var claims cognitoClaims
	var all map[string]any
	if err := tok.Claims(found[0].Key, &claims, &all); err != nil {
		return nil, nil, fmt.Errorf("signature: %w", err)
	}
	if err := claims.ValidateWithLeeway(jwt.Expected{Issuer: cfg.Issuer(), Time: e.opts.Now()}, 0); err != nil {
		return nil, nil, fmt.Errorf("claims (iss %q, want %q): %w", claims.Issuer, cfg.Issuer(), err)
	}
	if claims.Expiry == nil {
		return nil, nil, errors.New("no exp claim")
	}
	return &claims, all, nil
}

// claimDateLayout is how the claims passed to the handler render exp and iat: Java's Date.toString in
// UTC, "Wed Nov 06 07:36:54 UTC 2019" (auth_time stays a decimal string). Not documented; the shape
// of requestContext.authorizer.claims in a REST proxy event:
// https://note.kiriukun.com/entry/20191106-get-cognito-userpool-claims-in-lambda
const claimDateLayout = "Mon Jan 02 15:04:05 UTC 2006"

// claimString renders a claim as API Gateway passes claims on, as strings. Numbers keep their decimal
// form, exp and iat become dates; lists and objects are passed as JSON text.
func claimString(name string, v any) string {
	if n, ok := v.(float64); ok && (name == "exp" || name == "iat") {
		return time.Unix(int64(n), 0).UTC().Format(claimDateLayout)
	}
	switch v := v.(type) {
	case string:
		return v
	case bool:
		if v {
			return "true"
		}
		return "false"
	case float64:
		b, _ := json.Marshal(v)
		return string(b)
	default:
		b, _ := json.Marshal(v)
		return string(b)
	}
}
