"""The static cost of GraphQL operations: list sizes, fragments, aliases, variables, budget."""

from __future__ import annotations

import json
import re
from collections import Counter
from pathlib import Path

from graphql import (
    FragmentDefinitionNode,
    GraphQLList,
    GraphQLNonNull,
    GraphQLObjectType,
    GraphQLOutputType,
    OperationDefinitionNode,
    parse,
    validate,
)

from api.graphql import cost
from api.graphql.validation import service_rules
from api.graphql_app import MAX_ALIASES, MAX_QUERY_DEPTH, build_schema
from api.search.results import MAX_FACET_VALUES
from core.nordic_reference import load_nordic_reference
from core.reference import load_reference
from core.settings import Settings

ROOT = Path(__file__).resolve().parents[2]
SCHEMA = build_schema(development=False)._schema
PAGE = 100
SIZES = cost.list_sizes(PAGE)
DEFAULT_MAX_COST = Settings("http://m", "k" * 16, "redis://r", "s" * 32).graphql_max_cost


def cost_of(query: str) -> dict[str, int]:
    document = parse(query)
    fragments = {d.name.value: d for d in document.definitions
                 if isinstance(d, FragmentDefinitionNode)}
    return {op.name.value if op.name else "": cost.operation_cost(SCHEMA, op, fragments, SIZES)
            for op in document.definitions if isinstance(op, OperationDefinitionNode)}


def only(query: str) -> int:
    [value] = cost_of(query).values()
    return value


def test_reference_list_sizes_match_the_reference_data() -> None:
    reference = load_reference()
    nordic = load_nordic_reference()
    # regions(country:) and municipalities(country:) list one country at a time.
    assert max(len(reference.regions), *map(len, nordic.areas.values())) == cost.REGIONS
    assert max(len(reference.municipalities),
               *map(len, nordic.municipalities.values())) == cost.MUNICIPALITIES
    per_region = Counter(m.region_code for m in reference.municipalities.values())
    per_region.update(f"{k.country}-{k.area_code}"
                      for by_code in nordic.municipalities.values() for k in by_code.values())
    assert max(per_region.values()) == cost.MOST_MUNICIPALITIES_IN_A_REGION
    assert len(reference.occupation_fields) == cost.OCCUPATION_FIELDS
    assert len(reference.occupations) == cost.OCCUPATIONS
    contract = json.loads((ROOT / "schema/course-feed.schema.json").read_text())
    visits = contract["$defs"]["course"]["properties"]["studyVisits"]
    assert visits["maxItems"] == cost.STUDY_VISITS_PER_COURSE


def _is_object_list(type_: GraphQLOutputType) -> bool:
    while isinstance(type_, GraphQLNonNull):
        type_ = type_.of_type
    if not isinstance(type_, GraphQLList):
        return False
    inner = type_.of_type
    while isinstance(inner, GraphQLNonNull | GraphQLList):
        inner = inner.of_type
    return isinstance(inner, GraphQLObjectType)


def test_every_list_of_objects_in_the_schema_has_a_size() -> None:
    """A new list field must say how long it can be, or the budget means nothing."""
    lists = {(type_.name, name) for type_ in SCHEMA.type_map.values()
             if isinstance(type_, GraphQLObjectType) and not type_.name.startswith("__")
             for name, field in type_.fields.items() if _is_object_list(field.type)}
    assert lists - set(SIZES) == cost.CONNECTION_EDGES  # sized by their connections


def test_lists_multiply_the_cost_of_their_selection() -> None:
    assert only("{ regions { code } }") == 1 + 21 * 1
    assert only("{ regions { code name } }") == 1 + 21 * 2
    assert only("{ regions { municipalities { code } } }") == 1 + 21 * (1 + 49 * 1)
    # municipalities(country:) lists at most Norway's 357 kommuner.
    assert only("{ municipalities { code centre { lat lon } } }") == 1 + 357 * (1 + 1 + 2)


