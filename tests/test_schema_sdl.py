"""The committed GraphQL SDL is the schema the code builds, and everything is described."""

from __future__ import annotations

import json
import re
from pathlib import Path

from graphql import (
    GraphQLEnumType,
    GraphQLInputObjectType,
    GraphQLInterfaceType,
    GraphQLObjectType,
    parse,
    validate,
)

from api.export_schema import SDL_PATH, current_sdl
from api.graphql_app import build_schema


def test_committed_sdl_matches_the_code() -> None:
    committed = SDL_PATH.read_text(encoding="utf-8") if SDL_PATH.exists() else ""
    assert committed == current_sdl(), (
        f"{SDL_PATH} differs from the schema in the code; run `python -m api.export_schema` "
        "and commit the result"
    )


def test_every_type_and_field_has_an_english_description() -> None:
    schema = build_schema(development=False)._schema
    missing = []
    for name, graphql_type in schema.type_map.items():
        if name.startswith("__") or name in {"String", "Int", "Float", "Boolean", "ID"}:
            continue
        if not graphql_type.description:
            missing.append(name)
        if isinstance(graphql_type, GraphQLObjectType | GraphQLInterfaceType
                      | GraphQLInputObjectType):
            missing.extend(f"{name}.{field_name}"
                           for field_name, field in graphql_type.fields.items()
                           if not field.description)
        if isinstance(graphql_type, GraphQLEnumType):
            missing.extend(f"{name}.{value_name}"
                           for value_name, value in graphql_type.values.items()
                           if not value.description)
    assert missing == []


def test_the_readme_query_is_valid_against_the_schema() -> None:
    readme = (Path(__file__).resolve().parents[1] / "README.md").read_text(encoding="utf-8")
    bodies = re.findall(r"-d '(\{\"query\".*?\})'", readme)
    assert bodies, "the README shows a first query"
    schema = build_schema(development=False)._schema
    for body in bodies:
        query = json.loads(body)["query"]
        assert validate(schema, parse(query)) == [], query
