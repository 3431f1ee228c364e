package cloudflare_test

import (
	"github.com/stelvio-go/stelvio"
	"github.com/stelvio-go/stelvio/cloudflare"
)

// The app's custom domains get their records in a Cloudflare zone; the token is read from
// CLOUDFLARE_API_TOKEN.
func ExampleNew() {
	app := stelvio.New("todo", cloudflare.Use("023e105f4ecef8ad9ca31a8372d0c353"))
	_ = app
}
