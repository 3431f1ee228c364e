def index(event, context)
    return 1
