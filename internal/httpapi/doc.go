// Package httpapi answers requests as an API Gateway HTTP API (API Gateway v2, Lambda proxy
// integration with payload format 2.0) answers them, for the local server.
//
// The parts, each usable alone:
//   - RouteKey and Router: route keys ("GET /users/{id}", "ANY /{proxy+}", "$default") and the
//     documented route selection: a full match of path and method first, then routes with a greedy
//     path variable, then $default; a method beats ANY for the same path; an unmatched request gets
//     404 {"message":"Not Found"}.
//   - BuildEvent: the payload format 2.0 event (aws-lambda-go's events.APIGatewayV2HTTPRequest).
//   - ParseResponse: a function's result as API Gateway reads a 2.0 response, including the inferred
//     format (a valid JSON result without statusCode becomes 200 application/json).
//   - JWTAuthorizer and LambdaAuthorizer: the two authorizer kinds of HTTP APIs, with their answers
//     (401 with www-authenticate, 403 Forbidden, 500) and what they add to requestContext.authorizer;
//     AuthorizeIAM: IAM authorization (AWS_IAM), a Signature Version 4 check by authorizer.Engine
//     that fills requestContext.authorizer.iam.
//   - CORS: the API's CORS configuration, which API Gateway applies itself: it answers preflight
//     requests without a route and replaces the backend's CORS headers on every response.
//   - Gateway: the whole request path (CORS preflight, route, authorizer, event, invoke, response)
//     behind one Handle call a server makes.
//
// Documentation followed (each test cites the page its expectation comes from):
//   - https://docs.aws.amazon.com/apigateway/latest/developerguide/http-api-develop-routes.html
//   - https://docs.aws.amazon.com/apigateway/latest/developerguide/http-api-develop-integrations-lambda.html
//   - https://docs.aws.amazon.com/apigateway/latest/developerguide/http-api-jwt-authorizer.html
//   - https://docs.aws.amazon.com/apigateway/latest/developerguide/http-api-troubleshooting-jwt.html
//   - https://docs.aws.amazon.com/apigateway/latest/developerguide/http-api-lambda-authorizer.html
//   - https://docs.aws.amazon.com/apigateway/latest/developerguide/http-api-access-control-iam.html
//   - https://docs.aws.amazon.com/apigateway/latest/developerguide/http-api-cors.html
//   - https://docs.aws.amazon.com/apigateway/latest/developerguide/http-api-quotas.html
//   - https://docs.aws.amazon.com/apigateway/latest/developerguide/http-api-troubleshooting-lambda.html
package httpapi
