"""Limits on a request's ``variables``: how deep they nest and how many values they hold.

The body is parsed by orjson, which refuses documents nested more than 1024 levels
without recursing in Python (``json.loads`` raised RecursionError: HTTP 500); the walk
below then stops at the first level or value past the limit, so its cost is bounded by
the limits, not by the body. The search inputs nest four levels at most and a filter
holds at most 300 values per list, far below both limits.
"""

from __future__ import annotations

from collections.abc import Iterable

from api.http.errors import RequestError

MAX_VARIABLES_DEPTH = 8
MAX_VARIABLES_VALUES = 5000


def check_variables(variables: object) -> None:
    """Raise a 400 :class:`RequestError` naming the limit ``variables`` exceed."""
    if not isinstance(variables, dict | list):
        return
    values = 0
    level: list[object] = [variables]
    depth = 0
    while level:
        depth += 1
        if depth > MAX_VARIABLES_DEPTH:
            raise too_deep()
        deeper: list[object] = []
        for value in level:
            for child in _children(value):
                values += 1
                if values > MAX_VARIABLES_VALUES:
                    raise RequestError(
                        400, f"Variables hold more than {MAX_VARIABLES_VALUES} values.",
                        "VARIABLES_TOO_LARGE")
                if isinstance(child, dict | list):
                    deeper.append(child)
        level = deeper


def too_deep() -> RequestError:
    """Also the answer to a body orjson refused for its nesting: only variables (and
    extensions) may nest at all in a GraphQL request."""
    return RequestError(400, f"Variables nest deeper than {MAX_VARIABLES_DEPTH} levels.",
                        "VARIABLES_TOO_DEEP")


def _children(value: object) -> Iterable[object]:
    if isinstance(value, dict):
        return value.values()
    return value if isinstance(value, list) else ()
