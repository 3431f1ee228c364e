"""Lambda runtime loop for Python handlers, standard library only.

Speaks the Lambda Runtime API at AWS_LAMBDA_RUNTIME_API: imports the handler named by _HANDLER
("module.function", module relative to LAMBDA_TASK_ROOT), then forever takes the next invocation,
calls handler(event, context) and posts the JSON result or the error in Lambda's shape
({"errorMessage", "errorType", "requestId", "stackTrace"}). An import failure is posted to
.../runtime/init/error and the process exits, as the AWS Python runtime does.

When the local server sets STELVIO_WORKER_PIPE, the same exchanges go over two pipes instead
(invocations on descriptor 3, results on descriptor 4; frames as in stelvio's runtimeapi package).
"""

import decimal
import importlib
import json
import os
import struct
import sys
import time
import traceback

API_VERSION = "2018-06-01"


class CognitoIdentity:
    __slots__ = ["cognito_identity_id", "cognito_identity_pool_id"]

    def __init__(self, identity_id=None, pool_id=None):
        self.cognito_identity_id = identity_id
        self.cognito_identity_pool_id = pool_id


class Client:
    __slots__ = ["installation_id", "app_title", "app_version_name", "app_version_code", "app_package_name"]

    def __init__(self, d):
        self.installation_id = d.get("installation_id")
        self.app_title = d.get("app_title")
        self.app_version_name = d.get("app_version_name")
        self.app_version_code = d.get("app_version_code")
        self.app_package_name = d.get("app_package_name")


class ClientContext:
    __slots__ = ["custom", "env", "client"]

    def __init__(self, d):
        self.custom = d.get("custom")
        self.env = d.get("env")
        client = d.get("client")
        self.client = Client(client) if client else None


class LambdaContext:
    """The context argument, with the attributes and method of the AWS Python runtime's."""

    def __init__(self, request_id, deadline_ms, invoked_function_arn, identity, client_context, tenant_id):
        self.aws_request_id = request_id
        self.invoked_function_arn = invoked_function_arn
        self.log_group_name = os.environ.get("AWS_LAMBDA_LOG_GROUP_NAME")
        self.log_stream_name = os.environ.get("AWS_LAMBDA_LOG_STREAM_NAME")
        self.function_name = os.environ.get("AWS_LAMBDA_FUNCTION_NAME")
        self.memory_limit_in_mb = os.environ.get("AWS_LAMBDA_FUNCTION_MEMORY_SIZE")
        self.function_version = os.environ.get("AWS_LAMBDA_FUNCTION_VERSION")
        self.identity = identity
        self.client_context = client_context
        self.tenant_id = tenant_id
        self._deadline_ms = deadline_ms

    def get_remaining_time_in_millis(self):
        return max(int(self._deadline_ms - time.time() * 1000), 0)

    def __repr__(self):
        return (
            "LambdaContext([aws_request_id={0},log_group_name={1},log_stream_name={2},function_name={3},"
            "memory_limit_in_mb={4},function_version={5},invoked_function_arn={6},client_context={7},"
            "identity={8},tenant_id={9}])"
        ).format(
            self.aws_request_id, self.log_group_name, self.log_stream_name, self.function_name,
            self.memory_limit_in_mb, self.function_version, self.invoked_function_arn,
            self.client_context, self.identity, self.tenant_id,
        )


class FaultError(Exception):
    def __init__(self, error_type, message, trace=None):
        super().__init__(message)
        self.error_type = error_type
        self.message = message
        self.trace = trace or []


def _encode(o):
    if isinstance(o, decimal.Decimal):
        return int(o) if o == o.to_integral_value() else float(o)
    raise TypeError("Object of type %s is not JSON serializable" % type(o).__name__)


def error_document(error_type, message, trace, request_id=""):
    return {
        "errorMessage": message,
        "errorType": error_type,
        "requestId": request_id,
        "stackTrace": trace,
    }


def exception_document(exc, request_id):
    tb = traceback.extract_tb(exc.__traceback__)
    # Drop the frame of this loop so the trace starts in the user's code, like the AWS runtime.
    if tb and tb[0].filename == __file__:
        tb = tb[1:]
    # The staged package links to the project's files: name those, which an editor can open.
    for frame in tb:
        frame.filename = os.path.realpath(frame.filename)
    return error_document(type(exc).__name__, str(exc), traceback.format_list(tb), request_id)


