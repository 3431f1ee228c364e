package authorizer

import (
	"fmt"
	"net/textproto"
	"regexp"
	"strings"
)

// Kind is an authorizer type, as the API Gateway API names it (Authorizer.type, or the method's
// authorizationType for AWS_IAM).
type Kind string

// The kinds of authorizer a REST API method can have.
const (
	// KindToken is a Lambda authorizer that receives a token from a header.
	KindToken Kind = "TOKEN"
	// KindRequest is a Lambda authorizer that receives the request's parameters.
	KindRequest Kind = "REQUEST"
	// KindCognito verifies an Amazon Cognito user pool token (a JWT) without calling a function.
	KindCognito Kind = "COGNITO_USER_POOLS"
	// KindIAM requires a Signature Version 4 signed request.
	KindIAM Kind = "AWS_IAM"
)

// DefaultTTL and MaxTTL bound the authorizer result cache, in seconds: "If this field is not set,
// the default value is 300. The maximum value is 3600". 0 disables the cache.
// https://docs.aws.amazon.com/apigateway/latest/api/API_CreateAuthorizer.html
const (
	DefaultTTL = 300
	MaxTTL     = 3600
)

// DefaultTokenHeader is the header a TOKEN or Cognito authorizer reads when none is configured.
const DefaultTokenHeader = "Authorization"

// Config is one authorizer of an API.
type Config struct {
	// Name keys the result cache and names the authorizer in messages: unique among the authorizers
	// an Engine sees (qualify it with the API's name when an app has several APIs, "api/name").
	Name string
	Kind Kind
	// Function is the function the invoker runs for TOKEN and REQUEST authorizers.
	Function string
	// TokenHeader is the header holding the token of a TOKEN or Cognito authorizer (its identity
	// source method.request.header.NAME); DefaultTokenHeader when empty.
	TokenHeader string
	// ValidationExpression is the identityValidationExpression: for a TOKEN authorizer a token that
	// does not match gets 401 without calling the function; for a Cognito authorizer the token's aud
	// claim must match. Empty means none.
	// https://docs.aws.amazon.com/apigateway/latest/api/API_CreateAuthorizer.html
	ValidationExpression string
	// IdentitySources are a REQUEST authorizer's identity sources: method.request.header.NAME,
	// method.request.querystring.NAME, stageVariables.NAME or context.NAME. With caching on they are the
	// cache key, and a request missing one gets 401 without calling the function.
	IdentitySources []string
	// TTL is the result cache time in seconds for TOKEN and REQUEST authorizers; nil means DefaultTTL,
	// 0 no cache.
	TTL *int
	// UserPoolID is a Cognito authorizer's user pool ("us-east-1_AbCdEf123"): the one whose tokens the
	// local server accepts (the first of ProviderARNs).
	UserPoolID string
	// ProviderARNs are a Cognito authorizer's user pool ARNs, as the deployed authorizer lists them
	// (arn:aws:cognito-idp:REGION:ACCOUNT:userpool/POOL_ID).
	ProviderARNs []string
	// JWKS is where a Cognito authorizer finds the pool's keys; the local development key when zero.
	JWKS JWKSSource
}

// ttl is the cache time in seconds.
func (c *Config) ttl() int {
	if c.TTL == nil {
		return DefaultTTL
	}
	return *c.TTL
}

func (c *Config) tokenHeader() string {
	if c.TokenHeader == "" {
		return DefaultTokenHeader
	}
	return c.TokenHeader
}

// Issuer is the iss claim of a Cognito user pool's tokens:
// https://cognito-idp.{region}.amazonaws.com/{userPoolId}.
// https://docs.aws.amazon.com/cognito/latest/developerguide/amazon-cognito-user-pools-using-tokens-verifying-a-jwt.html
func (c *Config) Issuer() string {
	region, _, _ := strings.Cut(c.UserPoolID, "_")
	return "https://cognito-idp." + region + ".amazonaws.com/" + c.UserPoolID
}

var (
	userPoolID = regexp.MustCompile(`^[a-z]{2}(-[a-z]+)+-\d_[0-9A-Za-z]+$`)
	headerName = regexp.MustCompile("^[!#$%&'*+.^_`|~0-9A-Za-z-]+$")
)

