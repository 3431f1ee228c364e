"""A function no route uses: the app's handlers invoke it with the Lambda API."""


def handler(event, context):
    titles = event.get("titles", [])
    if not isinstance(titles, list):
        raise TypeError("titles must be a list, not %s" % type(titles).__name__)
    return {"count": len(titles), "longest": max(titles, key=len, default=""), "by": context.function_name}
