package httpapi

import (
	"bytes"
	"crypto/rand"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"mime"
	"net"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/aws/aws-lambda-go/events"
)

// Stage is the stage the local server serves: HTTP APIs have a $default stage served at the root of
// the URL.
const Stage = "$default"

// Context describes the API a request is sent to, as the event's requestContext names it.
type Context struct {
	AccountID string
	APIID     string
	// DomainName is the Host the client used; DomainPrefix is its first label.
	DomainName string
	// StageVariables are the stage's variables (nil when none).
	StageVariables map[string]string
}

// Request is what BuildEvent needs of one request.
type Request struct {
	HTTP *http.Request
	// Body is the request body, already read.
	Body []byte
	// RequestID is requestContext.requestId.
	RequestID string
	// Time is the time the request arrived.
	Time  time.Time
	Match Match
	// Authorizer is requestContext.authorizer (nil when the route has none).
	Authorizer *events.APIGatewayV2HTTPRequestContextAuthorizerDescription
}

// event is the wire format: aws-lambda-go's APIGatewayV2HTTPRequest, whose requestContext would always
// carry "authentication" (a struct field omitempty does not drop), which API Gateway sends only with
// mutual TLS. The shallower field of the same JSON name wins in encoding/json.
type event struct {
	events.APIGatewayV2HTTPRequest
	RequestContext requestContext `json:"requestContext"`
}

type requestContext struct {
	events.APIGatewayV2HTTPRequestContext
	Authentication *events.APIGatewayV2HTTPRequestContextAuthentication `json:"authentication,omitempty"`
	Authorizer     *authorizerContext                                   `json:"authorizer,omitempty"`
}

// authorizerContext is requestContext.authorizer on the wire. API Gateway sends "scopes": null for a
// route without authorization scopes (reported with real events in github.com/aws/aws-lambda-go/issues/317,
// where aws-lambda-go made the field omitempty for its Go type); a Python handler reading
// event["requestContext"]["authorizer"]["jwt"]["scopes"] must find the key.
type authorizerContext struct {
	JWT    *jwtContext                                                    `json:"jwt,omitempty"`
	IAM    *events.APIGatewayV2HTTPRequestContextAuthorizerIAMDescription `json:"iam,omitempty"`
	Lambda map[string]any                                                 `json:"lambda,omitempty"`
}

type jwtContext struct {
	Claims map[string]string `json:"claims"`
	Scopes []string          `json:"scopes"`
}

// setAuthorizer sets requestContext.authorizer, in aws-lambda-go's type and on the wire.
func (ev *event) setAuthorizer(a *events.APIGatewayV2HTTPRequestContextAuthorizerDescription) {
	ev.RequestContext.APIGatewayV2HTTPRequestContext.Authorizer = a
	if a == nil {
		ev.RequestContext.Authorizer = nil
		return
	}
	w := &authorizerContext{Lambda: a.Lambda, IAM: a.IAM}
	if a.JWT != nil {
		w.JWT = &jwtContext{Claims: a.JWT.Claims, Scopes: a.JWT.Scopes}
	}
	if a.Lambda != nil && w.Lambda == nil {
		w.Lambda = map[string]any{}
	}
	ev.RequestContext.Authorizer = w
}

// timeLayout is requestContext.time: "12/Mar/2020:19:03:58 +0000".
const timeLayout = "02/Jan/2006:15:04:05 -0700"

// BuildEvent makes the payload format 2.0 event of a request.
// https://docs.aws.amazon.com/apigateway/latest/developerguide/http-api-develop-integrations-lambda.html
func BuildEvent(req *Request, api Context) ([]byte, error) {
	return marshal(newEvent(req, api))
}

// marshal writes JSON as API Gateway does, without escaping <, > and & ("a=1&b=2", not "a=1\u0026b=2").
func marshal(v any) ([]byte, error) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return nil, err
	}
	return bytes.TrimSuffix(buf.Bytes(), []byte("\n")), nil
}

func newEvent(req *Request, api Context) *event {
	r := req.HTTP
	ev := &event{}
	e := &ev.APIGatewayV2HTTPRequest
	e.Version = "2.0"
	e.RouteKey = req.Match.Route.Key.String()
	e.RawPath = r.URL.EscapedPath()
	if e.RawPath == "" {
		e.RawPath = "/"
	}
	e.RawQueryString = r.URL.RawQuery
	e.Headers, e.Cookies = headers(r)
	addGatewayHeaders(e.Headers, r, len(req.Body), req.Time)
	e.QueryStringParameters = query(r.URL.RawQuery)
	e.PathParameters = req.Match.PathParameters
	e.StageVariables = api.StageVariables
	if len(req.Body) > 0 {
		if textual(r.Header.Get("Content-Type")) {
			e.Body = string(req.Body)
		} else {
			e.Body = base64.StdEncoding.EncodeToString(req.Body)
			e.IsBase64Encoded = true
		}
	}
	c := &ev.RequestContext.APIGatewayV2HTTPRequestContext
	c.RouteKey = e.RouteKey
	c.AccountID = api.AccountID
	c.Stage = Stage
	c.RequestID = req.RequestID
	c.APIID = api.APIID
	c.DomainName = api.DomainName
	host := api.DomainName
	if h, _, err := net.SplitHostPort(host); err == nil {
		host = h
	}
	c.DomainPrefix, _, _ = strings.Cut(host, ".")
	t := req.Time.UTC()
	c.Time = t.Format(timeLayout)
	c.TimeEpoch = t.UnixMilli()
	c.HTTP.Method = r.Method
	c.HTTP.Path = r.URL.Path
	if c.HTTP.Path == "" {
		c.HTTP.Path = "/"
	}
	c.HTTP.Protocol = r.Proto
	c.HTTP.SourceIP = sourceIP(r.RemoteAddr)
	c.HTTP.UserAgent = r.UserAgent()
	ev.setAuthorizer(req.Authorizer)
	return ev
}

