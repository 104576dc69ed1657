"""Arguments as the resolver gets them, converted by a converter prepared once.

strawberry's ``convert_arguments`` resolves every argument's type annotation on every
call (a third of a millisecond for a search with a filter). This prepares the same
conversion once per argument list: input objects (graphql-core gives dicts keyed by
GraphQL names) become their strawberry classes, keyed by Python names; lists are copied;
scalars and enums (already Python values after graphql-core's coercion) pass through.
Types it does not know (``Maybe``, global ids, custom input conversion) make it refuse at
start-up; the differential tests compare the result with strawberry's.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import strawberry
from strawberry.types.arguments import StrawberryArgument
from strawberry.types.base import (
    StrawberryList,
    StrawberryMaybe,
    StrawberryOptional,
    get_object_definition,
)

from .plan import NotCompilable

Convert = Callable[[Any], Any]


def _same(value: Any) -> Any:
    return value


def _converter(type_: Any, schema: strawberry.Schema) -> Convert:
    if isinstance(type_, StrawberryMaybe):
        raise NotCompilable("Maybe arguments")
    if isinstance(type_, StrawberryOptional):
        return _converter(type_.of_type, schema)
    if isinstance(type_, StrawberryList):
        item = _converter(type_.of_type, schema)
        if item is _same:
            return lambda value: None if value is None else list(value)
        return lambda value: None if value is None else [
            None if x is None else item(x) for x in value]
    definition = get_object_definition(type_)
    if definition is None:
        return _same  # a scalar or an enum: graphql-core's coercion made the Python value
    if not definition.is_input or hasattr(type_, "from_input"):
        raise NotCompilable(f"input type {definition.name}")
    fields = [(schema.config.name_converter.get_graphql_name(f), f.python_name,
               _converter(f.type, schema)) for f in definition.fields]
    cls = definition.origin

    def convert(value: Any) -> Any:
        if value is None:
            return None
        return cls(**{python: convert_field(value[name])
                      for name, python, convert_field in fields if name in value})

    return convert


def argument_converter(arguments: list[StrawberryArgument], schema: strawberry.Schema
                       ) -> Callable[[dict[str, Any]], dict[str, Any]]:
    """A function from graphql-core's argument values to the resolver's keyword arguments."""
    converters = [(schema.config.name_converter.from_argument(a), a.python_name,
                   _converter(a.type, schema)) for a in arguments]

    def convert(values: dict[str, Any]) -> dict[str, Any]:
        return {python: convert_one(values[name])
                for name, python, convert_one in converters if name in values}

    return convert
