package main

import (
	"bytes"
	"context"
	"flag"
	"os"
	"path/filepath"
	"testing"

	"github.com/stelvio-go/stelvio/internal/app"
	"github.com/stelvio-go/stelvio/internal/infra"
	"github.com/stelvio-go/stelvio/internal/plan"
)

var update = flag.Bool("update", false, "rewrite the golden plans in testdata")

// TestPlan compares `plan --json` of prod and of a developer's environment with testdata: the
// certificate with its DNS validation record in the hosted zone, the API Gateway domain with the
// regional certificate, the alias record and the base path mapping, on api.example.com in prod and
// dev.api.example.com in dev.
func TestPlan(t *testing.T) {
	for _, tt := range []struct{ env, url string }{
		{"prod", "https://api.example.com"},
		{"dev", "https://dev.api.example.com"},
	} {
		t.Run(tt.env, func(t *testing.T) {
			pl, err := plan.Run(context.Background(), app.ProgramOf(App(), Run), plan.Options{Env: tt.env, ProjectDir: ".", Region: "eu-west-1"})
			if err != nil {
				t.Fatal(err)
			}
			if got := pl.Outputs[infra.DomainURLOutput("todo-api")]; got != tt.url {
				t.Errorf("output %s = %v, want %s", infra.DomainURLOutput("todo-api"), got, tt.url)
			}
			if got := pl.Outputs[infra.URLOutput("todo-api")]; got == nil {
				t.Errorf("no output %s (the invoke URL) next to the custom URL", infra.URLOutput("todo-api"))
			}
			var buf bytes.Buffer
			if err := pl.WriteJSON(&buf); err != nil {
				t.Fatal(err)
			}
			golden := filepath.Join("testdata", "plan-"+tt.env+".json")
			if *update {
				if err := os.MkdirAll("testdata", 0o755); err != nil {
					t.Fatal(err)
				}
				if err := os.WriteFile(golden, buf.Bytes(), 0o644); err != nil {
					t.Fatal(err)
				}
			}
			want, err := os.ReadFile(golden)
			if err != nil {
				t.Fatalf("%v; run go test -update to write it", err)
			}
			if !bytes.Equal(buf.Bytes(), want) {
				t.Errorf("plan --json differs from %s (go test -update rewrites it):\n%s", golden, buf.String())
			}
		})
	}
}
