"""Search queries (minimal: free-text course search)."""

from __future__ import annotations

from typing import Any

import strawberry
from strawberry.types import Info

from api.context import Context


@strawberry.type(description="A course in search results.")
class CourseHit:
    id: strawberry.ID = strawberry.field(description="The course's id.")
    title: str = strawberry.field(description="The course title in Swedish.")
    provider_name: str = strawberry.field(description="Name of the training provider.")
    municipality_name: str = strawberry.field(description="Where the course takes place.")


@strawberry.type(description="Course search.")
class SearchQuery:
    @strawberry.field(description="Courses matching a free-text query.")
    async def search_courses(self, info: Info[Context, None], query: str = "",
                             first: int = 20) -> list[CourseHit]:
        resources = info.context.resources
        response = await resources.meili.post(
            f"/indexes/{resources.settings.meili_index}/search",
            json={"q": query, "limit": min(first, 100)},
        )
        response.raise_for_status()
        hits: list[dict[str, Any]] = response.json()["hits"]
        return [
            CourseHit(
                id=strawberry.ID(h["id"]),
                title=h["title"],
                provider_name=h["providerName"],
                municipality_name=h["municipalityName"],
            )
            for h in hits
        ]
