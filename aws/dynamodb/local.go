package dynamodb

import (
	"github.com/stelvio-go/stelvio/internal/app"
	// The reader of the local tables' streams, for table subscribers under dev.
	_ "github.com/stelvio-go/stelvio/internal/devstreams"
	"github.com/stelvio-go/stelvio/internal/dynamolocal"
)

// The local engine is reachable only through this package, so that an app without tables never
// links it.
func init() { app.StartLocalTables = dynamolocal.StartApp }