// Validate returns every problem of the configuration; nil when there is none.
func (c *Config) Validate() []error {
	var errs []error
	add := func(format string, args ...any) {
		errs = append(errs, fmt.Errorf("authorizer %q: "+format, append([]any{c.Name}, args...)...))
	}
	if c.Name == "" {
		errs = append(errs, fmt.Errorf("authorizer with no name; give every authorizer of an API a unique name"))
	}
	lambda := c.Kind == KindToken || c.Kind == KindRequest
	switch c.Kind {
	case KindToken, KindRequest, KindCognito, KindIAM:
	default:
		add("unknown kind %q; use TOKEN, REQUEST, COGNITO_USER_POOLS or AWS_IAM", c.Kind)
	}
	if lambda && c.Function == "" {
		add("a %s authorizer needs the function that decides; name one", c.Kind)
	}
	if c.TTL != nil && (*c.TTL < 0 || *c.TTL > MaxTTL) {
		add("cache TTL %d is out of range; use 0 (no cache) to %d seconds", *c.TTL, MaxTTL)
	}
	if c.TTL != nil && !lambda && c.Kind != KindCognito {
		add("%s authorizers have no result cache; remove the TTL", c.Kind)
	}
	if c.TokenHeader != "" {
		if c.Kind != KindToken && c.Kind != KindCognito {
			add("only TOKEN and COGNITO_USER_POOLS authorizers read a token header; use identity sources for a REQUEST authorizer")
		} else if !headerName.MatchString(c.TokenHeader) {
			add("token header %q is not a valid header name", c.TokenHeader)
		}
	}
	if c.ValidationExpression != "" {
		if c.Kind != KindToken && c.Kind != KindCognito {
			add("only TOKEN and COGNITO_USER_POOLS authorizers have a validation expression")
		} else if _, err := regexp.Compile(c.ValidationExpression); err != nil {
			add("validation expression %q: %v", c.ValidationExpression, err)
		}
	}
	if len(c.IdentitySources) > 0 && c.Kind != KindRequest {
		add("only REQUEST authorizers have identity sources; remove them")
	}
	for _, s := range c.IdentitySources {
		if _, err := parseSource(s); err != nil {
			add("%v", err)
		}
	}
	if c.Kind == KindRequest && c.ttl() > 0 && len(c.IdentitySources) == 0 {
		add("a REQUEST authorizer with caching needs at least one identity source (the cache key); add one, or set the TTL to 0")
	}
	if c.Kind == KindCognito {
		if c.UserPoolID == "" {
			add(`a COGNITO_USER_POOLS authorizer needs its user pool id ("us-east-1_AbCdEf123")`)
		} else if !userPoolID.MatchString(c.UserPoolID) {
			add(`user pool id %q is not of the form REGION_ID ("us-east-1_AbCdEf123")`, c.UserPoolID)
		}
	}
	if c.Kind != KindCognito && (c.UserPoolID != "" || len(c.ProviderARNs) > 0 || !c.JWKS.zero()) {
		add("only COGNITO_USER_POOLS authorizers have a user pool")
	}
	return errs
}

// source is a parsed identity source.
type source struct {
	kind string // "header", "querystring", "stageVariables", "context"
	name string
}

// parseSource reads an identity source mapping expression. Path parameters "cannot be used as identity
// sources".
// https://docs.aws.amazon.com/apigateway/latest/developerguide/api-gateway-lambda-authorizer-input.html
func parseSource(expr string) (source, error) {
	for _, p := range []struct{ prefix, kind string }{
		{"method.request.header.", "header"},
		{"method.request.querystring.", "querystring"},
		{"stageVariables.", "stageVariables"},
		{"context.", "context"},
	} {
		if name, ok := strings.CutPrefix(expr, p.prefix); ok && name != "" {
			if p.kind == "header" {
				name = textproto.CanonicalMIMEHeaderKey(name)
			}
			return source{p.kind, name}, nil
		}
	}
	return source{}, fmt.Errorf("identity source %q: use method.request.header.NAME, method.request.querystring.NAME, stageVariables.NAME or context.NAME (path parameters cannot be identity sources)", expr)
}
