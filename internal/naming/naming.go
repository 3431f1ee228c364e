// Package naming makes the physical names of AWS resources: {app}-{env}-{name}, lowercased, and
// shortened with a short hash when over the resource's length limit.
package naming

import (
	"crypto/sha256"
	"encoding/hex"
	"strings"
)

// Length limits of physical names.
const (
	LambdaLimit = 64 // Lambda function names
	RoleLimit   = 64 // IAM role names
)

// Physical is the physical name of resource name of app in env: "{app}-{env}-{name}", lowercased, with
// characters other than letters, digits, - and _ replaced by -. A name longer than limit is cut and ends
// in "-" and 7 hex digits of a hash of the full name, so different long names stay different.
func Physical(app, env, name string, limit int) string {
	full := clean(strings.ToLower(app + "-" + env + "-" + name))
	if len(full) <= limit {
		return full
	}
	sum := sha256.Sum256([]byte(full))
	suffix := "-" + hex.EncodeToString(sum[:])[:7]
	return strings.TrimRight(full[:limit-len(suffix)], "-_") + suffix
}

func clean(s string) string {
	var b strings.Builder
	for _, r := range s {
		if r >= 'a' && r <= 'z' || r >= '0' && r <= '9' || r == '-' || r == '_' {
			b.WriteRune(r)
		} else {
			b.WriteByte('-')
		}
	}
	return b.String()
}

// Role is the physical name of a function's execution role: "{app}-{env}-{function}-role", shortened
// (before the suffix) to IAM's limit.
func Role(app, env, fn string) string {
	const suffix = "-role"
	return Physical(app, env, fn, RoleLimit-len(suffix)) + suffix
}
