package runtimeapi

import (
	"context"
	"testing"
)

// BenchmarkPoolInvoke measures one invocation through a warm pool: the Runtime API exchange with a
// real worker process and its handler, without the HTTP front of the local server.
func BenchmarkPoolInvoke(b *testing.B) {
	for _, rc := range []struct {
		name   string
		config func(testing.TB) Config
	}{{"go", goConfig}, {"go-pipe", goPipeConfig}, {"python", pythonConfig}, {"python-pipe", pythonPipeConfig}} {
		b.Run(rc.name, func(b *testing.B) {
			p := newPool(b, rc.config(b))
			payload := []byte(`{"action":"echo"}`)
			if _, err := p.Invoke(context.Background(), payload); err != nil {
				b.Fatal(err)
			}
			b.ResetTimer()
			for b.Loop() {
				r, err := p.Invoke(context.Background(), payload)
				if err != nil || r.Err != nil {
					b.Fatal(err, r.Err)
				}
			}
		})
	}
}
