"""GraphQL errors that never carry a client's value at length, and logs that carry none.

graphql-core writes the offending value into many of its messages: an unknown enum value
or input field, a string where a number belongs, an unknown field or argument name, an
unknown operation name. A megabyte sent as ``language`` came back whole in the error
and was logged twice (message and traceback) by strawberry's default error logging,
together with the query text around it. Values sent in a registration are personal data.

* Every error message is bounded before anyone sees it: a quoted value keeps its first
  :data:`MAX_ECHO` characters, any other run of characters without a space as many, and
  the message at most :data:`MAX_MESSAGE` characters.
* The log gets no value at all: a client's error is logged as its kind (the message's
  text before any quote or colon) and code, an unexpected error with its type, path and
  stack frames but not its message (which may quote data); never the query text.

:class:`SafeErrorSchema` does both in :meth:`~strawberry.Schema.process_errors`, which
strawberry calls with every error before the extensions (error masking among them) see
it.
"""

from __future__ import annotations

import logging
import re
import traceback
from collections.abc import Iterable
from typing import Any

import strawberry
from graphql import GraphQLError
from strawberry.schema.exceptions import CannotGetOperationTypeError
from strawberry.types import ExecutionContext, ExecutionResult

from core.errors import InputError

MAX_ECHO = 32
MAX_MESSAGE = 240
ELLIPSIS = "…"

log = logging.getLogger("api.graphql")

# A quoted value: graphql-core quotes values with ' (its own) or " (JSON's, GraphQL's).
_QUOTED = re.compile(r"""(['"])(.*?)\1""", re.DOTALL)
# A run without a space that is not a shortened quoted value (quotes, ellipsis, a stop).
_LONG_RUN = re.compile(rf"\S{{{MAX_ECHO + 8},}}")


def bounded_message(message: str) -> str:
    """``message`` with every quoted value and every long run cut to :data:`MAX_ECHO`
    characters, and the whole cut to :data:`MAX_MESSAGE`."""
    message = _QUOTED.sub(_shorten_quoted, message)
    message = _LONG_RUN.sub(lambda m: m[0][:MAX_ECHO] + ELLIPSIS, message)
    if len(message) > MAX_MESSAGE:
        message = message[:MAX_MESSAGE] + ELLIPSIS
    return message


def _shorten_quoted(match: re.Match[str]) -> str:
    quote, text = match[1], match[2]
    return quote + (text if len(text) <= MAX_ECHO else text[:MAX_ECHO] + ELLIPSIS) + quote


def message_kind(message: str) -> str:
    """What kind of error ``message`` is, for the log: its text before the first quote or
    colon (graphql-core quotes a value or puts it after a colon), at most 60 characters."""
    return re.split(r"""['":]""", message, maxsplit=1)[0][:60].strip() or "-"


def is_clients_error(error: GraphQLError) -> bool:
    """An error about the request (syntax, validation, variables, limits, input), as
    opposed to an unexpected failure while resolving."""
    original = error.original_error
    return original is None or isinstance(original, InputError | GraphQLError)


def log_error(error: GraphQLError) -> None:
    """One log line without any value the client sent."""
    if is_clients_error(error):
        code = (error.extensions or {}).get("code", "-")
        log.info("GraphQL request error: %s (code %s)", message_kind(error.message), code)
        return
    original = error.original_error
    assert original is not None
    frames = "".join(traceback.format_tb(original.__traceback__))
    log.error("GraphQL resolver failed with %s at %s (message not logged)\n%s",
              _type_names(original), _path(error.path), frames)


def _type_names(exc: BaseException) -> str:
    """The exception's type and the types of its causes, innermost last."""
    names: list[str] = []
    current: BaseException | None = exc
    while current is not None and len(names) < 5:
        names.append(f"{type(current).__module__}.{type(current).__qualname__}")
        current = current.__cause__ or current.__context__
    return " <- ".join(names)


def _path(path: Iterable[str | int] | None) -> str:
    """The response path, each part (an alias is the client's) cut to MAX_ECHO."""
    return ".".join(str(p)[:MAX_ECHO] for p in path or ()) or "-"


class SafeErrorSchema(strawberry.Schema):
    """The schema whose errors are bounded and logged without values (see the module)."""

    def process_errors(self, errors: list[GraphQLError],
                       execution_context: ExecutionContext | None = None) -> None:
        for error in errors:
            error.message = bounded_message(error.message)
            log_error(error)

    async def execute(self, query: str | None, variable_values: dict[str, Any] | None = None,
                      context_value: Any | None = None, root_value: Any | None = None,
                      operation_name: str | None = None, *args: Any, **kwargs: Any
                      ) -> ExecutionResult:
        """As strawberry's; an unknown operation name is repeated in its HTTP 400 answer,
        so it is bounded too."""
        try:
            return await super().execute(query, variable_values, context_value, root_value,
                                         operation_name, *args, **kwargs)
        except CannotGetOperationTypeError as exc:
            name = exc.operation_name
            raise CannotGetOperationTypeError(
                None if name is None else bounded_message(name)) from None
