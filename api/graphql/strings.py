"""Strings that cannot be stored or sent on: lone UTF-16 surrogates and NUL characters.

JSON can carry a lone surrogate (``"\\ud800"``) and GraphQL a NUL (``"\\u0000"``). A
lone surrogate cannot be encoded as UTF-8 for Meilisearch, Redis or the response, and a
NUL is never text a person typed; both used to end as ``"Unexpected error."`` deep in a
service. They are refused up front, once for every string argument: :class:`StringLiteralRule`
checks the literals of a document (at validation, cached with it) and
:func:`variables_error` the variables of a request (before execution; the compiled search
path hands such requests to strawberry), each as ``BAD_USER_INPUT`` naming the argument.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from graphql import (
    ArgumentNode,
    DocumentNode,
    GraphQLError,
    ListValueNode,
    ObjectValueNode,
    StringValueNode,
    ValidationRule,
    ValueNode,
    VariableDefinitionNode,
    VariableNode,
    Visitor,
    visit,
)


def unencodable(text: str) -> str | None:
    """What makes ``text`` unusable, or None when it is fine."""
    if "\0" in text:
        return "a NUL character"
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return "a lone UTF-16 surrogate"
    return None


def _bad_input(argument: str, problem: str, nodes: Any = None) -> GraphQLError:
    return GraphQLError(f"Invalid argument '{argument}': contains {problem}, which is not "
                        "allowed in text", nodes,
                        extensions={"code": "BAD_USER_INPUT", "argument": argument})


def _values(node: ValueNode, path: str) -> Iterator[tuple[str, ValueNode]]:
    """Every value inside an argument's value, with its public path (``filter.courseId``)."""
    yield path, node
    if isinstance(node, ListValueNode):
        for item in node.values:
            yield from _values(item, path)
    elif isinstance(node, ObjectValueNode):
        for field in node.fields:
            yield from _values(field.value, f"{path}.{field.name.value}")


class StringLiteralRule(ValidationRule):
    """Refuses a string literal holding a character :func:`unencodable` names, in an
    argument or in a variable's default value."""

    def enter_argument(self, node: ArgumentNode, *_: Any) -> Any:
        self._check(node.value, node.name.value)
        return Visitor.SKIP

    def enter_variable_definition(self, node: VariableDefinitionNode, *_: Any) -> Any:
        if node.default_value is not None:
            name = node.variable.name.value
            uses = _variable_uses(self.context.document)
            self._check(node.default_value, uses.get(name, f"${name}"))
        return Visitor.SKIP

    def _check(self, node: ValueNode, argument: str) -> None:
        for path, value in _values(node, argument):
            if isinstance(value, StringValueNode):
                problem = unencodable(value.value)
                if problem is not None:
                    self.report_error(_bad_input(path, problem, value))


def _bad_strings(value: Any, path: tuple[str, ...] = ()) -> Iterator[tuple[tuple[str, ...], str]]:
    if isinstance(value, str):
        problem = unencodable(value)
        if problem is not None:
            yield path, problem
    elif isinstance(value, Mapping):
        for key, item in value.items():
            yield from _bad_strings(str(key), path)
            yield from _bad_strings(item, (*path, str(key)))
    elif isinstance(value, list):
        for item in value:
            yield from _bad_strings(item, path)


def has_unencodable(value: Any) -> bool:
    """Whether a JSON value holds a string :func:`unencodable` refuses (keys included)."""
    return next(_bad_strings(value), None) is not None


def _variable_uses(document: DocumentNode) -> dict[str, str]:
    """The argument path where each variable is first used, by variable name."""
    uses: dict[str, str] = {}

    class Uses(Visitor):
        def enter_argument(self, node: ArgumentNode, *_: Any) -> Any:
            for path, value in _values(node.value, node.name.value):
                if isinstance(value, VariableNode):
                    uses.setdefault(value.name.value, path)
            return Visitor.SKIP

    visit(document, Uses())
    return uses


def variables_error(document: DocumentNode, variables: Mapping[str, Any] | None
                    ) -> GraphQLError | None:
    """A ``BAD_USER_INPUT`` error for the first unusable string in ``variables``, or None."""
    if not variables:
        return None
    for path, problem in _bad_strings(variables):
        if not path:  # a variable's name: not an argument
            return _bad_input("variables", problem)
        uses = _variable_uses(document)
        argument = uses.get(path[0], f"${path[0]}")
        return _bad_input(".".join((argument, *path[1:])), problem)
    return None
