package authorizer

import (
	"bytes"
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"net/http"
	"net/textproto"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"
	"github.com/aws/smithy-go/logging"
)

// Credential is an access key the local server accepts for AWS_IAM methods, with the identity
// API Gateway would report for it.
type Credential struct {
	AccessKeyID     string
	SecretAccessKey string
	// SessionToken, when set, must be the request's X-Amz-Security-Token.
	SessionToken string
	// AccountID, Caller, User and UserArn fill requestContext.identity (on AWS from IAM; locally
	// whatever the developer configures, empty by default).
	AccountID string
	Caller    string
	User      string
	UserArn   string
}

// CredentialsFromEnv returns the developer's credentials from AWS_ACCESS_KEY_ID,
// AWS_SECRET_ACCESS_KEY and AWS_SESSION_TOKEN; nil when there are none.
func CredentialsFromEnv(getenv func(string) string) []Credential {
	id, secret := getenv("AWS_ACCESS_KEY_ID"), getenv("AWS_SECRET_ACCESS_KEY")
	if id == "" || secret == "" {
		return nil
	}
	return []Credential{{AccessKeyID: id, SecretAccessKey: secret, SessionToken: getenv("AWS_SESSION_TOKEN")}}
}

const (
	sigv4Algorithm = "AWS4-HMAC-SHA256"
	amzDateFormat  = "20060102T150405Z"
	// maxSkew is how far a signature's time may be from the server's: five minutes.
	// https://docs.aws.amazon.com/IAM/latest/UserGuide/signature-v4-troubleshooting.html
	maxSkew = 5 * time.Minute
)

// authorizeIAM verifies a Signature Version 4 signature by signing the request again, with
// aws-sdk-go-v2's signer and the secret of the access key it names, and comparing the signatures in
// constant time. Answers, all 403:
//   - no Authorization header: {"message":"Missing Authentication Token"};
//   - an Authorization header that is not a complete SigV4 one: the IncompleteSignatureException
//     message listing what is missing;
//   - an unknown access key or session token: "The security token included in the request is invalid.";
//   - a signature older or newer than five minutes: "Signature expired: ..." / "Signature not yet current: ...";
//   - a signature that does not match: "The request signature we calculated does not match the
//     signature you provided. ...", with the canonical request and string to sign.
//
// https://repost.aws/knowledge-center/api-gateway-iam-sigv4-mismatch
// https://docs.aws.amazon.com/IAM/latest/UserGuide/signature-v4-troubleshooting.html
func (e *Engine) authorizeIAM(req *Request) Result {
	r := req.HTTP
	header := r.Header.Get("Authorization")
	if header == "" {
		return Result{Answer: MissingAuthenticationToken()}
	}
	auth, missing := parseAuthorization(header)
	dateHeader := r.Header.Get("X-Amz-Date")
	if dateHeader == "" && r.Header.Get("Date") == "" {
		missing = append(missing, "Authorization header requires existence of either a 'X-Amz-Date' or a 'Date' header.")
	}
	if len(missing) > 0 {
		return Result{Answer: incompleteSignature(strings.Join(missing, " ") + " Authorization=" + header)}
	}
	scope := strings.Split(auth.credential, "/")
	if len(scope) != 5 || scope[4] != "aws4_request" {
		return Result{Answer: incompleteSignature(fmt.Sprintf("Credential should be scoped to a valid region. Credential=%s", auth.credential))}
	}
	cred := e.credential(scope[0])
	if cred == nil {
		return Result{Answer: unrecognizedClient()}
	}
	token := r.Header.Get("X-Amz-Security-Token")
	if cred.SessionToken != "" && !hmac.Equal([]byte(token), []byte(cred.SessionToken)) {
		return Result{Answer: unrecognizedClient()}
	}
	if scope[3] != "execute-api" {
		return Result{Answer: invalidSignature("Credential should be scoped to correct service: 'execute-api'. ")}
	}
	if scope[2] != req.Region {
		return Result{Answer: invalidSignature(fmt.Sprintf("Credential should be scoped to a valid region, not '%s'. ", scope[2]))}
	}
	signed, err := time.Parse(amzDateFormat, dateHeader)
	if err != nil {
		if signed, err = http.ParseTime(r.Header.Get("Date")); err != nil {
			return Result{Answer: incompleteSignature("Date must be in ISO-8601 'basic format'. Got '" + dateHeader + "'. See http://en.wikipedia.org/wiki/ISO_8601")}
		}
	}
	now := e.opts.Now().UTC()
	switch {
	case signed.Before(now.Add(-maxSkew)):
		return Result{Answer: invalidSignature(fmt.Sprintf("Signature expired: %s is now earlier than %s (%s - 5 min.)",
			signed.Format(amzDateFormat), now.Add(-maxSkew).Format(amzDateFormat), now.Format(amzDateFormat)))}
	case signed.After(now.Add(maxSkew)):
		return Result{Answer: invalidSignature(fmt.Sprintf("Signature not yet current: %s is still later than %s (%s + 5 min.)",
			signed.Format(amzDateFormat), now.Add(maxSkew).Format(amzDateFormat), now.Format(amzDateFormat)))}
	}

	want, canonical, stringToSign, err := resign(r, req.Body, auth.signedHeaders, *cred, token, scope[2], signed)
	if err != nil {
		e.logf("authorizer AWS_IAM: sign %s %s again: %v", r.Method, r.URL.Path, err)
		return Result{Answer: signatureMismatch("", "")}
	}
	if !hmac.Equal([]byte(want), []byte(auth.signature)) {
		return Result{Answer: signatureMismatch(canonical, stringToSign)}
	}
	return Result{Identity: &Identity{
		AccessKey: cred.AccessKeyID,
		AccountID: cred.AccountID,
		Caller:    cred.Caller,
		User:      cred.User,
		UserArn:   cred.UserArn,
	}}
}