def test_first_arguments_size_lists_and_variables_count_as_the_largest_allowed() -> None:
    assert only('{ suggestions(prefix: "sv", first: 5) { text } }') == 1 + 5
    assert only('{ suggestions(prefix: "sv") { text } }') == 1 + 8  # the default
    assert only('query($n: Int!) { suggestions(prefix: "sv", first: $n) { text } }') == 1 + 20
    assert only('{ suggestions(prefix: "sv", first: 100000) { text } }') == 1 + 20  # clamped
    assert only("{ searchCourses(first: 7) { totalCount edges { cursor } } }") == 1 + 1 + 1 + 7
    assert only("query($n: Int!) { searchCourses(first: $n) { edges { cursor } } }") == (
        1 + 1 + PAGE)
    assert only("{ searchCourses { facets { values(first: 3) { value } } } }") == (
        1 + 1 + 16 * (1 + 3))
    assert only("query($n: Int!) { searchCourses { facets { values(first: $n) { value } } } }"
                ) == 1 + 1 + 16 * (1 + MAX_FACET_VALUES)


def test_aliases_and_fragments_are_counted() -> None:
    one = only("{ regions { code } }")
    assert only("{ a: regions { code } b: regions { code } }") == 2 * one
    assert only("{ regions { ...R } } fragment R on Region { code name }") == 1 + 21 * 2
    assert only("{ regions { ... on Region { code name } } }") == 1 + 21 * 2
    assert only("""{ a: searchCourses(first: 2) { ...C } b: searchCourses(first: 4) { ...C } }
                   fragment C on CourseConnection { edges { cursor } }""") == (
        (1 + 1 + 2) + (1 + 1 + 4))  # a fragment inside a connection takes its page size


def test_fragment_cycles_do_not_loop() -> None:  # NoFragmentCyclesRule reports them
    assert only("{ regions { ...A } } fragment A on Region { code ...B } "
                "fragment B on Region { name ...A }") == 1 + 21 * 2


def test_the_cost_rule_refuses_an_operation_over_the_budget_naming_both_numbers() -> None:
    rules = service_rules(max_depth=MAX_QUERY_DEPTH, max_aliases=MAX_ALIASES, max_cost=500,
                          max_page_size=PAGE, introspection=False)
    assert validate(SCHEMA, parse("query Cheap { regions { code name } }"), rules) == []
    [error] = validate(SCHEMA, parse("query Menus { municipalities { code name } }"), rules)
    assert error.extensions == {"code": "QUERY_TOO_COSTLY", "cost": 715, "maxCost": 500}
    assert "Menus costs 715" in error.message and "limit of 500" in error.message


def _page_operations() -> dict[str, str]:
    source = (ROOT / "api/static/queries.js").read_text(encoding="utf-8")
    return dict(re.findall(r"export const (\w+) = `(.*?)`;", source, re.S))


def _readme_operations() -> list[str]:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    blocks = re.findall(r"```graphql\n(.*?)```", readme, re.S)
    curls = [json.loads(body)["query"] for body in re.findall(r"-d '(\{.*?\})'", readme, re.S)]
    return blocks + curls


def test_every_operation_of_the_search_page_and_the_readme_passes_with_room_to_spare() -> None:
    operations = [*_page_operations().values(), *_readme_operations()]
    assert len(operations) >= 7
    rules = service_rules(max_depth=MAX_QUERY_DEPTH, max_aliases=MAX_ALIASES,
                          max_cost=DEFAULT_MAX_COST, max_page_size=PAGE, introspection=False)
    for text in operations:
        assert validate(SCHEMA, parse(text), rules) == [], text
        assert only(text) * 2 <= DEFAULT_MAX_COST, text


def test_the_search_page_query_fifteen_times_over_is_over_the_budget() -> None:
    search = _page_operations()["SEARCH_COURSES"]
    body = search[search.index("searchCourses("):search.rindex("}")]
    fan_out = search[:search.index("searchCourses(")] + " ".join(
        f"a{i}: {body}" for i in range(MAX_ALIASES)) + "}"
    assert only(fan_out) == MAX_ALIASES * only(search) > DEFAULT_MAX_COST


def test_the_visit_finder_is_sized_by_its_page_and_facets() -> None:
    assert only("{ searchStudyVisits(first: 7) { totalCount edges { cursor } } }") == 1 + 1 + 1 + 7
    assert only("query($n: Int!) { searchStudyVisits(first: $n) { edges { cursor } } }") == (
        1 + 1 + 100)
    assert only("{ searchStudyVisits { facets { values { count } } } }") == (
        1 + 1 + 9 * (1 + 300 * 1))
