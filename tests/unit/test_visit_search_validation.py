"""The visit search checks its filter's codes as the course search does (no I/O)."""

from __future__ import annotations

import pytest

from core.errors import InputError
from core.reference import load_reference
from core.visitsearch.model import VisitFilter, VisitSearchRequest
from core.visitsearch.service import VisitSearchService


@pytest.fixture(scope="module")
def service() -> VisitSearchService:
    return VisitSearchService(load_reference(), max_page_size=100)


def test_danish_and_norwegian_places_are_known(service: VisitSearchService) -> None:
    # the codes a Danish or Norwegian visit's region and municipality facets answer with
    where = VisitFilter(regions=("12", "DK-1084", "NO-03"),
                        municipalities=("1280", "DK-0101", "NO-0301"))
    assert service.validate(VisitSearchRequest(filter=where)) is None


@pytest.mark.parametrize(("where", "argument"), [
    (VisitFilter(regions=("99",)), "filter.regions"),
    (VisitFilter(municipalities=("DK-9999",)), "filter.municipalities"),
    (VisitFilter(occupation_fields=("no-such-field",)), "filter.occupationFields"),
    (VisitFilter(occupations=('7212" OR x = "1',)), "filter.occupations"),
    (VisitFilter(languages=("swe",)), "filter.languages"),
    (VisitFilter(providers=("5590123456",)), "filter.providers"),
])
def test_unknown_or_malformed_codes_are_named(service: VisitSearchService,
                                              where: VisitFilter, argument: str) -> None:
    with pytest.raises(InputError) as raised:
        service.validate(VisitSearchRequest(filter=where))
    assert raised.value.argument == argument
