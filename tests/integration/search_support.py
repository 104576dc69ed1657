"""Helpers of the search API tests: the running app, and expectations computed from the feeds.

The expectations read the feed records themselves (not the search documents), so that the
tests check the indexer's mapping and the API together against the source of truth.
"""

from __future__ import annotations

import contextlib
import datetime
import json
import math
from collections import Counter
from collections.abc import AsyncIterator, Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
from meilisearch import Client
from starlette.applications import Starlette

from api.app import create_app
from core.meili_http import Exchange
from core.reference import load_reference
from core.settings import Settings
from indexer.loader import CourseIndexer

EARTH_RADIUS_KM = 6371.0


@dataclass(frozen=True)
class FeedCourse:
    """What the feed says about one course, in the terms the tests need."""

    id: str
    provider: str
    provider_name: str
    region: str
    municipality: str
    occupation_field: str
    ssyk: str
    programme_type: str
    pace: str
    schedule: frozenset[str]
    delivery: str
    languages: frozenset[str]
    start: datetime.date | None
    weeks: int
    minimum_age: int
    visit_starts: tuple[datetime.datetime, ...]
    free: bool
    lat: float
    lon: float
    raw: dict[str, Any] = field(compare=False, repr=False)

    @property
    def distance(self) -> bool:
        return self.delivery == "distance"

    def has_upcoming_visits(self, now: datetime.datetime) -> bool:
        return any(start > now for start in self.visit_starts)


def feed_courses(feeds: Iterable[dict[str, Any]]) -> list[FeedCourse]:
    reference = load_reference()
    result = []
    for feed in feeds:
        provider = feed["provider"]
        org = provider["organisationNumber"]
        for course in feed["courses"]:
            location = course["location"]
            municipality = reference.municipalities[location["municipalityCode"]]
            coordinates = location.get("coordinates") or {"lat": municipality.lat,
                                                          "lon": municipality.lon}
            intake = course["intake"]
            if intake["type"] == "fixed":
                start = datetime.date.fromisoformat(intake["startDate"])
                end = datetime.date.fromisoformat(intake["endDate"])
                weeks = max(1, math.ceil(((end - start).days + 1) / 7))
            else:
                start, weeks = None, intake["durationWeeks"]
            fee = course.get("participationFee")
            result.append(FeedCourse(
                id=f"{org.replace('-', '')}-{course['id']}",
                provider=org,
                provider_name=provider["name"],
                region=municipality.region_code,
                municipality=municipality.code,
                occupation_field=course["occupationField"],
                ssyk=course["occupation"]["ssyk"],
                programme_type=course["programmeType"],
                pace=course["pace"]["type"],
                schedule=frozenset(course["schedule"]),
                delivery=course["delivery"],
                languages=frozenset(course["languages"]),
                start=start,
                weeks=weeks,
                minimum_age=course["eligibility"]["minimumAge"],
                visit_starts=tuple(datetime.datetime.fromisoformat(v["start"])
                                   for v in course["studyVisits"]),
                free=not fee or fee["amount"] == 0,
                lat=coordinates["lat"],
                lon=coordinates["lon"],
                raw=course,
            ))
    return result


def haversine_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    h = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * EARTH_RADIUS_KM * math.asin(math.sqrt(h))


def count_values(courses: Iterable[FeedCourse], value: Callable[[FeedCourse], Any]
                 ) -> Counter[str]:
    """Facet counts: one per course and value (set-valued attributes count each element)."""
    counts: Counter[str] = Counter()
    for course in courses:
        values = value(course)
        if isinstance(values, frozenset | set | tuple | list):
            counts.update(str(v) for v in values)
        else:
            counts[str(values)] += 1
    return counts


