package authorizer

import (
	"bytes"
	"context"
	"net/http"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"
)

// The result cache: outputs are kept per identity source value for the TTL (default 300 s, 0 = none),
// and a cached policy is applied to every method, so a policy naming one method answers 403 for the
// others until it expires.
// https://docs.aws.amazon.com/apigateway/latest/api/API_CreateAuthorizer.html
// https://repost.aws/knowledge-center/api-gateway-lambda-authorization-errors
func TestCache(t *testing.T) {
	clk := newClock()
	var log bytes.Buffer
	e := NewEngine(Options{Now: clk.Now, Log: &log})
	inv := &fakeInvoker{answer: allowMethodARN} // the sample authorizer: allows only the method it was asked about
	cfg := &Config{Name: "auth", Kind: KindToken, Function: "authfn"}
	tok := func(v string) http.Header { return http.Header{"Authorization": {v}} }
	call := func(method, path, token string) Result {
		return e.Authorize(context.Background(), cfg, newRequest(method, path, tok(token)), inv.invoke)
	}

	if res := call("GET", "/users/42", "alice"); res.Answer != nil || res.Cached || inv.count() != 1 {
		t.Fatalf("first request: answer %v cached %v calls %d", res.Answer, res.Cached, inv.count())
	}
	clk.advance(299 * time.Second)
	res := call("GET", "/users/42", "alice")
	if res.Answer != nil || !res.Cached || inv.count() != 1 {
		t.Fatalf("within the TTL: answer %v cached %v calls %d, want the cached allow", res.Answer, res.Cached, inv.count())
	}
	if res.Authorizer["integrationLatency"] != int64(0) || res.Authorizer["principalId"] != "user-1" {
		t.Errorf("cached authorizer = %v", res.Authorizer)
	}
	if got, want := log.String(), "authorizer \"auth\": GET /users/42 answered from the cache (1s left of 300s)\n"; got != want {
		t.Errorf("log = %q, want %q", got, want)
	}
	if strings.Contains(log.String(), "alice") {
		t.Error("the log shows the token")
	}

	// The gotcha: the cached policy allows GET /users/42 only.
	res = call("GET", "/users/7", "alice")
	wantAnswer(t, res.Answer, 403, bodyNotAllowed, "AccessDeniedException")
	if !res.Cached || inv.count() != 1 {
		t.Errorf("other path: cached %v calls %d, want the cached policy", res.Cached, inv.count())
	}
	wantAnswer(t, call("POST", "/users/42", "alice").Answer, 403, bodyNotAllowed, "AccessDeniedException")

	// Another token is another cache entry.
	if res := call("GET", "/users/7", "bob"); res.Answer != nil || res.Cached || inv.count() != 2 {
		t.Errorf("other token: answer %v cached %v calls %d", res.Answer, res.Cached, inv.count())
	}

	// After the TTL the function decides again.
	clk.advance(time.Second)
	if res := call("GET", "/users/7", "alice"); res.Answer != nil || res.Cached || inv.count() != 3 {
		t.Errorf("after the TTL: answer %v cached %v calls %d", res.Answer, res.Cached, inv.count())
	}

	// A redeployment flushes the cache.
	e.Flush()
	if res := call("GET", "/users/7", "alice"); res.Cached || inv.count() != 4 {
		t.Errorf("after Flush: cached %v calls %d", res.Cached, inv.count())
	}
}

func TestCacheTTL(t *testing.T) {
	tests := []struct {
		name      string
		ttl       *int
		wait      time.Duration
		wantCalls int
	}{
		{"default 300 s, hit", nil, 299 * time.Second, 1},
		{"default 300 s, expired", nil, 300 * time.Second, 2},
		{"60 s, hit", intp(60), 59 * time.Second, 1},
		{"60 s, expired", intp(60), 61 * time.Second, 2},
		{"0: no cache", intp(0), 0, 2},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			clk := newClock()
			e := NewEngine(Options{Now: clk.Now})
			inv := &fakeInvoker{answer: policyOutput("Allow", "*", nil)}
			cfg := &Config{Name: "auth", Kind: KindRequest, Function: "authfn", TTL: tt.ttl, IdentitySources: []string{"method.request.header.X-Key"}}
			for range 2 {
				e.Authorize(context.Background(), cfg, newRequest("GET", "/users/42", http.Header{"X-Key": {"k"}}), inv.invoke)
				clk.advance(tt.wait)
			}
			if inv.count() != tt.wantCalls {
				t.Errorf("function called %d times, want %d", inv.count(), tt.wantCalls)
			}
		})
	}
}

