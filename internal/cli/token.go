package cli

import (
	"encoding/json"
	"fmt"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/stelvio-go/stelvio/internal/authorizer"
	"github.com/stelvio-go/stelvio/internal/project"
)

// TokenOptions are the inputs of token.
type TokenOptions struct {
	Factory *Factory
	// Env is the environment whose program is loaded to find the Cognito user pool.
	Env string
	// Pool is the user pool id ("us-east-1_AbCdEf123"); found in the app's Cognito authorizers when
	// empty.
	Pool string
	// Claims is a JSON object of claims added to the token (and winning over the standard ones).
	Claims string
	// Scopes make an access token carrying them; without them the token is an ID token.
	Scopes []string
	// Subject, Username and Groups are sub, the user name and cognito:groups.
	Subject  string
	Username string
	Groups   []string
	// TTL is the token's lifetime.
	TTL time.Duration
}

func newTokenCmd(f *Factory, runF func(*TokenOptions) error) *cobra.Command {
	opts := &TokenOptions{Factory: f}
	cmd := &cobra.Command{
		Use:   "token",
		Short: "Print a token that the app's Cognito authorizers accept under dev",
		Long: "Print a Cognito-shaped JWT signed with this project's local development key\n" +
			"(.stelvio/dev-jwt-key.pem, made on first use), which the Cognito authorizers of `dev` accept.\n" +
			"With --scopes it is an access token carrying them (for routes with Scopes); otherwise an ID\n" +
			"token. Deployed APIs do not accept it.\n\n" +
			"  curl -H \"Authorization: $(go run . token --claims '{\"email\":\"ada@example.com\"}')\" http://127.0.0.1:3000/profile",
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error { return runF(opts) },
	}
	fl := cmd.Flags()
	fl.StringVar(&opts.Env, "env", "", "environment whose program is read (default: your personal environment)")
	fl.StringVar(&opts.Pool, "pool", "", "user pool id, e.g. us-east-1_AbCdEf123 (default: the app's Cognito authorizer's)")
	fl.StringVar(&opts.Claims, "claims", "", `claims to add, a JSON object, e.g. '{"sub":"ada","email":"ada@example.com"}'`)
	fl.StringSliceVar(&opts.Scopes, "scopes", nil, "scopes of an access token, e.g. read,orders/write")
	fl.StringVar(&opts.Subject, "sub", "", "subject (sub claim)")
	fl.StringVar(&opts.Username, "username", "", "user name (default dev-user)")
	fl.StringSliceVar(&opts.Groups, "groups", nil, "cognito:groups")
	fl.DurationVar(&opts.TTL, "ttl", time.Hour, "lifetime of the token")
	return cmd
}

func runToken(opts *TokenOptions) error {
	f := opts.Factory
	var claims map[string]any
	if opts.Claims != "" {
		if err := json.Unmarshal([]byte(opts.Claims), &claims); err != nil || claims == nil {
			return usageErrorf("--claims %s is not a JSON object; write e.g. --claims '{\"sub\":\"ada\"}'", opts.Claims)
		}
	}
	if opts.TTL <= 0 {
		return usageErrorf("--ttl %s must be positive", opts.TTL)
	}
	pool := opts.Pool
	if pool == "" {
		var err error
		if pool, err = appPool(opts); err != nil {
			return err
		}
	}
	tok, err := authorizer.MintDevToken(filepath.Join(f.Dir, project.StateDir), authorizer.MintOptions{
		UserPoolID: pool, Subject: opts.Subject, Username: opts.Username, Groups: opts.Groups,
		Access: len(opts.Scopes) > 0, Scopes: opts.Scopes, Claims: claims, TTL: opts.TTL,
	})
	if err != nil {
		return err
	}
	fmt.Fprintln(f.Out, tok)
	return nil
}

// appPool is the user pool of the app's Cognito authorizers, when they have one.
func appPool(opts *TokenOptions) (string, error) {
	f := opts.Factory
	if f.Program == nil {
		return "", usageErrorf("no app program to find the user pool in; give --pool")
	}
	env, err := resolveEnv(f, opts.Env, false, "token")
	if err != nil {
		return "", err
	}
	table, err := f.Program.Load(env, f.Dir)
	if err != nil {
		return "", err
	}
	var pools []string
	for _, api := range table.Apis {
		for _, a := range api.Authorizers {
			if a.Kind == authorizer.KindCognito && !slices.Contains(pools, a.UserPoolID) {
				pools = append(pools, a.UserPoolID)
			}
		}
	}
	for _, api := range table.HTTPApis {
		for _, a := range api.Authorizers {
			if a.UserPoolID != "" && !slices.Contains(pools, a.UserPoolID) {
				pools = append(pools, a.UserPoolID)
			}
		}
	}
	switch len(pools) {
	case 0:
		return "", usageErrorf("the app has no Cognito authorizer; declare one with api.CognitoAuthorizer, or give --pool")
	case 1:
		return pools[0], nil
	}
	return "", usageErrorf("the app's Cognito authorizers use several user pools (%s); choose one with --pool", strings.Join(pools, ", "))
}
