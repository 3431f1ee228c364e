"""Invokes the linked summarize function with boto3, synchronously and as an event."""
import json

import boto3
import botocore

import stelvio_link


def handler(event, context):
    summarize = stelvio_link.function("summarize")
    client = boto3.client("lambda")
    titles = ((event.get("queryStringParameters") or {}).get("titles") or "").split(",")
    resp = client.invoke(FunctionName=summarize.arn, Payload=json.dumps({"titles": [t for t in titles if t]}))
    queued = client.invoke(FunctionName=summarize.name, InvocationType="Event", Payload=b"{}")
    return {
        "statusCode": 200,
        "headers": {"Content-Type": "application/json"},
        "body": json.dumps({
            "summary": json.loads(resp["Payload"].read()),
            "status": resp["StatusCode"],
            "version": resp["ExecutedVersion"],
            "event_status": queued["StatusCode"],
            "botocore": botocore.__version__,
        }),
    }
