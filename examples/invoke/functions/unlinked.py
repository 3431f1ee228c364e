"""Tries to invoke summarize without a link: its role has no lambda:InvokeFunction on it."""
import json
import os

import boto3
import botocore


def handler(event, context):
    # The deployed names share the app's and environment's prefix: <app>-<env>-<function>.
    name = os.environ["AWS_LAMBDA_FUNCTION_NAME"].rsplit("-", 2)[0] + "-summarize"
    try:
        boto3.client("lambda").invoke(FunctionName=name, Payload=b"{}")
        answer = {"error": ""}
    except botocore.exceptions.ClientError as e:
        answer = {"error": e.response["Error"]["Code"], "status": e.response["ResponseMetadata"]["HTTPStatusCode"]}
    return {"statusCode": 200, "headers": {"Content-Type": "application/json"}, "body": json.dumps(answer)}
