"""Selection plans: graphql-core's own field collection, compiled once, projected per request.

A plan is built with graphql-core's ``collect_fields``/``collect_subfields`` (aliases,
fragments, inline fragments, merging, ``@skip``/``@include`` with the request's variable
values), so that the response has exactly the keys, in exactly the order, that
graphql-core's executor would give. Each field gets the getter of its type's field table;
a selection with a field that has no getter is not compiled (:class:`NotCompilable`).

Projection (compiled to Python functions by :mod:`.codegen`) raises :class:`Fallback` where
graphql-core would report an error (a null for a non-null field; a failing getter raises
its own exception): the request is then executed by graphql-core, whose null propagation
and error reporting apply unchanged.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

from graphql import (
    FieldNode,
    GraphQLField,
    GraphQLList,
    GraphQLNonNull,
    GraphQLObjectType,
    GraphQLOutputType,
    GraphQLSchema,
    OperationDefinitionNode,
    VariableNode,
    is_leaf_type,
    visit,
)
from graphql.execution.collect_fields import (
    FieldDetails,
    FragmentDetails,
    collect_subfields,
)
from graphql.execution.values import VariableValues, get_argument_values
from graphql.language import Visitor


class NotCompilable(Exception):
    """The selection uses something the compiled path does not implement."""


class Fallback(Exception):
    """This request needs graphql-core: it would produce an error or a null to propagate."""


# A field's value from its parent's source; ``args`` is None for fields without arguments.
Getter = Callable[[Any, "Projection", Any], Any]
FieldTable = Mapping[str, Mapping[str, Getter]]

LEAF, OBJECT, LEAF_LIST, OBJECT_LIST, TYPENAME = range(5)


def inline(expression: str, scope: dict[str, Any]) -> Getter:
    """A getter written as an expression of ``src`` (names from ``scope``, a module's
    globals), which the code generator copies into the projection instead of a call."""
    getter: Getter = eval(f"lambda src, p, a: {expression}", scope)
    getter.inline = expression  # type: ignore[attr-defined]
    return getter


@dataclass(slots=True)
class FieldPlan:
    key: str
    name: str
    kind: int
    getter: Getter | None
    nullable: bool = True
    items_nullable: bool = True
    sub: ObjectPlan | None = None
    constant: str | None = None  # __typename
    args: dict[str, Any] | None = None  # static arguments
    dynamic_args: tuple[GraphQLField, FieldNode] | None = None


@dataclass(slots=True)
class ObjectPlan:
    type_name: str
    fields: list[FieldPlan] = field(default_factory=list)
    project: Callable[[Any, Projection], dict[str, Any]] | None = None

    def walk(self) -> Iterator[ObjectPlan]:
        """This plan and every plan below it."""
        yield self
        for f in self.fields:
            if f.sub is not None:
                yield from f.sub.walk()


@dataclass(slots=True)
class Projection:
    """Per-request state of a projection: variable values and what getters may need."""

    variables: VariableValues
    extras: dict[str, Any] = field(default_factory=dict)
    _args: dict[int, dict[str, Any]] = field(default_factory=dict)

    def args(self, plan: FieldPlan) -> dict[str, Any] | None:
        if plan.dynamic_args is None:
            return plan.args
        found = self._args.get(id(plan))
        if found is None:
            field_def, node = plan.dynamic_args
            found = self._args[id(plan)] = get_argument_values(field_def, node, self.variables)
        return found

    def object(self, plan: ObjectPlan, source: Any) -> dict[str, Any]:
        """The response object of ``source`` (see :mod:`.codegen`)."""
        if plan.project is None:
            from .codegen import compile_plan
            plan.project = compile_plan(plan)
        return plan.project(source, self)


@dataclass(frozen=True)
class Compiler:
    """Compiles selections of one document and operation with given variable values."""

    schema: GraphQLSchema
    fragments: dict[str, FragmentDetails]
    operation: OperationDefinitionNode
    variables: VariableValues
    tables: FieldTable

    def object_plan(self, type_: GraphQLObjectType, nodes: list[FieldDetails]) -> ObjectPlan:
        table = self.tables.get(type_.name)
        if table is None:
            raise NotCompilable(f"type {type_.name}")
        collected = collect_subfields(self.schema, self.fragments, self.variables,
                                      self.operation, type_, nodes)
        if collected.new_defer_usages:
            raise NotCompilable("@defer")
        plan = ObjectPlan(type_.name)
        for key, details in collected.grouped_field_set.items():
            name = details[0].node.name.value
            if name == "__typename":
                plan.fields.append(FieldPlan(key, name, TYPENAME, None, False,
                                             constant=type_.name))
                continue
            getter = table.get(name)
            field_def = type_.fields.get(name)
            if getter is None or field_def is None:
                raise NotCompilable(f"field {type_.name}.{name}")
            plan.fields.append(self.field_plan(key, name, getter, field_def, details))
        return plan

    def field_plan(self, key: str, name: str, getter: Getter, field_def: GraphQLField,
                   details: list[FieldDetails]) -> FieldPlan:
        plan = self.typed(key, name, getter, field_def.type, details)
        node = details[0].node
        if field_def.args:
            if _has_variables(node):
                plan.dynamic_args = (field_def, node)
            else:
                plan.args = get_argument_values(field_def, node)
        return plan

    def typed(self, key: str, name: str, getter: Getter, type_: GraphQLOutputType,
              details: list[FieldDetails]) -> FieldPlan:
        nullable = not isinstance(type_, GraphQLNonNull)
        inner = type_.of_type if isinstance(type_, GraphQLNonNull) else type_
        if isinstance(inner, GraphQLList):
            item = inner.of_type
            items_nullable = not isinstance(item, GraphQLNonNull)
            item = item.of_type if isinstance(item, GraphQLNonNull) else item
            if isinstance(item, GraphQLList):
                raise NotCompilable("nested lists")
            if is_leaf_type(item):
                return FieldPlan(key, name, LEAF_LIST, getter, nullable, items_nullable)
            assert isinstance(item, GraphQLObjectType), item
            return FieldPlan(key, name, OBJECT_LIST, getter, nullable, items_nullable,
                             sub=self.object_plan(item, details))
        if is_leaf_type(inner):
            return FieldPlan(key, name, LEAF, getter, nullable)
        if not isinstance(inner, GraphQLObjectType):
            raise NotCompilable(f"abstract type {inner}")
        return FieldPlan(key, name, OBJECT, getter, nullable, sub=self.object_plan(inner, details))


def _has_variables(node: FieldNode) -> bool:
    found: list[bool] = []

    class Finder(Visitor):
        def enter_variable(self, variable: VariableNode, *_: Any) -> None:
            found.append(True)

    for argument in node.arguments or ():
        visit(argument, Finder())
    return bool(found)
