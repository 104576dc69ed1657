"""GraphQL types of the visit finder. ``Course`` and ``StudyVisit`` are the search API's."""

from __future__ import annotations

import datetime
from enum import Enum

import strawberry
from strawberry.types import Info

from api.context import Context
from api.search import enums
from api.search.course import Course
from api.search.enums import to_core
from api.search.loaders import waitlist_length_loader
from api.search.results import PageInfo
from api.search.types import StudyVisit
from core.reference import Reference
from core.search import vocabulary
from core.search.attributes import Facet as CourseFacet
from core.search.labels import Labeller
from core.search.vocabulary import Language
from core.visitsearch import model


@strawberry.enum(description="Order of study visits.")
class StudyVisitSort(Enum):
    START_TIME = strawberry.enum_value("START_TIME", description="Earliest first (default).")
    DISTANCE = strawberry.enum_value("DISTANCE", description="Nearest first; needs 'near'.")
    RELEVANCE = strawberry.enum_value("RELEVANCE", description="Best text match first.")


@strawberry.enum(description="Facets of the visit finder.")
class StudyVisitFacetAttribute(Enum):
    REGION = strawberry.enum_value("REGION", description="Region code.")
    MUNICIPALITY = strawberry.enum_value("MUNICIPALITY", description="Municipality code.")
    OCCUPATION_FIELD = strawberry.enum_value("OCCUPATION_FIELD", description="Occupation field.")
    OCCUPATION = strawberry.enum_value("OCCUPATION", description="SSYK 2012 code.")
    PROGRAMME_TYPE = strawberry.enum_value("PROGRAMME_TYPE", description="Programme type.")
    PROVIDER = strawberry.enum_value("PROVIDER", description="Provider's organisation number.")
    LANGUAGE = strawberry.enum_value("LANGUAGE", description="Language of instruction.")
    WEEKDAY = strawberry.enum_value("WEEKDAY", description="ISO weekday, 1 = Monday.")
    TIME_OF_DAY = strawberry.enum_value("TIME_OF_DAY", description="Morning, afternoon, evening.")


@strawberry.enum(description="When in the day a visit starts (the local time of its "
                              "course's country).")
class TimeOfDay(Enum):
    MORNING = strawberry.enum_value("morning", description="Before 12:00.")
    AFTERNOON = strawberry.enum_value("afternoon", description="From 12:00 to 16:59.")
    EVENING = strawberry.enum_value("evening", description="From 17:00.")


@strawberry.input(description="A range of Swedish calendar days, both ends inclusive.")
class VisitDateRangeInput:
    from_: datetime.date | None = strawberry.field(default=None, name="from",
                                                   description="First day.")
    to: datetime.date | None = strawberry.field(default=None, description="Last day.")


@strawberry.input(description="Which study visits. Values within one field are OR-ed; fields "
                              "are AND-ed. Only visits that have not started (and so are open "
                              "for registration) are ever found.")
class StudyVisitSearchFilterInput:
    regions: list[str] | None = strawberry.field(default=None, description="Region codes.")
    municipalities: list[str] | None = strawberry.field(
        default=None, description="Municipality codes.")
    occupation_fields: list[str] | None = strawberry.field(
        default=None, description="Occupation field ids.")
    occupations: list[str] | None = strawberry.field(
        default=None, description="SSYK 2012 codes.")
    programme_types: list[enums.ProgrammeType] | None = strawberry.field(
        default=None, description="Programme types.")
    providers: list[str] | None = strawberry.field(
        default=None, description="Providers' organisation numbers (NNNNNN-NNNN).")
    languages: list[str] | None = strawberry.field(
        default=None, description="Languages of instruction (ISO 639-1).")
    dates: VisitDateRangeInput | None = strawberry.field(
        default=None, description="Days the visit starts on (Swedish time).")
    weekdays: list[int] | None = strawberry.field(
        default=None, description="ISO weekdays, 1 (Monday) to 7 (Sunday), in the local "
                                   "time of the course's country.")
    times_of_day: list[TimeOfDay] | None = strawberry.field(
        default=None, description="Times of day the visit starts at.")
    only_with_seats_left: bool = strawberry.field(
        default=False, description="Only visits with a seat left now.")
    only_open_for_registration: bool = strawberry.field(
        default=False, description="Only visits whose registration has not closed "
                                   "(see StudyVisit.registrationClosesAt).")

    def to_core(self) -> model.VisitFilter:
        dates = self.dates
        return model.VisitFilter(
            regions=tuple(self.regions or ()),
            municipalities=tuple(self.municipalities or ()),
            occupation_fields=tuple(self.occupation_fields or ()),
            occupations=tuple(self.occupations or ()),
            programme_types=tuple(to_core(p, vocabulary.ProgrammeType).value
                                  for p in self.programme_types or ()),
            providers=tuple(self.providers or ()),
            languages=tuple(self.languages or ()),
            weekdays=tuple(self.weekdays or ()),
            times_of_day=tuple(t.name.lower() for t in self.times_of_day or ()),
            date_from=None if dates is None else dates.from_,
            date_to=None if dates is None else dates.to,
            only_with_seats_left=self.only_with_seats_left,
            only_open_for_registration=self.only_open_for_registration,
        )


