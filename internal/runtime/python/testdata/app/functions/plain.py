def index(event, context):
    return {"statusCode": 200, "body": "{}"}
