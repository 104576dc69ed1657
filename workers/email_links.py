"""The public links a jobseeker's email carries besides its action links: the course
page and a search for similar courses on the reference page (its routes ``#/course/ID``
and ``#/?query=…``), and a map of the visit's address."""

from __future__ import annotations

from urllib.parse import quote, urlencode

from core.settings import Settings
from core.visits.models import Language, Visit

MAP_SEARCH = "https://www.openstreetmap.org/search"


def course_url(settings: Settings, visit: Visit) -> str:
    return f"{settings.public_base_url}/#/course/{quote(visit.course_id, safe='')}"


def similar_courses_url(settings: Settings, visit: Visit, language: Language) -> str:
    """Courses matching the title with upcoming study visits."""
    query = urlencode({"query": visit.title(language), "visits": "1"})
    return f"{settings.public_base_url}/#/?{query}"


def map_url(visit: Visit) -> str:
    return f"{MAP_SEARCH}?{urlencode({'query': visit.address.one_line()})}"
