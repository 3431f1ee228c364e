package cors

import (
	"context"
	"encoding/json"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"
)

func intp(n int) *int { return &n }

func errStrings(errs []error) []string {
	var out []string
	for _, e := range errs {
		out = append(out, e.Error())
	}
	return out
}

func TestValidate(t *testing.T) {
	tests := []struct {
		name string
		cfg  Config
		want []string
	}{
		{"one origin", Config{AllowOrigins: []string{"https://app.example.com"}, AllowCredentials: true, MaxAge: intp(0)}, nil},
		{"star", Config{AllowOrigins: []string{"*"}, AllowMethods: []string{"ANY"}}, nil},
		{"no origin", Config{}, []string{
			`cors: no allowed origin; allow "*" or one origin such as "https://app.example.com"`}},
		// A REST API's CORS headers are static mapping values of the MOCK integration and gateway
		// responses: https://docs.aws.amazon.com/apigateway/latest/developerguide/how-to-cors.html
		{"several origins", Config{AllowOrigins: []string{"https://a.example", "https://b.example"}}, []string{
			`cors: allowed origins ["https://a.example", "https://b.example"]: a REST API answers CORS with static headers, so it can allow one origin or "*", not a list; allow one origin, allow "*", or answer each origin from the handler`}},
		{"star in a list", Config{AllowOrigins: []string{"*", "https://b.example"}}, []string{
			`cors: allowed origins ["*", "https://b.example"]: "*" already allows every origin and cannot be combined with others; allow "*" alone or one origin`}},
		{"comma-joined origins", Config{AllowOrigins: []string{"https://a.example,https://b.example"}}, []string{
			`cors: allowed origin "https://a.example,https://b.example" holds several values; a REST API can allow one origin or "*"`}},
		{"credentials with star", Config{AllowOrigins: []string{"*"}, AllowCredentials: true}, []string{
			`cors: credentials cannot be allowed with origin "*": browsers refuse credentialed responses that allow every origin; allow one origin instead`}},
		{"everything wrong at once", Config{AllowOrigins: []string{"*", "https://b.example"}, AllowCredentials: true,
			AllowMethods: []string{"GET", "FETCH", "get"}, MaxAge: intp(-5)}, []string{
			`cors: allowed origins ["*", "https://b.example"]: "*" already allows every origin and cannot be combined with others; allow "*" alone or one origin`,
			`cors: credentials cannot be allowed with origin "*": browsers refuse credentialed responses that allow every origin; allow one origin instead`,
			`cors: unknown method "FETCH" in allowed methods; use DELETE, GET, HEAD, OPTIONS, PATCH, POST, PUT or ANY`,
			`cors: unknown method "get" in allowed methods; use DELETE, GET, HEAD, OPTIONS, PATCH, POST, PUT or ANY`,
			`cors: max age -5 is negative; use 0 or more seconds`}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := errStrings(tt.cfg.Validate())
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("Validate() =\n%q\nwant\n%q", got, tt.want)
			}
		})
	}
}

func TestPreflight(t *testing.T) {
	tests := []struct {
		name        string
		cfg         Config
		pathMethods []string
		want        http.Header
	}{
		{"defaults: all methods, headers *", Config{AllowOrigins: []string{"*"}}, []string{"GET", "POST"},
			http.Header{
				"Content-Type":                 {"application/json"},
				"Access-Control-Allow-Origin":  {"*"},
				"Access-Control-Allow-Methods": {"GET,OPTIONS,POST"},
				"Access-Control-Allow-Headers": {"*"},
			}},
		{"ANY route: every allowed method", Config{AllowOrigins: []string{"https://app.example.com"}, AllowMethods: []string{"GET", "PUT"},
			AllowHeaders: []string{"Content-Type", "Authorization"}, AllowCredentials: true, MaxAge: intp(600)}, []string{"ANY"},
			http.Header{
				"Content-Type":                     {"application/json"},
				"Access-Control-Allow-Origin":      {"https://app.example.com"},
				"Access-Control-Allow-Methods":     {"GET,OPTIONS,PUT"},
				"Access-Control-Allow-Headers":     {"Content-Type,Authorization"},
				"Access-Control-Allow-Credentials": {"true"},
				"Access-Control-Max-Age":           {"600"},
			}},
		{"configured ANY, path with DELETE", Config{AllowOrigins: []string{"*"}, AllowMethods: []string{"ANY"}, MaxAge: intp(0)}, []string{"DELETE"},
			http.Header{
				"Content-Type":                 {"application/json"},
				"Access-Control-Allow-Origin":  {"*"},
				"Access-Control-Allow-Methods": {"DELETE,OPTIONS"},
				"Access-Control-Allow-Headers": {"*"},
				"Access-Control-Max-Age":       {"0"},
			}},
		{"path method not allowed by the configuration", Config{AllowOrigins: []string{"*"}, AllowMethods: []string{"GET"}}, []string{"POST"},
			http.Header{
				"Content-Type":                 {"application/json"},
				"Access-Control-Allow-Origin":  {"*"},
				"Access-Control-Allow-Methods": {"OPTIONS"},
				"Access-Control-Allow-Headers": {"*"},
			}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := tt.cfg.Preflight(tt.pathMethods)
			if got.Status != 200 || len(got.Body) != 0 {
				t.Errorf("status %d body %q, want 200 and an empty body", got.Status, got.Body)
			}
			if !reflect.DeepEqual(got.Headers, tt.want) {
				t.Errorf("headers =\n%v\nwant\n%v", got.Headers, tt.want)
			}
		})
	}
}

