import json
import os
import sys
import time
import urllib.request
from decimal import Decimal

ENV_NAMES = [
    "AWS_LAMBDA_FUNCTION_NAME", "AWS_LAMBDA_FUNCTION_MEMORY_SIZE", "AWS_LAMBDA_FUNCTION_VERSION",
    "AWS_REGION", "AWS_DEFAULT_REGION", "_HANDLER", "LAMBDA_TASK_ROOT", "TZ",
    "AWS_EXECUTION_ENV", "GREETING",
]


class Unserializable:
    pass


class PaymentRequired(Exception):
    pass


def index(event, context):
    action = event.get("action")
    if action == "echo":
        return {
            "event": event,
            "requestId": context.aws_request_id,
            "functionName": context.function_name,
            "memory": context.memory_limit_in_mb,
            "version": context.function_version,
            "arn": context.invoked_function_arn,
            "remainingPositive": context.get_remaining_time_in_millis() > 0,
            "traceId": os.environ.get("_X_AMZN_TRACE_ID", "").startswith("Root=1-"),
            "env": {n: os.environ.get(n) for n in ENV_NAMES},
            "envNames": sorted(os.environ),
            "logStream": context.log_stream_name,
            "pid": os.getpid(),
            "price": Decimal("1.5"),
        }
    if action == "error":
        raise PaymentRequired(event["message"])
    if action == "exit":
        print("exiting with", event["code"])
        os._exit(event["code"])
    if action == "sleep":
        time.sleep(event["ms"] / 1000)
        return {"slept": event["ms"], "pid": os.getpid()}
    if action == "barrier":
        urllib.request.urlopen(event["url"]).read()
        return {"pid": os.getpid()}
    if action == "unserializable":
        return {"x": Unserializable()}
    if action == "log":
        print("to stdout:", event["message"])
        print("to stderr:", event["message"], file=sys.stderr)
        return "logged"
    if action == "none":
        return None
    if action == "alloc":
        held = b"x" * (event["mb"] << 20)
        return {"allocated": len(held) >> 20}
    raise ValueError("unknown action %r" % action)
