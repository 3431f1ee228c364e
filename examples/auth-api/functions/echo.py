"""The API's handlers: each echoes what the gateway's authorizer passed (requestContext.authorizer)."""

import json

from stelvio_cors import apply


def reply(event, route):
    ctx = event["requestContext"]
    body = {"route": route, "authorizer": ctx.get("authorizer")}
    identity = ctx.get("identity") or {}
    if identity.get("user"):
        body["user"] = identity["user"]
    return apply({"statusCode": 200, "headers": {"Content-Type": "application/json"}, "body": json.dumps(body, sort_keys=True)})


def public(event, context):
    return reply(event, "public")


def me(event, context):
    return reply(event, "me")


def admin(event, context):
    return reply(event, "admin")


def profile(event, context):
    return reply(event, "profile")


def iam(event, context):
    return reply(event, "iam")