func TestGatewayResponseHeaders(t *testing.T) {
	tests := []struct {
		name string
		cfg  Config
		want http.Header
	}{
		{"origin only", Config{AllowOrigins: []string{"*"}, AllowHeaders: []string{"X-A"}, MaxAge: intp(5)},
			http.Header{"Access-Control-Allow-Origin": {"*"}}},
		{"expose and credentials", Config{AllowOrigins: []string{"https://app.example.com"}, AllowCredentials: true, ExposeHeaders: []string{"X-Request-Id", "ETag"}},
			http.Header{
				"Access-Control-Allow-Origin":      {"https://app.example.com"},
				"Access-Control-Expose-Headers":    {"X-Request-Id,ETag"},
				"Access-Control-Allow-Credentials": {"true"},
			}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := tt.cfg.GatewayResponseHeaders(); !reflect.DeepEqual(got, tt.want) {
				t.Errorf("GatewayResponseHeaders() = %v, want %v", got, tt.want)
			}
			// The gateway's own 403 keeps its own headers and gains the CORS ones.
			h := http.Header{"Content-Type": {"application/json"}, "X-Amzn-Errortype": {"MissingAuthenticationTokenException"}}
			tt.cfg.AddGatewayResponseHeaders(h)
			for k, v := range tt.want {
				if !reflect.DeepEqual(h[k], v) {
					t.Errorf("after AddGatewayResponseHeaders %s = %v, want %v", k, h[k], v)
				}
			}
			if h.Get("X-Amzn-Errortype") != "MissingAuthenticationTokenException" {
				t.Errorf("AddGatewayResponseHeaders dropped the answer's own headers: %v", h)
			}
		})
	}
}

func TestEnvironment(t *testing.T) {
	tests := []struct {
		name string
		cfg  Config
		want map[string]string
	}{
		{"defaults", Config{AllowOrigins: []string{"*"}}, map[string]string{
			"STELVIO_CORS_ALLOW_ORIGIN":  "*",
			"STELVIO_CORS_ALLOW_METHODS": "DELETE,GET,HEAD,OPTIONS,PATCH,POST,PUT",
			"STELVIO_CORS_ALLOW_HEADERS": "*",
		}},
		{"everything", Config{AllowOrigins: []string{"https://app.example.com"}, AllowMethods: []string{"POST", "GET"},
			AllowHeaders: []string{"Content-Type"}, AllowCredentials: true, ExposeHeaders: []string{"ETag"}, MaxAge: intp(300)},
			map[string]string{
				"STELVIO_CORS_ALLOW_ORIGIN":      "https://app.example.com",
				"STELVIO_CORS_ALLOW_METHODS":     "GET,POST",
				"STELVIO_CORS_ALLOW_HEADERS":     "Content-Type",
				"STELVIO_CORS_ALLOW_CREDENTIALS": "true",
				"STELVIO_CORS_EXPOSE_HEADERS":    "ETag",
				"STELVIO_CORS_MAX_AGE":           "300",
			}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := tt.cfg.Environment(); !reflect.DeepEqual(got, tt.want) {
				t.Errorf("Environment() = %v, want %v", got, tt.want)
			}
		})
	}
}

// TestPythonModule runs stelvio_cors.py in a real Python interpreter with the environment
// Config.Environment gives a function.
func TestPythonModule(t *testing.T) {
	python, err := exec.LookPath("python3")
	if err != nil {
		t.Skip("python3 not found")
	}
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, PythonModuleName), PythonModule, 0o644); err != nil {
		t.Fatal(err)
	}
	script := `
import json, stelvio_cors
print(json.dumps([
    stelvio_cors.apply({"statusCode": 200, "body": "ok"}),
    stelvio_cors.apply({"statusCode": 200, "multiValueHeaders": {"access-control-expose-headers": ["A"]}}),
    stelvio_cors.apply({"statusCode": 200, "headers": {"Access-Control-Allow-Origin": "https://own.example"}}),
    stelvio_cors.apply({"statusCode": 200}, environ={}),
], sort_keys=True))
`
	cfg := Config{AllowOrigins: []string{"https://app.example.com"}, AllowCredentials: true, ExposeHeaders: []string{"ETag"}}
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, python, "-c", script)
	cmd.Dir = dir
	cmd.Env = []string{"PYTHONPATH=" + dir, "PATH=" + os.Getenv("PATH"), "HOME=" + dir}
	for k, v := range cfg.Environment() {
		cmd.Env = append(cmd.Env, k+"="+v)
	}
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("python: %v\n%s", err, out)
	}
	var got []map[string]any
	if err := json.Unmarshal(out, &got); err != nil {
		t.Fatalf("decode %q: %v", out, err)
	}
	want := []map[string]any{
		{"statusCode": 200.0, "body": "ok", "headers": map[string]any{
			"Access-Control-Allow-Origin":      "https://app.example.com",
			"Access-Control-Allow-Credentials": "true",
			"Access-Control-Expose-Headers":    "ETag",
		}},
		{"statusCode": 200.0, "multiValueHeaders": map[string]any{"access-control-expose-headers": []any{"A"}}, "headers": map[string]any{
			"Access-Control-Allow-Origin":      "https://app.example.com",
			"Access-Control-Allow-Credentials": "true",
		}},
		{"statusCode": 200.0, "headers": map[string]any{
			"Access-Control-Allow-Origin":      "https://own.example",
			"Access-Control-Allow-Credentials": "true",
			"Access-Control-Expose-Headers":    "ETag",
		}},
		{"statusCode": 200.0},
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("python answers =\n%v\nwant\n%v", got, want)
	}
	if !strings.Contains(string(PythonModule), "STELVIO_CORS_ALLOW_ORIGIN") {
		t.Error("the module does not read STELVIO_CORS_ALLOW_ORIGIN")
	}
}
