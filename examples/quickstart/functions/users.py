import json

USERS = {"1": {"id": "1", "name": "Ada"}, "2": {"id": "2", "name": "Linus"}}


def _reply(function, event, status=200, **extra):
    body = {"function": function, "pathParameters": event.get("pathParameters") or {}}
    body.update(extra)
    return {
        "statusCode": status,
        "headers": {"Content-Type": "application/json"},
        "body": json.dumps(body),
    }


def index(event, context):
    return _reply("users.index", event, users=sorted(USERS))


def get(event, context):
    user_id = (event.get("pathParameters") or {}).get("id")
    user = USERS.get(user_id)
    if user is None:
        return _reply("users.get", event, status=404, error="no such user")
    return _reply("users.get", event, user=user)


def create(event, context):
    try:
        data = json.loads(event.get("body") or "{}")
    except ValueError:
        return _reply("users.create", event, status=400, error="body is not JSON")
    return _reply("users.create", event, status=201, created=data)
