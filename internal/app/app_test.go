package app_test

import (
	"errors"
	"testing"

	"github.com/stelvio-go/stelvio/internal/app"
)

func TestCheckEnv(t *testing.T) {
	p := &app.Program{Name: "shop"}
	for _, env := range []string{"dev", "prod", "pr-42", "a", "abcdefghijklmnopqrstuvwxyz012345"} {
		if err := p.CheckEnv(env); err != nil {
			t.Errorf("CheckEnv(%q): %v", env, err)
		}
	}
	for _, env := range []string{"", "Prod", "-dev", "dev-", "dev_1", "dev.1", "abcdefghijklmnopqrstuvwxyz0123456"} {
		want := `environment "` + env + `" is not a valid name; use 1 to 32 lowercase letters, digits and -, e.g. "prod" or "dev"`
		if err := p.CheckEnv(env); err == nil || err.Error() != want {
			t.Errorf("CheckEnv(%q) = %v, want %s", env, err, want)
		}
	}
	limited := &app.Program{Name: "shop", Environments: []string{"staging", "prod"}}
	if err := limited.CheckEnv("dev"); err == nil || err.Error() != `environment "dev" is not one of this app's environments (staging, prod)` {
		t.Errorf("CheckEnv(dev) = %v", err)
	}
}

func TestLoadChecksAppName(t *testing.T) {
	run := func(*app.State) error { return nil }
	for _, name := range []string{"shop", "My_App-2"} {
		p := &app.Program{Name: name, Run: run, Source: "main.go:10"}
		if _, err := p.Load("dev", t.TempDir()); err != nil {
			t.Errorf("app %q: %v", name, err)
		}
	}
	for _, name := range []string{"", "my app", "-shop", "shop.io"} {
		p := &app.Program{Name: name, Run: run, Source: "main.go:10"}
		_, err := p.Load("dev", t.TempDir())
		want := `1 problem in the app:
  main.go:10: app "` + name + `": name must start with a letter or digit and contain only letters, digits, - and _ (at most 64); it begins every resource name, e.g. stelvio.New("my-app")`
		if err == nil || err.Error() != want {
			t.Errorf("app %q: error %v, want %s", name, err, want)
		}
	}
}

func TestLoadRunFunction(t *testing.T) {
	p := &app.Program{Name: "shop"}
	if _, err := p.Load("dev", t.TempDir()); err == nil || err.Error() != "the app has no run function; pass one to app.Main" {
		t.Errorf("no run function: %v", err)
	}
	p.Run = func(*app.State) error { return errors.New("config.json: no such file") }
	_, err := p.Load("dev", t.TempDir())
	if err == nil || err.Error() != `app "shop": run function failed: config.json: no such file` {
		t.Errorf("failing run function: %v", err)
	}
	var ctxEnv, ctxApp string
	p.Run = func(ctx *app.State) error { ctxEnv, ctxApp = ctx.Env(), ctx.AppName(); return nil }
	if _, err := p.Load("pr-7", t.TempDir()); err != nil {
		t.Fatal(err)
	}
	if ctxEnv != "pr-7" || ctxApp != "shop" {
		t.Errorf("the run function saw env %q and app %q", ctxEnv, ctxApp)
	}
}

// TestCheckRegion: region names as AWS spells them pass; anything else would be pasted into every ARN
// and is refused.
func TestCheckRegion(t *testing.T) {
	for _, r := range []string{"", "us-east-1", "eu-central-2", "ap-southeast-4", "us-gov-west-1", "cn-northwest-1", "us-isob-east-1", "il-central-1"} {
		if err := app.CheckRegion(r); err != nil {
			t.Errorf("CheckRegion(%q): %v", r, err)
		}
	}
	for _, r := range []string{"not a region", "EU-WEST-1", "eu-west", "euwest1", "eu-west-1 ", "us-east-1a"} {
		want := `region "` + r + `" is not an AWS region name; use one such as "us-east-1" or "eu-west-1"`
		if err := app.CheckRegion(r); err == nil || err.Error() != want {
			t.Errorf("CheckRegion(%q) = %v, want %s", r, err, want)
		}
	}
	p := &app.Program{Name: "shop", Region: "not a region", Source: "main.go:3", Run: func(*app.State) error { return nil }}
	_, err := p.Load("dev", t.TempDir())
	want := "1 problem in the app:\n  main.go:3: app \"shop\": region \"not a region\" is not an AWS region name; use one such as \"us-east-1\" or \"eu-west-1\" in stelvio.WithRegion"
	if err == nil || err.Error() != want {
		t.Errorf("Load with a bad region = %v, want %s", err, want)
	}
}
