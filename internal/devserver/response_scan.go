package devserver

import (
	"encoding/base64"
	"net/http"
	"net/textproto"
	"unicode"
	"unicode/utf16"
	"unicode/utf8"
)

// scanResponse reads a proxy response in one pass over the payload, for the shapes handlers nearly
// always return: an object whose keys are among statusCode, headers, multiValueHeaders, body and
// isBase64Encoded, spelled exactly so and each given once, with a three-digit statusCode (a number
// or a string), header values that are strings, booleans or integers below a million, a string or
// null body and a boolean or null isBase64Encoded. It reports ok only when the payload is valid JSON
// of that shape and decodeResponse would return the same response without an error; anything else
// (unknown or repeated keys, header names that differ only in case, invalid base64, any syntax error)
// is left to decodeResponse, so the two never disagree.
func scanResponse(payload []byte) (resp *proxyResponse, ok bool) {
	const (
		seenStatus = 1 << iota
		seenHeaders
		seenMulti
		seenBody
		seenBase64
	)
	c := cursor{p: payload}
	c.space()
	if !c.byte('{') {
		return nil, false
	}
	var (
		seen     int
		status   int
		headers  = http.Header{}
		multi    []multiValue
		body     []byte
		owned    bool // body is a copy, not a slice of the payload
		hasBody  bool
		isBase64 bool
	)
	for {
		c.space()
		key, ok := c.plainString()
		if !ok {
			return nil, false
		}
		c.space()
		if !c.byte(':') {
			return nil, false
		}
		c.space()
		var field int
		switch string(key) {
		case "statusCode":
			field = seenStatus
			status, ok = c.status()
		case "headers":
			field = seenHeaders
			ok = c.headers(headers)
		case "multiValueHeaders":
			field = seenMulti
			multi, ok = c.multiValueHeaders()
		case "body":
			field = seenBody
			if c.literal("null") {
				hasBody = false
			} else {
				body, owned, ok = c.string()
				hasBody = true
			}
		case "isBase64Encoded":
			field = seenBase64
			switch {
			case c.literal("true"):
				isBase64 = true
			case c.literal("false"), c.literal("null"):
				isBase64 = false
			default:
				ok = false
			}
		default:
			return nil, false
		}
		if !ok || seen&field != 0 {
			return nil, false
		}
		seen |= field
		c.space()
		if c.byte('}') {
			break // whatever follows the object is ignored, as json.Decoder ignores it
		}
		if !c.byte(',') {
			return nil, false
		}
	}
	if seen&seenStatus == 0 {
		return nil, false
	}

	// multiValueHeaders replace a header of the same name given in headers.
	for _, m := range multi {
		if len(m.values) > 0 {
			headers[m.name] = m.values
		}
	}
	resp = &proxyResponse{status: status, headers: headers}
	if hasBody {
		switch {
		case isBase64:
			decoded := make([]byte, base64.StdEncoding.DecodedLen(len(body)))
			n, err := base64.StdEncoding.Decode(decoded, body)
			if err != nil {
				return nil, false
			}
			resp.body = decoded[:n]
		case owned:
			resp.body = body
		default:
			resp.body = make([]byte, len(body))
			copy(resp.body, body)
		}
	}
	return resp, true
}

// multiValue is one entry of multiValueHeaders, its name in canonical form.
type multiValue struct {
	name   string
	values []string
}

// maxMultiValueNames bounds the names checked pairwise for ones that differ only in case; a response
// with more is left to decodeResponse.
const maxMultiValueNames = 64

// cursor reads JSON from p at i. Each method either consumes what it reads and reports true, or
// reports false, after which the cursor is not used again.
type cursor struct {
	p []byte
	i int
}

func (c *cursor) space() {
	for c.i < len(c.p) {
		switch c.p[c.i] {
		case ' ', '\t', '\n', '\r':
			c.i++
		default:
			return
		}
	}
}

func (c *cursor) byte(b byte) bool {
	if c.i < len(c.p) && c.p[c.i] == b {
		c.i++
		return true
	}
	return false
}

