"""The GraphQL ``Course`` type: every field of a course's feed record, its provider and visits."""

from __future__ import annotations

import datetime
from typing import Annotated

import strawberry
from strawberry.types import Info

from api.context import Context
from api.search import enums
from api.search.enums import from_core, to_core
from api.search.loaders import seats_taken_loader
from api.search.types import Address, GeoPoint, Municipality, OccupationField, Region, StudyVisit
from core import reference as ref
from core.reference import Reference
from core.search.documents import CourseRecord
from core.search.fees import DANISH_CURRENCY, EducationLevel, danish_fee_for
from core.search.geography import find_municipality, find_region


@strawberry.type(description="The occupation a course leads to.")
class CourseOccupation:
    code: str = strawberry.field(description="SSYK 2012 code (four digits).")
    name: str = strawberry.field(description="Swedish name.")
    name_en: str | None = strawberry.field(description="English name, when known.")


@strawberry.type(description="Where a course takes place; for distance courses the "
                             "provider's office.")
class CourseLocation:
    municipality: Municipality = strawberry.field(description="The municipality.")
    region: Region = strawberry.field(description="The region.")
    address: Address = strawberry.field(description="The address.")
    coordinates: GeoPoint = strawberry.field(description="The place on the map.")
    coordinates_approximate: bool = strawberry.field(
        description="True when the feed gave no coordinates and the municipality's centre "
                    "is used.")


@strawberry.type(description="When a course runs: fixed dates or continuous intake.")
class Intake:
    type: enums.IntakeType = strawberry.field(description="Fixed dates or continuous intake.")
    start_date: datetime.date | None = strawberry.field(description="First day (fixed intake).")
    end_date: datetime.date | None = strawberry.field(description="Last day (fixed intake).")
    duration_weeks: int = strawberry.field(
        description="Length in weeks (computed from the dates for fixed intake).")


@strawberry.type(description="Full time, or part time with its share of full time.")
class CoursePace:
    type: enums.Pace = strawberry.field(description="Full or part time.")
    percent: int = strawberry.field(description="Percentage of full time (100 for full time).")


@strawberry.type(description="Who may take part.")
class Eligibility:
    minimum_age: int = strawberry.field(description="Minimum age in years.")
    requirements: str | None = strawberry.field(description="Requirements in Swedish.")
    requirements_en: str | None = strawberry.field(description="Requirements in English.")


@strawberry.type(description="A fee the participant pays.")
class Fee:
    amount: int = strawberry.field(description="Amount in whole currency units.")
    currency: str = strawberry.field(description="ISO 4217 currency code.")
    note: str | None = strawberry.field(description="What the fee covers.")


@strawberry.type(description="A contact person.")
class Contact:
    name: str = strawberry.field(description="Name.")
    email: str = strawberry.field(description="E-mail address.")
    phone: str | None = strawberry.field(description="Phone number.")


@strawberry.type(description="The training provider of a course.")
class CourseProvider:
    organisation_number: str = strawberry.field(
        description="National identifier: Swedish organisation number NNNNNN-NNNN, Danish "
                    "CVR number (8 digits), Norwegian organisation number (9 digits).")
    name: str = strawberry.field(description="Name.")


