import json


def handler(event, context):
    """Catches every request no other route matches ($default)."""
    return {
        "statusCode": 404,
        "headers": {"content-type": "application/json"},
        "body": json.dumps({"message": "no such page", "routeKey": event["routeKey"], "path": event["rawPath"]}),
    }
