import json


def handler(event, context):
    """Answers with the payload format 2.0 event it received."""
    return {
        "statusCode": 200,
        "headers": {"content-type": "application/json"},
        "body": json.dumps(event),
    }
