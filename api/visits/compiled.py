"""The compiled path of ``registerForStudyVisit``: a validated mutation document answered
without strawberry's execution.

Parsing and validation stay strawberry's: the first request of a query text goes through
strawberry, which offers the validated document to the registry
(:mod:`api.search.compiled.registry`). A mutation whose only root field is
``registerForStudyVisit(input: $variable)``, its variable of type
``RegisterForStudyVisitInput!`` without a default, and whose payload selection holds only
the fields in :data:`REGISTRATION_FIELDS` (with ``visit``'s in :data:`VISIT_FIELDS`) and
:data:`ERROR_FIELDS` (no fragments, no directives) is compiled into a projection of the
payload; any other document is left to strawberry.

A request is declined (answered by strawberry) whenever its answer would not be a plain
success of the mutation: a body strawberry's view would refuse, variables that do not
coerce or that :mod:`api.http.variables` or :mod:`api.graphql.strings` refuse. These are
decided before the service is called. Once it has been called nothing can be declined:
a failure of the service (Redis down, a bug) is handed to strawberry with the request
(:mod:`api.search.failures`), whose resolver raises it at once instead of registering
again, so that the error answered is strawberry's own. The payload itself is built by the
same function as the resolver's (:func:`api.visits.mutations.register`).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import orjson
import strawberry
from graphql import (
    DocumentNode,
    FieldNode,
    GraphQLInputType,
    NonNullTypeNode,
    OperationDefinitionNode,
    OperationType,
    SelectionSetNode,
    VariableNode,
    print_ast,
    type_from_ast,
)
from graphql.pyutils import Undefined
from graphql.utilities.coerce_input_value import coerce_input_value
from starlette.requests import Request
from starlette.types import Scope

from api.graphql.strings import has_unencodable
from api.http.errors import RequestError
from api.http.variables import check_variables
from api.search.compiled.plan import NotCompilable
from api.search.compiled.registry import Registry
from api.search.failures import HandOver
from api.visits.mutations import register
from api.visits.types import RegisterForStudyVisitInput
from core.outages import REGISTRATIONS
from core.settings import Settings

ROOT_FIELD = "registerForStudyVisit"
INPUT_TYPE = "RegisterForStudyVisitInput"

Project = Callable[[Any, Settings], Any]  # a field's value, as graphql-core serializes it
Table = dict[str, Project]
VISIT_FIELDS: Table = {
    "__typename": lambda _, __: "StudyVisit",
    "id": lambda v, _: str(v.id),
    "start": lambda v, _: v.start.isoformat(),
    "end": lambda v, _: v.end.isoformat(),
    "durationMinutes": lambda v, _: v.duration_minutes,
    "capacity": lambda v, _: v.capacity,
    "seatsLeft": lambda v, _: v.seats_left,
    "registrationClosesAt": lambda v, s: v.closes_at(
        s.registration_closes_hours_before).isoformat(),
}
REGISTRATION_FIELDS: Table = {
    "__typename": lambda _, __: "Registration",
    "id": lambda r, _: str(r.id),
    "status": lambda r, _: r.status.name,
    "createdAt": lambda r, _: r.created_at.isoformat(),
    "courseId": lambda r, _: str(r.course_id),
    "courseTitle": lambda r, _: r.course_title,
    "providerName": lambda r, _: r.provider_name,
    "waitlistPosition": lambda r, _: r.waitlist_position,
}
ERROR_FIELDS: Table = {
    "__typename": lambda _, __: "RegistrationError",
    "field": lambda e, _: e.field,
    "message": lambda e, _: e.message,
    "code": lambda e, _: e.code.name,
}
REGISTRATION_OBJECTS: dict[str, tuple[Project, Table]] = {
    "visit": (lambda r, _: r.visit, VISIT_FIELDS),
}


@dataclass(frozen=True, slots=True)
class Selection:
    """The fields of one object, in order: (response key, projection, nested selection)."""

    fields: tuple[tuple[str, Project, Selection | None], ...]

    def project(self, value: Any, settings: Settings) -> dict[str, Any]:
        return {key: project(value, settings) if nested is None
                else nested.project(project(value, settings), settings)
                for key, project, nested in self.fields}


@dataclass(frozen=True, slots=True)
class CompiledRegistration:
    """One validated registration document, ready for the compiled path."""

    key: str  # the root field's response key (its alias, if any)
    variable: str
    input_type: GraphQLInputType
    typename: tuple[str, ...]  # response keys of the payload's __typename
    registration: tuple[str, Selection] | None  # response key, selection
    errors: tuple[str, Selection] | None
    order: tuple[str, ...]  # the payload's response keys in the document's order

    def payload(self, value: Any, settings: Settings) -> dict[str, Any]:
        """The payload as graphql-core would complete it for this selection."""
        out: dict[str, Any] = {}
        for key in self.order:
            if key in self.typename:
                out[key] = "RegisterForStudyVisitPayload"
            elif self.registration is not None and key == self.registration[0]:
                made = value.registration
                out[key] = None if made is None else self.registration[1].project(
                    made, settings)
            elif self.errors is not None:
                out[key] = [self.errors[1].project(error, settings) for error in value.errors]
        return out


def compile_registration(schema: strawberry.Schema, document: DocumentNode,
                         operation_name: str | None) -> CompiledRegistration:
    """The compiled document; :class:`NotCompilable` when it is not a plain registration."""
    operations = [d for d in document.definitions if isinstance(d, OperationDefinitionNode)]
    if len(document.definitions) != 1 or len(operations) != 1:
        raise NotCompilable("not one operation alone")
    operation = operations[0]
    if operation.operation is not OperationType.MUTATION or operation.directives:
        raise NotCompilable("not a mutation, or directives")
    if operation_name is not None and (operation.name is None
                                       or operation.name.value != operation_name):
        raise NotCompilable("operation name")
    roots = _fields(operation.selection_set, {ROOT_FIELD})
    if len(roots) != 1:
        raise NotCompilable("several registrations")
    root = roots[0]
    definitions = operation.variable_definitions or ()
    arguments = root.arguments or ()
    if len(definitions) != 1 or len(arguments) != 1 or arguments[0].name.value != "input" \
            or not isinstance(arguments[0].value, VariableNode):
        raise NotCompilable("arguments")
    definition = definitions[0]
    if definition.variable.name.value != arguments[0].value.name.value \
            or definition.default_value is not None or definition.directives \
            or not isinstance(definition.type, NonNullTypeNode) \
            or print_ast(definition.type) != f"{INPUT_TYPE}!":
        raise NotCompilable("variable")
    input_type = type_from_ast(schema._schema, definition.type)
    assert input_type is not None
    payload = _fields(root.selection_set, {"__typename", "registration", "errors"})
    names = [field.name.value for field in payload]
    if names.count("registration") > 1 or names.count("errors") > 1:
        raise NotCompilable("a payload field under two keys")
    registration = errors = None
    for field in payload:
        name, key = field.name.value, _key(field)
        if name == "registration":
            registration = (key, _selection(field.selection_set, REGISTRATION_FIELDS,
                                            REGISTRATION_OBJECTS))
        elif name == "errors":
            errors = (key, _selection(field.selection_set, ERROR_FIELDS))
    return CompiledRegistration(
        _key(root), definition.variable.name.value, input_type,
        tuple(_key(f) for f in payload if f.name.value == "__typename"),
        registration, errors, tuple(_key(f) for f in payload))


def _fields(selection_set: SelectionSetNode | None, allowed: set[str]) -> list[FieldNode]:
    """The fields of a selection set; only fields of ``allowed`` names, without arguments
    (but the root's), directives or fragments, each response key once."""
    fields: list[FieldNode] = []
    for selection in (selection_set.selections if selection_set else ()):
        if not isinstance(selection, FieldNode) or selection.directives \
                or selection.name.value not in allowed:
            raise NotCompilable("selection")
        fields.append(selection)
    keys = [_key(field) for field in fields]
    if not fields or len(set(keys)) != len(keys):
        raise NotCompilable("empty, or a response key twice")
    return fields


def _selection(selection_set: SelectionSetNode | None, table: Table,
               nested: dict[str, tuple[Project, Table]] | None = None) -> Selection:
    """The selection of an object with the fields of ``table`` and the object fields of
    ``nested`` (each: its value, its own fields)."""
    nested = nested or {}
    fields = _fields(selection_set, set(table) | set(nested))
    if any(field.arguments for field in fields):
        raise NotCompilable("arguments")
    entries: list[tuple[str, Project, Selection | None]] = []
    for field in fields:
        name = field.name.value
        if name in nested:
            value, its_fields = nested[name]
            entries.append((_key(field), value, _selection(field.selection_set, its_fields)))
        elif field.selection_set is not None:
            raise NotCompilable("sub-selection")
        else:
            entries.append((_key(field), table[name], None))
    return Selection(tuple(entries))


def _key(field: FieldNode) -> str:
    return field.alias.value if field.alias else field.name.value


class RegistrationExecutor:
    """One per API process: answers the compiled registrations (see the module's text)."""

    def __init__(self, registry: Registry[CompiledRegistration], settings: Settings) -> None:
        self.registry = registry
        self.settings = settings
        self.compiled = 0  # requests answered
        self.declined = 0  # requests left to strawberry before the service was called

    @staticmethod
    def may_answer(body: bytes) -> bool:
        """Whether the body may be a registration at all (a search's never is)."""
        return ROOT_FIELD.encode() in body

    async def execute(self, scope: Scope, body: bytes) -> bytes | None:
        """The response body; None to let strawberry answer; :class:`HandOver` when the
        registration failed after the service was called."""
        request = self._request(body)
        if request is None:
            self.declined += 1
            return None
        compiled, value = request
        try:
            payload = await register(Request(scope), value)
        except Exception as exc:  # strawberry's resolver raises it again, unregistered
            raise HandOver(REGISTRATIONS, exc) from exc
        self.compiled += 1
        return orjson.dumps({"data": {compiled.key: compiled.payload(payload, self.settings)}})

    def _request(self, body: bytes
                 ) -> tuple[CompiledRegistration, RegisterForStudyVisitInput] | None:
        """The compiled document and its input, or None when strawberry is to answer."""
        try:
            payload = orjson.loads(body)
        except orjson.JSONDecodeError:
            return None
        if not isinstance(payload, dict):
            return None
        query, name = payload.get("query"), payload.get("operationName")
        variables, extensions = payload.get("variables"), payload.get("extensions")
        if not isinstance(query, str) or not isinstance(variables, dict) \
                or not (name is None or isinstance(name, str)) \
                or not (extensions is None or isinstance(extensions, dict)):
            return None
        compiled = self.registry.get(query, name)
        if compiled is None or has_unencodable(variables):
            return None
        try:
            check_variables(variables)
        except RequestError:
            return None
        raw = variables.get(compiled.variable, Undefined)
        if raw is Undefined or raw is None:
            return None
        try:
            value = coerce_input_value(raw, compiled.input_type)
        except Exception:  # graphql-core's error is strawberry's answer
            return None
        if value is Undefined:
            return None
        return compiled, RegisterForStudyVisitInput(
            visit_id=strawberry.ID(value["visitId"]), name=value["name"],
            email=value["email"], phone=value.get("phone"), language=value["language"],
            consent=value["consent"], join_waitlist_if_full=value["joinWaitlistIfFull"])
