"""Shared GraphQL object types: addresses, points, study visits and the reference data.

``StudyVisit`` and ``Address`` are meant for reuse by the study-visit queries and
mutations: build them with :meth:`StudyVisit.build` and :meth:`Address.build`.
"""

from __future__ import annotations

import datetime

import strawberry
from strawberry.types import Info

from api.context import Context
from api.search.loaders import waitlist_length_loader
from api.search.runtime import search_runtime
from core import reference as ref
from core.search import documents


@strawberry.type(description="A postal address.")
class Address:
    street: str = strawberry.field(description="Street and number.")
    postal_code: str = strawberry.field(description="Postal code, e.g. \"212 14\".")
    city: str = strawberry.field(description="Postal town.")

    @classmethod
    def build(cls, address: documents.Address) -> Address:
        return cls(street=address.street, postal_code=address.postal_code, city=address.city)


@strawberry.type(description="A point on the map (WGS 84).")
class GeoPoint:
    lat: float = strawberry.field(description="Latitude in degrees.")
    lon: float = strawberry.field(description="Longitude in degrees.")


@strawberry.type(description="A study visit: a jobseeker visits the provider to find out "
                             "whether the course suits them.")
class StudyVisit:
    id: strawberry.ID = strawberry.field(description="The visit's service-wide id.")
    start: datetime.datetime = strawberry.field(
        description="Start, as an ISO 8601 date-time with the provider's UTC offset.")
    end: datetime.datetime = strawberry.field(description="End (start plus duration).")
    duration_minutes: int = strawberry.field(description="Length in minutes.")
    capacity: int = strawberry.field(description="Number of seats.")
    seats_left: int = strawberry.field(
        description="Seats not yet taken by pending or confirmed registrations.")
    address: Address = strawberry.field(description="Where the visit takes place.")
    closes_hours_before: strawberry.Private[int | None]

    @strawberry.field(description="When registration closes: the visit's own hours before "
                                  "its start, else the service's default; registering from "
                                  "then on answers REGISTRATION_CLOSED.")
    def registration_closes_at(self, info: Info[Context, None]) -> datetime.datetime:
        return self.closes_at(info.context.settings.registration_closes_hours_before)

    def closes_at(self, default_hours: int) -> datetime.datetime:
        """When registration closes, given the service's default hours before the start."""
        hours = default_hours if self.closes_hours_before is None else self.closes_hours_before
        return self.start - datetime.timedelta(hours=hours)

    @strawberry.field(description="How many wait for a seat (registerForStudyVisit with "
                                  "joinWaitlistIfFull); read now.")
    async def waitlist_length(self, info: Info[Context, None]) -> int:
        return await waitlist_length_loader(info).load(str(self.id))

    @classmethod
    def build(cls, visit: documents.Visit, seats_taken: int) -> StudyVisit:
        return cls(
            id=strawberry.ID(visit.id),
            start=visit.start,
            end=visit.end,
            duration_minutes=visit.duration_minutes,
            capacity=visit.capacity,
            seats_left=max(0, visit.capacity - seats_taken),
            address=Address.build(visit.address),
            closes_hours_before=visit.registration_closes_hours_before,
        )


@strawberry.type(description="A region: a Swedish län, a Danish region or a Norwegian fylke.")
class Region:
    code: str = strawberry.field(description="Official code (Swedish two digits; Danish and "
                                             "Norwegian with the country: DK-1084, NO-46).")
    name: str = strawberry.field(description="Name in the country's language.")
    name_en: str = strawberry.field(description="English name (Danish and Norwegian regions: "
                                                "their own name).")

    @classmethod
    def build(cls, region: ref.Region) -> Region:
        return cls(code=region.code, name=region.name, name_en=region.name_en)

    @strawberry.field(description="The region's municipalities, by name.")
    def municipalities(self, info: Info[Context, None]) -> list[Municipality]:
        menus = search_runtime(info).menus
        return [Municipality.build(m) for m in menus.municipalities_by_region.get(self.code, [])]


@strawberry.type(description="A municipality: a Swedish kommun, a Danish or Norwegian "
                             "kommune.")
class Municipality:
    code: str = strawberry.field(description="Official four-digit code (Danish and Norwegian "
                                             "with the country: DK-0101, NO-0301).")
    name: str = strawberry.field(description="Name.")
    region_code: str = strawberry.field(description="Code of its region.")
    centre: GeoPoint = strawberry.field(description="The municipality's centre.")

    @classmethod
    def build(cls, municipality: ref.Municipality) -> Municipality:
        return cls(code=municipality.code, name=municipality.name,
                   region_code=municipality.region_code,
                   centre=GeoPoint(lat=municipality.lat, lon=municipality.lon))


@strawberry.type(description="An occupation field (yrkesområde).")
class OccupationField:
    id: str = strawberry.field(description="Id, e.g. \"halsa-sjukvard\".")
    name: str = strawberry.field(description="Swedish name.")
    name_en: str = strawberry.field(description="English name.")

    @classmethod
    def build(cls, field: ref.OccupationField) -> OccupationField:
        return cls(id=field.id, name=field.name_sv, name_en=field.name_en)


@strawberry.type(description="An occupation: an SSYK 2012 unit group with everyday job "
                             "titles.")
class Occupation:
    code: str = strawberry.field(description="SSYK 2012 code (four digits).")
    name: str = strawberry.field(description="Swedish name.")
    name_en: str = strawberry.field(description="English name.")
    field_id: str = strawberry.field(description="Id of its occupation field.")
    job_titles: list[str] = strawberry.field(description="Everyday Swedish job titles.")
    job_titles_en: list[str] = strawberry.field(description="Everyday English job titles.")

    @classmethod
    def build(cls, occupation: ref.Occupation) -> Occupation:
        return cls(code=occupation.ssyk, name=occupation.name_sv, name_en=occupation.name_en,
                   field_id=occupation.field, job_titles=list(occupation.synonyms_sv),
                   job_titles_en=list(occupation.synonyms_en))


@strawberry.type(description="A value of a facet with its label, for building menus.")
class FacetLabel:
    value: str = strawberry.field(description="The value, as used in filters and facets.")
    label: str = strawberry.field(description="Human label in the requested language.")
