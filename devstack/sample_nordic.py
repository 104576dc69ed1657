"""Danish (AMU) and Norwegian (AMO) providers for the sample feeds (contract 1.1).

A small catalogue of typical courses per country, placed in the larger towns. The
reference data has no kommune centres for Denmark and Norway yet, so each town here
carries its own approximate centre (for sample addresses only).
"""

from __future__ import annotations

import datetime
import math
import random
from dataclasses import dataclass
from typing import Any
from zoneinfo import ZoneInfo

from core.feeds.organisations import cvr_number_is_valid, norwegian_organisation_number_is_valid
from core.nordic_reference import Country, load_nordic_reference

SCHEMA_VERSION = "1.1"


@dataclass(frozen=True, slots=True)
class _Town:
    code: str  # kommune code
    lat: float
    lon: float
    postal_code: str


@dataclass(frozen=True, slots=True)
class _Course:
    title: str
    title_en: str
    code: str  # DISCO-08 (DK) or STYRK-08 (NO)
    occupation: str
    field: str
    description: str
    length: int  # days (DK) or weeks (NO)
    fee: tuple[int, int] | str | None = None  # DK: (low, full) or the exemption reason
    programme: str = "labour_market_training"


_TOWNS = {
    Country.DK: (
        _Town("0101", 55.6761, 12.5683, "2300"), _Town("0751", 56.1629, 10.2039, "8000"),
        _Town("0461", 55.4038, 10.4024, "5000"), _Town("0851", 57.0488, 9.9217, "9000"),
        _Town("0561", 55.4765, 8.4594, "6700"), _Town("0621", 55.4904, 9.4722, "6000"),
        _Town("0657", 56.1393, 8.9738, "7400"), _Town("0370", 55.2299, 11.7609, "4700"),
    ),
    Country.NO: (
        _Town("0301", 59.9139, 10.7522, "0580"), _Town("4601", 60.3913, 5.3221, "5003"),
        _Town("5001", 63.4305, 10.3951, "7010"), _Town("1103", 58.9700, 5.7331, "4006"),
        _Town("4204", 58.1467, 7.9956, "4612"), _Town("5501", 69.6492, 18.9553, "9008"),
        _Town("3301", 59.7439, 10.2045, "3015"), _Town("3403", 60.7945, 11.0680, "2317"),
        _Town("1804", 67.2804, 14.4049, "8006"),
    ),
}

