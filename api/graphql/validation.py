"""Validation with the service's rules, cached per document, suggestions hidden in production.

strawberry's ``QueryDepthLimiter``/``MaxAliasesLimiter`` build a new rule class for each
extension instance; with an instance per request (as concurrency needs, see
:mod:`api.graphql.errors`) the validation cache, keyed by the rules, would never hit. Here
the rules are built once per schema and one module-level LRU cache holds the results.
graphql-core 3.3 can leave out its "Did you mean …?" suggestions (field, argument, type,
enum value, input field and fragment-type names); strawberry does not pass the option, so
validation is run here with it.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from functools import lru_cache

from graphql import (
    ASTValidationRule,
    DocumentNode,
    GraphQLError,
    GraphQLSchema,
    NoSchemaIntrospectionCustomRule,
    specified_rules,
    validate,
)
from strawberry.extensions import SchemaExtension
from strawberry.extensions.max_aliases import create_validator as max_aliases_rule
from strawberry.extensions.query_depth_limiter import create_validator as max_depth_rule
from strawberry.schema.validation_rules.maybe_null import MaybeNullValidationRule
from strawberry.schema.validation_rules.one_of import OneOfInputValidationRule

from .cost import cost_rule
from .strings import StringLiteralRule

CACHE_SIZE = 1024
Rules = tuple[type[ASTValidationRule], ...]


@lru_cache(maxsize=CACHE_SIZE)
def _validate(schema: GraphQLSchema, document: DocumentNode, rules: Rules,
              hide_suggestions: bool) -> list[GraphQLError]:
    return validate(schema, document, rules, hide_suggestions=hide_suggestions)


def service_rules(*, max_depth: int, max_aliases: int, max_cost: int, max_page_size: int,
                  introspection: bool) -> Rules:
    """graphql-core's and strawberry's rules, the limits, the cost and the string checks."""
    rules: list[type[ASTValidationRule]] = [
        *specified_rules, MaybeNullValidationRule, OneOfInputValidationRule,
        max_depth_rule(max_depth, None, None), max_aliases_rule(max_aliases),
        cost_rule(max_cost, max_page_size), StringLiteralRule,
    ]
    if not introspection:
        rules.append(NoSchemaIntrospectionCustomRule)
    return tuple(rules)


def validation_extension(rules: Rules, hide_suggestions: bool
                         ) -> Callable[[], SchemaExtension]:
    """A factory of the per-request extension that validates with ``rules`` (cached)."""

    class CachedValidation(SchemaExtension):
        def on_validate(self) -> Iterator[None]:
            context = self.execution_context
            assert context.graphql_document is not None
            context.pre_execution_errors = _validate(
                context.schema._schema, context.graphql_document, rules, hide_suggestions)
            yield

    return CachedValidation
