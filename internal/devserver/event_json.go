package devserver

import (
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"
	"unicode/utf8"
)

// appendEvent appends the JSON of the proxy event for r to dst: the bytes json.Marshal(newEvent(r, in))
// gives, written without reflection or the maps newEvent builds. A header without values, which no
// parsed request has, is left out here where newEvent cannot encode it.
func appendEvent(dst []byte, r *http.Request, in eventInput) []byte {
	path := r.URL.Path
	if path == "" {
		path = "/"
	}
	host, port, sourceIP := addresses(r)

	// One digest of the request id gives both the trace id and the extended request id.
	sum := sumString(in.requestID)
	var trace [7 + 8 + 1 + 24]byte
	traceID := appendTraceID(trace[:0], in.now.Unix(), sum[:12])
	var extended [16]byte
	var id12 [12]byte
	hex.Encode(id12[:], sum[:6])
	base64.StdEncoding.Encode(extended[:], id12[:])

	// The headers are those of the request with API Gateway's forwarding headers put in their place.
	forwardedFor := sourceIP
	if prior := r.Header["X-Forwarded-For"]; len(prior) > 0 {
		forwardedFor = strings.Join(prior, ", ") + ", " + sourceIP
	}
	edge := edgeHeaders{host: r.Host, forwardedFor: forwardedFor, port: port, traceID: traceID}
	var fieldsBuf [32]headerField
	fields := fieldsBuf[:0]
	// The size of the event without escapes, and a little more, to write it into one allocation.
	size := 1200 + 2*(len(in.resource)+len(path)+len(r.Method)+len(in.stage)+len(r.URL.RawQuery)) +
		4*len(r.Host) + 3*len(r.RemoteAddr) + len(in.accountID) + len(r.Proto) + len(in.requestID) + len(in.apiID) +
		4*len(in.body)/3
	var paramsBuf [8]keyValue
	params := paramsBuf[:0]
	for k, v := range in.params {
		params = append(params, keyValue{k, v})
		size += 2*(len(k)+len(v)) + 8
	}
	for name, values := range r.Header {
		if len(values) == 0 || addedHeader(name) {
			continue
		}
		fields = append(fields, headerField{name, values})
		size += 2*len(name) + 8
		for _, v := range values {
			size += 2*len(v) + 6
		}
	}
	// Edge headers have no values here; edge.appendValue writes them.
	fields = append(fields, headerField{name: "Host"}, headerField{name: "X-Amzn-Trace-Id"},
		headerField{name: "X-Forwarded-For"}, headerField{name: "X-Forwarded-Port"}, headerField{name: "X-Forwarded-Proto"})
	slices.SortFunc(fields, func(a, b headerField) int { return strings.Compare(a.name, b.name) })

	dst = slices.Grow(dst, size)
	dst = append(dst, `{"resource":`...)
	dst = appendJSONString(dst, in.resource)
	dst = append(dst, `,"path":`...)
	dst = appendJSONString(dst, path)
	dst = append(dst, `,"httpMethod":`...)
	dst = appendJSONString(dst, r.Method)

	dst = append(dst, `,"headers":{`...)
	for i, f := range fields {
		if i > 0 {
			dst = append(dst, ',')
		}
		dst = appendJSONString(dst, f.name)
		dst = append(dst, ':')
		if f.values == nil {
			dst = edge.appendValue(dst, f.name)
		} else {
			dst = appendJSONString(dst, f.values[len(f.values)-1])
		}
	}
	dst = append(dst, `},"multiValueHeaders":{`...)
	for i, f := range fields {
		if i > 0 {
			dst = append(dst, ',')
		}
		dst = appendJSONString(dst, f.name)
		dst = append(dst, ':')
		if f.values == nil {
			dst = append(edge.appendValue(append(dst, '['), f.name), ']')
		} else {
			dst = appendJSONStrings(dst, f.values)
		}
	}
	dst = append(dst, '}')

	var pairsBuf [16]keyValue
	if pairs := queryPairs(pairsBuf[:0], r.URL.RawQuery); len(pairs) == 0 {
		dst = append(dst, `,"queryStringParameters":null,"multiValueQueryStringParameters":null`...)
	} else {
		dst = append(dst, `,"queryStringParameters":{`...)
		for i := 0; i < len(pairs); {
			if i > 0 {
				dst = append(dst, ',')
			}
			j := endOfKey(pairs, i)
			dst = appendJSONString(dst, pairs[i].key)
			dst = append(dst, ':')
			dst = appendJSONString(dst, pairs[j-1].value)
			i = j
		}
		dst = append(dst, `},"multiValueQueryStringParameters":{`...)
		for i := 0; i < len(pairs); {
			if i > 0 {
				dst = append(dst, ',')
			}
			j := endOfKey(pairs, i)
			dst = appendJSONString(dst, pairs[i].key)
			dst = append(dst, ":["...)
			for k := i; k < j; k++ {
				if k > i {
					dst = append(dst, ',')
				}
				dst = appendJSONString(dst, pairs[k].value)
			}
			dst = append(dst, ']')
			i = j
		}
		dst = append(dst, '}')
	}

	dst = append(dst, `,"pathParameters":`...)
	if in.params == nil {
		dst = append(dst, "null"...)
	} else {
		slices.SortFunc(params, func(a, b keyValue) int { return strings.Compare(a.key, b.key) })
		dst = append(dst, '{')
		for i, p := range params {
			if i > 0 {
				dst = append(dst, ',')
			}
			dst = appendJSONString(dst, p.key)
			dst = append(dst, ':')
			dst = appendJSONString(dst, p.value)
		}
		dst = append(dst, '}')
	}
	dst = append(dst, `,"stageVariables":null`...)

	dst = append(dst, `,"requestContext":{"resourceId":`...)
	dst = appendJSONString(dst, resourceIDs.get(in.resource))
	dst = append(dst, `,"resourcePath":`...)
	dst = appendJSONString(dst, in.resource)
	dst = append(dst, `,"httpMethod":`...)
	dst = appendJSONString(dst, r.Method)
	dst = append(dst, `,"extendedRequestId":"`...)
	dst = append(dst, extended[:]...)
	dst = append(dst, `","requestTime":"`...)
	dst = appendRequestTime(dst, in.now)
	// The stage path is escaped as one string: escaping its parts alone could split a UTF-8 sequence.
	dst = append(dst, `","path":`...)
	var stageBuf [128]byte
	dst = appendJSONString(dst, append(append(append(stageBuf[:0], '/'), in.stage...), path...))
	dst = append(dst, `,"accountId":`...)
	dst = appendJSONString(dst, in.accountID)
	dst = append(dst, `,"protocol":`...)
	dst = appendJSONString(dst, r.Proto)
	dst = append(dst, `,"stage":`...)
	dst = appendJSONString(dst, in.stage)
	dst = append(dst, `,"domainPrefix":`...)
	prefix, _, _ := strings.Cut(host, ".")
	dst = appendJSONString(dst, prefix)
	dst = append(dst, `,"requestTimeEpoch":`...)
	dst = strconv.AppendInt(dst, in.now.UnixMilli(), 10)
	dst = append(dst, `,"requestId":`...)
	dst = appendJSONString(dst, in.requestID)
	dst = append(dst, `,"identity":{"cognitoIdentityPoolId":null,"accountId":null,"cognitoIdentityId":null,"caller":null,"sourceIp":`...)
	dst = appendJSONString(dst, sourceIP)
	dst = append(dst, `,"principalOrgId":null,"accessKey":null,"cognitoAuthenticationType":null,"cognitoAuthenticationProvider":null,"userArn":null,"userAgent":`...)
	// r.Header.Get without canonicalizing a name that already is canonical.
	if ua := r.Header["User-Agent"]; len(ua) == 0 || ua[0] == "" {
		dst = append(dst, "null"...)
	} else {
		dst = appendJSONString(dst, ua[0])
	}
	dst = append(dst, `,"user":null},"domainName":`...)
	dst = appendJSONString(dst, host)
	dst = append(dst, `,"deploymentId":`...)
	dst = appendJSONString(dst, deploymentIDs.get(in.apiID))
	dst = append(dst, `,"apiId":`...)
	dst = appendJSONString(dst, in.apiID)
	dst = append(dst, `},"body":`...)

	binary := false
	switch {
	case len(in.body) == 0:
		dst = append(dst, "null"...)
	case isBinary(firstValue(r.Header["Content-Type"]), in.body):
		binary = true
		dst = append(dst, '"')
		dst = base64.StdEncoding.AppendEncode(dst, in.body)
		dst = append(dst, '"')
	default:
		dst = appendJSONString(dst, in.body)
	}
	if binary {
		dst = append(dst, `,"isBase64Encoded":true}`...)
	} else {
		dst = append(dst, `,"isBase64Encoded":false}`...)
	}
	return dst
}