// headers are the request's headers with lower-case names and repeated values joined with commas
// ("Duplicate headers are combined with commas and included in the headers field"); the Cookie
// headers become the cookies list ("All cookie headers in the request are combined with commas and
// added to the cookies field"), one entry per cookie.
func headers(r *http.Request) (map[string]string, []string) {
	h := make(map[string]string, len(r.Header)+1)
	var cookies []string
	for k, v := range r.Header {
		name := strings.ToLower(k)
		if HopByHop(name) {
			continue
		}
		if name == "cookie" {
			for _, line := range v {
				for _, c := range strings.Split(line, ";") {
					if c = strings.TrimSpace(c); c != "" {
						cookies = append(cookies, c)
					}
				}
			}
			continue
		}
		h[name] = strings.Join(v, ",")
	}
	// Go's server moves Host out of the header map; API Gateway passes it on.
	if r.Host != "" {
		h["host"] = r.Host
	}
	return h, cookies
}

// HopByHop reports whether a request header (any case) describes the client's hop to the gateway and
// not the request: such headers never reach a function's event. For REST APIs, "Amazon API Gateway
// important notes" lists the headers API Gateway drops or remaps on the way to an integration
// (https://docs.aws.amazon.com/apigateway/latest/developerguide/api-gateway-known-issues.html); of them
// Expect, TE, Trailer, Transfer-Encoding and Upgrade are dropped from requests. The HTTP API notes are
// silent on these headers; the same are dropped, as the gateway has answered Expect itself, read the
// body whole and sets content-length from it.
func HopByHop(name string) bool {
	switch strings.ToLower(name) {
	case "expect", "te", "trailer", "transfer-encoding", "upgrade":
		return true
	}
	return false
}

// addGatewayHeaders adds the headers API Gateway adds to every request, as aws-lambda-go's sample of a
// real event (apigw-v2-request-no-authorizer.json) shows them: content-length (also "0" for a request
// without a body), x-amzn-trace-id, x-forwarded-for (the client's address appended), x-forwarded-port
// and x-forwarded-proto.
func addGatewayHeaders(h map[string]string, r *http.Request, bodyLen int, t time.Time) {
	h["content-length"] = strconv.Itoa(bodyLen)
	if h["x-amzn-trace-id"] == "" {
		h["x-amzn-trace-id"] = traceID(t)
	}
	ip := sourceIP(r.RemoteAddr)
	if prev := h["x-forwarded-for"]; prev != "" {
		h["x-forwarded-for"] = prev + ", " + ip
	} else {
		h["x-forwarded-for"] = ip
	}
	proto := "http"
	if r.TLS != nil {
		proto = "https"
	}
	h["x-forwarded-port"] = ForwardedPort(r)
	h["x-forwarded-proto"] = proto
}

// traceID is an X-Ray trace header: Root=1-{time, 8 hex digits}-{96 random bits, 24 hex digits}.
// https://docs.aws.amazon.com/xray/latest/devguide/xray-concepts.html#xray-concepts-tracingheader
func traceID(t time.Time) string {
	var b [12]byte
	_, _ = rand.Read(b[:])
	return fmt.Sprintf("Root=1-%08x-%s", t.Unix(), hex.EncodeToString(b[:]))
}

// query is queryStringParameters: names and values URL-decoded, repeated values joined with commas in
// order ("Duplicate query strings are combined with commas"); nil without a query string.
func query(raw string) map[string]string {
	var out map[string]string
	for _, part := range strings.Split(raw, "&") {
		if part == "" {
			continue
		}
		k, v, _ := strings.Cut(part, "=")
		k, v = unescape(k), unescape(v)
		if out == nil {
			out = map[string]string{}
		}
		if prev, ok := out[k]; ok {
			out[k] = prev + "," + v
		} else {
			out[k] = v
		}
	}
	return out
}

func unescape(s string) string {
	if u, err := url.QueryUnescape(s); err == nil {
		return u
	}
	return s
}

// textual reports whether a body of this content type is passed as text. Bodies of any other type
// (and of none) are base64-encoded with isBase64Encoded true: HTTP APIs have no binary media type
// setting, and the developer guide says only that a binary body is base64-encoded, without listing
// which types count as text. This takes the text/* family and application/json, application/xml and
// application/javascript; a handler that checks isBase64Encoded (as handlers of HTTP APIs must) reads
// every body right either way.
func textual(contentType string) bool {
	mt, _, err := mime.ParseMediaType(contentType)
	if err != nil {
		return false
	}
	return strings.HasPrefix(mt, "text/") || mt == "application/json" || mt == "application/xml" || mt == "application/javascript"
}

func sourceIP(remote string) string {
	host, _, err := net.SplitHostPort(remote)
	if err != nil {
		return remote
	}
	return host
}
