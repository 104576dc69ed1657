"""One validated document and operation, compiled for the search roots it selects.

Only query operations whose root fields are all ``searchCourses`` (or ``__typename``) are
compiled; fragment variables and directives other than ``@skip``/``@include`` are not. The
plan depends on the request's variables only through the ``@skip``/``@include``
conditions, so it is compiled once per distinct set of their values.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from functools import cached_property
from typing import Any

import strawberry
from graphql import (
    DirectiveNode,
    DocumentNode,
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    GraphQLIncludeDirective,
    GraphQLInputObjectType,
    GraphQLInputType,
    GraphQLList,
    GraphQLNonNull,
    GraphQLObjectType,
    GraphQLSkipDirective,
    InlineFragmentNode,
    OperationDefinitionNode,
    OperationType,
    SelectionNode,
    SelectionSetNode,
    VariableNode,
    get_nullable_type,
    is_non_null_type,
)
from graphql.execution.collect_fields import FragmentDetails, collect_fields
from graphql.execution.get_variable_signature import (
    GraphQLVariableSignature,
    get_variable_signature,
)
from graphql.execution.values import (
    VariableValues,
    VariableValueSource,
    get_argument_values,
    get_directive_values,
    get_variable_values,
)
from graphql.pyutils import Undefined
from graphql.utilities.coerce_input_value import coerce_input_value
from strawberry.types.arguments import StrawberryArgument

from api.search.queries import SearchSelection

from .arguments import argument_converter
from .plan import Compiler, FieldPlan, FieldTable, NotCompilable, ObjectPlan

SEARCH_FIELD = "searchCourses"
MAX_VARIANTS = 64  # distinct @skip/@include value sets kept per operation
_CONDITIONS = frozenset({"skip", "include"})


@dataclass(frozen=True)
class SearchRoot:
    """A ``searchCourses`` root field of a plan."""

    key: str
    node: FieldNode
    nullable: bool
    plan: ObjectPlan
    selection: SearchSelection

    @cached_property
    def facet_values(self) -> list[FieldPlan]:
        """The ``Facet.values`` fields below this root (their ``first`` bounds what to read)."""
        return [f for p in self.plan.walk() if p.type_name == "Facet"
                for f in p.fields if f.name == "values"]


Root = SearchRoot | str  # a search, or the __typename constant


@dataclass(frozen=True)
class RequestPlan:
    roots: list[Root]
    dynamic: bool  # per-request data (study visits): cache only the Meilisearch part
    seats: bool  # seats left are selected: one Redis round trip

    @classmethod
    def of(cls, roots: list[Root]) -> RequestPlan:
        plans = [p for root in roots if isinstance(root, SearchRoot) for p in root.plan.walk()]
        visits = [p for p in plans if p.type_name == "StudyVisit"]
        return cls(roots, bool(visits),
                   any(f.name == "seatsLeft" for p in visits for f in p.fields))


class CompiledOperation:
    """A document and operation name that strawberry validated, ready for the compiled path."""

    def __init__(self, schema: strawberry.Schema, document: DocumentNode,
                 operation_name: str | None, tables: FieldTable) -> None:
        self.schema = schema
        self.gql = schema._schema
        self.cache_id = b""  # the normalized document's hash (set by the registry)
        self.tables = tables
        operation, fragments = _pick(document, operation_name)
        if operation.operation is not OperationType.QUERY:
            raise NotCompilable("not a query")
        self.operation = operation
        self.fragments = {name: FragmentDetails(node) for name, node in fragments.items()}
        self.fragment_nodes = fragments
        conditions: set[str] = set()
        for directive in _directives(document):
            if directive.name.value not in _CONDITIONS:
                raise NotCompilable(f"directive @{directive.name.value}")
            for argument in directive.arguments or ():
                if isinstance(argument.value, VariableNode):
                    conditions.add(argument.value.name.value)
        self.conditions = tuple(sorted(conditions))
        query_type = self.gql.query_type
        assert query_type is not None
        self.query_type: GraphQLObjectType = query_type
        self.search_field = query_type.fields[SEARCH_FIELD]
        self.convert = argument_converter(_strawberry_arguments(schema), schema)
        signatures = [get_variable_signature(self.gql, node)
                      for node in operation.variable_definitions or ()]
        self._signatures: list[GraphQLVariableSignature] | None = [
            s for s in signatures if isinstance(s, GraphQLVariableSignature)]
        if len(self._signatures) < len(signatures) or any(
                s.default is not None or not _bounded(s.type) for s in self._signatures):
            self._signatures = None
        self._plans: dict[tuple[Any, ...], RequestPlan | None] = {}
        roots = {f.name.value for f in _children(operation.selection_set, fragments)}
        if not roots <= {SEARCH_FIELD, "__typename"} or SEARCH_FIELD not in roots:
            raise NotCompilable(f"root fields {sorted(roots)}")

    def coerce(self, raw: dict[str, Any]) -> VariableValues | None:
        """The request's variables coerced as graphql-core does; None on any error.

        graphql-core's own function works out each variable's signature and checks the
        value's nesting on every call; here the signatures are worked out once, and the
        check is left out when no input type can nest (see :func:`_bounded`). Operations
        with variable defaults, or with input types that can nest, use graphql-core's.
        """
        if self._signatures is None:
            values = get_variable_values(self.gql, self.operation.variable_definitions or (),
                                         raw)
            return None if isinstance(values, list) else values
        sources: dict[str, VariableValueSource] = {}
        coerced: dict[str, Any] = {}
        for signature in self._signatures:
            name = signature.name
            value = raw.get(name, Undefined)
            if value is Undefined:
                if is_non_null_type(signature.type):
                    return None
                sources[name] = VariableValueSource(signature)
                continue
            sources[name] = VariableValueSource(signature, value)
            result = coerce_input_value(value, signature.type)
            if result is Undefined:
                return None
            coerced[name] = result
        return VariableValues(sources, coerced)

    def plan(self, variables: VariableValues) -> RequestPlan | None:
        """The plan for these variables; None when their selection is not compilable."""
        key = tuple(variables.coerced.get(name) for name in self.conditions)
        if key in self._plans:
            return self._plans[key]
        try:
            found: RequestPlan | None = RequestPlan.of(self._compile(variables))
        except NotCompilable:
            found = None
        if len(self._plans) < MAX_VARIANTS:
            self._plans[key] = found
        return found

    def _compile(self, variables: VariableValues) -> list[Root]:
        compiler = Compiler(self.gql, self.fragments, self.operation, variables, self.tables)
        collected = collect_fields(self.gql, self.fragments, variables, self.query_type,
                                   self.operation)
        if collected.new_defer_usages:
            raise NotCompilable("@defer")
        roots: list[Root] = []
        for key, details in collected.grouped_field_set.items():
            name = details[0].node.name.value
            if name == "__typename":
                roots.append(key)
                continue
            if name != SEARCH_FIELD:
                raise NotCompilable(f"root field {name}")
            type_ = self.search_field.type
            inner = type_.of_type if isinstance(type_, GraphQLNonNull) else type_
            assert isinstance(inner, GraphQLObjectType)
            node = details[0].node
            roots.append(SearchRoot(key, node, not isinstance(type_, GraphQLNonNull),
                                    compiler.object_plan(inner, details),
                                    self._selection(node, variables)))
        return roots

    def search_kwargs(self, root: SearchRoot, variables: VariableValues) -> dict[str, Any]:
        """The resolver's keyword arguments, converted by strawberry as for the resolver."""
        return self.convert(get_argument_values(self.search_field, root.node, variables))

    def _selection(self, node: FieldNode, variables: VariableValues) -> SearchSelection:
        """As the resolver reads it: the first node, fragments followed, ``@skip`` and
        ``@include`` applied."""
        return SearchSelection.read(lambda path: _ast_names(
            node.selection_set, tuple(path), self.fragment_nodes, variables))


