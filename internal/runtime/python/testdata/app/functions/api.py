import json


def _reply(name, event):
    return {
        "statusCode": 200,
        "headers": {"Content-Type": "application/json"},
        "body": json.dumps({"function": name, "pathParameters": event.get("pathParameters") or {}}),
    }


def items(event, context):
    return _reply("api.items", event)


def read(event, context):
    return _reply("api.read", event)


def write(event, context):
    return _reply("api.write", event)
