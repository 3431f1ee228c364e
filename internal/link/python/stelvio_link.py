"""Resources linked to this function: the name and ARN of a table, the name and ARN of a function,
the URL of an API, by the name they were declared with in the app.

    import stelvio_link
    todos = stelvio_link.table("todos")
    boto3.resource("dynamodb").Table(todos.name)

The app sets STELVIO_<KIND>_<NAME>_<ATTRIBUTE> variables when it links a resource; NAME is the
declared name with a-z in upper case and every other character but A-Z and 0-9 replaced by "_".
"""
import os
from typing import List, NamedTuple

__all__ = ["Table", "Function", "Api", "NotLinkedError", "table", "function", "api"]

_PREFIX = "STELVIO_"


class Table(NamedTuple):
    name: str
    arn: str
    stream_arn: str  # "" for a table without a stream


class Function(NamedTuple):
    name: str
    arn: str


class Api(NamedTuple):
    url: str


class NotLinkedError(LookupError):
    """The running function is not linked to the resource asked for."""

    def __init__(self, kind: str, name: str, variable: str, linked: List[str]):
        self.kind, self.name, self.variable, self.linked = kind, name, variable, linked
        if linked:
            have = "%s links set: %s" % (kind, ", ".join(linked))
        else:
            have = "no %s is linked to it" % kind
        super().__init__(
            'link: %s "%s" is not linked to this function (%s is not set; %s); link the %s to the function in the app'
            % (kind, name, variable, have, kind)
        )

    def __str__(self):
        return self.args[0]


def _key(name: str) -> str:
    out = []
    for c in name:
        if "a" <= c <= "z":
            out.append(c.upper())
        elif "A" <= c <= "Z" or "0" <= c <= "9":
            out.append(c)
        else:
            out.append("_")
    return "".join(out)


def _env_name(kind: str, name: str, attr: str) -> str:
    return "%s%s_%s_%s" % (_PREFIX, kind, _key(name), attr)


def _linked(kind: str, attr: str) -> List[str]:
    prefix = _PREFIX + kind + "_"
    return sorted(
        k for k in os.environ
        if k.startswith(prefix) and k.endswith("_" + attr) and not k.endswith("_STREAM_ARN")
    )


def _lookup(kind: str, name: str, *attrs: str) -> List[str]:
    values = []
    for attr in attrs:
        var = _env_name(kind, name, attr)
        if var not in os.environ:
            raise NotLinkedError(kind.lower(), name, var, _linked(kind, attrs[0]))
        values.append(os.environ[var])
    return values


def table(name: str) -> Table:
    """The linked table declared as name."""
    table_name, arn = _lookup("TABLE", name, "NAME", "ARN")
    return Table(table_name, arn, os.environ.get(_env_name("TABLE", name, "STREAM_ARN"), ""))


def function(name: str) -> Function:
    """The linked function declared as name."""
    fn_name, arn = _lookup("FUNCTION", name, "NAME", "ARN")
    return Function(fn_name, arn)


def api(name: str) -> Api:
    """The linked API declared as name."""
    (url,) = _lookup("API", name, "URL")
    return Api(url)
