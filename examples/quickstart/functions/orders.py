import json


def index(event, context):
    query = event.get("queryStringParameters") or {}
    return {
        "statusCode": 200,
        "headers": {"Content-Type": "application/json"},
        "body": json.dumps(
            {
                "function": "orders.index",
                "pathParameters": event.get("pathParameters") or {},
                "query": query,
            }
        ),
    }
