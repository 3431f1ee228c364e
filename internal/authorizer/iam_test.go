package authorizer

import (
	"bytes"
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"
)

const (
	testKeyID  = "AKIDEXAMPLE"
	testSecret = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY"
)

// sign signs r as an AWS SDK client does.
func sign(t testing.TB, r *http.Request, body []byte, secret, region string, at time.Time) {
	t.Helper()
	sum := sha256.Sum256(body)
	err := v4.NewSigner().SignHTTP(context.Background(), aws.Credentials{AccessKeyID: testKeyID, SecretAccessKey: secret},
		r, hex.EncodeToString(sum[:]), "execute-api", region, at)
	if err != nil {
		t.Fatal(err)
	}
}

func iamRequest(method, target string, body []byte) *Request {
	r := httptest.NewRequest(method, target, bytes.NewReader(body))
	r.Host = "abc123defg.execute-api.us-east-1.amazonaws.com"
	return &Request{HTTP: r, Body: body, Region: testRegion, AccountID: testAccount, APIID: testAPI, Stage: testStage, Resource: "/users/{id}"}
}

// handSigned is an AWS_IAM request signed by following the Signature Version 4 steps by hand, without
// the SDK: https://docs.aws.amazon.com/IAM/latest/UserGuide/create-signed-request.html
func handSigned(at time.Time) *Request {
	req := iamRequest("GET", "/v1/users/42?b=2&a=1", nil)
	date := at.Format("20060102T150405Z")
	req.HTTP.Header.Set("X-Amz-Date", date)
	emptyHash := "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
	canonical := strings.Join([]string{
		"GET", "/v1/users/42", "a=1&b=2",
		"host:abc123defg.execute-api.us-east-1.amazonaws.com", "x-amz-date:" + date, "",
		"host;x-amz-date", emptyHash,
	}, "\n")
	h := sha256.Sum256([]byte(canonical))
	scope := date[:8] + "/us-east-1/execute-api/aws4_request"
	toSign := "AWS4-HMAC-SHA256\n" + date + "\n" + scope + "\n" + hex.EncodeToString(h[:])
	mac := func(key []byte, s string) []byte {
		m := hmac.New(sha256.New, key)
		m.Write([]byte(s))
		return m.Sum(nil)
	}
	k := mac(mac(mac(mac([]byte("AWS4"+testSecret), date[:8]), "us-east-1"), "execute-api"), "aws4_request")
	sig := hex.EncodeToString(mac(k, toSign))
	req.HTTP.Header.Set("Authorization", "AWS4-HMAC-SHA256 Credential="+testKeyID+"/"+scope+", SignedHeaders=host;x-amz-date, Signature="+sig)
	return req
}

