"""CORS headers for the handlers of a stelvio REST API.

API Gateway (REST, Lambda proxy integration) passes a handler's response to the browser untouched, so
the handler adds Access-Control-Allow-Origin (and, when the API allows them,
Access-Control-Allow-Credentials and Access-Control-Expose-Headers) itself. stelvio sets the values as
environment variables on every function of an API with CORS; without them nothing is added.

    from stelvio_cors import apply

    def index(event, context):
        return apply({"statusCode": 200, "body": "ok"})
"""

import os

ALLOW_ORIGIN = "STELVIO_CORS_ALLOW_ORIGIN"
ALLOW_METHODS = "STELVIO_CORS_ALLOW_METHODS"
ALLOW_HEADERS = "STELVIO_CORS_ALLOW_HEADERS"
ALLOW_CREDENTIALS = "STELVIO_CORS_ALLOW_CREDENTIALS"
EXPOSE_HEADERS = "STELVIO_CORS_EXPOSE_HEADERS"
MAX_AGE = "STELVIO_CORS_MAX_AGE"


def headers(environ=None):
    """The CORS headers a (non-preflight) response must carry; {} when the API has no CORS."""
    env = os.environ if environ is None else environ
    origin = env.get(ALLOW_ORIGIN, "")
    if not origin:
        return {}
    out = {"Access-Control-Allow-Origin": origin}
    if env.get(ALLOW_CREDENTIALS) == "true":
        out["Access-Control-Allow-Credentials"] = "true"
    expose = env.get(EXPOSE_HEADERS, "")
    if expose:
        out["Access-Control-Expose-Headers"] = expose
    return out


def apply(response, environ=None):
    """Returns response (a proxy integration response dict) with the CORS headers added.

    Headers the handler set itself, in "headers" or "multiValueHeaders" and in any letter case, are kept.
    """
    cors = headers(environ)
    if not cors:
        return response
    out = dict(response)
    own = dict(out.get("headers") or {})
    taken = {name.lower() for name in own}
    taken.update(name.lower() for name in (out.get("multiValueHeaders") or {}))
    for name, value in cors.items():
        if name.lower() not in taken:
            own[name] = value
    out["headers"] = own
    return out
