import json

TODOS = {"1": {"id": "1", "title": "Buy milk", "done": False}}


def _reply(status, body):
    return {"statusCode": status, "headers": {"Content-Type": "application/json"}, "body": json.dumps(body)}


def index(event, context):
    return _reply(200, sorted(TODOS.values(), key=lambda t: t["id"]))


def get(event, context):
    todo = TODOS.get((event.get("pathParameters") or {}).get("id"))
    if todo is None:
        return _reply(404, {"message": "no such todo"})
    return _reply(200, todo)


def create(event, context):
    body = json.loads(event.get("body") or "{}")
    todo = {"id": str(len(TODOS) + 1), "title": body.get("title", ""), "done": False}
    TODOS[todo["id"]] = todo
    return _reply(201, todo)
