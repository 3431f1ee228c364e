# Placed on PYTHONPATH by `stelvio dev` only. Makes botocore older than 1.31 (which ignores
# AWS_ENDPOINT_URL_<SERVICE>) send DynamoDB, DynamoDB Streams and Lambda calls to the local endpoints
# named by AWS_ENDPOINT_URL_DYNAMODB / AWS_ENDPOINT_URL_DYNAMODB_STREAMS / AWS_ENDPOINT_URL_LAMBDA.
# Newer botocore is left alone: it honours the variables itself. botocore is patched when it is first
# imported, so a handler that never uses it pays nothing. Afterwards the sitecustomize this file shadows, if any, still runs.
import importlib.machinery
import importlib.util
import os
import sys

_ENDPOINT_ENV = {
    "dynamodb": "AWS_ENDPOINT_URL_DYNAMODB",
    "dynamodbstreams": "AWS_ENDPOINT_URL_DYNAMODB_STREAMS",
    "lambda": "AWS_ENDPOINT_URL_LAMBDA",
}


def _old_botocore(version):
    try:
        major, minor = (int(p) for p in version.split(".")[:2])
    except ValueError:
        return False
    return (major, minor) < (1, 31)


def _patch_session_module(module):
    import botocore

    if not _old_botocore(getattr(botocore, "__version__", "")):
        return
    create_client = module.Session.create_client
    if getattr(create_client, "_stelvio_endpoint", False):
        return

    def patched(self, service_name, *args, **kwargs):
        env = _ENDPOINT_ENV.get(service_name)
        # endpoint_url is create_client's fifth parameter (service_name, region_name, api_version,
        # use_ssl, verify, endpoint_url, ...); an explicit one, by keyword or position, wins.
        if env and os.environ.get(env) and kwargs.get("endpoint_url") is None and len(args) < 5:
            kwargs["endpoint_url"] = os.environ[env]
        return create_client(self, service_name, *args, **kwargs)

    patched._stelvio_endpoint = True
    module.Session.create_client = patched


# The finder and loader are plain classes: importing importlib.abc costs ~40 ms at every start.
class _Loader:
    def __init__(self, loader):
        self._loader = loader

    def create_module(self, spec):
        return self._loader.create_module(spec)

    def exec_module(self, module):
        self._loader.exec_module(module)
        _patch_session_module(module)


class _Finder:
    def find_spec(self, fullname, path, target=None):
        if fullname != "botocore.session":
            return None
        spec = importlib.machinery.PathFinder.find_spec(fullname, path)
        if spec is None or spec.loader is None:
            return spec
        spec.loader = _Loader(spec.loader)
        return spec


if "botocore.session" in sys.modules:
    _patch_session_module(sys.modules["botocore.session"])
else:
    sys.meta_path.insert(0, _Finder())


def _run_shadowed_sitecustomize():
    here = os.path.dirname(os.path.abspath(__file__))
    rest = [p for p in sys.path if os.path.abspath(p or ".") != here]
    spec = importlib.machinery.PathFinder.find_spec("sitecustomize", rest)
    if spec is None or spec.loader is None:
        return
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)


_run_shadowed_sitecustomize()
