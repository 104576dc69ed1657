"""The compiled path's variable coercion gives what graphql-core's gives, or declines."""

from __future__ import annotations

from typing import Any

import pytest
from graphql import GraphQLInputObjectType, GraphQLInt, GraphQLList, GraphQLNonNull, parse
from graphql.execution.values import VariableValues, get_variable_values
from graphql.type import GraphQLInputField

from api.graphql_app import build_schema
from api.search.compiled.operation import CompiledOperation, _bounded
from api.search.compiled.result_fields import SEARCH_TYPES

SEARCH = """
query S($query: String!, $filter: CourseFilterInput, $near: NearInput, $sort: CourseSort!,
        $first: Int!, $after: String, $facets: [FacetAttribute!], $language: Language) {
  searchCourses(query: $query, filter: $filter, near: $near, sort: $sort, first: $first,
                after: $after, facets: $facets, language: $language) { totalCount }
}
"""

VALID: list[dict[str, Any]] = [
    {"query": "", "sort": "RELEVANCE", "first": 20},
    {"query": "svets", "sort": "DISTANCE", "first": 5, "language": "EN", "after": None,
     "near": {"municipalityCode": "1280", "radiusKm": 25.5}, "facets": "REGION"},
    {"query": "kock", "sort": "START_DATE_ASC", "first": 1, "facets": ["PACE", "REGION"],
     "filter": {"regions": "12", "paces": ["FULL_TIME"], "freeOfCharge": None,
                "durationWeeks": {"min": 2}, "startDate": {"from": "2026-01-01"},
                "eligibleAtAge": 30, "distanceCourses": "ANYWHERE"}},
    {"query": "x", "sort": "RELEVANCE", "first": 3, "filter": None, "near": None},
]

INVALID: list[dict[str, Any]] = [
    {"sort": "RELEVANCE", "first": 20},  # a required variable missing
    {"query": None, "sort": "RELEVANCE", "first": 20},  # null for a non-null one
    {"query": "", "sort": "NOT_A_SORT", "first": 20},
    {"query": "", "sort": "RELEVANCE", "first": "20"},
    {"query": "", "sort": "RELEVANCE", "first": 2**40},
    {"query": "", "sort": "RELEVANCE", "first": 1, "filter": {"regionz": ["12"]}},
    {"query": "", "sort": "RELEVANCE", "first": 1, "filter": {"startDate": {"from": "soon"}}},
    {"query": "", "sort": "RELEVANCE", "first": 1, "facets": [None]},
    {"query": 7, "sort": "RELEVANCE", "first": 1},
]


@pytest.fixture(scope="module")
def operation() -> CompiledOperation:
    schema = build_schema(development=False)
    return CompiledOperation(schema, parse(SEARCH), None, SEARCH_TYPES)


def _graphql_core(operation: CompiledOperation, raw: dict[str, Any]) -> Any:
    return get_variable_values(operation.gql, operation.operation.variable_definitions or (),
                               raw)


def _same(found: VariableValues | None, expected: Any) -> bool:
    """Equal values, and sources of the same variables, types and inputs (signatures are
    made anew by each call)."""
    assert isinstance(found, VariableValues) and isinstance(expected, VariableValues)
    return found.coerced == expected.coerced and {
        name: (s.signature.name, str(s.signature.type), s.value)
        for name, s in found.sources.items()} == {
        name: (s.signature.name, str(s.signature.type), s.value)
        for name, s in expected.sources.items()}


@pytest.mark.parametrize("raw", VALID)
def test_valid_variables_coerce_as_graphql_core_s(operation: CompiledOperation,
                                                  raw: dict[str, Any]) -> None:
    assert operation._signatures is not None  # the compiled coercion is the one used
    assert _same(operation.coerce(raw), _graphql_core(operation, raw))


@pytest.mark.parametrize("raw", INVALID)
def test_invalid_variables_are_left_to_graphql_core(operation: CompiledOperation,
                                                    raw: dict[str, Any]) -> None:
    assert isinstance(_graphql_core(operation, raw), list)  # graphql-core reports errors
    assert operation.coerce(raw) is None


def test_operations_with_variable_defaults_use_graphql_core_s_coercion() -> None:
    schema = build_schema(development=False)
    document = parse("query D($first: Int! = 3, $q: String = \"svets\") "
                     "{ searchCourses(query: $q, first: $first) { totalCount } }")
    operation = CompiledOperation(schema, document, None, SEARCH_TYPES)
    assert operation._signatures is None
    for raw in ({}, {"first": 9}, {"q": None}):
        assert _same(operation.coerce(raw), _graphql_core(operation, raw))
    assert operation.coerce({"first": "many"}) is None


def test_only_input_types_that_cannot_contain_themselves_are_bounded() -> None:
    leaf = GraphQLInputObjectType("Leaf", {"n": GraphQLInputField(GraphQLInt)})
    tree: GraphQLInputObjectType = GraphQLInputObjectType(
        "Tree", lambda: {"children": GraphQLInputField(GraphQLList(GraphQLNonNull(tree))),
                         "leaf": GraphQLInputField(leaf)})
    assert _bounded(GraphQLNonNull(GraphQLList(leaf)))
    assert _bounded(GraphQLInt)
    assert not _bounded(tree)
    assert not _bounded(GraphQLList(tree))
