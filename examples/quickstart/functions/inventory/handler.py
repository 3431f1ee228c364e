import json

from stock import ITEMS


def _reply(function, event, status=200, **extra):
    body = {"function": function, "pathParameters": event.get("pathParameters") or {}}
    body.update(extra)
    return {
        "statusCode": status,
        "headers": {"Content-Type": "application/json"},
        "body": json.dumps(body),
    }


def index(event, context):
    return _reply("inventory.index", event, items=sorted(ITEMS))


def get(event, context):
    sku = (event.get("pathParameters") or {}).get("sku")
    if sku not in ITEMS:
        return _reply("inventory.get", event, status=404, error="no such item")
    return _reply("inventory.get", event, item={"sku": sku, "count": ITEMS[sku]})
