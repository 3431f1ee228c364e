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

func TestPhysicalAtTheLimit(t *testing.T) {
	// "app-dev-" is 8 characters; a 56-character name makes exactly 64.
	exact := strings.Repeat("a", 56)
	if got := Physical("app", "dev", exact, LambdaLimit); got != "app-dev-"+exact {
		t.Errorf("a 64-character name was changed to %q", got)
	}
	over := Physical("app", "dev", exact+"b", LambdaLimit)
	if len(over) != LambdaLimit || !strings.HasPrefix(over, "app-dev-aaaa") || over[len(over)-8] != '-' {
		t.Errorf("a 65-character name became %q (%d characters), want 64 ending in - and 7 hex digits", over, len(over))
	}
	// A cut that ends in "-" or "_" does not leave "--" before the hash.
	dashes := Physical("app", "dev", strings.Repeat("a", 48)+"-_-_-_-_-_-_-_-_-", LambdaLimit)
	if strings.Contains(dashes, "--") || strings.Contains(dashes, "_-") || len(dashes) > LambdaLimit {
		t.Errorf("shortened to %q", dashes)
	}
}
