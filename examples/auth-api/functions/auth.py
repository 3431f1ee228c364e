"""The TOKEN authorizer of GET /me."""


def policy(effect, resource):
    return {
        "Version": "2012-10-17",
        "Statement": [{"Action": "execute-api:Invoke", "Effect": effect, "Resource": resource}],
    }


def check(event, context):
    token = event["authorizationToken"]
    if token == "allow":
        return {
            "principalId": "ada",
            "policyDocument": policy("Allow", event["methodArn"]),
            "context": {"user": "ada", "admin": True},
        }
    if token == "deny":
        return {"principalId": "ada", "policyDocument": policy("Deny", event["methodArn"])}
    raise Exception("Unauthorized")
