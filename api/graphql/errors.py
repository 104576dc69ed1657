"""What a client sees of an error, and what the log keeps.

* Expected client errors (syntax, validation, bad input, limits) are answered as they are,
  with an ``extensions.code``, and logged at INFO in one line: the code and the argument,
  never the message (it may quote what the client sent).
* :class:`~core.errors.ServiceUnavailable` is answered with its fixed message and
  ``SERVICE_UNAVAILABLE``, and logged at WARNING in one line.
* Anything else raised while resolving is masked (``"Unexpected error."``,
  ``INTERNAL_SERVER_ERROR``) and logged once at ERROR with its traceback.
* No message echoes more than :data:`MAX_QUOTED` characters of a value, nor a character
  the response cannot encode.

The extension is created per request (strawberry calls the class for each execution):
strawberry keeps per-request state on extension instances, and a shared ``MaskErrors``
instance let other requests' errors out unmasked under concurrency.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterator
from typing import Any

from graphql import ExecutionResult as GraphQLExecutionResult
from graphql import GraphQLError, GraphQLSyntaxError
from strawberry.extensions import SchemaExtension
from strawberry.schema.schema import StrawberryGraphQLCoreExecutionContext
from strawberry.types import ExecutionContext
from strawberry.types.execution import ExecutionResult

from core.errors import InputError, ServiceUnavailable

from .strings import variables_error

log = logging.getLogger("api.graphql")

MASKED_MESSAGE = "Unexpected error."
INTERNAL = "INTERNAL_SERVER_ERROR"
MAX_QUOTED = 40  # characters of a quoted value an error message may repeat
MAX_MESSAGE = 400
# Quoted values as graphql-core and the services print them ('...' or "...", escapes
# inside); short ones are matched too, so that a value's closing quote never starts a match.
_QUOTED = re.compile(r"'(?:[^'\\]|\\.)*'" + r'|"(?:[^"\\]|\\.)*"')


def should_mask_error(error: GraphQLError) -> bool:
    """Mask unexpected failures only.

    Errors without a path are about the request itself (syntax, validation, limits,
    variables) and are the client's to see; so are :class:`InputError`, the argument
    errors GraphQL raises while resolving, and :class:`ServiceUnavailable`.
    """
    if error.path is None:
        return False
    return not isinstance(error.original_error,
                          InputError | ServiceUnavailable | GraphQLError)


def error_code(error: GraphQLError) -> str:
    """The ``extensions.code`` the error is answered with."""
    code = (error.extensions or {}).get("code")
    if isinstance(code, str):
        return code
    if should_mask_error(error):
        return INTERNAL
    if isinstance(error, GraphQLSyntaxError):
        return "GRAPHQL_PARSE_FAILED"
    if error.path is not None or error.message.startswith("Variable '$"):
        return "BAD_USER_INPUT"
    return "GRAPHQL_VALIDATION_FAILED"


def _shorten(match: re.Match[str]) -> str:
    quoted = match.group(0)
    if len(quoted) <= MAX_QUOTED:
        return quoted
    return f"{quoted[:MAX_QUOTED - 2]}…{quoted[0]}"


def bounded(message: str) -> str:
    """``message`` with long quoted values cut short and unencodable characters escaped."""
    message = _QUOTED.sub(_shorten, message)
    if len(message) > MAX_MESSAGE:
        message = message[:MAX_MESSAGE - 1] + "…"
    return message.encode("utf-8", "backslashreplace").decode("utf-8").replace("\0", "\\0")


def bounded_value(value: str) -> str:
    """A client's value as an error may repeat it: at most :data:`MAX_QUOTED` characters."""
    return bounded(value if len(value) <= MAX_QUOTED else value[:MAX_QUOTED - 1] + "…")


def log_errors(errors: list[GraphQLError]) -> None:
    """One log line per error, at the level its kind deserves (see the module docstring)."""
    for error in errors:
        code = error_code(error)
        if code == INTERNAL:
            log.error("unexpected error at %s", ".".join(map(str, error.path or ())),
                      exc_info=error.original_error)
        elif code == "SERVICE_UNAVAILABLE":
            log.warning("GraphQL request failed: %s (%s)", code,
                        (error.extensions or {}).get("dependency"))
        else:
            log.info("GraphQL request refused: %s%s", code,
                     f" ({bounded(str(argument))})"
                     if (argument := (error.extensions or {}).get("argument")) else "")


def tidy(error: GraphQLError) -> None:
    """Bound the message and set ``extensions.code``, in place (idempotent).

    In place, like strawberry's own removal of field suggestions: a syntax error never
    reaches the extensions' end of the operation, only ``process_errors``.
    """
    error.message = bounded(error.message)
    code = error_code(error)
    if (error.extensions or {}).get("code") != code:
        error.extensions = {**(error.extensions or {}), "code": code}


def _answered(error: GraphQLError, mask: bool) -> GraphQLError:
    if mask and error_code(error) == INTERNAL:
        return GraphQLError(MASKED_MESSAGE, error.nodes, error.source, error.positions,
                            error.path, extensions={"code": INTERNAL})
    tidy(error)
    return error


def error_hygiene(mask: bool) -> type[SchemaExtension]:
    """The per-request extension; ``mask`` is False in development only."""

    class ErrorHygiene(SchemaExtension):
        def on_execute(self) -> Iterator[None]:
            context = self.execution_context
            if context.graphql_document is not None:
                error = variables_error(context.graphql_document, context.variables)
                if error is not None:  # strawberry then skips graphql-core's execution
                    context.result = GraphQLExecutionResult(data=None, errors=[error])
            yield

        def on_operation(self) -> Iterator[None]:
            yield
            result = self.execution_context.result
            if isinstance(result, GraphQLExecutionResult | ExecutionResult) and result.errors:
                result.errors = [_answered(error, mask) for error in result.errors]

    return ErrorHygiene


class QuietExecutionContext(StrawberryGraphQLCoreExecutionContext):
    """graphql-core's execution without "Did you mean …?" in variable errors."""

    @classmethod
    def build(cls, *args: Any, **kwargs: Any) -> Any:
        kwargs["hide_suggestions"] = True
        return super().build(*args, **kwargs)


def process_errors(errors: list[GraphQLError], _: ExecutionContext | None = None) -> None:
    """The schema's ``process_errors`` (strawberry's default logs every error with a
    traceback at ERROR): log each error once by kind, then tidy the client's ones."""
    log_errors(errors)
    for error in errors:
        if error_code(error) != INTERNAL:
            tidy(error)
