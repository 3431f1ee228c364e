package route53_test

import (
	"github.com/stelvio-go/stelvio"
	"github.com/stelvio-go/stelvio/aws/route53"
)

// The app's custom domains get their records in the hosted zone Z0123456789ABCDEFGHIJ.
func ExampleNew() {
	app := stelvio.New("todo", route53.Use("Z0123456789ABCDEFGHIJ"))
	_ = app
}