@strawberry.type(description="One facet value and the visits that have it.")
class StudyVisitFacetValue:
    value: str = strawberry.field(description="The value, as given in the filter.")
    label: str = strawberry.field(description="Human label in the requested language.")
    count: int = strawberry.field(
        description="Visits with this value, counting as if this facet had no selection.")
    selected: bool = strawberry.field(description="True when the filter selects this value.")


@strawberry.type(description="Counts of one facet (disjunctive), most frequent first.")
class StudyVisitFacet:
    attribute: StudyVisitFacetAttribute = strawberry.field(description="The facet.")
    values: list[StudyVisitFacetValue] = strawberry.field(description="Every value counted.")


@strawberry.type(description="One study visit found, with its course.")
class StudyVisitEdge:
    cursor: str = strawberry.field(description="Opaque cursor of this result, for 'after'.")
    node: StudyVisit = strawberry.field(description="The visit; 'seatsLeft' is read now.")
    course: Course = strawberry.field(description="The visit's course.")
    weekday: int = strawberry.field(description="ISO weekday of the start (the local time "
                                                 "of the course's country).")
    time_of_day: TimeOfDay = strawberry.field(description="Time of day of the start.")
    distance_km: float | None = strawberry.field(
        description="Distance in km from the 'near' centre; null without 'near'.")

    @strawberry.field(description="People on the visit's waitlist, read now (the same "
                                  "number as node.waitlistLength).")
    async def waitlist_length(self, info: Info[Context, None]) -> int:
        return await waitlist_length_loader(info).load(str(self.node.id))


@strawberry.type(description="A page of study visits.")
class StudyVisitConnection:
    edges: list[StudyVisitEdge] = strawberry.field(description="The visits of this page.")
    page_info: PageInfo = strawberry.field(description="Paging information.")
    total_count: int = strawberry.field(description="Visits in all pages.")
    facets: list[StudyVisitFacet] = strawberry.field(description="The facets asked for.")


_LABELLED = {
    model.VisitFacet.REGION: CourseFacet.REGION,
    model.VisitFacet.MUNICIPALITY: CourseFacet.MUNICIPALITY,
    model.VisitFacet.OCCUPATION_FIELD: CourseFacet.OCCUPATION_FIELD,
    model.VisitFacet.OCCUPATION: CourseFacet.OCCUPATION,
    model.VisitFacet.PROGRAMME_TYPE: CourseFacet.PROGRAMME_TYPE,
    model.VisitFacet.PROVIDER: CourseFacet.PROVIDER,
    model.VisitFacet.LANGUAGE: CourseFacet.LANGUAGE,
}
_WEEKDAYS = {"sv": ["måndag", "tisdag", "onsdag", "torsdag", "fredag", "lördag", "söndag"],
             "en": ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday",
                    "Sunday"],
             "da": ["mandag", "tirsdag", "onsdag", "torsdag", "fredag", "lørdag", "søndag"],
             "nb": ["mandag", "tirsdag", "onsdag", "torsdag", "fredag", "lørdag", "søndag"]}
_TIMES = {"sv": {"morning": "förmiddag", "afternoon": "eftermiddag", "evening": "kväll"},
          "en": {"morning": "morning", "afternoon": "afternoon", "evening": "evening"},
          "da": {"morning": "formiddag", "afternoon": "eftermiddag", "evening": "aften"},
          "nb": {"morning": "formiddag", "afternoon": "ettermiddag", "evening": "kveld"}}


def facet_label(labeller: Labeller, facet: model.VisitFacet, value: str,
                language: Language) -> str:
    if facet is model.VisitFacet.WEEKDAY:
        known = value.isdigit() and 1 <= int(value) <= 7
        return _WEEKDAYS[language.value][int(value) - 1] if known else value
    if facet is model.VisitFacet.TIME_OF_DAY:
        return _TIMES[language.value].get(value, value)
    return labeller.label(_LABELLED[facet], value, language)


def build_connection(page: model.VisitPage, request: model.VisitSearchRequest,
                     reference: Reference, labeller: Labeller,
                     language: Language) -> StudyVisitConnection:
    courses: dict[str, Course] = {}
    edges = []
    for hit in page.hits:
        if hit.course.id not in courses:
            courses[hit.course.id] = Course.build(hit.course, reference)
        edges.append(StudyVisitEdge(
            cursor=hit.cursor,
            node=StudyVisit.build(hit.visit, hit.visit.capacity - hit.seats_left),
            course=courses[hit.course.id],
            weekday=hit.weekday,
            time_of_day=TimeOfDay[hit.time_of_day.upper()],
            distance_km=hit.distance_km,
        ))
    facets = []
    for result in page.facets:
        selected = {str(v) for v in request.filter.selected(result.facet)}
        facets.append(StudyVisitFacet(
            attribute=StudyVisitFacetAttribute[result.facet.name],
            values=[StudyVisitFacetValue(
                value=v.value, label=facet_label(labeller, result.facet, v.value, language),
                count=v.count, selected=v.value in selected) for v in result.values],
        ))
    return StudyVisitConnection(
        edges=edges,
        page_info=PageInfo(has_next_page=page.has_next_page,
                           has_previous_page=page.has_previous_page,
                           start_cursor=edges[0].cursor if edges else None,
                           end_cursor=edges[-1].cursor if edges else None),
        total_count=page.total_count,
        facets=facets,
    )
