"""How the search service reads a text: the place it names, the relaxed search of a dead
end (pure functions on requests; the service applies them, see ``service.py``).

The finders are in :mod:`core.search.places` and :mod:`core.search.relaxation`; this
module decides when they apply and what they do to a request, so that the service keeps
to planning and reading searches.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace

from core.nordic_reference import Country
from core.reference import Reference
from core.search.geography import find_municipality
from core.search.model import CourseFilter, Near, SearchRequest
from core.search.places import PlaceFinder, PlaceInterpretation, PlaceKind
from core.search.relaxation import Relaxation, RelaxationKind, Relaxer
from core.search.vocabulary import Language

_LANGUAGE_COUNTRY = {Language.DA: Country.DK, Language.NB: Country.NO}


@dataclass(frozen=True, slots=True)
class Understanding:
    """How the service reads a search text (settings; the relevance bench compares them).

    ``interpret_places``: a place named in the text filters by that place (0 km radius:
    the municipality or region itself; more: the circle around the municipality's centre).
    ``relax_dead_ends``: a text that finds nothing gets one more, relaxed search.
    """

    interpret_places: bool = True
    place_radius_km: float = 0.0
    relax_dead_ends: bool = True
    # Meilisearch's rule for which words a search may leave out: "frequency" drops the
    # commonest first ("kurs svets" keeps "svets"), "last" the last ones first.
    matching_strategy: str = "frequency"


DEFAULT_UNDERSTANDING = Understanding()


class Reader:
    """Applies an :class:`Understanding` with the place names and job-title words built
    once from the reference data."""

    def __init__(self, reference: Reference, understanding: Understanding) -> None:
        self.reference = reference
        self.understanding = understanding
        self.places = PlaceFinder(reference)
        self.relaxer = Relaxer(reference)

    def place(self, request: SearchRequest, scope: Sequence[str]) -> PlaceInterpretation | None:
        """The place the text names, unless the client placed the search itself."""
        f = request.filter
        if (not self.understanding.interpret_places or not request.interpret_place or scope
                or f.regions or f.municipalities or request.near is not None):
            return None
        return self.places.find(request.query, place_countries(request))

    def restricted(self, request: SearchRequest, found: PlaceInterpretation) -> SearchRequest:
        """The request without the place's words, restricted to the place."""
        place, radius = found.place, self.understanding.place_radius_km
        if place.kind is PlaceKind.REGION:
            return replace(request, query=found.query,
                           filter=replace(request.filter, regions=(place.code,)))
        if radius > 0:
            return replace(request, query=found.query,
                           near=Near(radius_km=radius, municipality_code=place.code))
        return replace(request, query=found.query,
                       filter=replace(request.filter, municipalities=(place.code,)))

    def relaxation(self, request: SearchRequest, place: PlaceInterpretation | None
                   ) -> Relaxation | None:
        """How to relax a planned request (text and place applied) that found nothing, or
        None: never the client's own filters, which its facets explain."""
        if not self.understanding.relax_dead_ends:
            return None
        chosen = replace(request.filter, distance_courses=CourseFilter().distance_courses)
        near = request.near
        if place is not None:
            chosen, near = replace(chosen, municipalities=(), regions=()), None
        if chosen != CourseFilter() or near is not None:
            return None
        if place is not None and place.place.kind is PlaceKind.MUNICIPALITY:
            municipality = find_municipality(self.reference, place.place.code)
            assert municipality is not None  # the finder's places are the reference's
            return Relaxation(RelaxationKind.WIDER_PLACE, region=municipality.region_code)
        return self.relaxer.relax(request.query)

    def did_you_mean(self, request: SearchRequest, total: int) -> tuple[str, ...]:
        """Job titles spelled like the text of a search that found nothing."""
        if total or not request.query.strip():
            return ()
        return tuple(self.relaxer.did_you_mean(request.query))


def place_countries(request: SearchRequest) -> tuple[Country, ...]:
    """Whose place names a text may name, the first winning a name of two countries
    ("Lund"): the country filter's countries, or else every country, the one of the
    search's language (Danish, Norwegian; Sweden for the others) first."""
    if request.filter.countries:
        return tuple(Country(code) for code in request.filter.countries)
    own = _LANGUAGE_COUNTRY.get(request.language, Country.SE)
    return (own, *(country for country in Country if country is not own))


def relaxed_request(request: SearchRequest, relaxation: Relaxation) -> SearchRequest:
    """The request of a relaxed search."""
    if relaxation.kind is RelaxationKind.WIDER_PLACE:
        assert relaxation.region is not None
        return replace(request, near=None, filter=replace(
            request.filter, municipalities=(), regions=(relaxation.region,)))
    return replace(request, query="", filter=replace(
        request.filter, occupations=relaxation.occupations))
