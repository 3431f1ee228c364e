import json


def _reply(name, event):
    return {
        "statusCode": 200,
        "headers": {"Content-Type": "application/json"},
        "body": json.dumps({"function": name, "pathParameters": event.get("pathParameters") or {}}),
    }


def get(event, context):
    return _reply("web.get", event)


def create(event, context):
    return _reply("web.create", event)


def fallback(event, context):
    return _reply("web.fallback", event)


def plain(event, context):
    # An HTTP API route's handler may return a plain value: API Gateway answers it as a 200 JSON body.
    return {"function": "web.plain", "routeKey": event["routeKey"]}
