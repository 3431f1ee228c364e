import base64
import json


def event(event, context):
    """Answers with the proxy event it received."""
    return {
        "statusCode": 200,
        "headers": {"Content-Type": "application/json", "X-Function-Arn": context.invoked_function_arn},
        "body": json.dumps(event, sort_keys=True),
    }


def respond(event, context):
    """Answers with the proxy response the request's body holds, as it is."""
    body = event["body"]
    if event["isBase64Encoded"]:
        body = base64.b64decode(body)
    return json.loads(body)


def ok(event, context):
    """Answers 200 with the size of the body it received."""
    return {"statusCode": 200, "body": str(len(event["body"] or ""))}
