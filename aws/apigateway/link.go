package apigateway

import (
	"github.com/stelvio-go/stelvio/internal/app"
	"github.com/stelvio-go/stelvio/internal/route"
)

// LinkKind is "api": an Api can be linked to functions it does not call (function.Link), which then
// get its URL.
func (a *Api) LinkKind() string { return "api" }

// LinkKind is "api": an HTTPApi can be linked to functions it does not call (function.Link), which
// then get its URL.
func (a *HTTPApi) LinkKind() string { return "api" }

func init() {
	app.HTTPApiDeclOf = func(a any) *route.HTTPApiDecl {
		api, _ := a.(*HTTPApi)
		if api == nil {
			return nil
		}
		return api.d
	}
	app.ApiDeclOf = func(a any) *route.ApiDecl {
		api, _ := a.(*Api)
		if api == nil {
			return nil
		}
		return api.d
	}
}