// AWS_IAM answers (all 403):
//   - unsigned: {"message":"Missing Authentication Token"}
//   - unknown access key: "The security token included in the request is invalid."
//   - wrong secret or altered request: "The request signature we calculated does not match the
//     signature you provided. Check your AWS Secret Access Key and signing method. Consult the service
//     documentation for details." followed by the canonical string and string to sign.
//
// https://repost.aws/knowledge-center/api-gateway-iam-sigv4-mismatch
// https://docs.aws.amazon.com/IAM/latest/UserGuide/signature-v4-troubleshooting.html
// The mismatch message's canonical string and string to sign, as an execute-api endpoint sends them:
// https://knowledge.broadcom.com/external/article/186297/api-gateway-aws-4-signer-error-the-reque.html
// x-amzn-ErrorType values seen from execute-api endpoints: MissingAuthenticationTokenException
// (https://github.com/amzn/selling-partner-api-models/issues/749), UnrecognizedClientException with
// {"message":"The security token included in the request is invalid."}
// (https://github.com/badslug/Paw-AWSSignature4DynamicValue/issues/5); the clock-skew messages, 403:
// https://github.com/NickWaterton/Roomba980-Python/issues/118 ("Signature not yet current: ... + 5 min.)"),
// https://github.com/amzn/selling-partner-api-models/issues/2602 ("Signature expired: ... - 5 min.)",
// InvalidSignature).
// The IncompleteSignatureException message for an Authorization header that is not SigV4 is the one
// API Gateway sends: https://openillumi.com/?p=11684 ("Authorization header requires 'Credential'
// parameter. Authorization header requires 'Signature' pa...").
func TestIAM(t *testing.T) {
	clk := newClock()
	now := clk.Now()
	e := NewEngine(Options{Now: clk.Now, Credentials: []Credential{{
		AccessKeyID: testKeyID, SecretAccessKey: testSecret,
		AccountID: testAccount, Caller: "AIDAEXAMPLE", User: "AIDAEXAMPLE", UserArn: "arn:aws:iam::123456789012:user/dev",
	}}})
	cfg := &Config{Name: "iam", Kind: KindIAM}
	body := []byte(`{"name":"x"}`)

	type want struct {
		status        int
		body, errType string
	}
	const mismatch = "The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method. Consult the service documentation for details."
	tests := []struct {
		name string
		req  func() *Request
		want *want // nil: allowed
	}{
		{"signed GET", func() *Request {
			r := iamRequest("GET", "/v1/users/42?tag=a&tag=b", nil)
			sign(t, r.HTTP, nil, testSecret, testRegion, now)
			return r
		}, nil},
		{"signed POST with body", func() *Request {
			r := iamRequest("POST", "/v1/users", body)
			r.HTTP.Header.Set("Content-Type", "application/json")
			sign(t, r.HTTP, body, testSecret, testRegion, now)
			return r
		}, nil},
		{"signed by hand", func() *Request { return handSigned(now) }, nil},
		{"signed with unsigned extra headers", func() *Request {
			r := iamRequest("GET", "/v1/users/42", nil)
			sign(t, r.HTTP, nil, testSecret, testRegion, now)
			r.HTTP.Header.Set("User-Agent", "curl/8")
			r.HTTP.Header.Set("X-Forwarded-For", "10.0.0.1")
			return r
		}, nil},
		{"unsigned", func() *Request { return iamRequest("GET", "/v1/users/42", nil) },
			&want{403, `{"message":"Missing Authentication Token"}`, "MissingAuthenticationTokenException"}},
		{"bearer token", func() *Request {
			r := iamRequest("GET", "/v1/users/42", nil)
			r.HTTP.Header.Set("Authorization", "Bearer abc")
			return r
		}, &want{403, `{"message":"Authorization header requires 'Credential' parameter. Authorization header requires 'Signature' parameter. Authorization header requires 'SignedHeaders' parameter. Authorization header requires existence of either a 'X-Amz-Date' or a 'Date' header. Authorization=Bearer abc"}`, "IncompleteSignatureException"}},
		{"unknown access key", func() *Request {
			r := iamRequest("GET", "/v1/users/42", nil)
			sign(t, r.HTTP, nil, testSecret, testRegion, now)
			r.HTTP.Header.Set("Authorization", strings.Replace(r.HTTP.Header.Get("Authorization"), testKeyID, "AKIDOTHER", 1))
			return r
		}, &want{403, `{"message":"The security token included in the request is invalid."}`, "UnrecognizedClientException"}},
		{"expired", func() *Request {
			r := iamRequest("GET", "/v1/users/42", nil)
			sign(t, r.HTTP, nil, testSecret, testRegion, now.Add(-10*time.Minute))
			return r
		}, &want{403, `{"message":"Signature expired: 20261127T115000Z is now earlier than 20261127T115500Z (20261127T120000Z - 5 min.)"}`, "InvalidSignatureException"}},
		{"from the future", func() *Request {
			r := iamRequest("GET", "/v1/users/42", nil)
			sign(t, r.HTTP, nil, testSecret, testRegion, now.Add(6*time.Minute))
			return r
		}, &want{403, `{"message":"Signature not yet current: 20261127T120600Z is still later than 20261127T120500Z (20261127T120000Z + 5 min.)"}`, "InvalidSignatureException"}},
		{"other region", func() *Request {
			r := iamRequest("GET", "/v1/users/42", nil)
			sign(t, r.HTTP, nil, testSecret, "eu-west-1", now)
			return r
		}, &want{403, `{"message":"Credential should be scoped to a valid region, not 'eu-west-1'. "}`, "InvalidSignatureException"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res := e.Authorize(context.Background(), cfg, tt.req(), nil)
			if tt.want == nil {
				if res.Answer != nil {
					t.Fatalf("answer %d %s, want the request allowed", res.Answer.Status, res.Answer.Body)
				}
				// requestContext.identity as AWS fills it for a signed request:
				// https://docs.aws.amazon.com/apigateway/latest/developerguide/api-gateway-mapping-template-reference.html#context-variable-reference
				want := Identity{AccessKey: testKeyID, AccountID: testAccount, Caller: "AIDAEXAMPLE", User: "AIDAEXAMPLE", UserArn: "arn:aws:iam::123456789012:user/dev"}
				if res.Identity == nil || *res.Identity != want {
					t.Errorf("identity = %+v, want %+v", res.Identity, want)
				}
				return
			}
			wantAnswer(t, res.Answer, tt.want.status, tt.want.body, tt.want.errType)
		})
	}

	// A wrong secret and an altered request get the mismatch message with the canonical request and
	// string to sign API Gateway computed.
	for _, tt := range []struct {
		name      string
		req       func() *Request
		canonical string
	}{
		{"wrong secret", func() *Request {
			r := iamRequest("GET", "/v1/users/42?b=2&a=1", nil)
			sign(t, r.HTTP, nil, "not-the-secret", testRegion, now)
			return r
		}, "GET\n/v1/users/42\na=1&b=2\nhost:abc123defg.execute-api.us-east-1.amazonaws.com\nx-amz-date:20261127T120000Z\n\nhost;x-amz-date\ne3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"},
		{"body changed after signing", func() *Request {
			r := iamRequest("POST", "/v1/users", body)
			sign(t, r.HTTP, body, testSecret, testRegion, now)
			r.Body = []byte(`{"name":"y"}`)
			return r
		}, ""},
		{"path changed after signing", func() *Request {
			r := iamRequest("GET", "/v1/users/42", nil)
			sign(t, r.HTTP, nil, testSecret, testRegion, now)
			r.HTTP.URL.Path = "/v1/users/43"
			return r
		}, "GET\n/v1/users/43\n"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			res := e.Authorize(context.Background(), cfg, tt.req(), nil)
			if res.Answer == nil {
				t.Fatal("allowed, want 403")
			}
			var got struct{ Message string }
			if err := json.Unmarshal(res.Answer.Body, &got); err != nil {
				t.Fatal(err)
			}
			if res.Answer.Status != 403 || res.Answer.Headers.Get("x-amzn-ErrorType") != "InvalidSignatureException" ||
				!strings.HasPrefix(got.Message, mismatch+"\n\nThe Canonical String for this request should have been\n'"+tt.canonical) ||
				!strings.Contains(got.Message, "'\n\nThe String-to-Sign should have been\n'AWS4-HMAC-SHA256\n20261127T120000Z\n20261127/us-east-1/execute-api/aws4_request\n") {
				t.Errorf("answer %d %v\n%s", res.Answer.Status, res.Answer.Headers, got.Message)
			}
		})
	}
}