// edgeHeaders are the values of the headers API Gateway's edge sets.
type edgeHeaders struct {
	host, forwardedFor, port string
	traceID                  []byte
}

// appendValue appends the value of the header name the edge sets.
func (e *edgeHeaders) appendValue(dst []byte, name string) []byte {
	switch name {
	case "Host":
		return appendJSONString(dst, e.host)
	case "X-Forwarded-For":
		return appendJSONString(dst, e.forwardedFor)
	case "X-Forwarded-Port":
		return appendJSONString(dst, e.port)
	case "X-Forwarded-Proto":
		return append(dst, `"http"`...)
	}
	return appendJSONString(dst, e.traceID)
}

// addedHeader reports whether API Gateway sets the header name itself, replacing the client's.
func addedHeader(name string) bool {
	switch name {
	case "Host", "X-Forwarded-For", "X-Forwarded-Port", "X-Forwarded-Proto", "X-Amzn-Trace-Id":
		return true
	}
	return false
}

// headerField is a request header with its values.
type headerField struct {
	name   string
	values []string
}

// appendTraceID appends the X-Amzn-Trace-Id of a request at unix time sec whose id digest starts with id.
func appendTraceID(dst []byte, sec int64, id []byte) []byte {
	dst = append(dst, "Root=1-"...)
	if sec < 0 {
		dst = fmt.Appendf(dst, "%08x", sec)
	} else {
		var digits [16]byte
		h := strconv.AppendInt(digits[:0], sec, 16)
		for range 8 - len(h) {
			dst = append(dst, '0')
		}
		dst = append(dst, h...)
	}
	dst = append(dst, '-')
	return hex.AppendEncode(dst, id)
}

