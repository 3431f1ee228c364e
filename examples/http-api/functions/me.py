def handler(event, context):
    """Returns the claims of the caller's token: a plain object, which API Gateway answers as 200 JSON."""
    return {"claims": event["requestContext"]["authorizer"]["jwt"]["claims"]}
