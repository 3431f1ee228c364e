package authorizer

import (
	"sync"
	"time"
)

// cache holds an authorizer's outputs by identity source value. What is cached is the policy, not the
// decision: "the returned IAM policy is cached" and "applied to any additional API requests" within the
// TTL, so a policy whose Resource names one method answers 403 for the others until it expires.
// https://repost.aws/knowledge-center/api-gateway-lambda-authorization-errors
type cache struct {
	mu      sync.RWMutex
	entries map[string]cacheEntry
}

type cacheEntry struct {
	out     *Output
	expires time.Time
}

func (c *cache) get(key string, now time.Time) (*Output, time.Time, bool) {
	c.mu.RLock()
	e, ok := c.entries[key]
	c.mu.RUnlock()
	if !ok || !now.Before(e.expires) {
		return nil, time.Time{}, false
	}
	return e.out, e.expires, true
}

func (c *cache) put(key string, out *Output, expires time.Time, now time.Time) {
	c.mu.Lock()
	defer c.mu.Unlock()
	// Drop expired entries now and then so that a long dev session does not grow without bound.
	if len(c.entries) >= 1024 {
		for k, e := range c.entries {
			if !now.Before(e.expires) {
				delete(c.entries, k)
			}
		}
	}
	c.entries[key] = cacheEntry{out: out, expires: expires}
}
