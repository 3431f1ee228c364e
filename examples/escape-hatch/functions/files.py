"""Stores and returns files in the app's uploads bucket (its name is in BUCKET)."""
import base64
import json
import os


def handler(event, context):
    bucket = os.environ["BUCKET"]
    key = event["pathParameters"]["key"]
    if os.environ.get("AWS_LAMBDA_RUNTIME_API", "").startswith("127.0.0.1") or bucket == "local-uploads":
        # Under dev there is no bucket: say what would be done.
        return _json(200, {"bucket": bucket, "key": key, "method": event["httpMethod"]})
    import boto3  # in the Lambda runtime

    s3 = boto3.client("s3")
    if event["httpMethod"] == "PUT":
        body = event.get("body") or ""
        data = base64.b64decode(body) if event.get("isBase64Encoded") else body.encode()
        s3.put_object(Bucket=bucket, Key=key, Body=data)
        return _json(201, {"bucket": bucket, "key": key, "size": len(data)})
    obj = s3.get_object(Bucket=bucket, Key=key)
    return {"statusCode": 200, "body": obj["Body"].read().decode("utf-8", "replace")}


def _json(status, doc):
    return {"statusCode": status, "headers": {"Content-Type": "application/json"}, "body": json.dumps(doc)}