// literal consumes s. What follows it is checked by the caller, which expects a separator or the end
// of a container next, so "nullx" is not taken for null.
func (c *cursor) literal(s string) bool {
	if len(c.p)-c.i >= len(s) && string(c.p[c.i:c.i+len(s)]) == s {
		c.i += len(s)
		return true
	}
	return false
}

// status reads a statusCode of three digits from 100 to 599, as a number or a string.
func (c *cursor) status() (int, bool) {
	quoted := c.byte('"')
	if len(c.p)-c.i < 3 {
		return 0, false
	}
	d0, d1, d2 := c.p[c.i], c.p[c.i+1], c.p[c.i+2]
	if d0 < '1' || d0 > '5' || d1 < '0' || d1 > '9' || d2 < '0' || d2 > '9' {
		return 0, false
	}
	c.i += 3
	if quoted && !c.byte('"') {
		return 0, false
	}
	return int(d0-'0')*100 + int(d1-'0')*10 + int(d2-'0'), true
}

// headers reads null or an object of scalar values into h. A name whose canonical form is already in h
// is refused: which of the two values wins is not defined.
func (c *cursor) headers(h http.Header) bool {
	if c.literal("null") {
		return true
	}
	if !c.byte('{') {
		return false
	}
	c.space()
	if c.byte('}') {
		return true
	}
	for {
		name, ok := c.headerName()
		if !ok {
			return false
		}
		value, ok := c.scalar()
		if !ok {
			return false
		}
		if _, dup := h[name]; dup {
			return false
		}
		h[name] = []string{value}
		c.space()
		if c.byte('}') {
			return true
		}
		if !c.byte(',') {
			return false
		}
		c.space()
	}
}

// multiValueHeaders reads null or an object of null or lists of scalar values. Names that are the same
// in canonical form are refused: which list wins is not defined.
func (c *cursor) multiValueHeaders() ([]multiValue, bool) {
	if c.literal("null") {
		return nil, true
	}
	if !c.byte('{') {
		return nil, false
	}
	c.space()
	if c.byte('}') {
		return nil, true
	}
	var multi []multiValue
	for {
		name, ok := c.headerName()
		if !ok || len(multi) == maxMultiValueNames {
			return nil, false
		}
		for _, m := range multi {
			if m.name == name {
				return nil, false
			}
		}
		values, ok := c.list()
		if !ok {
			return nil, false
		}
		multi = append(multi, multiValue{name, values})
		c.space()
		if c.byte('}') {
			return multi, true
		}
		if !c.byte(',') {
			return nil, false
		}
		c.space()
	}
}

// headerName reads an object key and the colon after it, and returns the key in canonical form.
func (c *cursor) headerName() (string, bool) {
	name, _, ok := c.string()
	if !ok {
		return "", false
	}
	c.space()
	if !c.byte(':') {
		return "", false
	}
	c.space()
	return textproto.CanonicalMIMEHeaderKey(string(name)), true
}

// list reads null or an array of scalar values.
func (c *cursor) list() ([]string, bool) {
	if c.literal("null") {
		return nil, true
	}
	if !c.byte('[') {
		return nil, false
	}
	c.space()
	if c.byte(']') {
		return nil, true
	}
	var values []string
	for {
		v, ok := c.scalar()
		if !ok {
			return nil, false
		}
		values = append(values, v)
		c.space()
		if c.byte(']') {
			return values, true
		}
		if !c.byte(',') {
			return nil, false
		}
		c.space()
	}
}

// scalar reads a header value: a string, a boolean, or an integer below a million, which is written
// with its digits as fmt.Sprint writes the float64 encoding/json decodes it to. Larger or fractional
// numbers are refused, as fmt.Sprint may write them in exponent form.
func (c *cursor) scalar() (string, bool) {
	if c.i >= len(c.p) {
		return "", false
	}
	switch b := c.p[c.i]; {
	case b == '"':
		s, _, ok := c.string()
		return string(s), ok
	case c.literal("true"):
		return "true", true
	case c.literal("false"):
		return "false", true
	case b == '0':
		c.i++
		return "0", true
	case '1' <= b && b <= '9':
		start := c.i
		for c.i < len(c.p) && c.i-start < 7 && '0' <= c.p[c.i] && c.p[c.i] <= '9' {
			c.i++
		}
		if c.i-start > 6 {
			return "", false
		}
		return string(c.p[start:c.i]), true
	}
	return "", false
}