_COURSES = {
    Country.DK: (
        _Course("MAG-svejsning af kantsømme", "MAG welding of fillet welds", "721200",
                "Svejser", "industriell-tillverkning",
                "Du lærer at MAG-svejse kantsømme i alle positioner og at kontrollere dine "
                "svejsninger efter gældende standard.", 10, (180, 1275)),
        _Course("Gaffeltruckcertifikat", "Forklift certificate", "834400", "Truckfører",
                "transport-distribution-lager",
                "Kurset giver dig certifikat til gaffeltruck (B) og lærer dig sikker kørsel "
                "og stabling på lager og terminal.", 5, (150, 1050)),
        _Course("Erhvervsuddannelse til buschauffør", "Bus driver training", "833100",
                "Buschauffør", "transport-distribution-lager",
                "Du får kørekort og grundlæggende kvalifikationsbevis til personbefordring "
                "med bus i rute- og turistkørsel.", 20, (250, 1800)),
        _Course("Rengøring – grundlæggende metoder", "Cleaning – basic methods", "911200",
                "Rengøringsassistent", "sanering-renhallning",
                "Du lærer rengøringsmetoder, kemikalier og ergonomi til rengøring af "
                "kontorer, institutioner og hoteller.", 3, (120, 800)),
        _Course("Køkkenassistent – hygiejne og madlavning",
                "Kitchen assistant – hygiene and cooking", "941200", "Køkkenassistent",
                "hotell-restaurang-storhushall",
                "Kurset giver dig hygiejnecertifikat og grundlæggende madlavning til "
                "kantiner og storkøkkener.", 5, (180, 1275)),
        _Course("El-installation – grundlæggende", "Electrical installation – basics",
                "741100", "Elektriker", "installation-drift-underhall",
                "Du lærer at udføre enkle el-installationer efter stærkstrømsbekendtgørelsen "
                "under instruktion af en autoriseret elinstallatør.", 10, (200, 1500)),
        _Course("Forflytning i social- og sundhedsarbejdet",
                "Patient handling in care work", "532200", "Social- og sundhedshjælper",
                "halsa-sjukvard",
                "Kurset giver dig redskaber til sikker forflytning af borgere i ældreplejen "
                "og på hospitaler.", 3, "education_social_health"),
        _Course("Pædagogisk medhjælper – arbejdet med børn",
                "Pedagogical assistant – working with children", "531100",
                "Pædagogisk medhjælper", "pedagogik",
                "Du lærer om børns udvikling, leg og kommunikation til arbejdet i "
                "daginstitutioner.", 5, "education_social_health"),
        _Course("Individuel kompetencevurdering – lager og logistik",
                "Individual skills assessment – warehouse and logistics", "432100",
                "Lagerarbejder", "transport-distribution-lager",
                "En vurdering af dine kompetencer inden for lager og logistik, så du ved, "
                "hvilke kurser du mangler.", 2, "skills_assessment", "validation"),
        _Course("Læsning og skrivning på lagerarbejdspladsen",
                "Reading and writing in warehouse work", "932100", "Pakkeriarbejder",
                "transport-distribution-lager",
                "Læsning og skrivning taget sammen med et lagerkursus: pluklister, sedler og "
                "digitale håndterminaler.", 5, "basic_skills_with_course"),
    ),
    Country.NO: (
        _Course("Truckfører T1–T4", "Forklift operator", "8344", "Truckfører",
                "transport-distribution-lager",
                "Kurset gir opplæring i sikker bruk av truck og forbereder deg på jobb på "
                "lager og terminal.", 4),
        _Course("Helsefagarbeider – forkurs", "Health worker – preparatory course", "5321",
                "Helsefagarbeider", "halsa-sjukvard",
                "Forkurs med praksis i sykehjem og hjemmetjeneste for deg som vil bli "
                "helsefagarbeider.", 12),
        _Course("Sveiser – AMO", "Welder", "7212", "Sveiser", "industriell-tillverkning",
                "Du lærer MAG- og TIG-sveising og tar sveisesertifikat etter NS-EN ISO 9606.",
                10),
        _Course("Renholdsoperatør", "Cleaning operator", "9112", "Renholder",
                "sanering-renhallning",
                "Opplæring i renholdsmetoder, kjemikalier og HMS for arbeid i kontorer, "
                "skoler og sykehus.", 6),
        _Course("Kokk og kjøkkenassistent", "Cook and kitchen assistant", "5120", "Kokk",
                "hotell-restaurang-storhushall",
                "Du lærer matlaging, hygiene og planlegging av menyer for kantiner og "
                "storkjøkken.", 8),
        _Course("Butikkmedarbeider", "Shop sales assistant", "5223", "Butikkmedarbeider",
                "forsaljning-inkop-marknadsforing",
                "Kurset gir deg kunnskap om salg, kundeservice og kassesystemer, med praksis "
                "i butikk.", 6),
        _Course("Yrkessjåfør buss", "Bus driver", "8331", "Bussjåfør",
                "transport-distribution-lager",
                "Førerkort klasse D og yrkessjåførkompetanse for rute- og turbuss.", 12),
        _Course("Barne- og ungdomsarbeider – grunnkurs", "Childcare worker – basic course",
                "5311", "Barne- og ungdomsarbeider", "pedagogik",
                "Grunnkurs for arbeid i barnehage og skolefritidsordning, med praksis.", 10),
    ),
}

