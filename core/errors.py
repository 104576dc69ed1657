"""Errors that are the client's doing and are answered as they are (never masked).

Services raise :class:`InputError` for expected bad input; the GraphQL layer lets it through
its error masking with the argument's name in the message and in ``extensions``.
"""

from __future__ import annotations


class InputError(ValueError):
    """A client sent a value that cannot be served; names the argument at fault.

    ``argument`` is the public (GraphQL) path of the argument, e.g. ``filter.startDate``.
    """

    def __init__(self, argument: str, reason: str) -> None:
        self.argument = argument
        self.reason = reason
        self.extensions: dict[str, str] = {"code": "BAD_USER_INPUT", "argument": argument}
        super().__init__(f"Invalid argument '{argument}': {reason}")


class ServiceUnavailable(RuntimeError):
    """A dependency (the search engine or the registration store) did not answer in time or
    refused; the request cannot be served now.

    ``dependency`` is ``"search"`` or ``"registrations"``: a public word, never a host, a
    port or a driver message. The GraphQL layer answers it as a typed, unmasked error with
    ``extensions.code == "SERVICE_UNAVAILABLE"`` and a fixed message.
    """

    def __init__(self, dependency: str) -> None:
        self.dependency = dependency
        self.extensions: dict[str, str] = {"code": "SERVICE_UNAVAILABLE", "dependency": dependency}
        super().__init__(f"The {dependency} service is unavailable. Please try again shortly.")
