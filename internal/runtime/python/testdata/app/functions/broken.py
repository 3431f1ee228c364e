def index(event, context):
    return {"statusCode": 200


def other(event, context):
    return None
