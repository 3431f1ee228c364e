// Package authorizer decides, for the local server, the requests to methods that have an authorizer,
// and answers them as API Gateway (REST, v1) does.
//
// Four kinds (Config.Kind):
//   - TOKEN and REQUEST Lambda authorizers: the authorizer's function is run through an Invoker with
//     the documented event; its policy is evaluated against the method ARN as IAM evaluates policies
//     (explicit Deny wins, "*" and "?" wildcards); its output is cached per identity source value for
//     the TTL, and a cached policy is reused for every method (a narrow Resource gives 403 elsewhere,
//     as on AWS).
//   - COGNITO_USER_POOLS: the token is verified locally (RS256 signature, exp, iss, token_use, scopes)
//     against the pool's JWKS, or, offline, a local development key kept in .stelvio/dev-jwt-key.pem
//     that MintDevToken signs tokens with.
//   - AWS_IAM: the Signature Version 4 signature is verified by signing the request again with
//     aws-sdk-go-v2's signer and the developer's local credentials.
//
// Engine.Authorize returns either an Answer — the gateway response the client gets (status, body
// {"message":...}, Content-Type and x-amzn-ErrorType), to which the server adds the API's CORS
// gateway-response headers (package cors) — or what the handler's event carries:
// requestContext.authorizer, or for AWS_IAM the requestContext.identity fields.
//
// Documentation followed:
//   - https://docs.aws.amazon.com/apigateway/latest/developerguide/api-gateway-lambda-authorizer-input.html
//   - https://docs.aws.amazon.com/apigateway/latest/developerguide/api-gateway-lambda-authorizer-output.html
//   - https://docs.aws.amazon.com/apigateway/latest/api/API_CreateAuthorizer.html
//   - https://docs.aws.amazon.com/apigateway/latest/developerguide/supported-gateway-response-types.html
//   - https://docs.aws.amazon.com/apigateway/latest/developerguide/apigateway-integrate-with-cognito.html
//   - https://docs.aws.amazon.com/cognito/latest/developerguide/amazon-cognito-user-pools-using-tokens-verifying-a-jwt.html
//   - https://docs.aws.amazon.com/IAM/latest/UserGuide/signature-v4-troubleshooting.html
package authorizer