// A REQUEST authorizer's cache key is all of its identity source values together.
func TestCacheKeyAllSources(t *testing.T) {
	e := NewEngine(Options{})
	inv := &fakeInvoker{answer: policyOutput("Allow", "*", nil)}
	cfg := &Config{Name: "auth", Kind: KindRequest, Function: "authfn",
		IdentitySources: []string{"method.request.header.X-Key", "method.request.querystring.tenant"}}
	for _, target := range []string{"/users/1?tenant=a", "/users/2?tenant=a", "/users/1?tenant=b"} {
		e.Authorize(context.Background(), cfg, newRequest("GET", target, http.Header{"X-Key": {"k"}}), inv.invoke)
	}
	if inv.count() != 2 {
		t.Errorf("function called %d times, want 2 (tenant a once, tenant b once)", inv.count())
	}
}

// Failures are not cached: the next request calls the function again.
func TestFailuresNotCached(t *testing.T) {
	e := NewEngine(Options{})
	inv := &fakeInvoker{answer: functionError("Unauthorized")}
	cfg := &Config{Name: "auth", Kind: KindToken, Function: "authfn"}
	for range 2 {
		res := e.Authorize(context.Background(), cfg, newRequest("GET", "/", http.Header{"Authorization": {"t"}}), inv.invoke)
		wantAnswer(t, res.Answer, 401, bodyUnauthorized, "UnauthorizedException")
	}
	if inv.count() != 2 {
		t.Errorf("function called %d times, want 2", inv.count())
	}
}

// Two authorizers of an API keep separate caches.
func TestCachePerAuthorizer(t *testing.T) {
	e := NewEngine(Options{})
	inv := &fakeInvoker{answer: policyOutput("Allow", "*", nil)}
	a := &Config{Name: "a", Kind: KindToken, Function: "authfn"}
	b := &Config{Name: "b", Kind: KindToken, Function: "authfn"}
	for _, cfg := range []*Config{a, b, a, b} {
		e.Authorize(context.Background(), cfg, newRequest("GET", "/", http.Header{"Authorization": {"t"}}), inv.invoke)
	}
	if inv.count() != 2 {
		t.Errorf("function called %d times, want 2", inv.count())
	}
}

func TestCacheConcurrent(t *testing.T) {
	e := NewEngine(Options{})
	inv := &fakeInvoker{answer: policyOutput("Allow", "*", nil)}
	cfg := &Config{Name: "auth", Kind: KindToken, Function: "authfn"}
	var wg sync.WaitGroup
	for i := range 32 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			tok := "t" + string(rune('a'+i%4))
			res := e.Authorize(context.Background(), cfg, newRequest("GET", "/", http.Header{"Authorization": {tok}}), inv.invoke)
			if res.Answer != nil {
				t.Errorf("answer %d", res.Answer.Status)
			}
		}()
	}
	wg.Wait()
	if n := inv.count(); n < 4 || n > 32 {
		t.Errorf("function called %d times", n)
	}
}

// BenchmarkCacheHit measures what a cached authorizer result adds to a request: identity source
// lookup, cache lookup, policy evaluation and the requestContext.authorizer map.
func BenchmarkCacheHit(b *testing.B) {
	e := NewEngine(Options{})
	inv := &fakeInvoker{answer: policyOutput("Allow", "arn:aws:execute-api:*:*:*/v1/*/users/*", map[string]any{"role": "admin", "n": 1})}
	cfg := &Config{Name: "auth", Kind: KindToken, Function: "authfn"}
	req := newRequest("GET", "/users/42", http.Header{"Authorization": {"Bearer eyJhbGciOiJSUzI1NiJ9.e30.c2ln"}})
	e.Authorize(context.Background(), cfg, req, inv.invoke)
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		if res := e.Authorize(context.Background(), cfg, req, inv.invoke); !res.Cached || res.Answer != nil {
			b.Fatal("not a cache hit")
		}
	}
}

// BenchmarkCacheHitP50 reports the median time of a cache hit (p50-ns) next to the mean.
func BenchmarkCacheHitP50(b *testing.B) {
	e := NewEngine(Options{})
	inv := &fakeInvoker{answer: policyOutput("Allow", "*", nil)}
	cfg := &Config{Name: "auth", Kind: KindToken, Function: "authfn"}
	req := newRequest("GET", "/users/42", http.Header{"Authorization": {"token"}})
	e.Authorize(context.Background(), cfg, req, inv.invoke)
	var samples []time.Duration
	for b.Loop() {
		start := time.Now()
		e.Authorize(context.Background(), cfg, req, inv.invoke)
		samples = append(samples, time.Since(start))
	}
	slices.Sort(samples)
	b.ReportMetric(float64(samples[len(samples)/2].Nanoseconds()), "p50-ns")
	b.ReportMetric(float64(samples[len(samples)*99/100].Nanoseconds()), "p99-ns")
}
