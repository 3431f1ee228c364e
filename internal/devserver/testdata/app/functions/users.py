import base64
import json
import os
import time


def shout(s):
    return s.upper() + "!"


def _json(status, body, headers=None):
    return {
        "statusCode": status,
        "headers": dict({"Content-Type": "application/json"}, **(headers or {})),
        "body": json.dumps(body, sort_keys=True),
    }


def index(event, context):
    return _json(200, {
        "resource": event["resource"],
        "path": event["path"],
        "method": event["httpMethod"],
        "query": event["queryStringParameters"],
        "multiQuery": event["multiValueQueryStringParameters"],
        "header": event["headers"].get("X-Custom"),
        "multiHeader": event["multiValueHeaders"].get("X-Custom"),
        "stage": event["requestContext"]["stage"],
        "sourceIp": event["requestContext"]["identity"]["sourceIp"],
        "function": context.function_name,
        "greeting": os.environ.get("GREETING"),
        "shout": shout("hi"),
    })


def get(event, context):
    # A REST API's event names the resource; an HTTP API's (payload 2.0) the route key.
    return _json(200, {"params": event["pathParameters"], "resource": event.get("resource") or event.get("routeKey")})


def me(event, context):
    return _json(200, {"me": True, "resource": event["resource"]})


def create(event, context):
    body = event["body"]
    if event["isBase64Encoded"]:
        raw = base64.b64decode(body)
        return {
            "statusCode": 201,
            "headers": {"Content-Type": "application/octet-stream"},
            "multiValueHeaders": {"Set-Cookie": ["a=1", "b=2"]},
            "body": base64.b64encode(raw[::-1]).decode(),
            "isBase64Encoded": True,
        }
    return _json(201, {"created": json.loads(body)})


def files(event, context):
    return _json(200, {"proxy": event["pathParameters"]["proxy"], "method": event["httpMethod"]})


def crash(event, context):
    if os.path.exists(os.path.join(os.environ["CRASH_MARKER"])):
        os.remove(os.environ["CRASH_MARKER"])
        os._exit(7)
    return _json(200, {"crashed": False})


def error(event, context):
    raise ValueError("something broke")


def malformed(event, context):
    return "not a proxy response"


def version(event, context):
    return _json(200, {"version": 1})
