package main

import (
	"testing"

	"github.com/stelvio-go/stelvio/internal/app"
)

// TestDomainPerEnvironment: prod serves the API on the domain itself, every other environment on a
// subdomain named after it.
func TestDomainPerEnvironment(t *testing.T) {
	for _, tt := range []struct{ env, domain string }{
		{"prod", "api.example.com"},
		{"dev", "dev.api.example.com"},
		{"staging", "staging.api.example.com"},
		{"ada", "ada.api.example.com"},
	} {
		t.Run(tt.env, func(t *testing.T) {
			table, err := app.ProgramOf(App(), Run).Load(tt.env, ".")
			if err != nil {
				t.Fatal(err)
			}
			if len(table.Apis) != 1 {
				t.Fatalf("%d apis, want 1", len(table.Apis))
			}
			api := table.Apis[0]
			if api.DomainName != tt.domain || api.EndpointType != "REGIONAL" {
				t.Errorf("api %q on %q (%s), want %q (REGIONAL)", api.Name, api.DomainName, api.EndpointType, tt.domain)
			}
		})
	}
}
