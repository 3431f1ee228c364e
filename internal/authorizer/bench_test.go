package authorizer

import (
	"context"
	"net/http"
	"testing"
)

// BenchmarkCognito measures verifying a Cognito ID token (RS256, 2048-bit key) per request.
func BenchmarkCognito(b *testing.B) {
	dir := b.TempDir()
	clk := newClock()
	e := NewEngine(Options{Now: clk.Now, DevKeyDir: dir})
	cfg := &Config{Name: "users", Kind: KindCognito, UserPoolID: testPool}
	tok, err := MintDevToken(dir, MintOptions{UserPoolID: testPool, Now: clk.Now()})
	if err != nil {
		b.Fatal(err)
	}
	req := newRequest("GET", "/users/42", http.Header{"Authorization": {tok}})
	b.ReportAllocs()
	for b.Loop() {
		if res := e.Authorize(context.Background(), cfg, req, nil); res.Answer != nil {
			b.Fatalf("answer %d", res.Answer.Status)
		}
	}
}

// BenchmarkIAM measures verifying a SigV4 signature per request.
func BenchmarkIAM(b *testing.B) {
	clk := newClock()
	e := NewEngine(Options{Now: clk.Now, Credentials: []Credential{{AccessKeyID: testKeyID, SecretAccessKey: testSecret}}})
	cfg := &Config{Name: "iam", Kind: KindIAM}
	req := iamRequest("GET", "/v1/users/42?x=1", nil)
	sign(b, req.HTTP, nil, testSecret, testRegion, clk.Now())
	b.ReportAllocs()
	for b.Loop() {
		if res := e.Authorize(context.Background(), cfg, req, nil); res.Answer != nil {
			b.Fatalf("answer %d %s", res.Answer.Status, res.Answer.Body)
		}
	}
}
