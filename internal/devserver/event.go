package devserver

import (
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"fmt"
	"mime"
	"net"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"time"

	json "github.com/goccy/go-json"

	"github.com/stelvio-go/stelvio/internal/httpapi"
)

// proxyEvent is the event API Gateway (REST, Lambda proxy integration) sends. Fields API Gateway sends
// as null are pointers or nil maps, so handlers see null and not "". aws-lambda-go's
// events.APIGatewayProxyRequest reads this format but cannot write it: its body is a string ("" where
// API Gateway sends null), isBase64Encoded is left out when false and the identity fields are strings.
type proxyEvent struct {
	Resource                        string              `json:"resource"`
	Path                            string              `json:"path"`
	HTTPMethod                      string              `json:"httpMethod"`
	Headers                         map[string]string   `json:"headers"`
	MultiValueHeaders               map[string][]string `json:"multiValueHeaders"`
	QueryStringParameters           map[string]string   `json:"queryStringParameters"`
	MultiValueQueryStringParameters map[string][]string `json:"multiValueQueryStringParameters"`
	PathParameters                  map[string]string   `json:"pathParameters"`
	StageVariables                  map[string]string   `json:"stageVariables"`
	RequestContext                  requestContext      `json:"requestContext"`
	Body                            *string             `json:"body"`
	IsBase64Encoded                 bool                `json:"isBase64Encoded"`
}

type requestContext struct {
	ResourceID        string   `json:"resourceId"`
	ResourcePath      string   `json:"resourcePath"`
	HTTPMethod        string   `json:"httpMethod"`
	ExtendedRequestID string   `json:"extendedRequestId"`
	RequestTime       string   `json:"requestTime"`
	Path              string   `json:"path"`
	AccountID         string   `json:"accountId"`
	Protocol          string   `json:"protocol"`
	Stage             string   `json:"stage"`
	DomainPrefix      string   `json:"domainPrefix"`
	RequestTimeEpoch  int64    `json:"requestTimeEpoch"`
	RequestID         string   `json:"requestId"`
	Identity          identity `json:"identity"`
	DomainName        string   `json:"domainName"`
	DeploymentID      string   `json:"deploymentId"`
	APIID             string   `json:"apiId"`
}

type identity struct {
	CognitoIdentityPoolID         *string `json:"cognitoIdentityPoolId"`
	AccountID                     *string `json:"accountId"`
	CognitoIdentityID             *string `json:"cognitoIdentityId"`
	Caller                        *string `json:"caller"`
	SourceIP                      string  `json:"sourceIp"`
	PrincipalOrgID                *string `json:"principalOrgId"`
	AccessKey                     *string `json:"accessKey"`
	CognitoAuthenticationType     *string `json:"cognitoAuthenticationType"`
	CognitoAuthenticationProvider *string `json:"cognitoAuthenticationProvider"`
	UserArn                       *string `json:"userArn"`
	UserAgent                     *string `json:"userAgent"`
	User                          *string `json:"user"`
}

// eventInput is what an event is made from besides the HTTP request.
type eventInput struct {
	resource  string
	stage     string
	apiID     string
	accountID string
	params    map[string]string
	body      []byte
	// binaryMediaTypes are the API's (route.Api.BinaryMediaTypes).
	binaryMediaTypes []string
	// rawHeaders are the request's header lines as the client sent them; r.Header's when nil.
	rawHeaders []rawHeader
	requestID  string
	now        time.Time
}

