package httpapi

import (
	"net/http"
	"strconv"
)

// Answer is a response API Gateway writes itself: a status, a JSON body {"message":...} and, for the
// JWT authorizer's refusals, a www-authenticate header.
type Answer struct {
	Status  int
	Body    string
	Headers http.Header
}

// Write writes the answer, with Content-Type application/json, adding extra headers (CORS) last.
func (a *Answer) Write(w http.ResponseWriter) {
	h := w.Header()
	for k, v := range a.Headers {
		h[k] = v
	}
	h.Set("Content-Type", "application/json")
	h.Set("Content-Length", strconv.Itoa(len(a.Body)))
	w.WriteHeader(a.Status)
	_, _ = w.Write([]byte(a.Body)) // The client may have gone; nothing to do about it.
}

func answer(status int, body string) *Answer {
	return &Answer{Status: status, Body: body, Headers: http.Header{}}
}

// NotFound is the answer to a request no route matches: "If no routes match a request, API Gateway
// returns {"message":"Not Found"} to the client."
// https://docs.aws.amazon.com/apigateway/latest/developerguide/http-api-develop-routes.html
func NotFound() *Answer { return answer(http.StatusNotFound, `{"message":"Not Found"}`) }

// InternalServerError is the answer to a function that failed or returned a response API Gateway
// cannot read, and to a Lambda authorizer that failed: "My API with a Lambda integration returns
// {"message":"Internal Server Error"}".
// https://docs.aws.amazon.com/apigateway/latest/developerguide/http-api-troubleshooting-lambda.html
// https://docs.aws.amazon.com/apigateway/latest/developerguide/http-api-lambda-authorizer.html
func InternalServerError() *Answer {
	return answer(http.StatusInternalServerError, `{"message":"Internal Server Error"}`)
}

// ServiceUnavailable is the answer when the integration does not answer within the integration
// timeout (at most 30 seconds, http-api-quotas.html). The developer guide does not spell this answer
// out; AWS's own answer on re:Post says a 503 "is related to the backend integration and if the API
// Gateway API can't receive a response" (repost.aws/questions/QUY-RwZFRdTAa-rf6JrNTLRQ).
func ServiceUnavailable() *Answer {
	return answer(http.StatusServiceUnavailable, `{"message":"Service Unavailable"}`)
}

// Unauthorized is the 401 of an authorizer: a request without its identity source, or (JWT) a token
// that is not valid.
// https://docs.aws.amazon.com/apigateway/latest/developerguide/http-api-troubleshooting-jwt.html
func Unauthorized() *Answer { return answer(http.StatusUnauthorized, `{"message":"Unauthorized"}`) }

// Forbidden is the 403 of a Lambda authorizer that does not authorize the request, and of a JWT whose
// scopes hold none of the route's.
func Forbidden() *Answer { return answer(http.StatusForbidden, `{"message":"Forbidden"}`) }

// RequestTooLarge is the answer to a request body over the 10 MB payload quota
// (https://docs.aws.amazon.com/apigateway/latest/developerguide/http-api-quotas.html), and to one whose
// event is over Lambda's 6 MB. The quota is documented, this answer's body is not: it follows the
// status's standard reason phrase, as the other answers do.
func RequestTooLarge() *Answer {
	return answer(http.StatusRequestEntityTooLarge, `{"message":"Request Entity Too Large"}`)
}

// BadRequest is the answer to a request whose body HTTP cannot frame (a chunked body with a chunk size
// that is not hexadecimal, or a chunk without its line end). The documentation does not say what API
// Gateway answers to a malformed request; the answer is 400 with the status's reason phrase, in the
// shape of its other answers.
func BadRequest() *Answer { return answer(http.StatusBadRequest, `{"message":"Bad Request"}`) }

// wwwAuthenticate is the challenge of the JWT authorizer's refusals, as the troubleshooting page
// shows it: Bearer scope="" error="invalid_token" error_description="the token does not have a valid
// audience".
func wwwAuthenticate(scope, errCode, description string) string {
	return `Bearer scope="` + scope + `" error="` + errCode + `" error_description="` + description + `"`
}
