package cors

import (
	"reflect"
	"testing"

	"github.com/aws/aws-lambda-go/events"
)

func env(m map[string]string) func(string) string { return func(k string) string { return m[k] } }

func TestApplyKeepsHandlerHeaders(t *testing.T) {
	getenv := env(map[string]string{EnvAllowOrigin: "*", EnvExposeHeaders: "X-Id"})
	tests := []struct {
		name string
		in   events.APIGatewayProxyResponse
		want map[string]string
	}{
		{"no headers", events.APIGatewayProxyResponse{StatusCode: 200},
			map[string]string{"Access-Control-Allow-Origin": "*", "Access-Control-Expose-Headers": "X-Id"}},
		{"handler's own origin wins", events.APIGatewayProxyResponse{Headers: map[string]string{"Access-Control-Allow-Origin": "https://a.example"}},
			map[string]string{"Access-Control-Allow-Origin": "https://a.example", "Access-Control-Expose-Headers": "X-Id"}},
		{"handler's header in lower case wins", events.APIGatewayProxyResponse{Headers: map[string]string{"access-control-allow-origin": "https://a.example"}},
			map[string]string{"access-control-allow-origin": "https://a.example", "Access-Control-Expose-Headers": "X-Id"}},
		{"multi-value header counts as set", events.APIGatewayProxyResponse{MultiValueHeaders: map[string][]string{"Access-Control-Expose-Headers": {"A", "B"}}},
			map[string]string{"Access-Control-Allow-Origin": "*"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			in := tt.in
			got := ApplyFrom(getenv, in)
			if !reflect.DeepEqual(got.Headers, tt.want) {
				t.Errorf("headers = %v, want %v", got.Headers, tt.want)
			}
			if in.Headers != nil && len(in.Headers) != 1 {
				t.Errorf("the caller's map was changed: %v", in.Headers)
			}
		})
	}
}

func TestApplyWithoutCORSChangesNothing(t *testing.T) {
	in := events.APIGatewayProxyResponse{StatusCode: 204}
	got := ApplyFrom(env(nil), in)
	if got.Headers != nil {
		t.Errorf("headers = %v, want nil", got.Headers)
	}
}

func TestCredentialsOnlyWhenTrue(t *testing.T) {
	got := HeadersFrom(env(map[string]string{EnvAllowOrigin: "https://a.example", EnvAllowCredentials: "false"}))
	if _, ok := got["Access-Control-Allow-Credentials"]; ok {
		t.Errorf("headers = %v: credentials header without %s=true", got, EnvAllowCredentials)
	}
}
