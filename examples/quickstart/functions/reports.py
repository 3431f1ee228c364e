import json
import os


def handler(event, context):
    return {
        "statusCode": 200,
        "headers": {"Content-Type": "application/json"},
        "body": json.dumps(
            {
                "function": "reports.handler",
                "pathParameters": event.get("pathParameters") or {},
                "memory": os.environ.get("AWS_LAMBDA_FUNCTION_MEMORY_SIZE"),
            }
        ),
    }
