"""The GraphQL schema's root types, composed from the feature modules."""

from __future__ import annotations

import strawberry

from api.jobseeker.resolvers import JobseekerMutation, JobseekerQuery
from api.provider.resolvers import ProviderMutation, ProviderQuery
from api.search.queries import SearchQuery
from api.visits.mutations import VisitsMutation
from api.visits.queries import VisitsQuery
from api.visitsearch.queries import VisitSearchQuery


@strawberry.type(description="Course search, course details and reference data.")
class Query(SearchQuery, VisitsQuery, VisitSearchQuery, ProviderQuery, JobseekerQuery):
    pass


@strawberry.type(description="Study-visit registration and the provider's decision.")
class Mutation(VisitsMutation, ProviderMutation, JobseekerMutation):
    @strawberry.field(description="Liveness of the mutation root; always true.")
    def ping(self) -> bool:
        return True
