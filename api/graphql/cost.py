"""Static cost analysis: what an operation may build, decided before any work starts.

The depth limit alone lets a few hundred bytes of query ask for billions of objects (a
list inside a list inside a list). Here every field costs 1 and a list of objects
multiplies the cost of its selection by the most items it can hold: its ``first``
argument (a variable counts as the largest value the field accepts), a page-size cap,
or the known size of a reference list. Fragments are expanded and aliases counted as
separate fields; ``@skip``/``@include`` are assumed to include. The analysis is a
graphql-core validation rule, so its verdict is cached with the validation of the
document, and the compiled search path (which only answers documents strawberry has
validated) is covered too.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from graphql import (
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    GraphQLError,
    GraphQLNamedType,
    GraphQLObjectType,
    GraphQLSchema,
    InlineFragmentNode,
    IntValueNode,
    OperationDefinitionNode,
    OperationType,
    SelectionSetNode,
    ValidationContext,
    ValidationRule,
    VariableNode,
    get_named_type,
)

from api.search.results import MAX_FACET_VALUES
from core.search.attributes import Facet
from core.search.highlight import SNIPPET_WORDS
from core.search.service import MAX_SUGGESTIONS
from core.visits.my_registrations import MAX_LISTED
from core.visits.provider_access import (
    MAX_CAPACITY,
    MAX_DECISIONS_PER_REQUEST,
    MAX_VISITS,
    MAX_WAITLIST_LISTED,
)
from core.visitsearch.model import VisitFacet
from indexer.visit_documents import MAX_VISIT_FACET_VALUES

# Sizes of the reference lists (tests/unit/test_graphql_cost.py checks them against the data):
# the most of any one country (Sweden's 21 regions, Norway's 357 kommuner).
REGIONS = 21
MUNICIPALITIES = 357
MOST_MUNICIPALITIES_IN_A_REGION = 49
OCCUPATION_FIELDS = 21
OCCUPATIONS = 429  # SSYK 2012 unit groups (core/reference/data/occupations.json)
# facetLabels(PROVIDER) lists every provider with courses: assumed at most this many.
PROVIDERS = 5000
STUDY_VISITS_PER_COURSE = 100  # the feed contract's maxItems
# A highlighted title (at most 200 characters) has at most 100 words, so 201 fragments;
# a description snippet has SNIPPET_WORDS words.
HIGHLIGHT_FRAGMENTS = max(201, 2 * SNIPPET_WORDS + 1)
REGISTRATION_ERRORS = 10


@dataclass(frozen=True, slots=True)
class ListSize:
    """The most items a list field returns: ``default`` unless ``argument`` says otherwise
    (a literal, clamped to ``maximum``; a variable counts as ``maximum``).

    ``paged`` sizes belong to a connection field and apply to its ``edges``.
    """

    default: int
    argument: str | None = None
    maximum: int = 0
    paged: bool = False

    def of(self, field: FieldNode) -> int:
        for argument in field.arguments or ():
            if argument.name.value != self.argument:
                continue
            if isinstance(argument.value, IntValueNode):
                return max(0, min(int(argument.value.value), self.maximum))
            if isinstance(argument.value, VariableNode):
                return self.maximum
        return self.default


# The edges of a connection hold as many items as its paged field's ``first`` allows.
CONNECTION_EDGES = frozenset({("CourseConnection", "edges"), ("StudyVisitConnection", "edges")})


def list_sizes(max_page_size: int) -> dict[tuple[str, str], ListSize]:
    """The size of every list of objects in the schema, by (type, field)."""
    page = ListSize(20, "first", max_page_size, paged=True)
    return {
        ("Query", "regions"): ListSize(REGIONS),
        ("Query", "municipalities"): ListSize(MUNICIPALITIES),
        ("Query", "occupationFields"): ListSize(OCCUPATION_FIELDS),
        ("Query", "occupations"): ListSize(OCCUPATIONS),
        ("Query", "facetLabels"): ListSize(max(PROVIDERS, MUNICIPALITIES, OCCUPATIONS)),
        ("Query", "facetValues"): ListSize(10, "first", max_page_size),
        ("Query", "suggestions"): ListSize(8, "first", MAX_SUGGESTIONS),
        ("Query", "studyVisits"): ListSize(50, "first", max_page_size),
        ("Query", "searchCourses"): page,
        ("Provider", "courses"): page,
        ("Region", "municipalities"): ListSize(MOST_MUNICIPALITIES_IN_A_REGION),
        ("CourseConnection", "facets"): ListSize(len(Facet)),
        ("Facet", "values"): ListSize(50, "first", MAX_FACET_VALUES),
        ("Course", "studyVisits"): ListSize(STUDY_VISITS_PER_COURSE),
        ("HighlightedText", "fragments"): ListSize(HIGHLIGHT_FRAGMENTS),
        ("RegisterForStudyVisitPayload", "errors"): ListSize(REGISTRATION_ERRORS),
        # the visit finder (api/visitsearch)
        ("Query", "searchStudyVisits"): page,
        ("StudyVisitConnection", "facets"): ListSize(len(VisitFacet)),
        ("StudyVisitFacet", "values"): ListSize(MAX_VISIT_FACET_VALUES),
        # provider self-service (core/visits/provider_access.py)
        ("ProviderStudyVisitsPayload", "visits"): ListSize(MAX_VISITS, "first", MAX_VISITS),
        ("ProviderStudyVisit", "registrations"): ListSize(MAX_CAPACITY),
        ("ProviderStudyVisit", "waitlist"): ListSize(MAX_WAITLIST_LISTED),
        ("ProviderDecisionsPayload", "outcomes"): ListSize(MAX_DECISIONS_PER_REQUEST),
        # jobseeker self-service (core/visits/my_registrations.py)
        ("MyRegistrationsPayload", "registrations"): ListSize(MAX_LISTED),
        ("RequestMyRegistrationsLinkPayload", "errors"): ListSize(REGISTRATION_ERRORS),
    }


class _Counter:
    """Walks one document; a fragment's cost is computed once per page size."""

    def __init__(self, schema: GraphQLSchema,
                 fragments: Mapping[str, FragmentDefinitionNode],
                 sizes: Mapping[tuple[str, str], ListSize]) -> None:
        self.schema = schema
        self.fragments = fragments
        self.sizes = sizes
        self.memo: dict[tuple[str, int], int] = {}
        self.visiting: set[str] = set()

    def selection(self, parent: GraphQLNamedType, selection_set: SelectionSetNode | None,
                  page: int) -> int:
        if selection_set is None or not isinstance(parent, GraphQLObjectType):
            return 0
        total = 0
        for node in selection_set.selections:
            if isinstance(node, FieldNode):
                total += self.field(parent, node, page)
            elif isinstance(node, InlineFragmentNode):
                condition = node.type_condition
                inner = self.schema.get_type(condition.name.value) if condition else parent
                total += self.selection(inner, node.selection_set, page) if inner else 0
            elif isinstance(node, FragmentSpreadNode):
                total += self.fragment(node.name.value, page)
        return total

    def fragment(self, name: str, page: int) -> int:
        key = (name, page)
        if key in self.memo:
            return self.memo[key]
        definition = self.fragments.get(name)
        if definition is None or name in self.visiting:  # unknown or cyclic: other rules
            return 0
        self.visiting.add(name)
        condition = self.schema.get_type(definition.type_condition.name.value)
        cost = self.selection(condition, definition.selection_set, page) if condition else 0
        self.visiting.discard(name)
        self.memo[key] = cost
        return cost

    def field(self, parent: GraphQLObjectType, node: FieldNode, page: int) -> int:
        name = node.name.value
        definition = parent.fields.get(name)
        if definition is None:  # __typename, or unknown (reported by other rules)
            return 1
        size = self.sizes.get((parent.name, name))
        count = 1
        if size is not None and size.paged:
            page = size.of(node)
        elif size is not None:
            count = size.of(node)
        elif (parent.name, name) in CONNECTION_EDGES:
            count = page
        inner = self.selection(get_named_type(definition.type), node.selection_set, page)
        return 1 + count * inner


