package cli

import (
	"context"
	"encoding/base64"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stelvio-go/stelvio/internal/app"
	"github.com/stelvio-go/stelvio/internal/authorizer"
	"github.com/stelvio-go/stelvio/internal/route"
)

const testPoolARN = "arn:aws:cognito-idp:us-east-1:123456789012:userpool/us-east-1_AbCdEf123"

// cognitoProgram is an app whose api has Cognito authorizers on the given user pools.
func cognitoProgram(arns ...string) *app.Program {
	return &app.Program{Name: "shop", Run: func(s *app.State) error {
		api := &route.ApiDecl{Name: "api"}
		for i, arn := range arns {
			api.Authorizers = append(api.Authorizers, &route.AuthorizerDecl{Api: api, Name: "users" + string(rune('a'+i)), Kind: authorizer.KindCognito, UserPoolARNs: []string{arn}})
		}
		s.Decls().Apis = append(s.Decls().Apis, api)
		return nil
	}}
}

// TestTokenHTTPAPI: the user pool of an HTTP API's Cognito authorizer is the token's.
func TestTokenHTTPAPI(t *testing.T) {
	f, out, _ := testFactory(t, nil)
	f.Program = &app.Program{Name: "shop", Run: func(s *app.State) error {
		api := &route.HTTPApiDecl{Name: "web"}
		api.Authorizers = []*route.HTTPAuthorizerDecl{{Api: api, Name: "users", Kind: route.HTTPAuthJWT, UserPoolID: "eu-west-1_Web1",
			Issuer: "https://cognito-idp.eu-west-1.amazonaws.com/eu-west-1_Web1", Audience: []string{"c"}}}
		s.Decls().HTTPApis = append(s.Decls().HTTPApis, api)
		return nil
	}}
	if code := Run(f, []string{"token", "--env", "dev"}); code != ExitOK {
		t.Fatalf("exit code %d", code)
	}
	parts := strings.Split(strings.TrimSpace(out.String()), ".")
	if len(parts) != 3 {
		t.Fatalf("not a JWT: %s", out.String())
	}
	payload, err := base64.RawURLEncoding.DecodeString(parts[1])
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(payload), `"iss":"https://cognito-idp.eu-west-1.amazonaws.com/eu-west-1_Web1"`) {
		t.Errorf("claims %s, want the issuer of pool eu-west-1_Web1", payload)
	}
}

// TestToken: the printed token is accepted by the local server's Cognito authorizer, with the claims
// and scopes asked for.
func TestToken(t *testing.T) {
	f, out, _ := testFactory(t, nil)
	f.Program = cognitoProgram(testPoolARN)
	if code := Run(f, []string{"token", "--env", "dev", "--claims", `{"sub":"ada","email":"ada@example.com"}`, "--scopes", "read,orders/write"}); code != ExitOK {
		t.Fatalf("exit code %d", code)
	}
	tok := strings.TrimSpace(out.String())
	if _, err := os.Stat(filepath.Join(f.Dir, ".stelvio", authorizer.DevKeyFile)); err != nil {
		t.Errorf("no development key in the project: %v", err)
	}

	e := authorizer.NewEngine(authorizer.Options{DevKeyDir: filepath.Join(f.Dir, ".stelvio")})
	cfg := &authorizer.Config{Name: "users", Kind: authorizer.KindCognito, UserPoolID: "us-east-1_AbCdEf123"}
	r := httptest.NewRequest("GET", "/profile", nil)
	r.Header.Set("Authorization", tok)
	res := e.Authorize(context.Background(), cfg, &authorizer.Request{HTTP: r, Resource: "/profile", Scopes: []string{"read"},
		Region: "us-east-1", AccountID: "123456789012", APIID: "abc", Stage: "v1"}, nil)
	if res.Answer != nil {
		t.Fatalf("the authorizer refused the token: %d %s", res.Answer.Status, res.Answer.Body)
	}
	claims := res.Authorizer["claims"].(map[string]any)
	if claims["sub"] != "ada" || claims["email"] != "ada@example.com" || claims["scope"] != "read orders/write" || claims["token_use"] != "access" {
		t.Errorf("claims %v", claims)
	}
}

func TestTokenErrors(t *testing.T) {
	for _, tt := range []struct {
		name    string
		program *app.Program
		args    []string
		want    string
	}{
		{"bad claims", cognitoProgram(testPoolARN), []string{"--claims", "[1]"},
			`--claims [1] is not a JSON object; write e.g. --claims '{"sub":"ada"}'`},
		{"no cognito", cognitoProgram(), nil,
			"the app has no Cognito authorizer; declare one with api.CognitoAuthorizer, or give --pool"},
		{"two pools", cognitoProgram(testPoolARN, "arn:aws:cognito-idp:eu-west-1:123456789012:userpool/eu-west-1_Other1"), nil,
			"the app's Cognito authorizers use several user pools (us-east-1_AbCdEf123, eu-west-1_Other1); choose one with --pool"},
		{"bad pool", nil, []string{"--pool", "nope"},
			`mint token: authorizer "mint": user pool id "nope" is not of the form REGION_ID ("us-east-1_AbCdEf123")`},
	} {
		t.Run(tt.name, func(t *testing.T) {
			f, out, errOut := testFactory(t, nil)
			f.Program = tt.program
			code := Run(f, append([]string{"token", "--env", "dev"}, tt.args...))
			if code == ExitOK || out.Len() > 0 {
				t.Fatalf("exit code %d, output %q", code, out.String())
			}
			if got := strings.SplitN(errOut.String(), "\n", 2)[0]; got != "error: "+tt.want {
				t.Errorf("error %q, want %q", got, "error: "+tt.want)
			}
		})
	}
}
