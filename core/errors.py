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
