"""Which query texts the compiled path may answer: those strawberry has validated once.

:class:`RegisterValidated` is a schema extension: when strawberry is about to execute a
document (parsed and validated with every rule and limit of the schema), the document is
offered to the registry, which compiles it (or records that it cannot). Later requests
with the same query text and operation name go straight to the compiled path.
"""

from __future__ import annotations

import hashlib
import logging
from collections import OrderedDict
from collections.abc import Callable, Iterator
from typing import Generic, TypeVar

import strawberry
from graphql import DocumentNode, print_ast
from strawberry.extensions import SchemaExtension

from .operation import CompiledOperation
from .plan import FieldTable, NotCompilable

log = logging.getLogger(__name__)

MAX_DOCUMENTS = 1024


T = TypeVar("T")
Compile = Callable[[strawberry.Schema, DocumentNode, str | None], T]


class Registry(Generic[T]):
    """Compiled operations by (query text, operation name), LRU-bounded.

    ``compile`` makes one of a validated document and operation name, or raises
    :class:`NotCompilable` (recorded as None); :func:`search_compiler` is the search's."""

    def __init__(self, compile: Compile[T], max_documents: int = MAX_DOCUMENTS) -> None:
        self.compile = compile
        self.max_documents = max_documents
        self.schema: strawberry.Schema | None = None
        self._items: OrderedDict[tuple[str, str | None], T | None] = OrderedDict()

    def get(self, query: str, operation_name: str | None) -> T | None:
        found = self._items.get((query, operation_name))
        if found is not None:
            self._items.move_to_end((query, operation_name))
        return found

    def offer(self, query: str, operation_name: str | None, document: DocumentNode) -> None:
        key = (query, operation_name)
        if key in self._items or self.schema is None:
            return
        compiled: T | None
        try:
            compiled = self.compile(self.schema, document, operation_name)
        except NotCompilable:
            compiled = None
        except Exception:  # never let compiling break the request strawberry is executing
            log.exception("compiling a document failed")
            compiled = None
        self._items[key] = compiled
        while len(self._items) > self.max_documents:
            self._items.popitem(last=False)

    def extension(self) -> type[SchemaExtension]:
        registry = self

        class RegisterValidated(SchemaExtension):
            def on_execute(self) -> Iterator[None]:
                context = self.execution_context
                # The name the client sent (``operation_name`` falls back to the first
                # operation's own name, which a request without one does not carry).
                name = getattr(context, "_provided_operation_name", context.operation_name)
                if context.query is not None and context.graphql_document is not None:
                    registry.offer(context.query, name, context.graphql_document)
                yield

        return RegisterValidated


def search_compiler(tables: FieldTable) -> Compile[CompiledOperation]:
    """Compiles the search operations (:mod:`.operation`)."""
    def compile_search(schema: strawberry.Schema, document: DocumentNode,
                       operation_name: str | None) -> CompiledOperation:
        compiled = CompiledOperation(schema, document, operation_name, tables)
        compiled.cache_id = _normalized_id(document, operation_name)
        return compiled

    return compile_search


def _normalized_id(document: DocumentNode, operation_name: str | None) -> bytes:
    """Equal for query texts that differ only in layout (the cache shares their entries)."""
    text = f"{print_ast(document)}\0{operation_name or ''}"
    return hashlib.blake2b(text.encode(), digest_size=16).digest()
