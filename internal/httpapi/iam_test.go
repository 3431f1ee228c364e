package httpapi

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-lambda-go/events"
	"github.com/aws/aws-sdk-go-v2/aws"
	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"

	"github.com/stelvio-go/stelvio/internal/authorizer"
)

const (
	iamKeyID  = "AKIDEXAMPLE"
	iamSecret = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY"
)

// signV4 signs r for execute-api in us-east-1 as an AWS SDK client does.
func signV4(t *testing.T, r *http.Request, body []byte, keyID, secret string, at time.Time) {
	t.Helper()
	sum := sha256.Sum256(body)
	err := v4.NewSigner().SignHTTP(context.Background(), aws.Credentials{AccessKeyID: keyID, SecretAccessKey: secret},
		r, hex.EncodeToString(sum[:]), "execute-api", "us-east-1", at)
	if err != nil {
		t.Fatal(err)
	}
}

// iamGateway serves "POST /orders" with IAM authorization; the handler's events are sent to seen.
func iamGateway(t *testing.T, seen chan<- []byte) *Gateway {
	t.Helper()
	rts := routes(t, "POST /orders", "orders", "GET /open", "orders")
	rts[0].Authorizer = "iam"
	keys := authorizer.NewEngine(authorizer.Options{Now: func() time.Time { return testNow }, Credentials: []authorizer.Credential{{
		AccessKeyID: iamKeyID, SecretAccessKey: iamSecret, AccountID: "123456789012", Caller: "AIDAEXAMPLE", User: "AIDAEXAMPLE",
		UserArn: "arn:aws:iam::123456789012:user/dev"}}})
	g, err := New(Config{Name: "api", Region: "us-east-1", AccountID: "123456789012", Routes: rts, IAMAuthorizers: []string{"iam"},
		CORS: &CORS{AllowOrigins: []string{"*"}}}, Options{Keys: keys, Now: func() time.Time { return testNow },
		Invoke: func(_ context.Context, _ string, ev []byte) ([]byte, error) {
			seen <- ev
			return []byte(`"ok"`), nil
		}})
	if err != nil {
		t.Fatal(err)
	}
	return g
}

