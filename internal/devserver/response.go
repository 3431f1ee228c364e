package devserver

import (
	"bytes"
	"encoding/base64"
	"fmt"
	json "github.com/goccy/go-json"
	"maps"
	"net/http"
	"slices"
	"strconv"

	"golang.org/x/net/http/httpguts"
)

// Responses API Gateway gives on its own, byte for byte.
var (
	missingToken   = gatewayResponse{http.StatusForbidden, "MissingAuthenticationTokenException", `{"message":"Missing Authentication Token"}`}
	internalError  = gatewayResponse{http.StatusBadGateway, "InternalServerErrorException", `{"message": "Internal server error"}`}
	timedOut       = gatewayResponse{http.StatusGatewayTimeout, "IntegrationTimeout", `{"message": "Endpoint request timed out"}`}
	requestTooLong = gatewayResponse{http.StatusRequestEntityTooLarge, "RequestTooLarge", `{"message":"Request Too Long"}`}
	// The documentation gives API Gateway's URL and header limits but not its answer past them; these
	// are the HTTP statuses for them, in the shape of its other answers.
	uriTooLong = gatewayResponse{http.StatusRequestURITooLong, "RequestURITooLong", `{"message":"Request-URI Too Long"}`}
	// The documentation does not say what API Gateway answers to a request whose body HTTP cannot frame
	// (a malformed chunked body); this is 400, in the shape of its other answers.
	badRequest      = gatewayResponse{http.StatusBadRequest, "BadRequestException", `{"message":"Bad Request"}`}
	headersTooLarge = gatewayResponse{http.StatusRequestHeaderFieldsTooLarge, "RequestHeaderFieldsTooLarge", `{"message":"Request Header Fields Too Large"}`}
)

type gatewayResponse struct {
	status    int
	errorType string
	body      string
}

func (g gatewayResponse) write(w http.ResponseWriter, requestID string) {
	h := w.Header()
	h.Set("Content-Type", "application/json")
	h.Set("x-amzn-RequestId", requestID)
	h.Set("x-amzn-ErrorType", g.errorType)
	h.Set("Content-Length", strconv.Itoa(len(g.body)))
	w.WriteHeader(g.status)
	w.Write([]byte(g.body)) //nolint:errcheck // The client may have gone; nothing to do about it.
}

// proxyResponse is a handler's answer under Lambda proxy integration.
type proxyResponse struct {
	status  int
	headers http.Header
	body    []byte
}

