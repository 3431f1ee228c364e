package authorizer

import (
	"bytes"
	"encoding/json"
	"net/http"
)

// Answer is a response the gateway writes itself instead of calling the handler: a gateway response
// (https://docs.aws.amazon.com/apigateway/latest/developerguide/supported-gateway-response-types.html)
// with the default body template {"message":$context.error.messageString}.
type Answer struct {
	Status int
	// Type is the gateway response type (UNAUTHORIZED, ACCESS_DENIED, ...), as $context.error.responseType
	// names it.
	Type string
	// Headers hold Content-Type and x-amzn-ErrorType; add the API's CORS gateway-response headers
	// before writing.
	Headers http.Header
	Body    []byte
}

// Write writes the answer to w.
func (a *Answer) Write(w http.ResponseWriter) {
	for k, v := range a.Headers {
		w.Header()[k] = v
	}
	w.WriteHeader(a.Status)
	_, _ = w.Write(a.Body)
}

// The gateway response types an authorizer answers with.
const (
	TypeUnauthorized           = "UNAUTHORIZED"
	TypeAccessDenied           = "ACCESS_DENIED"
	TypeAuthorizerConfigError  = "AUTHORIZER_CONFIGURATION_ERROR"
	TypeMissingAuthToken       = "MISSING_AUTHENTICATION_TOKEN"
	TypeInvalidSignature       = "INVALID_SIGNATURE"
	TypeDefault4XX             = "DEFAULT_4XX"
	errorTypeHeader            = "X-Amzn-Errortype"
	msgUnauthorized            = "Unauthorized"
	msgExplicitDeny            = "User is not authorized to access this resource with an explicit deny"
	msgNotAuthorized           = "User is not authorized to access this resource"
	msgMissingToken            = "Missing Authentication Token"
	msgSignatureDoesNotMatch   = "The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method. Consult the service documentation for details."
	msgInvalidSecurityToken    = "The security token included in the request is invalid."
	errUnauthorized            = "UnauthorizedException"
	errAccessDenied            = "AccessDeniedException"
	errAuthorizerConfiguration = "AuthorizerConfigurationException"
	errMissingToken            = "MissingAuthenticationTokenException"
	errInvalidSignature        = "InvalidSignatureException"
	errIncompleteSignature     = "IncompleteSignatureException"
	errUnrecognizedClient      = "UnrecognizedClientException"
)

// newAnswer builds a gateway answer whose body is {"message":<message>}; message nil gives
// {"message":null}.
func newAnswer(status int, responseType, errorType string, message *string) *Answer {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	_ = enc.Encode(struct {
		Message *string `json:"message"`
	}{message})
	body := bytes.TrimSuffix(buf.Bytes(), []byte("\n"))
	h := http.Header{}
	h.Set("Content-Type", "application/json")
	h.Set(errorTypeHeader, errorType)
	return &Answer{Status: status, Type: responseType, Headers: h, Body: body}
}

func str(s string) *string { return &s }

// Unauthorized is the 401 of a missing or rejected identity: {"message":"Unauthorized"}.
func Unauthorized() *Answer {
	return newAnswer(http.StatusUnauthorized, TypeUnauthorized, errUnauthorized, str(msgUnauthorized))
}

// ExplicitDeny is the 403 of a policy that denies the method.
func ExplicitDeny() *Answer {
	return newAnswer(http.StatusForbidden, TypeAccessDenied, errAccessDenied, str(msgExplicitDeny))
}

// NotAuthorized is the 403 of a policy that does not allow the method.
func NotAuthorized() *Answer {
	return newAnswer(http.StatusForbidden, TypeAccessDenied, errAccessDenied, str(msgNotAuthorized))
}

// ConfigurationError is the 500 of an authorizer that failed or answered something API Gateway cannot
// use: {"message":null}.
func ConfigurationError() *Answer {
	return newAnswer(http.StatusInternalServerError, TypeAuthorizerConfigError, errAuthorizerConfiguration, nil)
}

// MissingAuthenticationToken is the 403 of an AWS_IAM method called without a signature.
func MissingAuthenticationToken() *Answer {
	return newAnswer(http.StatusForbidden, TypeMissingAuthToken, errMissingToken, str(msgMissingToken))
}

func signatureMismatch(canonical, stringToSign string) *Answer {
	msg := msgSignatureDoesNotMatch + "\n\nThe Canonical String for this request should have been\n'" + canonical +
		"'\n\nThe String-to-Sign should have been\n'" + stringToSign + "'\n"
	return newAnswer(http.StatusForbidden, TypeInvalidSignature, errInvalidSignature, &msg)
}

func invalidSignature(msg string) *Answer {
	return newAnswer(http.StatusForbidden, TypeInvalidSignature, errInvalidSignature, &msg)
}

func incompleteSignature(msg string) *Answer {
	return newAnswer(http.StatusForbidden, TypeDefault4XX, errIncompleteSignature, &msg)
}

func unrecognizedClient() *Answer {
	return newAnswer(http.StatusForbidden, TypeDefault4XX, errUnrecognizedClient, str(msgInvalidSecurityToken))
}
