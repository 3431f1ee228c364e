"""Counts todos through a read-only link, and reports what is linked and what is not."""
import json

import boto3
from botocore.exceptions import ClientError

import stelvio_link

# The by-owner index projects every attribute, owner-ids the keys only, owner-titles the keys and
# the title.
INDEXES = ("by-owner", "owner-ids", "owner-titles")


def handler(event, context):
    todos = stelvio_link.table("todos")
    db = boto3.client("dynamodb")
    count = db.scan(TableName=todos.name, Select="COUNT")["Count"]
    try:
        stelvio_link.table("users")
        missing = ""
    except stelvio_link.NotLinkedError as e:
        missing = str(e)
    body = {
        "count": count,
        "table": todos.name,
        "arn": todos.arn,
        "version_function": stelvio_link.function("version").name,
        "not_linked": missing,
    }
    params = event.get("queryStringParameters") or {}
    if params.get("id"):
        # A read-only link reads items...
        item = db.get_item(TableName=todos.name, Key={"id": {"S": params["id"]}}).get("Item") or {}
        body["title"] = item.get("title", {}).get("S")
        # ...and may not write them: AWS refuses the write with AccessDeniedException.
        try:
            db.put_item(TableName=todos.name, Item={"id": {"S": params["id"]}, "owner": {"S": "stats"}})
            body["write"] = "allowed"
        except ClientError as e:
            body["write"] = "%s: %s" % (e.response["Error"]["Code"], e.response["Error"]["Message"])
    if params.get("owner"):
        # What each index of the table holds for the owner's todos: its projection.
        body["projections"] = {}
        for index in INDEXES:
            res = db.query(TableName=todos.name, IndexName=index, KeyConditionExpression="#o = :o",
                           ExpressionAttributeNames={"#o": "owner"}, ExpressionAttributeValues={":o": {"S": params["owner"]}})
            body["projections"][index] = [sorted(item) for item in res["Items"]]
    return {
        "statusCode": 200,
        "headers": {"Content-Type": "application/json"},
        "body": json.dumps(body),
    }
