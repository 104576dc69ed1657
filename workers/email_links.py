"""The public links a jobseeker's email carries besides its action links: the course
page and a search for similar courses on the reference page (its routes ``#/course/ID``
and ``#/?occupations=…``), and a map of the visit's address."""

from __future__ import annotations

from urllib.parse import quote, urlencode

from core.settings import Settings
from core.visits.models import Language, Visit

MAP_SEARCH = "https://www.openstreetmap.org/search"


def course_url(settings: Settings, visit: Visit) -> str:
    return f"{settings.public_base_url}/#/course/{quote(visit.course_id, safe='')}"


def similar_courses_url(settings: Settings, visit: Visit, language: Language) -> str:
    """Courses for the same occupation with upcoming study visits (the page's occupation
    filter); by the course title when the registration predates the occupation code."""
    wanted = ({"occupations": visit.occupation_code} if visit.occupation_code
              else {"query": visit.title(language)})
    query = urlencode({**wanted, "visits": "1"})
    return f"{settings.public_base_url}/#/?{query}"


def map_url(visit: Visit) -> str:
    return f"{MAP_SEARCH}?{urlencode({'query': visit.address.one_line()})}"
