"""Study-visit queries: thin resolvers over :mod:`core.visits.catalog`."""

from __future__ import annotations

import datetime
from typing import Annotated

import strawberry
from strawberry.types import Info

from api.context import Context
from api.search.course import Course
from api.search.loaders import seats_taken_loader
from api.visits.types import StudyVisitFilterInput, StudyVisitListing, study_visit
from core.errors import InputError
from core.search.documents import course_from_document
from core.search.geography import nordic_places
from core.search.validation import KnownCodes
from core.visits.catalog import VisitFilter, find_visit_document, list_visits
from core.visits.validation import valid_visit_id

DEFAULT_VISITS = 50


def _timestamp(value: datetime.datetime | None, argument: str) -> int | None:
    if value is None:
        return None
    if value.tzinfo is None:
        raise InputError(argument, "a date-time needs a UTC offset, e.g. 2027-01-11T10:00:00+01:00")
    return int(value.timestamp())


def _to_core(info: Info[Context, None], where: StudyVisitFilterInput | None) -> VisitFilter:
    where = where or StudyVisitFilterInput()
    reference, nordic = info.context.resources.reference, nordic_places()
    if (where.region_code is not None
            and where.region_code not in KnownCodes(reference.regions, nordic.regions)):
        raise InputError("filter.regionCode", "not a known region code")
    if (where.municipality_code is not None and where.municipality_code
            not in KnownCodes(reference.municipalities, nordic.municipalities)):
        raise InputError("filter.municipalityCode", "not a known municipality code")
    start_from = _timestamp(where.start_from, "filter.startFrom")
    now = int(datetime.datetime.now(datetime.UTC).timestamp())
    return VisitFilter(
        course_id=str(where.course_id) if where.course_id is not None else None,
        region_code=where.region_code,
        municipality_code=where.municipality_code,
        start_from=max(start_from, now) if start_from is not None else now,
        start_to=_timestamp(where.start_to, "filter.startTo"),
    )


@strawberry.type(description="Study visits.")
class VisitsQuery:
    @strawberry.field(description="Upcoming study visits, earliest first, with seats left and "
                                  "their courses.")
    async def study_visits(
        self,
        info: Info[Context, None],
        filter: Annotated[StudyVisitFilterInput | None,
                          strawberry.argument(description="Which visits.")] = None,
        first: Annotated[int, strawberry.argument(description="At most this many.")]
        = DEFAULT_VISITS,
    ) -> list[StudyVisitListing]:
        resources = info.context.resources
        if not 1 <= first <= resources.settings.search_max_page_size:
            raise InputError(
                "first", f"must be from 1 to {resources.settings.search_max_page_size}")
        where = _to_core(info, filter)
        found = await list_visits(resources.meili, resources.settings.meili_index, where)
        taken = await seats_taken_loader(info).load_many([visit.id for visit, _ in found])
        listings = []
        courses: dict[str, Course] = {}
        for (visit, document), count in zip(found, taken, strict=True):
            if filter is not None and filter.only_with_seats_left and count >= visit.capacity:
                continue
            if visit.course_id not in courses:
                courses[visit.course_id] = Course.build(
                    course_from_document(document), resources.reference)
            listings.append(StudyVisitListing(visit=study_visit(visit, count),
                                              course=courses[visit.course_id]))
            if len(listings) == first:
                break
        return listings

    @strawberry.field(description="One study visit by id, with its course; null if none.")
    async def study_visit(
        self, info: Info[Context, None],
        id: Annotated[strawberry.ID, strawberry.argument(description="The visit's id.")],
    ) -> StudyVisitListing | None:
        resources = info.context.resources
        if not valid_visit_id(str(id)):
            return None
        found = await find_visit_document(resources.meili, resources.settings.meili_index,
                                          str(id))
        if found is None:
            return None
        visit, document = found
        count = await seats_taken_loader(info).load(visit.id)
        return StudyVisitListing(
            visit=study_visit(visit, count),
            course=Course.build(course_from_document(document), resources.reference),
        )