def log_error(doc):
    """Logs an error document as the AWS Python runtime does: "[ERROR] Type: message", then the stack
    trace's frames under Python's traceback header (the header alone for an error without frames)."""
    lines = ["[ERROR] %s: %s" % (doc["errorType"], doc["errorMessage"]), "Traceback (most recent call last):"]
    for frame in doc["stackTrace"]:
        lines.extend(frame.splitlines())
    # One write, so that the lines reach the log together.
    sys.stderr.write("\n".join(lines) + "\n")
    sys.stderr.flush()


def load_handler(spec):
    try:
        module_name, function_name = spec.rsplit(".", 1)
    except ValueError as e:
        raise FaultError("Runtime.MalformedHandlerName", "Bad handler '{}': {}".format(spec, e))
    module_path = module_name.replace("/", ".")
    try:
        module = importlib.import_module(module_path)
    except ImportError as e:
        raise FaultError("Runtime.ImportModuleError", "Unable to import module '{}': {}".format(module_path, e))
    except SyntaxError as e:
        trace = ['  File "%s" Line %s\n    %s\n' % (e.filename, e.lineno, (e.text or "").strip())]
        raise FaultError(
            "Runtime.UserCodeSyntaxError", "Syntax error in module '{}': {}".format(module_path, e), trace
        )
    except Exception as e:
        doc = exception_document(e, "")
        raise FaultError(doc["errorType"], doc["errorMessage"], doc["stackTrace"])
    handler = getattr(module, function_name, None)
    if handler is None:
        raise FaultError(
            "Runtime.HandlerNotFound", "Handler '{}' missing on module '{}'".format(function_name, module_path)
        )
    return handler


class RuntimeClient:
    def __init__(self, address):
        # Imported here: a pipe worker does not need them, and http.client alone costs a worker's start
        # more than a tenth of its time.
        global http, socket
        import http.client
        import socket

        host, _, port = address.partition(":")
        self.conn = http.client.HTTPConnection(host, int(port or 80))
        self._connect()

    def _connect(self):
        # Small request bodies must not wait for a delayed ACK (Nagle's algorithm).
        self.conn.connect()
        self.conn.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)

    def _request(self, method, path, body=None, headers=None):
        try:
            self.conn.request(method, path, body=body, headers=headers or {})
            resp = self.conn.getresponse()
        except (ConnectionError, http.client.HTTPException):
            # One retry on a fresh connection: the server may have closed an idle keep-alive.
            self.conn.close()
            self._connect()
            self.conn.request(method, path, body=body, headers=headers or {})
            resp = self.conn.getresponse()
        data = resp.read()
        return resp, data

    def next(self):
        resp, data = self._request("GET", "/%s/runtime/invocation/next" % API_VERSION)
        if resp.status != 200:
            raise RuntimeError("runtime api: GET next: status %d: %s" % (resp.status, data[:200]))
        return resp.headers, data

    def post(self, path, body, error_type=None):
        headers = {"Content-Type": "application/json"}
        if error_type:
            headers["Lambda-Runtime-Function-Error-Type"] = error_type
        resp, data = self._request("POST", "/%s/runtime/%s" % (API_VERSION, path), body, headers)
        if resp.status != 202:
            sys.stderr.write("runtime api: POST %s: status %d: %s\n" % (path, resp.status, data[:200].decode(errors="replace")))

    def ready(self):
        pass  # the first GET .../invocation/next says it