@strawberry.type(description="A labour-market training course.")
class Course:
    id: strawberry.ID = strawberry.field(description="The course's service-wide id.")
    provider_course_id: str = strawberry.field(description="The provider's own id of the course.")
    title: str = strawberry.field(description="Title in Swedish.")
    title_en: str | None = strawberry.field(description="Title in English.")
    description: str = strawberry.field(description="Description in Swedish.")
    description_en: str | None = strawberry.field(description="Description in English.")
    occupation: CourseOccupation = strawberry.field(description="The occupation it leads to.")
    occupation_field: OccupationField = strawberry.field(description="The occupation field.")
    programme_type: enums.ProgrammeType = strawberry.field(description="The programme type.")
    location: CourseLocation = strawberry.field(description="Where it takes place.")
    intake: Intake = strawberry.field(description="When it runs.")
    pace: CoursePace = strawberry.field(description="Full or part time.")
    schedule: list[enums.Schedule] = strawberry.field(description="When teaching takes place.")
    delivery: enums.Delivery = strawberry.field(description="On site, distance or blended.")
    is_distance: bool = strawberry.field(description="True for distance courses.")
    languages: list[str] = strawberry.field(
        description="Languages of instruction (ISO 639-1).")
    eligibility: Eligibility = strawberry.field(description="Who may take part.")
    certificate: str | None = strawberry.field(description="Certificate awarded on completion.")
    participation_fee: Fee | None = strawberry.field(
        description="The participant's fee; null when the feed states none.")
    free_of_charge: bool = strawberry.field(description="True when there is nothing to pay.")
    places: int = strawberry.field(description="Number of participant places.")
    supervisors: int | None = strawberry.field(description="Number of supervisors.")
    contact: Contact = strawberry.field(description="Contact person for the course.")
    url: str = strawberry.field(description="The course's page at the provider.")
    provider: CourseProvider = strawberry.field(description="The training provider.")
    country: enums.Country = strawberry.field(description="The provider's country.")
    record: strawberry.Private[CourseRecord]

    @strawberry.field(description="\"My fee\": the participation fee that applies to a "
                                  "participant with this education level. Danish courses: the "
                                  "low fee up to vocational level, the full fee with a higher "
                                  "education, 0 when exempt (education, social and healthcare "
                                  "fields; skills assessments; basic skills with another "
                                  "course); in DKK. Null for Swedish and Norwegian courses "
                                  "(see participationFee).")
    def fee_for_education_level(
        self,
        education_level: Annotated[enums.EducationLevel, strawberry.argument(
            description="The participant's highest completed education.")],
    ) -> Fee | None:
        amount = danish_fee_for(self.record.danish_fee,
                                to_core(education_level, EducationLevel))
        return None if amount is None else Fee(amount=amount, currency=DANISH_CURRENCY,
                                               note=None)

    @strawberry.field(description="Study visits that have not started yet, earliest first, "
                                  "with the seats left.")
    async def study_visits(self, info: Info[Context, None]) -> list[StudyVisit]:
        upcoming = self.record.upcoming_visits(datetime.datetime.now(datetime.UTC))
        if not upcoming:
            return []
        taken = await seats_taken_loader(info).load_many([v.id for v in upcoming])
        return [StudyVisit.build(visit, count) for visit, count in
                zip(upcoming, taken, strict=True)]

    @classmethod
    def build(cls, record: CourseRecord, reference: Reference) -> Course:
        r = record
        # The indexer checked these codes against the reference data; should the data have
        # changed since, the document's own names stand in.
        municipality = find_municipality(reference, r.municipality_code) or ref.Municipality(
            r.municipality_code, r.municipality_name, r.region_code, r.location.lat,
            r.location.lon)
        region = find_region(reference, r.region_code) or ref.Region(
            r.region_code, r.region_name, r.region_name)
        field = reference.occupation_fields.get(r.occupation_field) or ref.OccupationField(
            r.occupation_field, r.occupation_field, r.occupation_field, r.occupation_field,
            r.occupation_field)
        return cls(
            id=strawberry.ID(r.id),
            provider_course_id=r.course_id,
            title=r.title,
            title_en=r.title_en,
            description=r.description,
            description_en=r.description_en,
            occupation=CourseOccupation(code=r.occupation_code, name=r.occupation_name,
                                        name_en=r.occupation_name_en),
            occupation_field=OccupationField.build(field),
            programme_type=from_core(r.programme_type, enums.ProgrammeType),
            location=CourseLocation(
                municipality=Municipality.build(municipality),
                region=Region.build(region),
                address=Address.build(r.address),
                coordinates=GeoPoint(lat=r.location.lat, lon=r.location.lon),
                coordinates_approximate=r.coordinates_from_municipality,
            ),
            intake=Intake(type=from_core(r.intake, enums.IntakeType), start_date=r.start_date,
                          end_date=r.end_date, duration_weeks=r.duration_weeks),
            pace=CoursePace(type=from_core(r.pace, enums.Pace), percent=r.pace_percent),
            schedule=[from_core(s, enums.Schedule) for s in r.schedule],
            delivery=from_core(r.delivery, enums.Delivery),
            is_distance=r.is_distance,
            languages=list(r.languages),
            eligibility=Eligibility(minimum_age=r.minimum_age, requirements=r.requirements,
                                    requirements_en=r.requirements_en),
            certificate=r.certificate,
            participation_fee=None if r.fee is None else Fee(
                amount=r.fee.amount, currency=r.fee.currency, note=r.fee.note),
            free_of_charge=r.is_free,
            places=r.places,
            supervisors=r.supervisors,
            contact=Contact(name=r.contact.name, email=r.contact.email, phone=r.contact.phone),
            url=r.url,
            provider=CourseProvider(organisation_number=r.provider_org_number,
                                    name=r.provider_name),
            country=enums.Country(r.country),
            record=r,
        )