// IAM authorization of an HTTP API route. "IAM authorization for HTTP APIs is similar to that for REST
// APIs" (https://docs.aws.amazon.com/apigateway/latest/developerguide/http-api-access-control-iam.html);
// the HTTP API pages document no refusal answers of their own, so these are the answers of REST
// APIs' AWS_IAM methods, which the knowledge center lists for "API Gateway APIs"
// (https://repost.aws/knowledge-center/api-gateway-troubleshoot-403-forbidden): 403 "Missing
// Authentication Token" (MissingAuthenticationTokenException) without a signature, 403 "The security
// token included in the request is invalid." for an unknown key, 403 "The request signature we
// calculated does not match ..." (InvalidSignatureException) for a bad signature.
func TestGatewayIAM(t *testing.T) {
	seen := make(chan []byte, 1)
	g := iamGateway(t, seen)
	body := []byte(`{"item":"book"}`)
	request := func(keyID, secret string, at time.Time) *http.Request {
		r := httptest.NewRequest("POST", "https://abc123.execute-api.us-east-1.amazonaws.com/orders?x=1", bytes.NewReader(body))
		r.Header.Set("Origin", "https://app.example.com")
		if keyID != "" {
			signV4(t, r, body, keyID, secret, at)
		}
		return r
	}
	cases := []struct {
		name       string
		r          *http.Request
		status     int
		bodyPrefix string
		errorType  string
	}{
		{"unsigned", request("", "", testNow), 403, `{"message":"Missing Authentication Token"}`, "MissingAuthenticationTokenException"},
		{"unknown access key", request("AKIDOTHER", iamSecret, testNow), 403, `{"message":"The security token included in the request is invalid."}`, "UnrecognizedClientException"},
		{"wrong secret", request(iamKeyID, "not-the-secret", testNow), 403,
			`{"message":"The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method. Consult the service documentation for details.`, "InvalidSignatureException"},
		{"expired signature", request(iamKeyID, iamSecret, testNow.Add(-6*time.Minute)), 403,
			`{"message":"Signature expired: 20231114T220720Z is now earlier than 20231114T220820Z (20231114T221320Z - 5 min.)"}`, "InvalidSignatureException"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			rec := httptest.NewRecorder()
			g.Handle(rec, c.r)
			if rec.Code != c.status || !strings.HasPrefix(rec.Body.String(), c.bodyPrefix) {
				t.Errorf("got %d %s\nwant %d %s...", rec.Code, rec.Body.String(), c.status, c.bodyPrefix)
			}
			if c.name != "wrong secret" && rec.Body.String() != c.bodyPrefix {
				t.Errorf("body %s, want exactly %s", rec.Body.String(), c.bodyPrefix)
			}
			if got := rec.Header().Get("X-Amzn-Errortype"); got != c.errorType {
				t.Errorf("x-amzn-errortype = %q, want %q", got, c.errorType)
			}
			if got := rec.Header().Get("Access-Control-Allow-Origin"); got != "*" {
				t.Errorf("the refusal has no CORS headers: %q", got)
			}
			select {
			case <-seen:
				t.Error("the handler ran for a refused request")
			default:
			}
		})
	}

	t.Run("valid signature", func(t *testing.T) {
		rec := httptest.NewRecorder()
		g.Handle(rec, request(iamKeyID, iamSecret, testNow.Add(-time.Minute)))
		if rec.Code != 200 || rec.Body.String() != "ok" {
			t.Fatalf("got %d %s", rec.Code, rec.Body.String())
		}
		raw := <-seen
		var ev events.APIGatewayV2HTTPRequest
		if err := json.Unmarshal(raw, &ev); err != nil {
			t.Fatal(err)
		}
		want := events.APIGatewayV2HTTPRequestContextAuthorizerIAMDescription{AccessKey: iamKeyID, AccountID: "123456789012",
			CallerID: "AIDAEXAMPLE", UserARN: "arn:aws:iam::123456789012:user/dev", UserID: "AIDAEXAMPLE"}
		a := ev.RequestContext.Authorizer
		if a == nil || a.IAM == nil || a.JWT != nil || a.Lambda != nil {
			t.Fatalf("requestContext.authorizer = %+v", a)
		}
		if a.IAM.AccessKey != want.AccessKey || a.IAM.AccountID != want.AccountID || a.IAM.CallerID != want.CallerID ||
			a.IAM.UserARN != want.UserARN || a.IAM.UserID != want.UserID || a.IAM.PrincipalOrgID != "" {
			t.Errorf("requestContext.authorizer.iam = %+v, want %+v", *a.IAM, want)
		}
		// The wire names a Python handler reads: requestContext.authorizer.iam.accessKey, ...
		var wire struct {
			RequestContext struct {
				Authorizer map[string]map[string]any `json:"authorizer"`
			} `json:"requestContext"`
		}
		if err := json.Unmarshal(raw, &wire); err != nil {
			t.Fatal(err)
		}
		iam := wire.RequestContext.Authorizer["iam"]
		for _, k := range []string{"accessKey", "accountId", "callerId", "cognitoIdentity", "principalOrgId", "userArn", "userId"} {
			if _, ok := iam[k]; !ok {
				t.Errorf("requestContext.authorizer.iam has no %q: %v", k, iam)
			}
		}
		if len(wire.RequestContext.Authorizer) != 1 {
			t.Errorf("requestContext.authorizer = %v, want only iam", wire.RequestContext.Authorizer)
		}
	})

	t.Run("route without authorization", func(t *testing.T) {
		rec := httptest.NewRecorder()
		g.Handle(rec, httptest.NewRequest("GET", "/open", nil))
		if rec.Code != 200 {
			t.Fatalf("got %d %s", rec.Code, rec.Body.String())
		}
		if raw := <-seen; bytes.Contains(raw, []byte(`"authorizer"`)) {
			t.Errorf("event of a route without authorization has an authorizer: %s", raw)
		}
	})
}

// A server that mounts the API under a prefix strips it before Handle; the signature covers the path
// the client sent, which WithClientRequest carries.
func TestGatewayIAMMounted(t *testing.T) {
	seen := make(chan []byte, 1)
	g := iamGateway(t, seen)
	body := []byte(`{}`)
	orig := httptest.NewRequest("POST", "http://127.0.0.1:3000/shop/orders", bytes.NewReader(body))
	signV4(t, orig, body, iamKeyID, iamSecret, testNow)
	stripped := orig.Clone(orig.Context())
	stripped.URL.Path = "/orders"
	stripped.Body = orig.Body

	rec := httptest.NewRecorder()
	g.Handle(rec, stripped.WithContext(WithClientRequest(stripped.Context(), orig)))
	if rec.Code != 200 {
		t.Fatalf("with the client's request: got %d %s", rec.Code, rec.Body.String())
	}
	<-seen

	again := httptest.NewRequest("POST", "http://127.0.0.1:3000/orders", bytes.NewReader(body))
	again.Header = orig.Header.Clone()
	rec = httptest.NewRecorder()
	g.Handle(rec, again)
	if rec.Code != 403 || !strings.Contains(rec.Body.String(), "does not match the signature") {
		t.Errorf("a signature of another path: got %d %s", rec.Code, rec.Body.String())
	}
}

// Scopes belong to JWT authorizers; a route with IAM authorization and scopes is a configuration error.
func TestGatewayIAMScopes(t *testing.T) {
	rts := routes(t, "GET /x", "x")
	rts[0].Authorizer, rts[0].Scopes = "iam", []string{"read"}
	_, err := New(Config{Name: "api", Routes: rts, IAMAuthorizers: []string{"iam"}}, Options{Invoke: func(context.Context, string, []byte) ([]byte, error) { return nil, nil }})
	want := `HTTP API "api": route "GET /x": authorization scopes need a JWT authorizer; "iam" is IAM authorization`
	if err == nil || err.Error() != want {
		t.Errorf("err = %v\nwant %s", err, want)
	}
}
