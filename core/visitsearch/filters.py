"""Meilisearch filter expressions of a visit search (pure functions).

Every client value goes through :func:`core.meili_filter.quote`. Facet selections are
built per facet, so a disjunctive facet's counts can leave out its own selection.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, datetime, time, timedelta

from core.meili_filter import quote, quote_list
from core.search.geo import geo_radius_filter
from core.search.model import GeoCircle
from core.visitsearch.model import LOCAL_TIME, VisitFacet, VisitFilter


def day_start_ts(day: date) -> int:
    """The Unix time of a Swedish calendar day's first second."""
    return int(datetime.combine(day, time.min, LOCAL_TIME).timestamp())


def facet_clause(facet: VisitFacet, values: tuple[str | int, ...]) -> str | None:
    if not values:
        return None
    return f"{facet.value} IN {quote_list(values)}"


def full_visits_clause(taken: Mapping[str, int]) -> str | None:
    """Visits with no seat left, from the seats taken of the visits that have registrations:
    one ``visitId IN [...] AND capacity <= n`` group per distinct number of seats taken."""
    by_count: dict[int, list[str]] = {}
    for visit_id, count in taken.items():
        if count > 0:
            by_count.setdefault(count, []).append(visit_id)
    groups = [f"(visitId IN {quote_list(sorted(ids))} AND capacity <= {count})"
              for count, ids in sorted(by_count.items())]
    return " OR ".join(groups) if groups else None


def open_for_registration_clause(now_ts: int, default_closes_hours: int) -> str:
    """Visits whose closing time (:mod:`core.visits.closing`) is still ahead: their own
    (``registrationClosesTs``), else the service's default before the start."""
    default_cutoff = now_ts + default_closes_hours * 3600
    return (f"(registrationClosesTs EXISTS AND registrationClosesTs > {quote(now_ts)}) OR "
            f"(registrationClosesTs NOT EXISTS AND startTs > {quote(default_cutoff)})")


def base_clauses(where: VisitFilter, circle: GeoCircle | None, now_ts: int,
                 full: str | None, default_closes_hours: int) -> list[str]:
    """The clauses that are not facet selections: upcoming, dates, place, seats left,
    open for registration."""
    clauses = [f"startTs > {quote(now_ts)}"]
    if where.date_from is not None:
        clauses.append(f"startTs >= {quote(day_start_ts(where.date_from))}")
    if where.date_to is not None:
        clauses.append(f"startTs < {quote(day_start_ts(where.date_to + timedelta(days=1)))}")
    if circle is not None:
        clauses.append(geo_radius_filter(circle))
    if where.only_with_seats_left and full is not None:
        clauses.append(f"NOT ({full})")
    if where.only_open_for_registration:
        clauses.append(open_for_registration_clause(now_ts, default_closes_hours))
    return clauses


def expression(clauses: list[str]) -> str:
    return " AND ".join(f"({clause})" for clause in clauses)


def facet_clauses(where: VisitFilter, leave_out: VisitFacet | None = None) -> list[str]:
    """The facet selections, except ``leave_out``'s (for its own disjunctive counts)."""
    found = []
    for facet in VisitFacet:
        if facet is leave_out:
            continue
        clause = facet_clause(facet, where.selected(facet))
        if clause is not None:
            found.append(clause)
    return found
