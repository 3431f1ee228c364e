package apigateway_test

import (
	"errors"
	"path/filepath"
	"testing"

	"github.com/stelvio-go/stelvio"
	"github.com/stelvio-go/stelvio/aws/apigateway"
	"github.com/stelvio-go/stelvio/internal/route"
)

const pool = apigateway.UserPoolARN("arn:aws:cognito-idp:us-east-1:123456789012:userpool/us-east-1_AbCdEf123")

// TestDevJWKS: a Cognito authorizer's DevJWKS reaches the authorizer dev runs (a project file as an
// absolute path, a URL as it is); a file outside the project, a missing file, or a JWKS on an authorizer
// that is not Cognito's is refused.
func TestDevJWKS(t *testing.T) {
	dir, _ := project(t)
	write(t, filepath.Join(dir, "keys", "jwks.json"), `{"keys":[]}`)
	for _, tt := range []struct{ jwks, file, url string }{
		{"keys/jwks.json", filepath.Join(dir, "keys", "jwks.json"), ""},
		{"https://cognito-idp.us-east-1.amazonaws.com/us-east-1_AbCdEf123/.well-known/jwks.json", "", "https://cognito-idp.us-east-1.amazonaws.com/us-east-1_AbCdEf123/.well-known/jwks.json"},
	} {
		table := mustLoad(t, dir, func(ctx *stelvio.Context) {
			api := apigateway.New(ctx, "shop")
			api.Route("GET", "/me", users).Auth(api.CognitoAuthorizer("users", pool, apigateway.DevJWKS(tt.jwks)))
		})
		got := table.Apis[0].Authorizers[0].JWKS
		if got.File != tt.file || got.URL != tt.url {
			t.Errorf("DevJWKS(%q): JWKS %+v, want file %q url %q", tt.jwks, got, tt.file, tt.url)
		}
	}
	for _, tt := range []struct {
		name string
		run  func(ctx *stelvio.Context)
		want string
	}{
		{"outside", func(ctx *stelvio.Context) {
			api := apigateway.New(ctx, "shop")
			api.Route("GET", "/me", users).Auth(api.CognitoAuthorizer("users", pool, apigateway.DevJWKS("../jwks.json")))
		}, `JWKS file "../jwks.json" is outside the project; give a path relative to the project directory`},
		{"missing", func(ctx *stelvio.Context) {
			api := apigateway.New(ctx, "shop")
			api.Route("GET", "/me", users).Auth(api.CognitoAuthorizer("users", pool, apigateway.DevJWKS("keys/none.json")))
		}, `JWKS file keys/none.json not found in the project`},
		{"not cognito", func(ctx *stelvio.Context) {
			api := apigateway.New(ctx, "shop")
			api.Route("GET", "/me", users).Auth(api.TokenAuthorizer("tokens", users, apigateway.DevJWKS("keys/jwks.json")))
		}, `only Cognito authorizers verify tokens with a JWKS; remove apigateway.DevJWKS`},
	} {
		t.Run(tt.name, func(t *testing.T) {
			_, err := load(dir, true, tt.run)
			var ps route.Problems
			if !errors.As(err, &ps) || len(ps) != 1 || ps[0].Message != tt.want {
				t.Errorf("error %v, want one problem %q", err, tt.want)
			}
		})
	}
}
