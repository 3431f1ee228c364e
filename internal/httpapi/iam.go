package httpapi

import (
	"context"
	"net/http"

	"github.com/aws/aws-lambda-go/events"

	"github.com/stelvio-go/stelvio/internal/authorizer"
)

// IAM authorization of HTTP API routes (authorizationType AWS_IAM): the client signs the request with
// Signature Version 4 and API Gateway checks the signature. "IAM authorization for HTTP APIs is
// similar to that for REST APIs", and the developer guide documents no answers of its own for HTTP
// APIs, so a refused request gets the answers of REST APIs' AWS_IAM methods (authorizer.Engine checks
// the signature with the same code): 403 {"message":"Missing Authentication Token"} without a
// signature, 403 with the signature error otherwise, each with its x-amzn-ErrorType.
// https://docs.aws.amazon.com/apigateway/latest/developerguide/http-api-access-control-iam.html
// https://repost.aws/knowledge-center/api-gateway-troubleshoot-403-forbidden

// clientRequestKey keys the request as the client sent it, before a local server changed its path.
type clientRequestKey struct{}

// WithClientRequest returns ctx carrying r, the request as the client signed it: a server that
// mounts the API under a path prefix and strips it before Gateway.Handle passes the original request
// this way, so that the signature is checked against the path the client signed.
func WithClientRequest(ctx context.Context, r *http.Request) context.Context {
	return context.WithValue(ctx, clientRequestKey{}, r)
}

// clientRequest is the request as the client sent it: the one WithClientRequest stored, else r.
func clientRequest(r *http.Request) *http.Request {
	if orig, ok := r.Context().Value(clientRequestKey{}).(*http.Request); ok && orig != nil {
		return orig
	}
	return r
}

// AuthorizeIAM checks the request's Signature Version 4 signature with the credentials of keys
// (authorizer.Options.Credentials). A valid signature gives requestContext.authorizer.iam with the
// caller's access key and the identity configured for it (accountId, callerId, userArn, userId; the
// local server knows no organization or Cognito identity, so principalOrgId and cognitoIdentity stay
// empty). The field names are aws-lambda-go's
// events.APIGatewayV2HTTPRequestContextAuthorizerIAMDescription, which follows the payload format 2.0
// event of an IAM-authorized route.
func AuthorizeIAM(ctx context.Context, keys *authorizer.Engine, name string, r *http.Request, body []byte, region string) AuthResult {
	cfg := &authorizer.Config{Name: name, Kind: authorizer.KindIAM}
	res := keys.Authorize(ctx, cfg, &authorizer.Request{HTTP: clientRequest(r), Body: body, Region: region}, nil)
	if a := res.Answer; a != nil {
		ans := answer(a.Status, string(a.Body))
		for k, v := range a.Headers {
			ans.Headers[k] = v
		}
		return AuthResult{Answer: ans, Reason: "AWS_IAM: " + a.Type}
	}
	id := res.Identity
	if id == nil {
		return AuthResult{Answer: InternalServerError(), Reason: "AWS_IAM: the signature check gave no caller"}
	}
	return AuthResult{Authorizer: &events.APIGatewayV2HTTPRequestContextAuthorizerDescription{
		IAM: &events.APIGatewayV2HTTPRequestContextAuthorizerIAMDescription{
			AccessKey: id.AccessKey,
			AccountID: id.AccountID,
			CallerID:  id.Caller,
			UserARN:   id.UserArn,
			UserID:    id.User,
		},
	}}
}