def _bounded(type_: GraphQLInputType, seen: frozenset[str] = frozenset()) -> bool:
    """Whether values of the type nest no deeper than the type itself (no input object
    type contains itself), so that coercing them cannot recurse without bound."""
    named = get_nullable_type(type_)
    while isinstance(named, GraphQLList):
        named = get_nullable_type(named.of_type)
    if not isinstance(named, GraphQLInputObjectType):
        return True
    if named.name in seen:
        return False
    return all(_bounded(f.type, seen | {named.name}) for f in named.fields.values())


def _pick(document: DocumentNode, name: str | None
          ) -> tuple[OperationDefinitionNode, dict[str, FragmentDefinitionNode]]:
    operation: OperationDefinitionNode | None = None
    fragments: dict[str, FragmentDefinitionNode] = {}
    for definition in document.definitions:
        if isinstance(definition, FragmentDefinitionNode):
            if definition.variable_definitions:
                raise NotCompilable("fragment variables")
            fragments[definition.name.value] = definition
        elif isinstance(definition, OperationDefinitionNode):
            if name is None:
                if operation is not None:
                    raise NotCompilable("several operations and no name")
                operation = definition
            elif definition.name is not None and definition.name.value == name:
                operation = definition
    if operation is None:
        raise NotCompilable("no such operation")
    return operation, fragments