@dataclass
class Api:
    """The app behind an in-process HTTP client, with every request it sent to Meilisearch."""

    app: Starlette
    client: httpx.AsyncClient
    meili_requests: list[httpx.Request] = field(default_factory=list)
    meili_responses: list[httpx.Response] = field(default_factory=list)

    async def post(self, query: str, variables: dict[str, Any] | None = None
                   ) -> dict[str, Any]:
        response = await self.client.post("/graphql",
                                          json={"query": query, "variables": variables or {}})
        assert response.status_code == 200, response.text
        body: dict[str, Any] = response.json()
        return body

    async def data(self, query: str, variables: dict[str, Any] | None = None
                   ) -> dict[str, Any]:
        body = await self.post(query, variables)
        assert "errors" not in body, body["errors"]
        data: dict[str, Any] = body["data"]
        return data

    async def errors(self, query: str, variables: dict[str, Any] | None = None
                     ) -> list[dict[str, Any]]:
        body = await self.post(query, variables)
        assert body.get("errors"), body
        errors: list[dict[str, Any]] = body["errors"]
        return errors


@contextlib.asynccontextmanager
async def running_api(settings: Settings, compiled_search: bool = True) -> AsyncIterator[Api]:
    """The app with its lifespan run, served through httpx's ASGI transport."""
    app = create_app(settings, compiled_search)
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as client:
            api = Api(app, client)
            meili: httpx.AsyncClient = app.state.resources.meili

            async def on_request(request: httpx.Request) -> None:
                api.meili_requests.append(request)

            async def on_response(response: httpx.Response) -> None:
                api.meili_responses.append(response)

            meili.event_hooks["request"].append(on_request)
            meili.event_hooks["response"].append(on_response)

            def on_search(exchange: Exchange) -> None:  # the search path's own client
                request = httpx.Request("POST", exchange.url, headers=exchange.request_headers,
                                        content=exchange.request_body)
                api.meili_requests.append(request)
                api.meili_responses.append(httpx.Response(
                    exchange.status, headers=exchange.headers, content=exchange.body,
                    request=request))

            app.state.search.multi_search.http.observers.append(on_search)
            yield api


SEARCH = """
query Search($query: String!, $filter: CourseFilterInput, $near: NearInput,
             $sort: CourseSort!, $first: Int!, $after: String) {
  searchCourses(query: $query, filter: $filter, near: $near, sort: $sort, first: $first,
                after: $after) {
    totalCount
    pageInfo { hasNextPage hasPreviousPage startCursor endCursor }
    edges { cursor distanceKm node { id } }
  }
}
"""


async def search_all(api: Api, *, query: str = "", filter: dict[str, Any] | None = None,
                     near: dict[str, Any] | None = None, sort: str = "RELEVANCE",
                     page_sizes: Iterable[int] = (100,)) -> tuple[list[dict[str, Any]], int]:
    """Every edge of a search, page by page (page sizes cycle); and the total count."""
    sizes = list(page_sizes)
    edges: list[dict[str, Any]] = []
    after = None
    total = -1
    for number in range(10_000):
        data = await api.data(SEARCH, {
            "query": query, "filter": filter, "near": near, "sort": sort,
            "first": sizes[number % len(sizes)], "after": after,
        })
        page = data["searchCourses"]
        total = page["totalCount"]
        edges.extend(page["edges"])
        assert page["pageInfo"]["hasPreviousPage"] is (after is not None)
        if not page["pageInfo"]["hasNextPage"]:
            break
        after = page["pageInfo"]["endCursor"]
    return edges, total


@contextlib.asynccontextmanager
async def api_over_feeds(settings: Settings, feeds: Iterable[dict[str, Any]], folder: Path
                         ) -> AsyncIterator[Api]:
    """The feeds written to ``folder``, rebuilt into ``settings``' index (every record
    accepted), and the app running over it."""
    paths = []
    for number, feed in enumerate(feeds):
        path = folder / f"{number}.json"
        path.write_text(json.dumps(feed, ensure_ascii=False), encoding="utf-8")
        paths.append(path)
    client = Client(settings.meili_url, settings.meili_master_key)
    summary = CourseIndexer(client, settings.meili_index, load_reference(), 120).rebuild(paths)
    assert summary.rejected == 0, [str(r) for r in summary.rejections]
    async with running_api(settings) as running:
        yield running