// appendRequestTime appends t in UTC as API Gateway's requestTime, 02/Jan/2006:15:04:05 +0000.
func appendRequestTime(dst []byte, t time.Time) []byte {
	t = t.UTC()
	year, month, day := t.Date()
	if year < 0 || year > 9999 {
		return t.AppendFormat(dst, "02/Jan/2006:15:04:05 -0700")
	}
	hour, minute, sec := t.Clock()
	const months = "JanFebMarAprMayJunJulAugSepOctNovDec"
	dst = append(dst, byte('0'+day/10), byte('0'+day%10), '/')
	dst = append(dst, months[3*(month-1):3*month]...)
	dst = append(dst, '/', byte('0'+year/1000), byte('0'+year/100%10), byte('0'+year/10%10), byte('0'+year%10))
	dst = append(dst, ':', byte('0'+hour/10), byte('0'+hour%10))
	dst = append(dst, ':', byte('0'+minute/10), byte('0'+minute%10))
	dst = append(dst, ':', byte('0'+sec/10), byte('0'+sec%10))
	return append(dst, " +0000"...)
}

func firstValue(values []string) string {
	if len(values) == 0 {
		return ""
	}
	return values[0]
}

func sumString(s string) [sha256.Size]byte {
	var buf [64]byte
	if len(s) <= len(buf) {
		return sha256.Sum256(append(buf[:0], s...))
	}
	return sha256.Sum256([]byte(s))
}

// idCache remembers hexID(key+suffix, 6) of the few resources and APIs a server has.
type idCache struct {
	suffix string
	mu     sync.RWMutex
	ids    map[string]string
}

var (
	resourceIDs   = &idCache{}
	deploymentIDs = &idCache{suffix: "deployment"}
)

func (c *idCache) get(key string) string {
	c.mu.RLock()
	id, ok := c.ids[key]
	c.mu.RUnlock()
	if ok {
		return id
	}
	id = hexID(key+c.suffix, 6)
	c.mu.Lock()
	if c.ids == nil {
		c.ids = map[string]string{}
	}
	c.ids[key] = id
	c.mu.Unlock()
	return id
}

// keyValue is a key with one of its values in a query string, or a path parameter.
type keyValue struct{ key, value string }

