"""The search part of the API process: service, provider directory and its refresher.

Started once in the application's lifespan (:func:`start_search`) and reached from
resolvers with :func:`search_runtime`.
"""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass

from strawberry.types import Info

from api.context import Context, Resources
from core import reference as ref
from core.meili_client import meili_search_http
from core.nordic_reference import Country
from core.search.geography import nordic_places
from core.search.meili import MultiSearch
from core.search.providers import ProviderDirectory, keep_fresh, refresh, stop
from core.search.service import SearchService
from core.search.understanding import Understanding

log = logging.getLogger(__name__)

PROVIDER_REFRESH_SECONDS = 60.0


@dataclass(frozen=True)
class Menus:
    """Reference data in menu order, sorted once at start-up. Regions and municipalities are
    Swedish (``regions``, ``municipalities``) and, by country, Danish and Norwegian too
    (their codes with the country, as search documents have them)."""

    regions: list[ref.Region]
    municipalities: list[ref.Municipality]
    municipalities_by_region: dict[str, list[ref.Municipality]]
    occupation_fields: list[ref.OccupationField]
    occupations: list[ref.Occupation]
    regions_by_country: dict[Country, list[ref.Region]]
    municipalities_by_country: dict[Country, list[ref.Municipality]]

    @classmethod
    def build(cls, reference: ref.Reference) -> Menus:
        nordic = nordic_places()
        regions = {Country.SE: [r for _, r in sorted(reference.regions.items())]}
        municipalities = {Country.SE: sorted(reference.municipalities.values(),
                                             key=lambda m: m.name)}
        for country in (Country.DK, Country.NO):
            regions[country] = [r for code, r in sorted(nordic.regions.items())
                                if code.startswith(f"{country}-")]
            municipalities[country] = sorted(
                (m for code, m in nordic.municipalities.items()
                 if code.startswith(f"{country}-")), key=lambda m: m.name)
        by_region: dict[str, list[ref.Municipality]] = {
            region.code: [] for listed in regions.values() for region in listed}
        for listed in municipalities.values():
            for municipality in listed:
                by_region.setdefault(municipality.region_code, []).append(municipality)
        return cls(
            regions=regions[Country.SE],
            municipalities=municipalities[Country.SE],
            municipalities_by_region=by_region,
            occupation_fields=list(reference.occupation_fields.values()),
            occupations=[o for _, o in sorted(reference.occupations.items())],
            regions_by_country=regions,
            municipalities_by_country=municipalities,
        )


@dataclass
class SearchRuntime:
    service: SearchService
    multi_search: MultiSearch
    directory: ProviderDirectory
    menus: Menus
    refresher: asyncio.Task[None] | None = None

    async def aclose(self) -> None:
        if self.refresher is not None:
            await stop(self.refresher)
            self.refresher = None
        await self.multi_search.http.aclose()


async def start_search(resources: Resources,
                       refresh_seconds: float = PROVIDER_REFRESH_SECONDS) -> SearchRuntime:
    """Build the service and load the provider directory (a failure is logged, not fatal)."""
    settings = resources.settings
    directory = ProviderDirectory()
    multi_search = MultiSearch(meili_search_http(settings), settings.meili_index)
    service = SearchService(resources.reference, directory, settings.search_max_page_size,
                            understanding=Understanding(
                                interpret_places=settings.search_interpret_places,
                                place_radius_km=settings.search_place_radius_km,
                                relax_dead_ends=settings.search_relax_dead_ends))
    try:
        await refresh(directory, multi_search)
    except Exception:
        log.warning("the provider directory could not be loaded at start-up", exc_info=True)
    runtime = SearchRuntime(service, multi_search, directory, Menus.build(resources.reference))
    runtime.refresher = asyncio.create_task(
        _refresh_later(directory, multi_search, refresh_seconds), name="provider-directory")
    return runtime


async def _refresh_later(directory: ProviderDirectory, multi_search: MultiSearch,
                         interval: float) -> None:
    await asyncio.sleep(interval)
    await keep_fresh(directory, multi_search, interval)


def search_runtime(info: Info[Context, None]) -> SearchRuntime:
    runtime: SearchRuntime = info.context.request.app.state.search
    return runtime
