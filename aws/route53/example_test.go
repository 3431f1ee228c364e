package route53_test

import (
	"github.com/stelvio-go/stelvio"
	"github.com/stelvio-go/stelvio/aws/route53"
	"github.com/stelvio-go/stelvio/dns"
)

// The app's custom domains get their records in the hosted zone Z0123456789ABCDEFGHIJ.
func ExampleNew() {
	app := stelvio.New("todo", dns.Use(route53.New("Z0123456789ABCDEFGHIJ")))
	_ = app
}