def _directives(document: DocumentNode) -> Iterator[DirectiveNode]:
    def walk(node: Any) -> Iterator[DirectiveNode]:
        yield from getattr(node, "directives", None) or ()
        selection_set = getattr(node, "selection_set", None)
        for child in (selection_set.selections if selection_set else ()):
            yield from walk(child)
        for variable in getattr(node, "variable_definitions", None) or ():
            yield from variable.directives or ()

    for definition in document.definitions:
        yield from walk(definition)


def _children(selection_set: SelectionSetNode | None,
              fragments: dict[str, FragmentDefinitionNode],
              variables: VariableValues | None = None) -> Iterator[FieldNode]:
    """The fields of a selection set, fragments followed; with ``variables``, those that
    ``@skip``/``@include`` keep (else directives are ignored)."""
    for selection in (selection_set.selections if selection_set else ()):
        if variables is not None and not _included(selection, variables):
            continue
        if isinstance(selection, FieldNode):
            yield selection
        elif isinstance(selection, InlineFragmentNode):
            yield from _children(selection.selection_set, fragments, variables)
        elif isinstance(selection, FragmentSpreadNode):
            fragment = fragments.get(selection.name.value)
            if fragment is not None:
                yield from _children(fragment.selection_set, fragments, variables)


def _included(node: SelectionNode, variables: VariableValues) -> bool:
    skip = get_directive_values(GraphQLSkipDirective, node, variables)
    include = get_directive_values(GraphQLIncludeDirective, node, variables)
    return not (skip and skip["if"]) and not (include and not include["if"])


def _ast_names(selection_set: SelectionSetNode | None, path: tuple[str, ...],
               fragments: dict[str, FragmentDefinitionNode],
               variables: VariableValues) -> set[str]:
    names: set[str] = set()
    for field in _children(selection_set, fragments, variables):
        if not path:
            names.add(field.name.value)
        elif field.name.value == path[0]:
            names |= _ast_names(field.selection_set, path[1:], fragments, variables)
    return names


def _strawberry_arguments(schema: strawberry.Schema) -> list[StrawberryArgument]:
    query = schema.get_type_by_name("Query")
    assert query is not None and hasattr(query, "fields")
    for field in query.fields:
        if schema.config.name_converter.get_graphql_name(field) == SEARCH_FIELD:
            arguments: list[StrawberryArgument] = field.arguments
            return arguments
    raise LookupError(SEARCH_FIELD)
