package naming

import (
	"strings"
	"testing"
)

func TestPhysical(t *testing.T) {
	long := strings.Repeat("reports", 10)
	tests := []struct {
		app, env, name string
		want           string
	}{
		{"My-App", "Dev", "functions-users", "my-app-dev-functions-users"},
		{"app", "prod", "a.b c", "app-prod-a-b-c"},
		{"app", "prod", long, "app-prod-reportsreportsreportsreportsreportsreportsrepor-b92254a"},
	}
	for _, tt := range tests {
		t.Run(tt.want, func(t *testing.T) {
			got := Physical(tt.app, tt.env, tt.name, LambdaLimit)
			if got != tt.want {
				t.Errorf("Physical(%q, %q, %q) = %q, want %q", tt.app, tt.env, tt.name, got, tt.want)
			}
			if len(got) > LambdaLimit {
				t.Errorf("len = %d, over %d", len(got), LambdaLimit)
			}
		})
	}
	a := Physical("app", "prod", long+"x", LambdaLimit)
	b := Physical("app", "prod", long+"y", LambdaLimit)
	if a == b {
		t.Errorf("two long names shortened to the same %q", a)
	}
}
