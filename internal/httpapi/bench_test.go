package httpapi

import (
	"context"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/stelvio-go/stelvio/internal/authorizer"
)

func BenchmarkBuildEvent(b *testing.B) {
	r := httptest.NewRequest("POST", "http://localhost:3000/users/42/orders?x=1&x=2&y=3", strings.NewReader(`{"a":1}`))
	r.Header.Set("Content-Type", "application/json")
	r.Header.Set("Cookie", "a=1; b=2")
	r.Header.Set("User-Agent", "bench")
	m, _ := router(b, "POST /users/{id}/orders").Match("POST", r.URL.EscapedPath())
	req := &Request{HTTP: r, Body: []byte(`{"a":1}`), RequestID: "Mc7UVioPPHcEKPA=", Time: time.Unix(1583348638, 0), Match: m}
	api := Context{AccountID: "123456789012", APIID: "api-id", DomainName: "localhost:3000"}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := BuildEvent(req, api); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkParseResponse(b *testing.B) {
	for _, c := range []struct{ name, payload string }{
		{"structured", `{"statusCode":200,"headers":{"content-type":"application/json","x-a":"1"},"cookies":["s=1"],"body":"{\"message\":\"hi\"}"}`},
		{"inferred", `{"message":"hi","items":[1,2,3]}`},
	} {
		b.Run(c.name, func(b *testing.B) {
			p := []byte(c.payload)
			b.ReportAllocs()
			for b.Loop() {
				if _, err := ParseResponse(p); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

func BenchmarkMatch(b *testing.B) {
	keys := []string{"$default", "ANY /{proxy+}", "GET /pets/{proxy+}", "GET /pets/dog/{id}", "GET /pets/dog/1"}
	for i := range 50 {
		keys = append(keys, "GET /r"+strings.Repeat("x", i)+"/{id}")
	}
	r := router(b, keys...)
	b.ReportAllocs()
	for b.Loop() {
		if _, ok := r.Match("GET", "/pets/dog/2"); !ok {
			b.Fatal("no match")
		}
	}
}

func BenchmarkHandle(b *testing.B) {
	g, err := New(Config{Name: "api", Routes: []Route{{Key: mustKey(b, "GET /users/{id}"), Function: "f"}}},
		Options{Invoke: func(context.Context, string, []byte) ([]byte, error) {
			return []byte(`{"statusCode":200,"headers":{"content-type":"application/json"},"body":"{}"}`), nil
		}})
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		g.Handle(httptest.NewRecorder(), httptest.NewRequest("GET", "/users/42", nil))
	}
}

func BenchmarkAuthorizeJWT(b *testing.B) {
	good, _ := keys(b)
	a := &JWTAuthorizer{Name: "jwt", Issuer: issuer, Audience: []string{"client-1"}, JWKS: authorizer.JWKSSource{File: jwksFile(b)}}
	engine := authorizer.NewEngine(authorizer.Options{})
	r := httptest.NewRequest("GET", "/me", nil)
	r.Header.Set("Authorization", "Bearer "+sign(b, good, "k1", claims(map[string]any{"scope": "read"})))
	b.ReportAllocs()
	for b.Loop() {
		if res := AuthorizeJWT(context.Background(), engine, a, r, []string{"read"}, testNow); res.Answer != nil {
			b.Fatal(res.Reason)
		}
	}
}