// With a session token configured, the request must carry it.
func TestIAMSessionToken(t *testing.T) {
	clk := newClock()
	e := NewEngine(Options{Now: clk.Now, Credentials: []Credential{{AccessKeyID: testKeyID, SecretAccessKey: testSecret, SessionToken: "tok"}}})
	cfg := &Config{Name: "iam", Kind: KindIAM}
	for _, tc := range []struct {
		token string
		ok    bool
	}{{"tok", true}, {"other", false}, {"", false}} {
		r := iamRequest("GET", "/v1/x", nil)
		sum := sha256.Sum256(nil)
		err := v4.NewSigner().SignHTTP(context.Background(), aws.Credentials{AccessKeyID: testKeyID, SecretAccessKey: testSecret, SessionToken: tc.token},
			r.HTTP, hex.EncodeToString(sum[:]), "execute-api", testRegion, clk.Now())
		if err != nil {
			t.Fatal(err)
		}
		res := e.Authorize(context.Background(), cfg, r, nil)
		if tc.ok {
			if res.Answer != nil {
				t.Errorf("token %q: answer %d %s", tc.token, res.Answer.Status, res.Answer.Body)
			}
			continue
		}
		wantAnswer(t, res.Answer, 403, `{"message":"The security token included in the request is invalid."}`, "UnrecognizedClientException")
	}
}

func TestCredentialsFromEnv(t *testing.T) {
	env := map[string]string{"AWS_ACCESS_KEY_ID": "AKID", "AWS_SECRET_ACCESS_KEY": "s", "AWS_SESSION_TOKEN": "t"}
	got := CredentialsFromEnv(func(k string) string { return env[k] })
	if len(got) != 1 || got[0] != (Credential{AccessKeyID: "AKID", SecretAccessKey: "s", SessionToken: "t"}) {
		t.Errorf("CredentialsFromEnv = %+v", got)
	}
	if got := CredentialsFromEnv(func(string) string { return "" }); got != nil {
		t.Errorf("CredentialsFromEnv without variables = %+v, want nil", got)
	}
}
