import module_that_does_not_exist  # noqa: F401


def index(event, context):
    return "never"