// parseResponse reads a handler's response payload as API Gateway does: a JSON object with an integer
// statusCode, string-valued headers, string-list multiValueHeaders, a string (or null) body and a
// boolean isBase64Encoded. Anything else is a malformed Lambda proxy response, returned as an error
// that says what is wrong.
//
// aws-lambda-go's events.APIGatewayProxyResponse cannot stand in for this reader: API Gateway also
// accepts a numeric string statusCode and number or boolean header values, which it rejects.
//
// Top-level keys are matched exactly (statusCode, not StatusCode), the last of duplicate keys wins and
// anything after the object is ignored, as json.Decoder reads one value.
//
// A base64-encoded body (isBase64Encoded true) is decoded when binary is true, that is when the
// client's first Accept type is one of the API's binary media types; otherwise the client gets the
// base64 text as it is.
func parseResponse(payload []byte, binary bool) (*proxyResponse, error) {
	var raw map[string]json.RawMessage
	dec := json.NewDecoder(bytes.NewReader(payload))
	if err := dec.Decode(&raw); err != nil || raw == nil {
		return nil, fmt.Errorf("malformed Lambda proxy response: the handler returned %s, not a JSON object with statusCode, headers and body", abbreviate(payload))
	}
	resp := &proxyResponse{headers: http.Header{}}

	statusRaw, ok := raw["statusCode"]
	if !ok {
		return nil, fmt.Errorf("malformed Lambda proxy response: statusCode is missing in %s", abbreviate(payload))
	}
	var status json.Number
	if err := json.Unmarshal(statusRaw, &status); err != nil {
		// A numeric string is accepted, as API Gateway accepts it.
		var s string
		if json.Unmarshal(statusRaw, &s) != nil {
			return nil, fmt.Errorf("malformed Lambda proxy response: statusCode %s is not an integer", statusRaw)
		}
		status = json.Number(s)
	}
	// A 1xx status is no final answer: the client would wait for another response forever.
	code, err := strconv.Atoi(string(status))
	if err != nil {
		return nil, fmt.Errorf("malformed Lambda proxy response: statusCode %s is not an HTTP status", statusRaw)
	}
	if code < 200 || code > 599 {
		return nil, fmt.Errorf("malformed Lambda proxy response: statusCode %s is not a final HTTP status (200-599)", statusRaw)
	}
	resp.status = code

	if h, ok := raw["headers"]; ok && string(h) != "null" {
		var headers map[string]any
		if err := json.Unmarshal(h, &headers); err != nil {
			return nil, fmt.Errorf("malformed Lambda proxy response: headers must be an object of strings, got %s", abbreviate(h))
		}
		// Sorted names: which of two names differing only in case wins, and which bad header an
		// error names, must not change from one request to the next.
		for _, name := range slices.Sorted(maps.Keys(headers)) {
			v := headers[name]
			s, err := scalar(v)
			if err != nil {
				return nil, fmt.Errorf("malformed Lambda proxy response: header %q: %v", name, err)
			}
			if !httpguts.ValidHeaderFieldValue(s) {
				return nil, fmt.Errorf("malformed Lambda proxy response: header %q has a control character in its value %q", name, s)
			}
			resp.headers.Set(name, s)
		}
	}
	if h, ok := raw["multiValueHeaders"]; ok && string(h) != "null" {
		var headers map[string][]any
		if err := json.Unmarshal(h, &headers); err != nil {
			return nil, fmt.Errorf("malformed Lambda proxy response: multiValueHeaders must be an object of string lists, got %s", abbreviate(h))
		}
		for _, name := range slices.Sorted(maps.Keys(headers)) {
			values := headers[name]
			for i, v := range values {
				s, err := scalar(v)
				if err != nil {
					return nil, fmt.Errorf("malformed Lambda proxy response: multiValueHeaders %q: %v", name, err)
				}
				if !httpguts.ValidHeaderFieldValue(s) {
					return nil, fmt.Errorf("malformed Lambda proxy response: multiValueHeaders %q has a control character in its value %q", name, s)
				}
				// multiValueHeaders replace a header of the same name given in headers.
				if i == 0 {
					resp.headers.Del(name)
				}
				resp.headers.Add(name, s)
			}
		}
	}

	var isBase64 bool
	if b, ok := raw["isBase64Encoded"]; ok && string(b) != "null" {
		if err := json.Unmarshal(b, &isBase64); err != nil {
			return nil, fmt.Errorf("malformed Lambda proxy response: isBase64Encoded %s is not a boolean", b)
		}
	}
	if b, ok := raw["body"]; ok && string(b) != "null" {
		var body string
		if err := json.Unmarshal(b, &body); err != nil {
			return nil, fmt.Errorf("malformed Lambda proxy response: body must be a string (serialize it with JSON first), got %s", abbreviate(b))
		}
		if isBase64 && binary {
			decoded, err := base64.StdEncoding.DecodeString(body)
			if err != nil {
				return nil, fmt.Errorf("malformed Lambda proxy response: isBase64Encoded is true but body is not base64: %v", err)
			}
			resp.body = decoded
		} else {
			resp.body = []byte(body)
		}
	}
	return resp, nil
}

func scalar(v any) (string, error) {
	switch x := v.(type) {
	case string:
		return x, nil
	case float64, bool:
		return fmt.Sprint(x), nil
	}
	return "", fmt.Errorf("value %v is not a string", v)
}

func (p *proxyResponse) write(w http.ResponseWriter, requestID string) {
	h := w.Header()
	for name, values := range p.headers {
		h[name] = values
	}
	if h.Get("Content-Type") == "" {
		h.Set("Content-Type", "application/json")
	}
	h.Set("x-amzn-RequestId", requestID)
	h.Set("Content-Length", strconv.Itoa(len(p.body)))
	w.WriteHeader(p.status)
	w.Write(p.body) //nolint:errcheck // The client may have gone; nothing to do about it.
}

func abbreviate(b []byte) string {
	const max = 200
	if len(b) > max {
		return string(b[:max]) + "..."
	}
	return string(b)
}
