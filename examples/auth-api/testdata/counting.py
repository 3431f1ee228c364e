"""A TOKEN authorizer that counts its calls (tests of the result cache) and fails on "boom"."""

calls = 0


def check(event, context):
    global calls
    calls += 1
    if event["authorizationToken"] == "boom":
        raise RuntimeError("the authorizer broke")
    return {
        "principalId": event["authorizationToken"],
        "policyDocument": {
            "Version": "2012-10-17",
            "Statement": [{"Action": "execute-api:Invoke", "Effect": "Allow", "Resource": "*"}],
        },
        "context": {"calls": calls, "methodArn": event["methodArn"]},
    }


def crash(event, context):
    raise RuntimeError("the handler broke")


def slow(event, context):
    import time

    time.sleep(20)
    return {"statusCode": 200, "body": "late"}