class PipeClient:
    """The local server's pipe transport: the Runtime API's exchanges as frames on two pipes."""

    MAGIC = b"SW01"
    INIT_ERROR = b"SWIE"

    def __init__(self):
        for fd in (3, 4):
            os.set_inheritable(fd, False)
        self.rf = os.fdopen(3, "rb", buffering=1 << 16)
        self.wf = os.fdopen(4, "wb", buffering=0)

    def _read(self, n):
        data = self.rf.read(n)
        if len(data) < n:
            sys.exit(0)  # the server closed the pipe: the worker is no longer needed
        return data

    def ready(self):
        self.wf.write(self.MAGIC)

    def next(self):
        (size,) = struct.unpack(">I", self._read(4))
        frame = self._read(size)
        (deadline,) = struct.unpack(">q", frame[:8])
        fields, off = [], 8
        for _ in range(3):
            (n,) = struct.unpack(">H", frame[off:off + 2])
            fields.append(frame[off + 2:off + 2 + n].decode())
            off += 2 + n
        headers = {
            "Lambda-Runtime-Aws-Request-Id": fields[0],
            "Lambda-Runtime-Invoked-Function-Arn": fields[1],
            "Lambda-Runtime-Trace-Id": fields[2],
            "Lambda-Runtime-Deadline-Ms": str(deadline),
        }
        return headers, frame[off:]

    def post(self, path, body, error_type=None):
        if isinstance(body, str):
            body = body.encode()
        if path == "init/error":
            status = 3
            self.wf.write(self.INIT_ERROR)
        elif path.endswith("/response"):
            status = 0
        else:
            status = 1
        self.wf.write(struct.pack(">IB", len(body) + 1, status) + body)


def handle(client, handler, headers, body):
    request_id = headers.get("Lambda-Runtime-Aws-Request-Id", "")
    trace_id = headers.get("Lambda-Runtime-Trace-Id")
    if trace_id:
        os.environ["_X_AMZN_TRACE_ID"] = trace_id
    else:
        os.environ.pop("_X_AMZN_TRACE_ID", None)
    identity = CognitoIdentity()
    cognito = headers.get("Lambda-Runtime-Cognito-Identity")
    if cognito:
        c = json.loads(cognito)
        identity = CognitoIdentity(c.get("cognitoIdentityId"), c.get("cognitoIdentityPoolId"))
    client_context = None
    cc = headers.get("Lambda-Runtime-Client-Context")
    if cc:
        client_context = ClientContext(json.loads(cc))
    context = LambdaContext(
        request_id,
        int(headers.get("Lambda-Runtime-Deadline-Ms", "0")),
        headers.get("Lambda-Runtime-Invoked-Function-Arn"),
        identity,
        client_context,
        headers.get("Lambda-Runtime-Aws-Tenant-Id"),
    )
    try:
        event = json.loads(body) if body else None
    except ValueError as e:
        doc = error_document("Runtime.UnmarshalError", "Unable to unmarshal input: {}".format(e), [], request_id)
        client.post("invocation/%s/error" % request_id, json.dumps(doc), doc["errorType"])
        return
    try:
        result = handler(event, context)
    except Exception as e:
        doc = exception_document(e, request_id)
        log_error(doc)
        client.post("invocation/%s/error" % request_id, json.dumps(doc), doc["errorType"])
        return
    try:
        payload = json.dumps(result, default=_encode)
    except (TypeError, ValueError) as e:
        doc = error_document("Runtime.MarshalError", "Unable to marshal response: {}".format(e), [], request_id)
        client.post("invocation/%s/error" % request_id, json.dumps(doc), doc["errorType"])
        return
    client.post("invocation/%s/response" % request_id, payload.encode())


def main():
    for stream in (sys.stdout, sys.stderr):
        stream.reconfigure(line_buffering=True)
    task_root = os.environ.get("LAMBDA_TASK_ROOT") or os.getcwd()
    # The handler's directory comes first; this loop's own directory is not importable.
    here = os.path.dirname(os.path.abspath(__file__))
    sys.path[:] = [p for p in sys.path if os.path.abspath(p or ".") != here]
    sys.path.insert(0, task_root)

    if os.environ.get("STELVIO_WORKER_PIPE"):
        client = PipeClient()
    else:
        client = RuntimeClient(os.environ["AWS_LAMBDA_RUNTIME_API"])
    try:
        handler = load_handler(os.environ.get("_HANDLER", ""))
    except FaultError as e:
        doc = error_document(e.error_type, e.message, e.trace)
        log_error(doc)
        client.post("init/error", json.dumps(doc), e.error_type)
        return 1
    client.ready()
    while True:
        headers, body = client.next()
        handle(client, handler, headers, body)


if __name__ == "__main__":
    sys.exit(main())
