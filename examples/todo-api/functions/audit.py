"""Log every change of the todos table: the subscriber of the table's stream."""
import json


def handler(event, context):
    for r in event["Records"]:
        d = r["dynamodb"]
        print("change", json.dumps({
            "event": r["eventName"],
            "source": r["eventSource"],
            "arn": r["eventSourceARN"],
            "region": r["awsRegion"],
            "id": d["Keys"]["id"]["S"],
            "new": d.get("NewImage", {}).get("title", {}).get("S"),
            "old": d.get("OldImage", {}).get("title", {}).get("S"),
            "done": d.get("NewImage", {}).get("done", {}).get("BOOL"),
            "view": d["StreamViewType"],
        }, sort_keys=True), flush=True)
