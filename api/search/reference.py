"""Reference-data queries, so that a frontend can build its menus (no Meilisearch involved)."""

from __future__ import annotations

from typing import Annotated

import strawberry
from strawberry.types import Info

from api.context import Context
from api.search import enums
from api.search.enums import to_core
from api.search.results import FacetValue
from api.search.runtime import search_runtime
from api.search.types import FacetLabel, Municipality, Occupation, OccupationField, Region
from core.errors import InputError
from core.nordic_reference import Country
from core.search.attributes import NUMERIC_FACETS, Facet
from core.search.facets import FacetValueCount
from core.search.vocabulary import Language, pick


@strawberry.type(description="Reference data: regions, municipalities, occupations, labels.")
class ReferenceQuery:
    @strawberry.field(description="Every region of a country, by code: Swedish län, Danish "
                                  "regions, Norwegian fylker (their codes with the country, "
                                  "DK-1084, as filters and facets have them).")
    def regions(
        self,
        info: Info[Context, None],
        country: Annotated[enums.Country, strawberry.argument(
            description="The country.")] = enums.Country.SE,
    ) -> list[Region]:
        menus = search_runtime(info).menus
        return [Region.build(r) for r in menus.regions_by_country[to_core(country, Country)]]

    @strawberry.field(description="Municipalities by name: of a country, or of some regions "
                                  "(of any country).")
    def municipalities(
        self,
        info: Info[Context, None],
        region_codes: Annotated[list[str] | None, strawberry.argument(
            description="Only the municipalities of these regions.")] = None,
        country: Annotated[enums.Country, strawberry.argument(
            description="The country, when no regions are given.")] = enums.Country.SE,
    ) -> list[Municipality]:
        menus = search_runtime(info).menus
        if region_codes is None:
            return [Municipality.build(m)
                    for m in menus.municipalities_by_country[to_core(country, Country)]]
        unknown = [code for code in region_codes if code not in menus.municipalities_by_region]
        if unknown:
            raise InputError("regionCodes", f"{unknown[0]!r} is not a known region code")
        chosen = [m for code in dict.fromkeys(region_codes)
                  for m in menus.municipalities_by_region[code]]
        return [Municipality.build(m) for m in sorted(chosen, key=lambda m: m.name)]

    @strawberry.field(description="Every occupation field.")
    def occupation_fields(self, info: Info[Context, None]) -> list[OccupationField]:
        return [OccupationField.build(f) for f in search_runtime(info).menus.occupation_fields]

    @strawberry.field(description="Occupations (SSYK) with job titles, all or those of some "
                                  "occupation fields.")
    def occupations(
        self,
        info: Info[Context, None],
        field_ids: Annotated[list[str] | None, strawberry.argument(
            description="Only the occupations of these fields.")] = None,
    ) -> list[Occupation]:
        wanted = None if field_ids is None else set(field_ids)
        return [Occupation.build(o) for o in search_runtime(info).menus.occupations
                if wanted is None or o.field in wanted]

    @strawberry.field(description="The values a facet can take, with labels in a language "
                                  "(not for numeric facets).")
    def facet_labels(
        self,
        info: Info[Context, None],
        attribute: Annotated[enums.FacetAttribute, strawberry.argument(description="The facet.")],
        language: Annotated[enums.Language, strawberry.argument(
            description="Language of the labels.")] = enums.Language.SV,
    ) -> list[FacetLabel]:
        facet = to_core(attribute, Facet)
        if facet in NUMERIC_FACETS:
            raise InputError("attribute", f"{facet.name} is numeric and has no fixed values")
        lang = to_core(language, Language)
        labeller = search_runtime(info).service.labeller
        result = []
        for value, labels in labeller.known_values(facet):
            shown = FacetValue.build(facet, FacetValueCount(value, pick(labels, lang), 0, False))
            result.append(FacetLabel(value=shown.value, label=shown.label))
        return result
