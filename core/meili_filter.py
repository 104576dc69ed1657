"""Quoting values for Meilisearch filter expressions.

Every value that reaches a filter goes through :func:`quote`: it is wrapped in double
quotes with backslashes and double quotes escaped, so it is always read as one literal.
"""

from __future__ import annotations

from collections.abc import Iterable


def quote(value: str | int | float | bool) -> str:
    """One literal value, quoted and escaped."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return repr(value)
    escaped = value.replace("\\", "\\\\").replace('"', '\\"')
    return f'"{escaped}"'


def quote_list(values: Iterable[str | int | float]) -> str:
    """A bracketed list of literal values for ``IN [...]``."""
    return "[" + ", ".join(quote(v) for v in values) + "]"
