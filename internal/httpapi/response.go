package httpapi

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"maps"
	"net/http"
	"slices"
	"strconv"
)

// Response is a function's result as API Gateway sends it to the client.
type Response struct {
	Status  int
	Headers http.Header
	Body    []byte
}

// ParseResponse reads a function's result as an HTTP API reads a payload format 2.0 response.
//
// A JSON object with a statusCode is the response: statusCode, headers (string values; numbers and
// booleans are written as JSON writes them), cookies (each becomes a set-cookie header), body and
// isBase64Encoded. Format 2.0 has no multiValueHeaders: the field is ignored.
//
// Any other valid JSON is the body of an inferred response: "isBase64Encoded is false, statusCode is
// 200, content-type is application/json, body is the function's response". A JSON string result is
// the string itself ("Hello from Lambda!" gives the body Hello from Lambda!), as the documentation's
// example shows; any other value is its JSON text.
// https://docs.aws.amazon.com/apigateway/latest/developerguide/http-api-develop-integrations-lambda.html
//
// A result that is not valid JSON, or a response whose fields have the wrong types, is an error: the
// client gets InternalServerError.
func ParseResponse(payload []byte) (*Response, error) {
	trimmed := bytes.TrimSpace(payload)
	if !json.Valid(trimmed) {
		return nil, fmt.Errorf("malformed Lambda response: %s is not valid JSON", abbreviate(payload))
	}
	if len(trimmed) > 0 && trimmed[0] == '{' {
		var raw map[string]json.RawMessage
		if err := json.Unmarshal(trimmed, &raw); err != nil {
			return nil, fmt.Errorf("malformed Lambda response: %w", err)
		}
		if _, ok := raw["statusCode"]; ok {
			return structured(raw)
		}
	}
	resp := &Response{Status: http.StatusOK, Headers: http.Header{}}
	resp.Headers.Set("Content-Type", "application/json")
	if trimmed[0] == '"' {
		var s string
		if err := json.Unmarshal(trimmed, &s); err != nil {
			return nil, fmt.Errorf("malformed Lambda response: %w", err)
		}
		resp.Body = []byte(s)
	} else {
		resp.Body = append([]byte(nil), trimmed...)
	}
	return resp, nil
}

func structured(raw map[string]json.RawMessage) (*Response, error) {
	resp := &Response{Headers: http.Header{}}
	var status json.Number
	if err := json.Unmarshal(raw["statusCode"], &status); err != nil {
		return nil, fmt.Errorf("malformed Lambda response: statusCode %s is not a number", raw["statusCode"])
	}
	code, err := strconv.Atoi(string(status))
	if err != nil || code < 100 || code > 599 {
		return nil, fmt.Errorf("malformed Lambda response: statusCode %s is not an HTTP status", raw["statusCode"])
	}
	resp.Status = code
	if h, ok := raw["headers"]; ok && string(h) != "null" {
		var headers map[string]any
		if err := json.Unmarshal(h, &headers); err != nil {
			return nil, fmt.Errorf("malformed Lambda response: headers must be an object of strings, got %s", abbreviate(h))
		}
		// Sorted, so that which of two names differing only in case wins does not change between runs.
		for _, name := range slices.Sorted(maps.Keys(headers)) {
			s, err := scalar(headers[name])
			if err != nil {
				return nil, fmt.Errorf("malformed Lambda response: header %q: %v", name, err)
			}
			resp.Headers.Set(name, s)
		}
	}
	if c, ok := raw["cookies"]; ok && string(c) != "null" {
		var cookies []string
		if err := json.Unmarshal(c, &cookies); err != nil {
			return nil, fmt.Errorf("malformed Lambda response: cookies must be a list of strings, got %s", abbreviate(c))
		}
		for _, cookie := range cookies {
			resp.Headers.Add("Set-Cookie", cookie)
		}
	}
	var b64 bool
	if v, ok := raw["isBase64Encoded"]; ok && string(v) != "null" {
		if err := json.Unmarshal(v, &b64); err != nil {
			return nil, fmt.Errorf("malformed Lambda response: isBase64Encoded must be true or false, got %s", v)
		}
	}
	if b, ok := raw["body"]; ok && string(b) != "null" {
		var body string
		if err := json.Unmarshal(b, &body); err != nil {
			return nil, fmt.Errorf("malformed Lambda response: body must be a string, got %s", abbreviate(b))
		}
		if b64 {
			dec, err := base64.StdEncoding.DecodeString(body)
			if err != nil {
				return nil, fmt.Errorf("malformed Lambda response: isBase64Encoded is true but body is not base64: %v", err)
			}
			resp.Body = dec
		} else {
			resp.Body = []byte(body)
		}
	}
	return resp, nil
}

func scalar(v any) (string, error) {
	switch v := v.(type) {
	case string:
		return v, nil
	case float64, bool:
		b, _ := json.Marshal(v)
		return string(b), nil
	case nil:
		return "", fmt.Errorf("value is null; use a string")
	}
	return "", fmt.Errorf("value must be a string, got %T", v)
}

func abbreviate(b []byte) string {
	const max = 120
	if len(b) > max {
		return fmt.Sprintf("%q (%d bytes)", b[:max], len(b))
	}
	return fmt.Sprintf("%q", b)
}

// Write writes the response. extra (CORS headers) replaces headers of the same name. No Content-Type
// is made up when the function gave none.
func (r *Response) Write(w http.ResponseWriter, extra http.Header) {
	h := w.Header()
	for k, v := range r.Headers {
		h[k] = v
	}
	for k, v := range extra {
		h[k] = v
	}
	if _, ok := h["Content-Type"]; !ok {
		h["Content-Type"] = nil // keep net/http from sniffing one
	}
	h.Set("Content-Length", strconv.Itoa(len(r.Body)))
	w.WriteHeader(r.Status)
	_, _ = w.Write(r.Body)
}