_NAMES = {
    Country.DK: (("Mette", "Lars", "Anne", "Jens", "Camilla", "Søren", "Louise", "Mikkel"),
                 ("Nielsen", "Jensen", "Hansen", "Pedersen", "Andersen", "Christensen",
                  "Larsen", "Sørensen")),
    Country.NO: (("Ingrid", "Ole", "Kari", "Lars", "Nora", "Henrik", "Silje", "Erik"),
                 ("Hansen", "Johansen", "Olsen", "Larsen", "Andersen", "Pedersen", "Nilsen",
                  "Berg")),
}
_PROVIDER_NAMES = {
    Country.DK: ("AMU-center {town} ApS", "{town} Erhvervsskole", "Kompetencecenter {town} A/S"),
    Country.NO: ("{town} Opplæringssenter AS", "AMO-senter {town} AS", "{town} Kompetanse AS"),
}
_STREETS = {
    Country.DK: ("Industrivej", "Vestergade", "Søndergade", "Skolevej", "Håndværkervej"),
    Country.NO: ("Industriveien", "Storgata", "Kirkegata", "Skolegata", "Verkstedveien"),
}
_ZONES = {Country.DK: ZoneInfo("Europe/Copenhagen"), Country.NO: ZoneInfo("Europe/Oslo")}
_LANGUAGE = {Country.DK: "da", Country.NO: "nb"}
_PHONE = {Country.DK: "+45 ", Country.NO: "+47 "}
_ASCII = str.maketrans({"æ": "ae", "ø": "o", "å": "a", "é": "e", " ": "-", "/": "-"})


def extra_providers(swedish_providers: int, share: float) -> int:
    """How many Danish and Norwegian providers make ``share`` of all, beside the Swedish."""
    if not 0.0 <= share < 1.0:
        raise ValueError("the Nordic share must be at least 0 and below 1")
    return round(swedish_providers * share / (1.0 - share))


