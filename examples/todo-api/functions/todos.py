"""Create and list todos (boto3)."""
import json
import time
import uuid

import boto3
from botocore.exceptions import ClientError

import stelvio_link

_table = None


def table():
    global _table
    if _table is None:
        _table = boto3.resource("dynamodb").Table(stelvio_link.table("todos").name)
    return _table


def reply(status, body):
    return {"statusCode": status, "headers": {"Content-Type": "application/json"}, "body": json.dumps(body)}


def create(event, context):
    try:
        data = json.loads(event.get("body") or "{}")
    except ValueError:
        return reply(400, {"error": "the body is not JSON"})
    if not isinstance(data, dict) or not data.get("title") or not data.get("owner"):
        return reply(400, {"error": "give a title and an owner"})
    item = {
        "id": str(data.get("id") or uuid.uuid4()),
        "owner": str(data["owner"]),
        "title": str(data["title"]),
        "done": False,
        "created": int(data.get("created") or time.time() * 1000),
    }
    try:
        # A todo is created once: an id that exists already is a conflict.
        table().put_item(Item=item, ConditionExpression="attribute_not_exists(id)")
    except ClientError as e:
        if e.response["Error"]["Code"] == "ConditionalCheckFailedException":
            return reply(409, {"error": "todo %s exists already" % item["id"], "code": e.response["Error"]["Code"]})
        raise
    return reply(201, item)


def index(event, context):
    owner = (event.get("queryStringParameters") or {}).get("owner")
    if owner:
        from boto3.dynamodb.conditions import Key

        # The by-owner index keeps each owner's todos sorted by creation time.
        res = table().query(IndexName="by-owner", KeyConditionExpression=Key("owner").eq(owner))
        items = res["Items"]
    else:
        items = table().scan()["Items"]
        items.sort(key=lambda t: (t["created"], t["id"]))
    return reply(200, {"todos": [plain(t) for t in items]})


def plain(item):
    """DynamoDB numbers arrive as Decimal."""
    return {k: (int(v) if hasattr(v, "as_integer_ratio") and not isinstance(v, bool) else v) for k, v in item.items()}