func (e *Engine) credential(accessKeyID string) *Credential {
	for i := range e.opts.Credentials {
		if e.opts.Credentials[i].AccessKeyID == accessKeyID {
			return &e.opts.Credentials[i]
		}
	}
	return nil
}

type authorization struct {
	credential    string
	signedHeaders []string
	signature     string
}

// parseAuthorization reads "AWS4-HMAC-SHA256 Credential=..., SignedHeaders=..., Signature=..." and
// lists what is missing in the words of API Gateway's IncompleteSignatureException.
func parseAuthorization(h string) (authorization, []string) {
	var a authorization
	rest, ok := strings.CutPrefix(h, sigv4Algorithm+" ")
	if ok {
		for _, part := range strings.Split(rest, ",") {
			k, v, _ := strings.Cut(strings.TrimSpace(part), "=")
			switch k {
			case "Credential":
				a.credential = v
			case "SignedHeaders":
				if v != "" {
					a.signedHeaders = strings.Split(v, ";")
				}
			case "Signature":
				a.signature = v
			}
		}
	}
	var missing []string
	if a.credential == "" {
		missing = append(missing, "Authorization header requires 'Credential' parameter.")
	}
	if a.signature == "" {
		missing = append(missing, "Authorization header requires 'Signature' parameter.")
	}
	if a.signedHeaders == nil {
		missing = append(missing, "Authorization header requires 'SignedHeaders' parameter.")
	}
	return a, missing
}

// resign signs a copy of r holding only the headers the client signed and returns the signature with
// the canonical request and string to sign it was computed from.
func resign(r *http.Request, body []byte, signedHeaders []string, cred Credential, token, region string, at time.Time) (sig, canonical, stringToSign string, err error) {
	cp, err := http.NewRequestWithContext(context.Background(), r.Method, r.URL.String(), bytes.NewReader(body))
	if err != nil {
		return "", "", "", err
	}
	cp.URL = r.URL
	cp.Host = r.Host
	cp.ContentLength = 0
	for _, name := range signedHeaders {
		canon := textproto.CanonicalMIMEHeaderKey(name)
		switch canon {
		case "Host":
		case "Content-Length":
			cp.ContentLength = int64(len(body))
		default:
			if v, ok := r.Header[canon]; ok {
				cp.Header[canon] = v
			}
		}
	}
	sum := sha256.Sum256(body)
	var logged []any
	logger := logging.LoggerFunc(func(_ logging.Classification, _ string, v ...any) { logged = v })
	signer := v4.NewSigner(func(o *v4.SignerOptions) {
		o.Logger = logger
		o.LogSigning = true
		o.DisableSessionToken = true // the request's own X-Amz-Security-Token is signed when the client signed it
	})
	creds := aws.Credentials{AccessKeyID: cred.AccessKeyID, SecretAccessKey: cred.SecretAccessKey, SessionToken: token}
	if err := signer.SignHTTP(context.Background(), creds, cp, hex.EncodeToString(sum[:]), "execute-api", region, at); err != nil {
		return "", "", "", err
	}
	_, sig, _ = strings.Cut(cp.Header.Get("Authorization"), "Signature=")
	if len(logged) >= 2 {
		canonical, _ = logged[0].(string)
		stringToSign, _ = logged[1].(string)
	}
	return sig, canonical, stringToSign, nil
}
