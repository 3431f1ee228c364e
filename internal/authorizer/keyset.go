package authorizer

import (
	"context"

	"github.com/go-jose/go-jose/v4"
)

// KeySet returns the JSON Web Key Set of src as the engine keeps it: a JWKS file, a JWKS URL (fetched
// once and kept; refresh fetches it again, at most once a minute, for a token naming a key the set
// does not hold), or, for the zero JWKSSource, the public key of the local development key in
// Options.DevKeyDir. Other authorizer engines (HTTP API JWT authorizers) verify tokens with it.
func (e *Engine) KeySet(ctx context.Context, src JWKSSource, refresh bool) (*jose.JSONWebKeySet, error) {
	return e.keys.keys(ctx, src, e.devKeyDir(), refresh)
}