// plainString reads a string without escapes, control characters or quotes, and returns its bytes,
// a slice of the payload.
func (c *cursor) plainString() ([]byte, bool) {
	if !c.byte('"') {
		return nil, false
	}
	start := c.i
	for c.i < len(c.p) {
		switch b := c.p[c.i]; {
		case b == '"':
			c.i++
			return c.p[start : c.i-1], true
		case b == '\\' || b < ' ':
			return nil, false
		}
		c.i++
	}
	return nil, false
}

// string reads a JSON string and returns its value as encoding/json decodes it: escapes resolved, an
// unpaired surrogate escape and each byte of invalid UTF-8 replaced by U+FFFD. The value is a slice of
// the payload when the string needs no decoding, or else a new buffer (owned).
func (c *cursor) string() (s []byte, owned bool, ok bool) {
	if !c.byte('"') {
		return nil, false, false
	}
	p := c.p
	start, i := c.i, c.i
	for i < len(p) {
		b := p[i]
		if b == '"' {
			c.i = i + 1
			return p[start:i], false, true
		}
		if b == '\\' || b < ' ' {
			break
		}
		if b < utf8.RuneSelf {
			i++
			continue
		}
		r, size := utf8.DecodeRune(p[i:])
		if r == utf8.RuneError && size == 1 {
			break
		}
		i += size
	}

	// Decoding never lengthens the string but for invalid UTF-8, so its raw length is the usual size.
	end := i
	for end < len(p) && p[end] != '"' {
		if p[end] == '\\' {
			end++
		}
		end++
	}
	buf := make([]byte, i-start, min(end, len(p))-start)
	copy(buf, p[start:i])
	for i < len(p) {
		switch b := p[i]; {
		case b == '"':
			c.i = i + 1
			return buf, true, true
		case b < ' ':
			return nil, false, false
		case b == '\\':
			if i+1 >= len(p) {
				return nil, false, false
			}
			switch e := p[i+1]; e {
			case '"', '\\', '/':
				buf = append(buf, e)
			case 'b':
				buf = append(buf, '\b')
			case 'f':
				buf = append(buf, '\f')
			case 'n':
				buf = append(buf, '\n')
			case 'r':
				buf = append(buf, '\r')
			case 't':
				buf = append(buf, '\t')
			case 'u':
				r := hex4(p[i:])
				if r < 0 {
					return nil, false, false
				}
				i += 6
				if utf16.IsSurrogate(r) {
					if pair := utf16.DecodeRune(r, hex4(p[i:])); pair != unicode.ReplacementChar {
						buf = utf8.AppendRune(buf, pair)
						i += 6
						continue
					}
					r = unicode.ReplacementChar
				}
				buf = utf8.AppendRune(buf, r)
				continue
			default:
				return nil, false, false
			}
			i += 2
		case b < utf8.RuneSelf:
			buf = append(buf, b)
			i++
		default:
			r, size := utf8.DecodeRune(p[i:])
			buf = utf8.AppendRune(buf, r)
			i += size
		}
	}
	return nil, false, false
}

// hex4 reads a \uXXXX escape at the start of p, or returns -1.
func hex4(p []byte) rune {
	if len(p) < 6 || p[0] != '\\' || p[1] != 'u' {
		return -1
	}
	var r rune
	for _, b := range p[2:6] {
		switch {
		case '0' <= b && b <= '9':
			b -= '0'
		case 'a' <= b && b <= 'f':
			b = b - 'a' + 10
		case 'A' <= b && b <= 'F':
			b = b - 'A' + 10
		default:
			return -1
		}
		r = r*16 + rune(b)
	}
	return r
}
