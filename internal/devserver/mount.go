package devserver

import "github.com/stelvio-go/stelvio/internal/route"

// MountPath is where dev serves api: at the root when the app has one API (REST or HTTP), else under
// "/<api name>".
func MountPath(t *route.Table, api *route.Api) string {
	if len(t.Apis)+len(t.HTTPApis) > 1 {
		return "/" + api.Name
	}
	return ""
}

// HTTPMountPath is MountPath for an HTTP API.
func HTTPMountPath(t *route.Table, api *route.HTTPApi) string {
	if len(t.Apis)+len(t.HTTPApis) > 1 {
		return "/" + api.Name
	}
	return ""
}