// newEvent builds the proxy event for r.
func newEvent(r *http.Request, in eventInput) proxyEvent {
	ev := proxyEvent{
		Resource:       in.resource,
		Path:           r.URL.Path,
		HTTPMethod:     r.Method,
		PathParameters: in.params,
	}
	if ev.Path == "" {
		ev.Path = "/"
	}

	// API Gateway adds the forwarding headers of its edge; headers keep the last value of a repeated
	// header, multiValueHeaders all of them.
	host, port, sourceIP := addresses(r)
	// Header names are passed as the client spelled them, when the server kept them.
	mv := make(map[string][]string, len(r.Header)+5)
	if in.rawHeaders != nil {
		for _, f := range in.rawHeaders {
			if !addedHeader(http.CanonicalHeaderKey(f.name)) {
				mv[f.name] = append(mv[f.name], f.value)
			}
		}
	} else {
		for name, values := range r.Header {
			if !addedHeader(name) {
				mv[name] = append([]string(nil), values...)
			}
		}
	}
	mv["Host"] = []string{r.Host}
	forwardedFor := sourceIP
	if prior := r.Header.Values("X-Forwarded-For"); len(prior) > 0 {
		forwardedFor = strings.Join(prior, ", ") + ", " + sourceIP
	}
	mv["X-Forwarded-For"] = []string{forwardedFor}
	mv["X-Forwarded-Port"] = []string{port}
	mv["X-Forwarded-Proto"] = []string{"http"}
	// One digest of the request id gives the trace id and the extended request id.
	id := hexID(in.requestID, 24)
	mv["X-Amzn-Trace-Id"] = []string{traceID(in.now.Unix(), id)}
	ev.MultiValueHeaders = mv
	ev.Headers = make(map[string]string, len(mv))
	for name, values := range mv {
		ev.Headers[name] = values[len(values)-1]
	}

	if q := queryParameters(r.URL.RawQuery); len(q) > 0 {
		ev.QueryStringParameters = make(map[string]string, len(q))
		ev.MultiValueQueryStringParameters = make(map[string][]string, len(q))
		for k, values := range q {
			ev.QueryStringParameters[k] = values[len(values)-1]
			ev.MultiValueQueryStringParameters[k] = values
		}
	}

	// A body is passed base64-encoded when its Content-Type is one of the API's binary media types,
	// and as UTF-8 text otherwise.
	if len(in.body) > 0 {
		var body string
		if mediaTypeIn(r.Header.Get("Content-Type"), in.binaryMediaTypes) {
			body = base64.StdEncoding.EncodeToString(in.body)
			ev.IsBase64Encoded = true
		} else {
			body = string(in.body)
		}
		ev.Body = &body
	}

	ua := r.Header.Get("User-Agent")
	ev.RequestContext = requestContext{
		ResourceID:        cachedID(in.resource, ""),
		ResourcePath:      in.resource,
		HTTPMethod:        r.Method,
		ExtendedRequestID: base64.StdEncoding.EncodeToString([]byte(id[:12]))[:16],
		RequestTime:       in.now.UTC().Format("02/Jan/2006:15:04:05 -0700"),
		Path:              "/" + in.stage + ev.Path,
		AccountID:         in.accountID,
		Protocol:          r.Proto,
		Stage:             in.stage,
		DomainPrefix:      strings.SplitN(host, ".", 2)[0],
		RequestTimeEpoch:  in.now.UnixMilli(),
		RequestID:         in.requestID,
		Identity:          identity{SourceIP: sourceIP, UserAgent: nilIfEmpty(ua)},
		DomainName:        host,
		DeploymentID:      cachedID(in.apiID, "deployment"),
		APIID:             in.apiID,
	}
	return ev
}

// marshalEvent encodes the proxy event for r. goccy/go-json writes what encoding/json writes for the
// struct (the golden events hold its output) in a fraction of the time, which the local server pays
// on every request.
func marshalEvent(r *http.Request, in eventInput) ([]byte, error) {
	return json.Marshal(newEvent(r, in))
}

// addresses returns the host the client asked for, the port the server listens on (X-Forwarded-Port:
// the connection's, not the client's Host header's) and the client's IP address.
func addresses(r *http.Request) (host, port, sourceIP string) {
	host, port = r.Host, httpapi.ForwardedPort(r)
	if h, _, err := net.SplitHostPort(r.Host); err == nil {
		host = h
	}
	sourceIP = r.RemoteAddr
	if h, _, err := net.SplitHostPort(r.RemoteAddr); err == nil {
		sourceIP = h
	}
	return host, port, sourceIP
}

