import time


def handler(event, context):
    time.sleep(event["queryStringParameters"] and float(event["queryStringParameters"].get("s", "5")) or 5)
    return {"statusCode": 200, "body": "slept"}