def operation_cost(schema: GraphQLSchema, operation: OperationDefinitionNode,
                   fragments: Mapping[str, FragmentDefinitionNode],
                   sizes: Mapping[tuple[str, str], ListSize]) -> int:
    """The cost of one operation of a document (see the module's docstring)."""
    root = {OperationType.QUERY: schema.query_type,
            OperationType.MUTATION: schema.mutation_type,
            OperationType.SUBSCRIPTION: schema.subscription_type}[operation.operation]
    if root is None:
        return 0
    return _Counter(schema, fragments, sizes).selection(root, operation.selection_set, 0)


def cost_rule(max_cost: int, max_page_size: int) -> type[ValidationRule]:
    """A validation rule refusing each operation that costs more than ``max_cost``."""
    sizes = list_sizes(max_page_size)

    class OperationCostRule(ValidationRule):
        def __init__(self, context: ValidationContext) -> None:
            super().__init__(context)
            document = context.document
            fragments = {d.name.value: d for d in document.definitions
                         if isinstance(d, FragmentDefinitionNode)}
            for operation in document.definitions:
                if not isinstance(operation, OperationDefinitionNode):
                    continue
                cost = operation_cost(context.schema, operation, fragments, sizes)
                if cost > max_cost:
                    name = operation.name.value if operation.name else "(anonymous)"
                    context.report_error(GraphQLError(
                        f"Operation {name} costs {cost}, more than the limit of {max_cost}: "
                        "ask for fewer or smaller lists (a list's size is its 'first' "
                        "argument, or the largest it allows when that is a variable).",
                        operation, extensions={"code": "QUERY_TOO_COSTLY", "cost": cost,
                                               "maxCost": max_cost}))

    return OperationCostRule
