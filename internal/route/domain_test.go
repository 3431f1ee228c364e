package route

import "testing"

// TestCheckDomainRefusesWhatACMCannotCertify: ACM issues certificates for domain names, not addresses
// (https://docs.aws.amazon.com/acm/latest/userguide/acm-certificate.html: "fully qualified domain
// name").
func TestCheckDomainRefusesWhatACMCannotCertify(t *testing.T) {
	for _, tt := range []struct{ domain, want string }{
		{"1.2.3.4", `domain name "1.2.3.4" is an IP address; ACM certifies domain names only, so use a name such as api.example.com`},
		{"::1", `domain name "::1" is an IP address; ACM certifies domain names only, so use a name such as api.example.com`},
		{"api.example.123", `domain name "api.example.123" ends in the numeric label "123"; top-level domains are not numeric, so use a name such as api.example.com`},
	} {
		if err := checkDomain(tt.domain); err == nil || err.Error() != tt.want {
			t.Errorf("checkDomain(%q) = %v, want %s", tt.domain, err, tt.want)
		}
	}
	for _, d := range []string{"api.example.com", "1api.example.com", "api.2example.io"} {
		if err := checkDomain(d); err != nil {
			t.Errorf("checkDomain(%q): %v", d, err)
		}
	}
}
