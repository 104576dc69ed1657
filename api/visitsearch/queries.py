"""``searchStudyVisits``: a thin resolver over :mod:`core.visitsearch.service`.

Answers are never cached: each carries seats read from Redis for this request.
"""

from __future__ import annotations

from typing import Annotated

import strawberry
from strawberry.types import Info

from api.context import Context
from api.search import enums
from api.search.enums import to_core
from api.search.inputs import NearInput, near_to_core
from api.search.runtime import search_runtime
from api.search.selection import selected_course_attributes, selected_names
from api.visitsearch.types import (
    StudyVisitConnection,
    StudyVisitFacetAttribute,
    StudyVisitSearchFilterInput,
    StudyVisitSort,
    build_connection,
)
from core.search.vocabulary import Language
from core.visitsearch import model
from core.visitsearch.service import VisitSearchService

DEFAULT_PAGE_SIZE = 20


def _arg(description: str) -> object:
    return strawberry.argument(description=description)


def _service(info: Info[Context, None]) -> VisitSearchService:
    """One service per process, kept on the application's state."""
    state = info.context.request.app.state
    service: VisitSearchService | None = getattr(state, "visit_search", None)
    if service is None:
        settings = info.context.resources.settings
        service = VisitSearchService(
            info.context.resources.reference, settings.search_max_page_size,
            default_closes_hours=settings.registration_closes_hours_before)
        state.visit_search = service
    return service


@strawberry.type(description="The visit finder.")
class VisitSearchQuery:
    @strawberry.field(description="Search upcoming study visits by text (course title and "
                                  "occupation), filters and place; with facet counts, seats "
                                  "left and Relay paging.")
    async def search_study_visits(
        self,
        info: Info[Context, None],
        query: Annotated[str, _arg("Words of the course title or occupation.")] = "",
        filter: Annotated[StudyVisitSearchFilterInput | None, _arg("Which visits.")] = None,
        near: Annotated[NearInput | None, _arg("Only visits within a radius; edges carry "
                                                "their distance.")] = None,
        sort: Annotated[StudyVisitSort, _arg("Order.")] = StudyVisitSort.START_TIME,
        first: Annotated[int, _arg("Page size.")] = DEFAULT_PAGE_SIZE,
        after: Annotated[str | None, _arg("Cursor of the last visit seen.")] = None,
        facets: Annotated[list[StudyVisitFacetAttribute] | None,
                          _arg("Facets to count.")] = None,
        language: Annotated[enums.Language, _arg("Language of labels.")] = enums.Language.SV,
    ) -> StudyVisitConnection:
        resources = info.context.resources
        request = model.VisitSearchRequest(
            query=query,
            filter=filter.to_core() if filter is not None else model.VisitFilter(),
            near=near_to_core(near),
            sort=model.VisitSort[sort.name],
            first=first,
            after=after,
            facets=tuple(dict.fromkeys(model.VisitFacet[f.name] for f in facets or ())),
        )
        selections = info.selected_fields[0].selections
        course_attributes = selected_course_attributes(
            lambda path: selected_names(selections, ("edges", "course", *path)))
        page = await _service(info).search(request, search_runtime(info).multi_search.http.post,
                                           resources.redis, resources.settings.meili_index,
                                           course_attributes)
        return build_connection(page, request, resources.reference,
                                search_runtime(info).service.labeller,
                                to_core(language, Language))