class _NordicGenerator:
    def __init__(self, rng: random.Random, today: datetime.date) -> None:
        self.rng = rng
        self.today = today
        self.nordic = load_nordic_reference()
        self.numbers: set[str] = set()

    def feed(self, country: Country, index: int, courses: int) -> dict[str, Any]:
        rng = self.rng
        town = _TOWNS[country][index % len(_TOWNS[country])]
        town_name = self.nordic.municipalities[country][town.code].name
        name = rng.choice(_PROVIDER_NAMES[country]).format(town=town_name)
        domain = f"{name.lower().translate(_ASCII).replace('.', '')}-{index}.example"
        provider = {
            "country": str(country),
            "organisationNumber": self._organisation_number(country),
            "name": name,
            "website": f"https://{domain}",
            "contact": {"name": self._person(country), "email": f"kontakt@{domain}"},
        }
        catalogue = list(_COURSES[country])
        rng.shuffle(catalogue)
        return {
            "schemaVersion": SCHEMA_VERSION,
            "generatedAt": datetime.datetime.combine(
                self.today, datetime.time(6, 0), tzinfo=_ZONES[country]).isoformat(),
            "provider": provider,
            "courses": [
                self._course(country, town, domain, catalogue[n % len(catalogue)], n)
                for n in range(courses)
            ],
        }

    def _organisation_number(self, country: Country) -> str:
        digits, valid = ((8, cvr_number_is_valid) if country is Country.DK
                         else (9, norwegian_organisation_number_is_valid))
        while True:
            number = str(self.rng.randint(10 ** (digits - 1) * 3, 10**digits - 1))
            if valid(number) and number not in self.numbers:
                self.numbers.add(number)
                return number

    def _person(self, country: Country) -> str:
        first, last = _NAMES[country]
        return f"{self.rng.choice(first)} {self.rng.choice(last)}"

    def _course(self, country: Country, town: _Town, domain: str, template: _Course,
                n: int) -> dict[str, Any]:
        rng = self.rng
        language = _LANGUAGE[country]
        course_id = f"{'AMU' if country is Country.DK else 'AMO'}-2027-{n + 1:03d}"
        monday = self.today - datetime.timedelta(days=self.today.weekday())
        start = monday + datetime.timedelta(weeks=rng.randint(2, 20))
        days = template.length if country is Country.DK else template.length * 7
        end = start + datetime.timedelta(days=days - 1 if country is Country.DK else days - 3)
        contact = self._person(country)
        distance, angle = 2.0 * math.sqrt(rng.random()), rng.random() * 2 * math.pi
        # As in Swedish feeds, some courses leave their coordinates out: the kommune's centre
        # stands in (core/reference/data: dk_municipalities.json, no_municipalities.json).
        with_coordinates = rng.random() < 0.6
        course: dict[str, Any] = {
            "id": course_id,
            "title": {language: template.title, "en": template.title_en},
            "description": {language: template.description},
            "occupation": {"disco" if country is Country.DK else "styrk": template.code,
                           "name": template.occupation},
            "occupationField": template.field,
            "programmeType": template.programme,
            "location": {
                "municipalityCode": town.code,
                "address": {"street": f"{rng.choice(_STREETS[country])} {rng.randint(1, 60)}",
                            "postalCode": town.postal_code,
                            "city": self.nordic.municipalities[country][town.code].name},
            },
            "intake": {"type": "fixed", "startDate": start.isoformat(),
                       "endDate": end.isoformat()},
            "pace": {"type": "full_time"},
            "schedule": ["daytime"] if rng.random() < 0.8 else ["evening"],
            "delivery": "on_site",
            "languages": [language],
            "eligibility": {"minimumAge": 18 if country is Country.DK else 19},
            "places": rng.choice((8, 10, 12, 14, 16)),
            "contact": {"name": contact,
                        "email": f"{contact.lower().translate(_ASCII)}@{domain}"},
            "studyVisits": self._visits(country, start),
            "url": f"https://{domain}/{course_id.lower()}",
        }
        if with_coordinates:
            course["location"]["coordinates"] = {
                "lat": round(town.lat + distance * math.cos(angle) / 111.32, 5),
                "lon": round(town.lon + distance * math.sin(angle)
                             / (111.32 * math.cos(math.radians(town.lat))), 5),
            }
        if country is Country.DK:
            course["danishFee"] = (
                {"type": "by_education_level", "lowFee": template.fee[0],
                 "fullFee": template.fee[1]}
                if isinstance(template.fee, tuple)
                else {"type": "exempt", "reason": template.fee}
            )
        else:
            course["navCounty"] = town.code[:2]
        return course

    def _visits(self, country: Country, start: datetime.date) -> list[dict[str, Any]]:
        visits = []
        for number in range(self.rng.randint(0, 2)):
            day = start - datetime.timedelta(days=7 * (number + 1) - 1)  # a Tuesday
            if day <= self.today:
                continue
            at = datetime.datetime.combine(day, datetime.time(10 + 3 * number, 0),
                                           tzinfo=_ZONES[country])
            visits.append({"id": f"BES{number + 1}", "start": at.isoformat(),
                           "durationMinutes": 60, "capacity": self.rng.choice((6, 8, 10))})
        return visits


def nordic_feeds(*, providers: int, courses: int, today: datetime.date,
                 seed: int) -> list[dict[str, Any]]:
    """``providers`` Danish and Norwegian feeds (alternately) with ``courses`` in all."""
    if providers == 0:
        return []
    rng = random.Random(f"nordic-{seed}")
    generator = _NordicGenerator(rng, today)
    per_provider = [courses // providers + (1 if i < courses % providers else 0)
                    for i in range(providers)]
    return [
        generator.feed(Country.DK if i % 2 == 0 else Country.NO, i // 2, max(1, count))
        for i, count in enumerate(per_provider)
    ]