// queryPairs appends to pairs the keys and values r.URL.Query() gives for the raw query, sorted by key
// with the values of a key in the order of the query: net/url parses, as it does for newEvent.
func queryPairs(pairs []keyValue, query string) []keyValue {
	if query == "" {
		return pairs
	}
	values, _ := url.ParseQuery(query)
	keys := make([]string, 0, len(values))
	for k := range values {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	for _, k := range keys {
		for _, v := range values[k] {
			pairs = append(pairs, keyValue{k, v})
		}
	}
	return pairs
}

// endOfKey returns the index after the pairs, from i on, that have the key of pairs[i].
func endOfKey(pairs []keyValue, i int) int {
	j := i + 1
	for j < len(pairs) && pairs[j].key == pairs[i].key {
		j++
	}
	return j
}

func appendJSONStrings(dst []byte, values []string) []byte {
	if values == nil {
		return append(dst, "null"...)
	}
	dst = append(dst, '[')
	for i, v := range values {
		if i > 0 {
			dst = append(dst, ',')
		}
		dst = appendJSONString(dst, v)
	}
	return append(dst, ']')
}

const hexDigits = "0123456789abcdef"

// jsonSafe holds the ASCII bytes encoding/json writes as they are: printable, and none of the quote,
// the backslash and the HTML characters <, > and &.
var jsonSafe = func() (safe [utf8.RuneSelf]bool) {
	for b := ' '; b < utf8.RuneSelf; b++ {
		safe[b] = b != '"' && b != '\\' && b != '<' && b != '>' && b != '&'
	}
	return safe
}()

// appendJSONString appends s as a JSON string escaped the way json.Marshal escapes it: \u003c, \u003e
// and \u0026 for the HTML characters, \u2028 and \u2029, \ufffd for each invalid UTF-8 byte and \u00XX
// for control characters without a short escape.
func appendJSONString[S ~string | ~[]byte](dst []byte, s S) []byte {
	dst = append(dst, '"')
	start := 0
	for i := 0; i < len(s); {
		if len(s)-i >= 8 {
			c := s[i : i+8]
			w := uint64(c[0]) | uint64(c[1])<<8 | uint64(c[2])<<16 | uint64(c[3])<<24 |
				uint64(c[4])<<32 | uint64(c[5])<<40 | uint64(c[6])<<48 | uint64(c[7])<<56
			// All eight bytes are safe unless a top bit is set, a byte is below 0x20 or equals one of
			// the five escaped characters. The tests can flag a safe byte next to an unsafe one, never
			// miss an unsafe byte.
			const ones = 0x0101010101010101
			unsafe := w | (w-0x20*ones)&^w |
				(w^'"'*ones-ones)&^(w^'"'*ones) | (w^'\\'*ones-ones)&^(w^'\\'*ones) |
				(w^'<'*ones-ones)&^(w^'<'*ones) | (w^'>'*ones-ones)&^(w^'>'*ones) | (w^'&'*ones-ones)&^(w^'&'*ones)
			if unsafe&(0x80*ones) == 0 {
				i += 8
				continue
			}
		}
		if b := s[i]; b < utf8.RuneSelf {
			if jsonSafe[b] {
				i++
				continue
			}
			dst = append(dst, s[start:i]...)
			switch b {
			case '\\', '"':
				dst = append(dst, '\\', b)
			case '\b':
				dst = append(dst, '\\', 'b')
			case '\f':
				dst = append(dst, '\\', 'f')
			case '\n':
				dst = append(dst, '\\', 'n')
			case '\r':
				dst = append(dst, '\\', 'r')
			case '\t':
				dst = append(dst, '\\', 't')
			default:
				dst = append(dst, '\\', 'u', '0', '0', hexDigits[b>>4], hexDigits[b&0xf])
			}
			i++
			start = i
			continue
		}
		n := min(len(s)-i, utf8.UTFMax)
		c, size := utf8.DecodeRuneInString(string(s[i : i+n]))
		if c == utf8.RuneError && size == 1 {
			dst = append(dst, s[start:i]...)
			dst = append(dst, `\ufffd`...)
			i++
			start = i
			continue
		}
		if c == '\u2028' || c == '\u2029' {
			dst = append(dst, s[start:i]...)
			dst = append(dst, '\\', 'u', '2', '0', '2', hexDigits[c&0xf])
			i += size
			start = i
			continue
		}
		i += size
	}
	dst = append(dst, s[start:]...)
	return append(dst, '"')
}