// addedHeader reports whether API Gateway sets the header itself (canonical name), replacing the
// client's, or drops it.
func addedHeader(name string) bool {
	if httpapi.HopByHop(name) {
		return true // dropped (httpapi.HopByHop)
	}
	switch name {
	case "Host", "X-Forwarded-For", "X-Forwarded-Port", "X-Forwarded-Proto", "X-Amzn-Trace-Id":
		return true
	}
	return false
}

// queryParameters parses a raw query string as API Gateway does: pairs are split at & and at ;
// (a semicolon "results in the data being split"), keys and values are percent-decoded with + as a
// space, and a key or value whose escapes do not decode is kept as it was sent rather than dropped.
// Empty pairs are skipped; a pair without = has an empty value.
func queryParameters(raw string) map[string][]string {
	var q map[string][]string
	for raw != "" {
		var pair string
		if i := strings.IndexAny(raw, "&;"); i >= 0 {
			pair, raw = raw[:i], raw[i+1:]
		} else {
			pair, raw = raw, ""
		}
		if pair == "" {
			continue
		}
		k, v, _ := strings.Cut(pair, "=")
		if q == nil {
			q = map[string][]string{}
		}
		k, v = queryUnescape(k), queryUnescape(v)
		q[k] = append(q[k], v)
	}
	return q
}

func queryUnescape(s string) string {
	if u, err := url.QueryUnescape(s); err == nil {
		return u
	}
	return s
}

// mediaTypeIn reports whether the media type of a Content-Type or Accept value is one of an API's
// binary media types, which may use * for the type, the subtype or both ("image/*", "*/*"). Parameters
// (";charset=utf-8", ";q=0.8") are ignored and case does not matter; an empty or unparsable value
// matches nothing.
func mediaTypeIn(value string, types []string) bool {
	if len(types) == 0 || value == "" {
		return false
	}
	mt, _, err := mime.ParseMediaType(value)
	if err != nil {
		return false
	}
	typ, sub, _ := strings.Cut(mt, "/")
	for _, t := range types {
		tt, ts, _ := strings.Cut(strings.ToLower(strings.TrimSpace(t)), "/")
		if (tt == "*" || tt == typ) && (ts == "*" || ts == sub) {
			return true
		}
	}
	return false
}

// firstAccept is the first media type of a request's first Accept header: the one API Gateway looks at
// to decide whether a response is binary.
func firstAccept(h http.Header) string {
	first, _, _ := strings.Cut(h.Get("Accept"), ",")
	return strings.TrimSpace(first)
}

// traceID is the X-Amzn-Trace-Id of a request at unix time sec whose id digest is id.
func traceID(sec int64, id string) string {
	if sec < 0 {
		return fmt.Sprintf("Root=1-%08x-%s", sec, id)
	}
	h := strconv.FormatInt(sec, 16)
	if len(h) < 8 {
		h = strings.Repeat("0", 8-len(h)) + h
	}
	return "Root=1-" + h + "-" + id
}

// ids remembers hexID(key+suffix, 6) of the few resources and APIs a server has.
var ids sync.Map

func cachedID(key, suffix string) string {
	k := key + suffix
	if id, ok := ids.Load(k); ok {
		return id.(string)
	}
	id := hexID(k, 6)
	ids.Store(k, id)
	return id
}

// apiID is a stable 10-character id for an API, like API Gateway's rest API ids.
func apiID(app, env, api string) string { return hexID(app+"/"+env+"/"+api, 10) }

// hexID derives n lowercase hex-and-letter characters from s.
func hexID(s string, n int) string {
	sum := sha256.Sum256([]byte(s))
	return hex.EncodeToString(sum[:])[:n]
}

func nilIfEmpty(s string) *string {
	if s == "" {
		return nil
	}
	return &s
}

func unescape(s string) string {
	if u, err := url.PathUnescape(s); err == nil {
		return u
	}
	return s
}
