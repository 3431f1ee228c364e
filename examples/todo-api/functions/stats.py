"""Counts todos through a read-only link, and reports what is linked and what is not."""
import json

import boto3

import stelvio_link


def handler(event, context):
    todos = stelvio_link.table("todos")
    count = boto3.client("dynamodb").scan(TableName=todos.name, Select="COUNT")["Count"]
    try:
        stelvio_link.table("users")
        missing = ""
    except stelvio_link.NotLinkedError as e:
        missing = str(e)
    return {
        "statusCode": 200,
        "headers": {"Content-Type": "application/json"},
        "body": json.dumps({
            "count": count,
            "table": todos.name,
            "arn": todos.arn,
            "version_function": stelvio_link.function("version").name,
            "not_linked": missing,
        }),
    }
