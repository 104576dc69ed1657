"""GraphQL types of what a search understood in its text: the place, the relaxed search.

Built from :class:`core.search.places.PlaceInterpretation` and
:class:`core.search.relaxation.Relaxation`; the compiled search path projects the same
fields from the same objects (``api/search/compiled/result_fields.py``).
"""

from __future__ import annotations

from enum import Enum

import strawberry

from api.search.enums import from_core
from core.search import places, relaxation


@strawberry.enum(description="What kind of place a search text named.")
class PlaceKind(Enum):
    MUNICIPALITY = strawberry.enum_value(
        "municipality", description="A municipality (a Swedish kommun, a Danish or Norwegian "
                                    "kommune).")
    REGION = strawberry.enum_value(
        "region", description="A region (a Swedish län, a Danish region, a Norwegian fylke).")


@strawberry.enum(description="How a search that found nothing was relaxed.")
class RelaxationKind(Enum):
    OCCUPATIONS = strawberry.enum_value(
        "occupations", description="The courses of the occupations the text's words point "
                                   "to (everyday words, compounds, misspellings), instead of "
                                   "the text.")
    WIDER_PLACE = strawberry.enum_value(
        "wider_place", description="The same text in the whole region of the municipality "
                                   "the text named.")


@strawberry.type(description="A place the search text named, searched as a place: the "
                             "results are the courses there (distance courses as "
                             "'distanceCourses' says). Search again with "
                             "interpretPlace: false to search the words as text.")
class InterpretedPlace:
    kind: PlaceKind = strawberry.field(description="Municipality or region.")
    code: str = strawberry.field(description="Its official code (as in the filters).")
    name: str = strawberry.field(description="Its name in its country's language.")
    name_en: str = strawberry.field(description="Its English name (Danish and Norwegian "
                                                "places: their own name).")
    matched_text: str = strawberry.field(description="The words of the text that named it, "
                                                     "as typed (e.g. 'i Umeå').")
    query: str = strawberry.field(description="The text searched: the rest of it.")

    @classmethod
    def build(cls, found: places.PlaceInterpretation | None) -> InterpretedPlace | None:
        if found is None:
            return None
        place = found.place
        return cls(kind=from_core(place.kind, PlaceKind), code=place.code, name=place.name,
                   name_en=place.name_en, matched_text=found.matched, query=found.query)


@strawberry.type(description="The search found nothing as asked; these results come from "
                             "a relaxed search.")
class SearchRelaxation:
    kind: RelaxationKind = strawberry.field(description="How it was relaxed.")
    occupation_codes: list[str] = strawberry.field(
        description="SSYK codes of the occupations searched instead of the text "
                    "(OCCUPATIONS).")
    words: list[str] = strawberry.field(
        description="The words of the text that pointed to them (OCCUPATIONS).")
    region_code: str | None = strawberry.field(
        description="The region searched instead of the municipality (WIDER_PLACE).")

    @classmethod
    def build(cls, relaxed: relaxation.Relaxation | None) -> SearchRelaxation | None:
        if relaxed is None:
            return None
        return cls(kind=from_core(relaxed.kind, RelaxationKind),
                   occupation_codes=list(relaxed.occupations), words=list(relaxed.words),
                   region_code=relaxed.region)
