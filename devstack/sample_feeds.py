"""Deterministic sample provider feeds in the contract's format (development and tests).

Every value comes from one ``random.Random(seed)`` and the reference date ``today``; nothing
reads the clock, so the same arguments always give the same feeds. Providers, people,
addresses and phone numbers are fictional: every e-mail address and URL uses the reserved
``.example`` top-level domain, and phone numbers come from the ranges the Swedish Post and
Telecom Authority (PTS) keeps for fiction. Municipalities and occupations are the real ones
from the reference data.

Command line: ``python -m devstack sample --out DIR [--providers 80] [--courses 2000]
[--today YYYY-MM-DD] [--seed N]``.
"""

from __future__ import annotations

import argparse
import bisect
import datetime
import itertools
import json
import math
import random
import sys
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Generic, TypeVar
from zoneinfo import ZoneInfo

from core.reference import Municipality, Occupation, Reference, load_reference
from devstack.sample_nordic import extra_providers, nordic_feeds

DEFAULT_SEED = 20261123
SCHEMA_VERSION = "1.0"
STOCKHOLM = ZoneInfo("Europe/Stockholm")

T = TypeVar("T")
SvEn = tuple[str, str]

# --------------------------------------------------------------------------------------------
# Geography
# --------------------------------------------------------------------------------------------

# Population in thousands (rounded), used as weights so the big regions get most providers.
REGION_POPULATION: dict[str, int] = {
    "01": 2450, "03": 400, "04": 300, "05": 470, "06": 370, "07": 205, "08": 247,
    "09": 61, "10": 157, "12": 1420, "13": 345, "14": 1760, "17": 283, "18": 307,
    "19": 280, "20": 288, "21": 287, "22": 244, "23": 132, "24": 275, "25": 250,
}  # fmt: skip

# (genitive, adjective) used in provider names: "Norrbottens Yrkesakademi AB",
# "Skånska Vård & Omsorgsutbildning AB".
_REGION_WORDS: dict[str, SvEn] = {
    "01": ("Stockholms", "Storstockholms"),
    "03": ("Upplands", "Uppländska"),
    "04": ("Sörmlands", "Sörmländska"),
    "05": ("Östergötlands", "Östgötska"),
    "06": ("Jönköpings", "Småländska"),
    "07": ("Kronobergs", "Sydsmåländska"),
    "08": ("Kalmarsunds", "Kalmarsunds"),
    "09": ("Gotlands", "Gotländska"),
    "10": ("Blekinge", "Blekingska"),
    "12": ("Skånes", "Skånska"),
    "13": ("Hallands", "Halländska"),
    "14": ("Västra Götalands", "Västsvenska"),
    "17": ("Värmlands", "Värmländska"),
    "18": ("Örebro läns", "Närkes"),
    "19": ("Västmanlands", "Västmanländska"),
    "20": ("Dalarnas", "Dala"),
    "21": ("Gävleborgs", "Hälsinge"),
    "22": ("Västernorrlands", "Höga Kustens"),
    "23": ("Jämtlands", "Jämtländska"),
    "24": ("Västerbottens", "Västerbottniska"),
    "25": ("Norrbottens", "Norrbottniska"),
}

# First three digits of the postal codes of each region (inclusive range).
_POSTAL_PREFIXES: dict[str, tuple[int, int]] = {
    "01": (111, 199), "03": (740, 759), "04": (611, 649), "05": (580, 619), "06": (550, 578),
    "07": (340, 365), "08": (380, 398), "09": (621, 624), "10": (370, 379), "12": (211, 299),
    "13": (300, 315), "14": (400, 549), "17": (650, 689), "18": (690, 719), "19": (720, 739),
    "20": (770, 799), "21": (800, 829), "22": (850, 899), "23": (830, 849), "24": (900, 939),
    "25": (940, 984),
}  # fmt: skip

# Phone number ranges PTS reserves for fictional use, as (prefix, first, last suffix).
_PHONE_MOBILE = ("+46 70-174 06 ", 5, 99)
_PHONE_BY_REGION: dict[str, tuple[str, int, int]] = {
    "01": ("+46 8-465 004 ", 0, 99),
    "12": ("+46 40-628 04 ", 0, 99),
    "14": ("+46 31-390 06 ", 0, 99),
}

_STREETS = (
    "Storgatan", "Industrigatan", "Verkstadsgatan", "Kunskapsvägen", "Järnvägsgatan",
    "Kyrkogatan", "Drottninggatan", "Kungsgatan", "Hamngatan", "Skolgatan", "Fabriksgatan",
    "Teknikvägen", "Hantverkargatan", "Företagsvägen", "Smedjegatan", "Bangårdsgatan",
    "Lärlingsgatan", "Yrkesvägen", "Norra Vägen", "Södra Långgatan", "Östra Ringvägen",
    "Västra Industrivägen", "Centralvägen", "Gjuterivägen", "Sågverksgatan", "Magasinsgatan",
    "Lagervägen", "Terminalvägen", "Mekanikervägen", "Omsorgsvägen", "Vårdvägen",
    "Parkgatan", "Torggatan", "Ågatan", "Bruksgatan", "Montörgatan", "Elektrikervägen",
    "Svetsarvägen", "Åkerivägen", "Stationsgatan",
)  # fmt: skip

# --------------------------------------------------------------------------------------------
# People and organisations (all fictional)
# --------------------------------------------------------------------------------------------

_FIRST_NAMES = (
    "Anna", "Eva", "Maria", "Karin", "Sara", "Lena", "Emma", "Johanna", "Malin", "Linnéa",
    "Elin", "Ida", "Frida", "Sofia", "Hanna", "Amira", "Fatima", "Leila", "Yasmin", "Aino",
    "Kristina", "Ingrid", "Helena", "Camilla", "Åsa", "Maja", "Jenny", "Therese", "Nadia",
    "Erik", "Lars", "Anders", "Johan", "Per", "Karl", "Mikael", "Peter", "Jonas", "Magnus",
    "Fredrik", "Daniel", "Andreas", "Mattias", "Niklas", "Ahmed", "Mohammed", "Ali", "Hassan",
    "Omar", "Tomas", "Björn", "Oskar", "Gustav", "Emil", "Jesper", "Pekka", "Nils", "Olle",
    "Göran", "Åke", "Jörgen", "Samir", "Dragan", "Tobias",
)  # fmt: skip
_LAST_NAMES = (
    "Andersson", "Johansson", "Karlsson", "Nilsson", "Eriksson", "Larsson", "Olsson",
    "Persson", "Svensson", "Gustafsson", "Pettersson", "Jonsson", "Jansson", "Hansson",
    "Bengtsson", "Jönsson", "Lindberg", "Lindström", "Lindqvist", "Lindgren", "Berg",
    "Axelsson", "Bergström", "Lundberg", "Lundgren", "Lundqvist", "Mattsson", "Berglund",
    "Fredriksson", "Sandberg", "Henriksson", "Forsberg", "Sjöberg", "Wallin", "Engström",
    "Eklund", "Danielsson", "Håkansson", "Lund", "Björk", "Ali", "Hussein", "Nguyen",
    "Yilmaz", "Hadžić", "Korhonen", "Nieminen", "Öberg", "Åberg", "Holm", "Nyström",
    "Strand", "Hedlund", "Sundberg", "Ek", "Rahimi", "Kovačević", "Abdi",
)  # fmt: skip

# Invented words for provider names; combined with a place they make fictional names.
_FANCY_AB = (
    "Fyrtornet", "Kompassrosen", "Nordvind", "Stenbron", "Ledstjärnan", "Tallmon",
    "Ekbacken", "Solgläntan", "Forsen", "Björkudden", "Vägskälet", "Bryggan", "Milstolpen",
)  # fmt: skip
_FANCY_ASSOCIATION = (
    "Stegvis", "Nystegen", "Fyrbåken", "Kompassen", "Brofästet", "Vägvisaren",
    "Startlinjen", "Ljusglimten", "Gemenskapen", "Trappsteget",
)  # fmt: skip

# A provider's line of business, by occupation field, as it appears in its name.
_FIELD_THEME: dict[str, tuple[str, ...]] = {
    "halsa-sjukvard": ("Vård & Omsorgsutbildning", "Vårdakademi", "Omvårdnadsskola"),
    "social-inriktning": ("Omsorgsutbildning", "Stöd & Omsorgsakademi"),
    "transport-distribution-lager": (
        "Trafik- och Transportutbildning",
        "Förarutbildning",
        "Lager & Logistikutbildning",
    ),
    "industriell-tillverkning": (
        "Industriutbildning",
        "Svets & Verkstadsskola",
        "Tillverkningsakademi",
    ),
    "installation-drift-underhall": (
        "Installationsutbildning",
        "El & Teknikskola",
        "Drift & Underhållsutbildning",
    ),
    "bygg-anlaggning": ("Byggutbildning", "Bygg- och Anläggningsskola", "Byggyrkesskola"),
    "hotell-restaurang-storhushall": ("Restaurang- och Kockskola", "Besöksnäringsakademi"),
    "data-it": ("IT-utbildning", "Kodakademi"),
    "administration-ekonomi-juridik": ("Ekonomiutbildning", "Kontorsakademi"),
    "forsaljning-inkop-marknadsforing": ("Handels- och Serviceutbildning", "Säljakademi"),
    "pedagogik": ("Pedagogiska Yrkesskola", "Barn & Fritidsutbildning"),
    "sakerhet-bevakning": ("Säkerhetsutbildning", "Bevakningsakademi"),
    "naturbruk": ("Naturbruksutbildning", "Skogs- och Trädgårdsskola"),
    "sanering-renhallning": ("Serviceutbildning", "Lokalvårdsakademi"),
    "kropps-skonhetsvard": ("Frisörakademi", "Skönhetsskola"),
    "hantverk": ("Hantverksskola", "Bageri- och Snickeriskola"),
    "teknisk-inriktning": ("Teknikutbildning", "Tekniska Yrkesinstitut"),
}

# --------------------------------------------------------------------------------------------
# Occupations: what a course towards each occupation is called, teaches and awards
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Profile:
    """Course content for one occupation: titles, skills, certificates, typical length."""

    weight: int
    titles: tuple[SvEn, ...]
    skills: SvEn
    certificates: tuple[SvEn, ...] = (("Utbildningsintyg", "a certificate of completion"),)
    requirement: SvEn | None = None
    minimum_age: int = 18
    weeks: tuple[int, int] = (8, 26)


_B_LICENCE: SvEn = ("B-körkort krävs.", "A category B driving licence is required.")
_CLEAN_RECORD: SvEn = (
    "Utdrag ur belastningsregistret krävs inför praktiken.",
    "An extract from the criminal records register is required before the work placement.",
)
_CERT_COMPLETION: SvEn = ("Utbildningsintyg", "a certificate of completion")
_CERT_HYGIENE: SvEn = ("Intyg i livsmedelshygien", "a food hygiene certificate")
_CERT_TRUCK: SvEn = ("Truckkort A+B enligt TLP10", "a forklift licence A+B (TLP10)")

PROFILES: dict[str, Profile] = {
    "2512": Profile(
        2,
        (
            ("Systemutvecklare .NET – intensivutbildning", "Software developer .NET – intensive course"),  # noqa: E501
            ("Webbutvecklare – fullstack JavaScript", "Web developer – full-stack JavaScript"),
            ("Mjukvaruutvecklare med inriktning Java", "Software developer specialising in Java"),
        ),
        ("programmering, versionshantering med Git, databaser och agilt arbetssätt",
         "programming, version control with Git, databases and agile ways of working"),
        (_CERT_COMPLETION, ("Intyg med kursplan och projektportfölj",
                            "a certificate with syllabus and project portfolio")),
        ("Grundläggande datorvana och goda kunskaper i engelska.",
         "Basic computer skills and good English."),
        weeks=(16, 26),
    ),
    "3113": Profile(
        1,
        (
            ("Elkonstruktör – CAD och elprojektering", "Electrical designer – CAD and electrical planning"),  # noqa: E501
            ("Eltekniker med inriktning automation", "Electrical technician specialising in automation"),  # noqa: E501
        ),
        ("elkonstruktion i CAD, dimensionering av elanläggningar och elsäkerhetsregler",
         "electrical design in CAD, sizing of electrical installations and electrical safety rules"),  # noqa: E501
        requirement=("Gymnasiekunskaper i matematik och fysik.",
                     "Upper secondary mathematics and physics."),
        weeks=(12, 26),
    ),
    "3313": Profile(
        1,
        (
            ("Redovisningsekonom – yrkesutbildning", "Accountant – vocational training"),
            ("Redovisning och bokslut i praktiken", "Accounting and year-end closing in practice"),
        ),
        ("löpande bokföring, bokslut, moms och digitala affärssystem",
         "bookkeeping, year-end closing, VAT and digital ERP systems"),
        (("Intyg i redovisning", "a certificate in accounting"),),
        ("Goda kunskaper i svenska och matematik motsvarande gymnasienivå.",
         "Good Swedish and upper secondary mathematics."),
        weeks=(12, 26),
    ),
    "3451": Profile(
        1,
        (("Köksmästare och souschef – ledarskap i köket", "Head chef and sous chef – kitchen leadership"),),  # noqa: E501
        ("menyplanering, kalkylering, personalledning och livsmedelshygien",
         "menu planning, costing, staff management and food hygiene"),
        (("Branschintyg i köksledning", "an industry certificate in kitchen management"),),
        ("Minst två års erfarenhet som kock.", "At least two years' experience as a cook."),
        weeks=(8, 16),
    ),
    "3512": Profile(
        3,
        (
            ("IT-supporttekniker – yrkesutbildning", "IT support technician – vocational training"),
            ("Helpdesktekniker med Microsoft 365", "Helpdesk technician with Microsoft 365"),
            ("IT-tekniker – nätverk och support", "IT technician – networks and support"),
        ),
        ("felsökning, nätverk, Windows- och molnmiljöer samt användarsupport",
         "troubleshooting, networking, Windows and cloud environments, and user support"),
        (_CERT_COMPLETION, ("Utbildningsintyg och förberedelse för CompTIA A+",
                            "a certificate of completion and preparation for CompTIA A+")),
        ("Grundläggande datorvana.", "Basic computer skills."),
        weeks=(12, 26),
    ),
    "4111": Profile(
        2,
        (
            ("Ekonomiassistent – yrkesutbildning", "Accounting assistant – vocational training"),
            ("Ekonomiassistent med affärssystem", "Accounting assistant with ERP systems"),
        ),
        ("kund- och leverantörsreskontra, löpande bokföring och fakturering",
         "accounts receivable and payable, bookkeeping and invoicing"),
        requirement=("Grundläggande datorvana.", "Basic computer skills."),
        weeks=(10, 22),
    ),
    "4112": Profile(
        1,
        (("Löneadministratör – yrkesutbildning", "Payroll administrator – vocational training"),),
        ("lönesystem, kollektivavtal, semesterlagen och arbetsgivardeklarationer",
         "payroll systems, collective agreements, annual leave rules and employer returns"),
        weeks=(10, 20),
    ),
    "4117": Profile(
        1,
        (
            ("Vårdadministratör – yrkesutbildning", "Health care administrator – vocational training"),  # noqa: E501
            ("Medicinsk sekreterare – kompletterande utbildning", "Medical secretary – supplementary training"),  # noqa: E501
        ),
        ("medicinsk terminologi, journalsystem, sekretess och patientbemötande",
         "medical terminology, patient record systems, confidentiality and patient contact"),
        requirement=("Goda kunskaper i svenska.", "Good command of Swedish."),
        weeks=(16, 26),
    ),
    "4222": Profile(
        2,
        (
            ("Kundtjänstmedarbetare – yrkesutbildning", "Customer service representative – vocational training"),  # noqa: E501
            ("Kundservice via telefon och chatt", "Customer service by phone and chat"),
        ),
        ("bemötande, konflikthantering, CRM-system och merförsäljning",
         "customer communication, conflict management, CRM systems and upselling"),
        weeks=(6, 14),
    ),
    "4224": Profile(
        1,
        (("Hotellreceptionist – yrkesutbildning", "Hotel receptionist – vocational training"),),
        ("bokningssystem, in- och utcheckning och service på svenska och engelska",
         "booking systems, check-in and check-out, and service in Swedish and English"),
        requirement=("Goda kunskaper i engelska.", "Good English."),
        weeks=(8, 16),
    ),
    "4322": Profile(
        6,
        (
            ("Lager och logistik med truckkort", "Warehouse and logistics with forklift licence"),
            ("Lagermedarbetare – yrkesutbildning", "Warehouse worker – vocational training"),
            ("Terminalarbetare – lager och godshantering", "Terminal worker – warehousing and goods handling"),  # noqa: E501
        ),
        ("godsmottagning, plock och pack, lagersystem och truckkörning",
         "goods receipt, picking and packing, warehouse systems and forklift driving"),
        (_CERT_TRUCK, ("Utbildningsintyg lager och logistik",
                       "a certificate in warehousing and logistics")),
        weeks=(6, 16),
    ),
    "4323": Profile(
        1,
        (("Transportledare – yrkesutbildning", "Transport coordinator – vocational training"),),
        ("transportplanering, ruttoptimering, kör- och vilotider och kundkontakt",
         "transport planning, route optimisation, driving and rest times and customer contact"),
        requirement=("Goda kunskaper i svenska och engelska.", "Good Swedish and English."),
        weeks=(12, 24),
    ),
    "5120": Profile(
        5,
        (
            ("Kock – yrkesutbildning", "Cook – vocational training"),
            ("Kock med inriktning storkök", "Cook specialising in large-scale catering"),
            ("Restaurangkock – à la carte", "Restaurant cook – à la carte"),
        ),
        ("matlagning, råvarukunskap, specialkost och livsmedelshygien",
         "cooking, ingredients, special diets and food hygiene"),
        (("Yrkesbevis kock", "a cook's vocational certificate"), _CERT_HYGIENE),
        weeks=(12, 26),
    ),
    "5131": Profile(
        2,
        (
            ("Servitör/servitris – yrkesutbildning", "Waiter – vocational training"),
            ("Servering och barista", "Table service and barista skills"),
        ),
        ("servering, dryckeskunskap, kassasystem och gästbemötande",
         "table service, beverages, till systems and hospitality"),
        (("Intyg i ansvarsfull alkoholservering", "a certificate in responsible alcohol service"),),
        weeks=(6, 14),
    ),
    "5141": Profile(
        1,
        (
            ("Frisör – yrkesutbildning", "Hairdresser – vocational training"),
            ("Barberare – grundutbildning", "Barber – basic training"),
        ),
        ("klippning, färgning, hårvård och kundbemötande",
         "cutting, colouring, hair care and client service"),
        weeks=(16, 26),
    ),
    "5152": Profile(
        3,
        (
            ("Fastighetsskötare – yrkesutbildning", "Building caretaker – vocational training"),
            ("Fastighetsskötare med inriktning energi och drift", "Building caretaker specialising in energy and operations"),  # noqa: E501
        ),
        ("fastighetsunderhåll, värme- och ventilationssystem, utemiljö och hyresgästkontakt",
         "building maintenance, heating and ventilation, outdoor areas and tenant contact"),
        (("Yrkesbevis fastighetsskötare", "a building caretaker's vocational certificate"),
         ("Utbildningsintyg och certifikat för Heta arbeten", "a certificate of completion and hot work certification")),  # noqa: E501
        ("B-körkort är meriterande.", "A category B driving licence is an advantage."),
        weeks=(12, 26),
    ),
    "5223": Profile(
        3,
        (
            ("Butikssäljare – yrkesutbildning", "Shop sales assistant – vocational training"),
            ("Handel och service – butik", "Retail and service – shop work"),
        ),
        ("försäljning, kassahantering, varuexponering och kundservice",
         "sales, till handling, merchandising and customer service"),
        weeks=(6, 16),
    ),
    "5311": Profile(
        4,
        (
            ("Barnskötare – yrkesutbildning", "Childcare worker – vocational training"),
            ("Barnskötare med språkstöd", "Childcare worker with language support"),
        ),
        ("barns utveckling, lek och lärande, kommunikation och förskolans läroplan",
         "child development, play and learning, communication and the preschool curriculum"),
        (("Yrkesbevis barnskötare", "a childcare worker's vocational certificate"),),
        _CLEAN_RECORD,
        weeks=(20, 26),
    ),
    "5312": Profile(
        2,
        (("Elevassistent – yrkesutbildning", "Teaching assistant – vocational training"),),
        ("stöd till elever i behov av särskilt stöd, NPF-kunskap och samarbete med lärare",
         "supporting pupils with special needs, neurodevelopmental conditions and working with teachers"),  # noqa: E501
        requirement=_CLEAN_RECORD,
        weeks=(12, 24),
    ),
    "5321": Profile(
        10,
        (
            ("Undersköterska – yrkesutbildning", "Assistant nurse – vocational training"),
            ("Undersköterska inom äldreomsorg", "Assistant nurse in elderly care"),
            ("Undersköterska hemtjänst och hemsjukvård", "Assistant nurse in home care and home nursing"),  # noqa: E501
            ("Undersköterska med språkstöd", "Assistant nurse with language support"),
        ),
        ("omvårdnad, vård- och omsorgsarbete, hälsa och bemötande av äldre",
         "nursing care, care work, health and communication with older people"),
        (("Yrkesbevis undersköterska", "the assistant nurse vocational certificate"),
         ("Betyg i vård- och omsorgsprogrammets yrkeskurser",
          "grades in the vocational courses of the health and social care programme")),
        ("Godkänt betyg i svenska eller svenska som andraspråk, grundläggande nivå.",
         "A pass in Swedish or Swedish as a second language at basic level."),
        weeks=(20, 26),
    ),
    "5323": Profile(
        3,
        (
            ("Undersköterska inom akutsjukvård", "Assistant nurse in acute care"),
            ("Undersköterska vårdavdelning – vidareutbildning", "Assistant nurse on hospital wards – further training"),  # noqa: E501
        ),
        ("akut omvårdnad, provtagning, hygienrutiner och patientsäkerhet",
         "acute nursing, sampling, hygiene routines and patient safety"),
        (("Yrkesbevis undersköterska", "the assistant nurse vocational certificate"),),
        ("Erfarenhet av arbete inom vården.", "Experience of working in health care."),
        weeks=(10, 20),
    ),
    "5330": Profile(
        3,
        (
            ("Vårdbiträde – introduktion till vården", "Care assistant – introduction to care work"),  # noqa: E501
            ("Vårdbiträde med svenska för vården", "Care assistant with Swedish for health care"),
        ),
        ("grundläggande omvårdnad, hygien, kommunikation och yrkessvenska",
         "basic care, hygiene, communication and workplace Swedish"),
        (("Utbildningsintyg vårdbiträde", "a care assistant certificate"),),
        weeks=(8, 20),
    ),
    "5341": Profile(
        1,
        (("Skötare inom psykiatri", "Psychiatric care assistant"),),
        ("psykiatrisk omvårdnad, lågaffektivt bemötande, lagstiftning och samtalsmetodik",
         "psychiatric care, low-arousal approaches, legislation and conversation techniques"),
        requirement=("Erfarenhet av vård- och omsorgsarbete.", "Experience of care work."),
        weeks=(10, 20),
    ),
    "5342": Profile(
        2,
        (
            ("Boendestödjare – yrkesutbildning", "Residential support worker – vocational training"),  # noqa: E501
            ("Stödassistent inom LSS", "Support assistant in disability services"),
        ),
        ("LSS och SoL, pedagogiska förhållningssätt, dokumentation och delaktighet",
         "disability and social services law, pedagogical approaches, documentation and participation"),  # noqa: E501
        requirement=_CLEAN_RECORD,
        weeks=(10, 22),
    ),
    "5343": Profile(
        4,
        (
            ("Personlig assistent – yrkesutbildning", "Personal assistant – vocational training"),
            ("Personlig assistent med språkstöd", "Personal assistant with language support"),
        ),
        ("personlig omvårdnad, förflyttningsteknik, LSS och bemötande",
         "personal care, lifting and transfer techniques, disability law and communication"),
        (("Utbildningsintyg personlig assistent", "a personal assistant certificate"),),
        weeks=(6, 16),
    ),
    "5350": Profile(
        1,
        (("Tandsköterska – yrkesutbildning", "Dental nurse – vocational training"),),
        ("assistans vid behandling, sterilteknik, röntgen och patientbemötande",
         "chairside assistance, sterilisation, dental X-ray and patient care"),
        weeks=(20, 26),
    ),
    "5413": Profile(
        3,
        (
            ("Väktare – grundutbildning VU1 och VU2", "Security guard – basic training VU1 and VU2"),  # noqa: E501
            ("Ordningsvakt – förberedande utbildning", "Door supervisor – preparatory course"),
        ),
        ("bevakning, konflikthantering, juridik, första hjälpen och rapportskrivning",
         "patrolling, conflict management, law, first aid and report writing"),
        (("Intyg om genomförd väktarutbildning VU1 och VU2",
          "a certificate of completed guard training VU1 and VU2"),),
        ("Du får inte förekomma i belastningsregistret.",
         "You must have a clean criminal record."),
        weeks=(4, 10),
    ),
    "6113": Profile(
        2,
        (
            ("Trädgårdsanläggare – yrkesutbildning", "Landscape gardener – vocational training"),
            ("Grönyteskötsel och markanläggning", "Green space maintenance and landscaping"),
        ),
        ("plantering, stenläggning, skötsel av grönytor och maskinhantering",
         "planting, paving, green space care and handling machines"),
        (("Utbildningsintyg samt röjsågskörkort", "a certificate of completion and a clearing saw licence"),),  # noqa: E501
        weeks=(10, 24),
    ),
    "6210": Profile(
        2,
        (("Skogsarbetare – röjning och plantering", "Forestry worker – clearing and planting"),),
        ("röjning, plantering, motorsågshantering och skogsvård",
         "clearing, planting, chainsaw handling and forest management"),
        (("Motorsågskörkort A och B", "chainsaw licence A and B"),),
        weeks=(8, 20),
    ),
    "7111": Profile(
        4,
        (
            ("Byggnadssnickare – yrkesutbildning", "Construction carpenter – vocational training"),
            ("Snickare med inriktning renovering", "Carpenter specialising in renovation"),
        ),
        ("stomresning, regling, montering av fönster och dörrar samt ritningsläsning",
         "framing, stud work, fitting windows and doors and reading drawings"),
        (_CERT_COMPLETION, ("Utbildningsintyg och intyg om ställningsutbildning",
                            "a certificate of completion and scaffolding training")),
        weeks=(16, 26),
    ),
    "7112": Profile(
        2,
        (
            ("Plattsättare – yrkesutbildning", "Tiler – vocational training"),
            ("Murare – grundutbildning", "Bricklayer – basic training"),
        ),
        ("murning, putsning, plattsättning och tätskikt i våtrum",
         "bricklaying, rendering, tiling and waterproofing in wet rooms"),
        (("Utbildningsintyg med våtrumsbehörighet", "a certificate including wet room authorisation"),),  # noqa: E501
        weeks=(12, 26),
    ),
    "7113": Profile(
        1,
        (("Betongarbetare – yrkesutbildning", "Concrete worker – vocational training"),),
        ("formsättning, armering, gjutning och arbetsmiljö på byggarbetsplatsen",
         "formwork, reinforcement, casting and safety on the building site"),
        weeks=(10, 20),
    ),
    "7114": Profile(
        2,
        (("Anläggningsarbetare – väg och mark", "Civil construction worker – roads and groundworks"),),  # noqa: E501
        ("markarbeten, VA-ledningar, stenläggning och arbete på väg",
         "groundworks, water and sewage pipes, paving and work on roads"),
        (("Intyg Arbete på väg nivå 1 och 2", "the Work on Roads level 1 and 2 certificate"),),
        weeks=(10, 22),
    ),
    "7125": Profile(
        3,
        (
            ("VVS-montör – yrkesutbildning", "Plumber – vocational training"),
            ("Rörmokare – grundutbildning", "Plumber – basic training"),
        ),
        ("installation av värme- och sanitetssystem, rördragning och ritningsläsning",
         "installing heating and sanitary systems, pipework and reading drawings"),
        (("Utbildningsintyg och certifikat för Heta arbeten", "a certificate of completion and hot work certification"),),  # noqa: E501
        weeks=(16, 26),
    ),
    "7126": Profile(
        2,
        (("Kyl- och värmepumpstekniker med certifiering", "Refrigeration and heat pump technician with certification"),),  # noqa: E501
        ("kylteknik, köldmedier, felsökning och F-gasförordningen",
         "refrigeration technology, refrigerants, troubleshooting and the F-gas regulation"),
        (("Certifikat för köldmediehantering kategori I", "a category I refrigerant handling certificate"),),  # noqa: E501
        ("Grundläggande elkunskaper är meriterande.", "Basic electrical knowledge is an advantage."),  # noqa: E501
        weeks=(12, 24),
    ),
    "7131": Profile(
        2,
        (("Byggnadsmålare – yrkesutbildning", "Building painter – vocational training"),),
        ("underarbete, spackling, tapetsering och målning inomhus och utomhus",
         "surface preparation, filling, wallpapering and indoor and outdoor painting"),
        weeks=(12, 26),
    ),
    "7132": Profile(
        1,
        (
            ("Billackerare – yrkesutbildning", "Car painter – vocational training"),
            ("Industrilackerare", "Industrial spray painter"),
        ),
        ("förbehandling, sprutlackering, kulörbrytning och kemikaliehantering",
         "surface preparation, spray painting, colour matching and handling chemicals"),
        (("Intyg om härdplastutbildning", "a thermosetting plastics safety certificate"),),
        weeks=(12, 24),
    ),
    "7212": Profile(
        6,
        (
            ("Svetsare MIG/MAG med certifiering", "MIG/MAG welder with certification"),
            ("Svetsare TIG – rör och plåt", "TIG welder – pipe and plate"),
            ("Svetsare – yrkesutbildning", "Welder – vocational training"),
        ),
        ("MIG/MAG- och TIG-svetsning, ritningsläsning, svetssymboler och arbetsmiljö",
         "MIG/MAG and TIG welding, reading drawings, welding symbols and workplace safety"),
        (("Svetscertifikat enligt SS-EN ISO 9606-1", "a welding certificate to SS-EN ISO 9606-1"),),
        weeks=(12, 26),
    ),
    "7213": Profile(
        1,
        (
            ("Ventilationsplåtslagare – yrkesutbildning", "Ventilation sheet metal worker – vocational training"),  # noqa: E501
            ("Byggnadsplåtslagare – tak och fasad", "Building sheet metal worker – roofs and facades"),  # noqa: E501
        ),
        ("plåtbearbetning, ventilationsmontage, takarbete och fallskydd",
         "sheet metal work, ventilation installation, roofing and fall protection"),
        (("Utbildningsintyg och intyg om fallskyddsutbildning", "a certificate of completion and fall protection training"),),  # noqa: E501
        weeks=(16, 26),
    ),
    "7223": Profile(
        4,
        (
            ("CNC-operatör – yrkesutbildning", "CNC operator – vocational training"),
            ("CNC-tekniker – svarvning och fräsning", "CNC technician – turning and milling"),
        ),
        ("CNC-programmering, mätteknik, ritningsläsning och maskinställning",
         "CNC programming, measuring, reading drawings and machine setting"),
        (("Yrkesbevis CNC-operatör", "a CNC operator vocational certificate"),),
        weeks=(14, 26),
    ),
    "7231": Profile(
        3,
        (
            ("Fordonsmekaniker – personbil", "Motor vehicle mechanic – cars"),
            ("Lastbilsmekaniker – yrkesutbildning", "Truck mechanic – vocational training"),
            ("Fordonstekniker med inriktning elbil", "Vehicle technician specialising in electric cars"),  # noqa: E501
        ),
        ("felsökning, service, bromsar, elsystem och diagnosverktyg",
         "troubleshooting, servicing, brakes, electrical systems and diagnostic tools"),
        (("Utbildningsintyg samt behörighet för arbete med elfordon",
          "a certificate of completion and authorisation for work on electric vehicles"),),
        _B_LICENCE,
        weeks=(16, 26),
    ),
    "7233": Profile(
        2,
        (("Underhållsmekaniker – industri", "Maintenance mechanic – industry"),),
        ("hydraulik, pneumatik, förebyggande underhåll och felsökning",
         "hydraulics, pneumatics, preventive maintenance and troubleshooting"),
        weeks=(14, 26),
    ),
    "7411": Profile(
        4,
        (
            ("Installationselektriker – yrkesutbildning", "Installation electrician – vocational training"),  # noqa: E501
            ("Elektriker med inriktning solceller och laddinfrastruktur", "Electrician specialising in solar power and EV charging"),  # noqa: E501
        ),
        ("elinstallation, elsäkerhet, mätteknik och ritningsläsning",
         "electrical installation, electrical safety, measuring and reading drawings"),
        (("Utbildningsintyg samt ESA-intyg", "a certificate of completion and ESA electrical safety training"),),  # noqa: E501
        ("Kunskaper i matematik motsvarande gymnasiets första kurs.",
         "Mathematics at the level of the first upper secondary course."),
        weeks=(16, 26),
    ),
    "7412": Profile(
        2,
        (("Industrielektriker – automation och PLC", "Industrial electrician – automation and PLC"),),  # noqa: E501
        ("PLC-programmering, styr- och reglerteknik, felsökning och elsäkerhet",
         "PLC programming, control engineering, troubleshooting and electrical safety"),
        weeks=(16, 26),
    ),
    "7522": Profile(
        1,
        (
            ("Inredningssnickare – yrkesutbildning", "Joiner – vocational training"),
            ("Möbelsnickare – hantverk och CNC", "Cabinet-maker – craft and CNC"),
        ),
        ("träbearbetning, maskinsäkerhet, ytbehandling och ritningsläsning",
         "woodworking, machine safety, surface finishing and reading drawings"),
        weeks=(16, 26),
    ),
    "7611": Profile(
        1,
        (("Styckare – yrkesutbildning", "Meat cutter – vocational training"),),
        ("styckning, knivteknik, livsmedelshygien och köttkunskap",
         "cutting, knife skills, food hygiene and meat knowledge"),
        (_CERT_HYGIENE,),
        weeks=(10, 20),
    ),
    "7612": Profile(
        2,
        (
            ("Bagare – yrkesutbildning", "Baker – vocational training"),
            ("Konditor – grundutbildning", "Pastry cook – basic training"),
        ),
        ("degteknik, bakning, konditori och livsmedelshygien",
         "dough techniques, baking, pastry work and food hygiene"),
        (_CERT_HYGIENE, _CERT_COMPLETION),
        weeks=(12, 24),
    ),
    "8189": Profile(
        4,
        (
            ("Processoperatör – yrkesutbildning", "Process operator – vocational training"),
            ("Produktionsoperatör med Lean", "Production operator with Lean"),
        ),
        ("maskinövervakning, kvalitetskontroll, Lean och arbetsmiljö",
         "machine monitoring, quality control, Lean and workplace safety"),
        (("Industritekniskt yrkesbevis", "an industrial vocational certificate"), _CERT_COMPLETION),
        weeks=(8, 20),
    ),
    "8321": Profile(
        2,
        (("Taxiförare – inför taxiförarlegitimation", "Taxi driver – preparing for the taxi driver licence"),),  # noqa: E501
        ("yrkestrafik, ekonomi, säkerhet, kundbemötande och orientering",
         "commercial transport rules, economics, safety, customer service and navigation"),
        (("Utbildningsintyg inför kunskapsprov", "a certificate qualifying for the theory test"),),
        ("B-körkort sedan minst två år.", "A category B driving licence held for at least two years."),  # noqa: E501
        minimum_age=20,
        weeks=(4, 8),
    ),
    "8331": Profile(
        4,
        (
            ("Bussförare D med YKB", "Bus driver D with Driver CPC"),
            ("Bussförare – linjetrafik", "Bus driver – scheduled services"),
        ),
        ("körning i trafik, säkerhet, kör- och vilotider och bemötande av resenärer",
         "driving in traffic, safety, driving and rest times and passenger service"),
        (("D-körkort och YKB-bevis", "a category D licence and the Driver CPC"),),
        ("B-körkort krävs. Du ska ha fyllt 21 år.",
         "A category B driving licence is required. You must be at least 21."),
        minimum_age=21,
        weeks=(14, 24),
    ),
    "8332": Profile(
        6,
        (
            ("Lastbilsförare CE med YKB", "Truck driver CE with Driver CPC"),
            ("Lastbilsförare C – distribution", "Truck driver C – distribution"),
            ("Yrkesförare – lastbil och släp", "Professional driver – truck and trailer"),
        ),
        ("körning med tung lastbil, lastsäkring, kör- och vilotider och sparsam körning",
         "heavy truck driving, load securing, driving and rest times and eco-driving"),
        (("C/CE-körkort och YKB-bevis", "a C/CE licence and the Driver CPC"),
         ("YKB-bevis", "the Driver CPC")),
        _B_LICENCE,
        weeks=(14, 26),
    ),
    "8341": Profile(
        2,
        (("Skogsmaskinförare – skördare och skotare", "Forestry machine operator – harvester and forwarder"),),  # noqa: E501
        ("maskinkörning i simulator och skog, avverkning, terrängtransport och naturhänsyn",
         "machine driving in simulator and forest, felling, forwarding and nature conservation"),
        requirement=("B-körkort är meriterande.", "A category B driving licence is an advantage."),
        weeks=(16, 26),
    ),
    "8342": Profile(
        3,
        (("Anläggningsmaskinförare – grävmaskin och hjullastare", "Plant operator – excavator and wheel loader"),),  # noqa: E501
        ("maskinkörning, schaktning, ritningsläsning och säkerhet vid arbete på väg",
         "machine operation, excavation, reading drawings and safety when working on roads"),
        (("Utbildningsbevis för anläggningsmaskinförare", "an earthmoving plant operator certificate"),),  # noqa: E501
        _B_LICENCE,
        weeks=(14, 26),
    ),
    "8343": Profile(
        1,
        (("Mobilkranförare med certifiering", "Mobile crane operator with certification"),),
        ("krankörning, lyftplanering, stroppning och säkerhet",
         "crane operation, lift planning, slinging and safety"),
        (("Kranförarbevis för mobilkran", "a mobile crane operator certificate"),),
        _B_LICENCE,
        weeks=(8, 16),
    ),
    "8344": Profile(
        4,
        (
            ("Truckförare A+B – truckkort", "Forklift driver A+B – forklift licence"),
            ("Truckkörning och lagerhantering", "Forklift driving and warehousing"),
        ),
        ("truckkörning, godshantering, lastsäkring och daglig tillsyn",
         "forklift driving, goods handling, load securing and daily inspection"),
        (_CERT_TRUCK,),
        weeks=(4, 8),
    ),
    "9111": Profile(
        4,
        (
            ("Lokalvårdare – yrkesutbildning", "Cleaner – vocational training"),
            ("Städ och lokalvård med yrkessvenska", "Cleaning with workplace Swedish"),
        ),
        ("städmetoder, maskinhantering, kemikalier och kundbemötande",
         "cleaning methods, machines, chemicals and customer service"),
        (("Yrkesbevis lokalvård", "a professional cleaning certificate"),),
        weeks=(6, 14),
    ),
    "9412": Profile(
        3,
        (
            ("Restaurang- och köksbiträde", "Restaurant and kitchen assistant"),
            ("Köksbiträde med yrkessvenska", "Kitchen assistant with workplace Swedish"),
        ),
        ("disk, enklare matlagning, hygienrutiner och servering",
         "dishwashing, simple cooking, hygiene routines and serving"),
        (_CERT_HYGIENE,),
        weeks=(6, 14),
    ),
    "9610": Profile(
        1,
        (
            ("Renhållningsförare – yrkesutbildning", "Refuse truck driver – vocational training"),
            ("Återvinningsarbetare – yrkesutbildning", "Recycling worker – vocational training"),
        ),
        ("avfallshantering, källsortering, arbetsmiljö och körning av renhållningsfordon",
         "waste handling, sorting, workplace safety and driving refuse vehicles"),
        weeks=(8, 20),
    ),
}  # fmt: skip

# Per occupation field: a sentence on how the course is taught (Swedish, English).
_FIELD_PRACTICE: dict[str, SvEn] = {
    "halsa-sjukvard": (
        "Teorin varvas med arbetsplatsförlagt lärande (APL) inom vård och omsorg.",
        "Theory alternates with a work placement in health and social care.",
    ),
    "social-inriktning": (
        "Du gör praktik i en verksamhet inom LSS eller socialtjänst och har handledning hela tiden.",  # noqa: E501
        "You do a work placement in disability or social services with supervision throughout.",
    ),
    "transport-distribution-lager": (
        "En stor del av utbildningen är praktisk körning och övningar med erfarna instruktörer.",
        "A large part of the course is practical driving and exercises with experienced instructors.",  # noqa: E501
    ),
    "industriell-tillverkning": (
        "Du tränar i vår verkstad med moderna maskiner och gör praktik hos företag i regionen.",
        "You train in our workshop with modern machines and do a placement with local companies.",
    ),
    "installation-drift-underhall": (
        "Undervisningen sker i verkstad och på riktiga anläggningar, med praktik hos arbetsgivare.",
        "Teaching takes place in the workshop and on real installations, with a placement at an employer.",  # noqa: E501
    ),
    "bygg-anlaggning": (
        "Du varvar teori med praktiska moment i vår byggverkstad och praktik på byggarbetsplats.",
        "You combine theory with practical work in our construction workshop and a placement on site.",  # noqa: E501
    ),
    "hotell-restaurang-storhushall": (
        "Du övar i vår utbildningsmiljö och gör praktik på hotell, restauranger eller storkök.",
        "You practise in our training facilities and do a placement at hotels, restaurants or catering kitchens.",  # noqa: E501
    ),
    "data-it": (
        "Undervisningen bedrivs i projektform med riktiga uppdrag och avslutas med praktik.",
        "Teaching is project-based with real assignments and ends with a work placement.",
    ),
    "administration-ekonomi-juridik": (
        "Du arbetar med verkliga fall i moderna system och gör praktik på en arbetsplats.",
        "You work on real cases in modern systems and do a work placement.",
    ),
    "forsaljning-inkop-marknadsforing": (
        "Utbildningen innehåller rollspel, kundfall och praktik i butik eller kundtjänst.",
        "The course includes role play, customer cases and a placement in a shop or contact centre.",  # noqa: E501
    ),
    "pedagogik": (
        "Du gör praktik i förskola eller skola och får stöd av en handledare.",
        "You do a placement in a preschool or school with support from a supervisor.",
    ),
    "sakerhet-bevakning": (
        "Utbildningen kombinerar teori med praktiska övningar i bevakning och konflikthantering.",
        "The course combines theory with practical exercises in patrolling and conflict management.",  # noqa: E501
    ),
    "naturbruk": (
        "Större delen av utbildningen sker utomhus med praktiska övningar i skog och mark.",
        "Most of the course takes place outdoors with practical exercises in the field.",
    ),
    "sanering-renhallning": (
        "Du tränar på riktiga arbetsplatser med handledare och lär dig branschens arbetsmiljöregler.",  # noqa: E501
        "You train at real workplaces with a supervisor and learn the industry's safety rules.",
    ),
    "kropps-skonhetsvard": (
        "Du tränar på riktiga kunder i vår salong under handledning.",
        "You practise on real clients in our salon under supervision.",
    ),
    "hantverk": (
        "Du arbetar i vår verkstad med handledning av erfarna hantverkare.",
        "You work in our workshop guided by experienced craftspeople.",
    ),
    "teknisk-inriktning": (
        "Du arbetar med verkliga projekt och gör praktik på ett teknikföretag.",
        "You work on real projects and do a placement at an engineering company.",
    ),
}
_DEFAULT_PRACTICE: SvEn = (
    "Utbildningen varvar teori med praktik hos arbetsgivare.",
    "The course combines theory with a placement at an employer.",
)
# Fields whose courses are often given at a distance.
_THEORY_FIELDS = frozenset(
    {"data-it", "administration-ekonomi-juridik", "forsaljning-inkop-marknadsforing",
     "teknisk-inriktning", "pedagogik"}
)  # fmt: skip

_INTROS: dict[str, tuple[SvEn, ...]] = {
    "labour_market_training": (
        ("Utbildningen förbereder dig för arbete som {job}.",
         "The course prepares you for work as {a_job}."),
        ("I den här yrkesutbildningen blir du {job} med de kunskaper som arbetsgivare efterfrågar.",
         "This vocational course trains you as {a_job} with the skills employers ask for."),
        ("Utbildningen riktar sig till dig som vill arbeta som {job} men saknar utbildning inom yrket.",  # noqa: E501
         "The course is for you who want to work as {a_job} but have no training in the occupation."),  # noqa: E501
    ),
    "work_training": (
        ("Arbetsträning där du får pröva på arbete som {job} i en verklig arbetsmiljö.",
         "Work training where you try out work as {a_job} in a real workplace."),
    ),
    "reinforced_work_training": (
        ("Förstärkt arbetsträning för dig som behöver extra stöd på vägen mot arbete som {job}.",
         "Reinforced work training for you who need extra support on your way to work as {a_job}."),
    ),
    "validation": (
        ("Validering där dina tidigare kunskaper och erfarenheter som {job} kartläggs och bedöms mot branschens krav.",  # noqa: E501
         "Validation in which your previous knowledge and experience as {a_job} is mapped and assessed against the industry's requirements."),  # noqa: E501
    ),
}  # fmt: skip
_SKILL_SENTENCES: dict[str, tuple[SvEn, ...]] = {
    "labour_market_training": (
        ("Du lär dig bland annat {skills}.", "You will learn {skills}, among other things."),
        ("Under utbildningen arbetar du med {skills}.", "During the course you work on {skills}."),
    ),
    "work_training": (
        ("Tillsammans med en handledare arbetar du bland annat med {skills}.",
         "Together with a supervisor you work on {skills}, among other things."),
    ),
    "reinforced_work_training": (
        ("Tillsammans med en handledare arbetar du i din egen takt med {skills}.",
         "Together with a supervisor you work at your own pace on {skills}."),
    ),
    "validation": (
        ("Bedömningen omfattar bland annat {skills}.",
         "The assessment covers {skills}, among other things."),
    ),
}  # fmt: skip
_PROGRAMME_PRACTICE: dict[str, SvEn] = {
    "work_training": (
        "Upplägget anpassas efter dina förutsättningar och följs upp regelbundet med Arbetsförmedlingen.",  # noqa: E501
        "The plan is adapted to your circumstances and followed up regularly with Arbetsförmedlingen.",  # noqa: E501
    ),
    "reinforced_work_training": (
        "Du får tät handledning, en individuell plan och stöd att hitta struktur i vardagen.",
        "You get close supervision, an individual plan and support in building a daily routine.",
    ),
    "validation": (
        "Du visar dina kunskaper praktiskt och får en plan för det du eventuellt behöver komplettera.",  # noqa: E501
        "You demonstrate your skills in practice and get a plan for any further training you need.",
    ),
}
_CERT_SENTENCES: dict[str, tuple[SvEn, ...]] = {
    "labour_market_training": (
        ("Efter godkänd utbildning får du {cert}.", "On successful completion you receive {cert}."),
        ("Utbildningen avslutas med {cert}.", "The course ends with {cert}."),
    ),
    "work_training": (
        ("Efter avslutad arbetsträning får du {cert}.", "At the end you receive {cert}."),
    ),
    "reinforced_work_training": (
        ("Efter avslutad arbetsträning får du {cert}.", "At the end you receive {cert}."),
    ),
    "validation": (
        ("Efter valideringen får du {cert}.", "After the validation you receive {cert}."),
    ),
}
_CERT_WORK_TRAINING: SvEn = ("Intyg om genomförd arbetsträning", "a work training certificate")
_CERT_VALIDATION: tuple[SvEn, ...] = (
    ("Kompetensintyg efter validering", "a skills certificate after validation"),
    (
        "Kompetensbevis enligt branschens valideringsmodell",
        "a certificate of competence under the industry's validation model",
    ),
)
_BASE_REQUIREMENTS: tuple[SvEn, ...] = (
    ("Inskriven på Arbetsförmedlingen.", "Registered with Arbetsförmedlingen."),
    (
        "Du ska vara inskriven på Arbetsförmedlingen och anvisad till utbildningen.",
        "You must be registered with Arbetsförmedlingen and referred to the course.",
    ),
    ("Anvisning från Arbetsförmedlingen krävs.", "A referral from Arbetsförmedlingen is required."),
)
_SWEDISH_REQUIREMENT: SvEn = ("Grundläggande kunskaper i svenska.", "Basic Swedish.")
_AGE_25_REQUIREMENT: SvEn = (
    "Riktar sig till dig som har fyllt 25 år.",
    "For participants aged 25 or older.",
)
_FEE_NOTES = (
    "Materialavgift för arbetskläder och skyddsutrustning",
    "Avgift för kurslitteratur",
    "Provavgift för certifiering",
    "Avgift för läkarintyg och körkortstillstånd",
)
_FREE_NOTE = "Kostnadsfri för deltagaren"

_PROGRAMME_TYPES = (
    ("labour_market_training", 75), ("work_training", 10),
    ("reinforced_work_training", 7), ("validation", 8),
)  # fmt: skip
_ACRONYMS = {"it": "IT", "vvs": "VVS", "cnc": "CNC", "ce": "CE", "hr": "HR", "hgv": "HGV",
             "lss": "LSS", "mig": "MIG", "tig": "TIG"}  # fmt: skip
_ASCII = str.maketrans({"å": "a", "ä": "a", "ö": "o", "é": "e", "ü": "u", "ž": "z", "č": "c",
                        "ć": "c", "š": "s", "&": "och"})  # fmt: skip

# --------------------------------------------------------------------------------------------
# Helpers
# --------------------------------------------------------------------------------------------


class _Picker(Generic[T]):
    """Weighted choice with the cumulative weights computed once."""

    __slots__ = ("_cum", "_total", "items")

    def __init__(self, items: Sequence[T], weights: Sequence[float]) -> None:
        if not items:
            raise ValueError("nothing to choose from")
        self.items = list(items)
        self._cum = list(itertools.accumulate(weights))
        self._total = self._cum[-1]

    def __call__(self, rng: random.Random) -> T:
        return self.items[bisect.bisect_right(self._cum, rng.random() * self._total)]


def _weighted(rng: random.Random, pairs: Sequence[tuple[T, float]]) -> T:
    total = sum(w for _, w in pairs)
    point = rng.random() * total
    for item, weight in pairs:
        point -= weight
        if point < 0:
            return item
    return pairs[-1][0]


def luhn_check_digit(nine_digits: str) -> int:
    """The check digit that makes ``nine_digits`` + digit pass the Luhn test."""
    total = 0
    for index, char in enumerate(nine_digits):
        value = int(char) * (2 if index % 2 == 0 else 1)
        total += value - 9 if value > 9 else value
    return (10 - total % 10) % 10


def _fix_case(text: str) -> str:
    words = text.split(" ")
    fixed = []
    for word in words:
        parts = word.split("-")
        fixed.append("-".join(_ACRONYMS.get(p, p) for p in parts))
    return " ".join(fixed)


def _capitalised(text: str) -> str:
    return text[:1].upper() + text[1:]


def _in_sentence(name: str) -> str:
    """A certificate's name as it reads inside a sentence (acronyms keep their case)."""
    if len(name) > 1 and name[1].islower():
        return name[0].lower() + name[1:]
    return name


def _article(noun: str) -> str:
    return f"an {noun}" if noun[:1].lower() in "aeiou" else f"a {noun}"


def _slug(text: str) -> str:
    return "".join(c for c in text.lower().translate(_ASCII) if c.isascii() and c.isalnum())


def _genitive(name: str) -> str:
    return name if name[-1] in "sxz" else f"{name}s"


def _municipality_weight(code: str) -> float:
    if code == "0180":
        return 40.0
    if code == "1480":
        return 25.0
    if code == "1280":
        return 15.0
    suffix = code[2:]
    if suffix == "80":
        return 10.0
    return 4.0 if suffix > "80" else 1.0


@dataclass(frozen=True, slots=True)
class _Job:
    occupation: Occupation
    profile: Profile
    job_sv: str
    job_en: str


@dataclass(slots=True)
class _Site:
    address: dict[str, str]
    lat: float
    lon: float


@dataclass(slots=True)
class _Provider:
    organisation_number: str
    name: str
    domain: str
    home: Municipality
    staff: list[dict[str, str]]
    jobs: _Picker[_Job]
    id_prefix: str
    next_number: int
    sites: dict[str, _Site] = field(default_factory=dict)


class _Generator:
    """Holds the reference data, the precomputed pickers and the one random source."""

    def __init__(self, reference: Reference, rng: random.Random, today: datetime.date) -> None:
        self.reference = reference
        self.rng = rng
        self.today = today
        municipalities = sorted(reference.municipalities.values(), key=lambda m: m.code)
        self.by_region: dict[str, list[Municipality]] = {}
        for municipality in municipalities:
            self.by_region.setdefault(municipality.region_code, []).append(municipality)
        self.region_codes = sorted(self.by_region)
        self.region_picker = _Picker(
            self.region_codes, [REGION_POPULATION.get(c, 100) for c in self.region_codes]
        )
        self.municipality_pickers = {
            code: _Picker(items, [_municipality_weight(m.code) for m in items])
            for code, items in self.by_region.items()
        }
        self.jobs_by_field: dict[str, list[_Job]] = {}
        for occupation in sorted(reference.occupations.values(), key=lambda o: o.ssyk):
            # Only the occupations with curated job titles: the catalogue stays the same
            # as the reference data grows to every SSYK unit group.
            if occupation.field not in reference.occupation_fields or not occupation.synonyms_sv:
                continue
            job = self._job(occupation)
            self.jobs_by_field.setdefault(occupation.field, []).append(job)
        if not self.jobs_by_field:
            raise ValueError("the reference data has no occupations with a known field")
        self.fields = sorted(self.jobs_by_field)
        all_jobs = [job for f in self.fields for job in self.jobs_by_field[f]]
        self.any_job = _Picker(all_jobs, [j.profile.weight for j in all_jobs])
        self.field_picker = _Picker(
            self.fields, [sum(j.profile.weight for j in self.jobs_by_field[f]) for f in self.fields]
        )
        self.names_taken: set[str] = set()
        self.domains_taken: set[str] = set()
        self.numbers_taken: set[str] = set()
        self.generated_at = datetime.datetime.combine(
            today, datetime.time(6, 0), tzinfo=STOCKHOLM
        ).isoformat()
        # Course starts: the Monday of each of the next 1-26 weeks, outside the holidays.
        monday = today - datetime.timedelta(days=today.weekday())
        self.start_days = [
            day
            for weeks in range(1, 27)
            if not _is_holiday_period(day := monday + datetime.timedelta(weeks=weeks))
        ]
        self.visit_days = [
            day
            for offset in range(7, 43)
            if (day := today + datetime.timedelta(days=offset)).weekday() < 5
            and not _is_holiday_period(day)
        ]

    @staticmethod
    def _job(occupation: Occupation) -> _Job:
        job_sv = occupation.synonyms_sv[0] if occupation.synonyms_sv else occupation.name_sv
        job_en = occupation.synonyms_en[0] if occupation.synonyms_en else occupation.name_en
        job_sv, job_en = _fix_case(job_sv.lower()), _fix_case(job_en.lower())
        profile = PROFILES.get(occupation.ssyk) or Profile(
            1,
            ((f"{_capitalised(job_sv)} – yrkesutbildning",
              f"{_capitalised(job_en)} – vocational training"),),
            ("yrkets arbetsuppgifter, arbetsmiljö och säkerhet",
             "the occupation's main tasks, health and safety"),
        )  # fmt: skip
        return _Job(occupation, profile, job_sv, job_en)

    # ---- providers -------------------------------------------------------------------------

    def provider_regions(self, count: int) -> list[str]:
        """One provider in each region first (biggest first), the rest by population."""
        by_size = sorted(self.region_codes, key=lambda c: -REGION_POPULATION.get(c, 100))
        regions = by_size[:count]
        regions += [self.region_picker(self.rng) for _ in range(count - len(regions))]
        self.rng.shuffle(regions)
        return regions

    def provider(self, region_code: str) -> _Provider:
        rng = self.rng
        home = self.municipality_pickers[region_code](rng)
        association = rng.random() < 0.12
        focus = [self.field_picker(rng) for _ in range(rng.choice((1, 1, 2, 2, 3)))]
        focus = list(dict.fromkeys(focus))
        name = self._provider_name(home, focus[0], association)
        organisation_number = self._organisation_number(association)
        domain = self._domain(name)
        staff = [self._person(domain) for _ in range(rng.randint(2, 6))]
        focus_jobs = [job for f in focus for job in self.jobs_by_field[f]]
        # Mostly the provider's own fields, now and then anything.
        jobs = _Picker(
            [*focus_jobs, *self.any_job.items],
            [*(j.profile.weight * 6.0 for j in focus_jobs),
             *(j.profile.weight * 0.15 for j in self.any_job.items)],
        )  # fmt: skip
        prefix = rng.choice(("UTB", "UTB", "UTB", "AMU", "KURS", "YRK"))
        provider = _Provider(
            organisation_number, name, domain, home, staff, jobs, prefix, rng.randint(1, 400)
        )
        provider.sites[home.code] = self._site(home)
        return provider

    def _provider_name(self, home: Municipality, main_field: str, association: bool) -> str:
        rng = self.rng
        genitive, adjective = _REGION_WORDS.get(home.region_code, ("Svenska", "Svenska"))
        city = home.name
        themes = _FIELD_THEME.get(main_field, ("Yrkesutbildning",))
        for _ in range(40):
            theme = rng.choice(themes)
            if association:
                fancy = rng.choice(_FANCY_ASSOCIATION)
                name = rng.choice((
                    f"Föreningen {fancy} {city}",
                    f"Arbetsträningsföreningen {fancy}",
                    f"Ideella föreningen {fancy} i {city}",
                    f"{_genitive(city)} Arbetsintegrerande Förening",
                ))  # fmt: skip
            else:
                name = rng.choice((
                    f"{genitive} Yrkesakademi AB",
                    f"{adjective} {theme} AB",
                    f"{city} {theme} AB",
                    f"{city} Kompetenscenter AB",
                    f"Yrkesforum {city} AB",
                    f"{rng.choice(_FANCY_AB)} Utbildning i {city} AB",
                    f"{rng.choice(_LAST_NAMES)} & {rng.choice(_LAST_NAMES)} Yrkesutbildning AB",
                    f"{genitive} Tekniska Yrkesinstitut AB",
                ))  # fmt: skip
            if name not in self.names_taken and len(name) <= 200:
                break
        else:
            name = f"{city} Utbildningspartner {len(self.names_taken) + 1} AB"
        self.names_taken.add(name)
        return name

    def _organisation_number(self, association: bool) -> str:
        rng = self.rng
        while True:
            if association:
                head = "802" + "".join(rng.choices("0123456789", k=6))
            else:
                prefix = _weighted(rng, (("556", 55.0), ("559", 40.0), ("55", 5.0)))
                head = prefix + "".join(rng.choices("0123456789", k=9 - len(prefix)))
            digits = head + str(luhn_check_digit(head))
            number = f"{digits[:6]}-{digits[6:]}"
            if number not in self.numbers_taken:
                self.numbers_taken.add(number)
                return number

    def _domain(self, name: str) -> str:
        base = _slug(name.removesuffix(" AB"))[:40] or "utbildning"
        domain = f"{base}.example"
        counter = 2
        while domain in self.domains_taken:
            domain = f"{base}{counter}.example"
            counter += 1
        self.domains_taken.add(domain)
        return domain

    def _person(self, domain: str) -> dict[str, str]:
        rng = self.rng
        first, last = rng.choice(_FIRST_NAMES), rng.choice(_LAST_NAMES)
        person = {
            "name": f"{first} {last}",
            "email": f"{_slug(first)}.{_slug(last)}@{domain}",
        }
        if rng.random() < 0.85:
            person["phone"] = self._phone(None)
        return person

    def _phone(self, region_code: str | None) -> str:
        prefix, low, high = _PHONE_BY_REGION.get(region_code or "", _PHONE_MOBILE)
        return f"{prefix}{self.rng.randint(low, high):02d}"

    def _site(self, municipality: Municipality) -> _Site:
        rng = self.rng
        low, high = _POSTAL_PREFIXES.get(municipality.region_code, (100, 989))
        postal_prefix = low + (int(municipality.code) * 37) % (high - low + 1)
        number = rng.randint(1, 80)
        letter = rng.choice(("", "", "", "", "A", "B"))
        address = {
            "street": f"{rng.choice(_STREETS)} {number}{letter}",
            "postalCode": f"{postal_prefix} {rng.randint(10, 99)}",
            "city": municipality.name,
        }
        # Within about 3 km of the municipality's centre.
        distance = 3.0 * math.sqrt(rng.random())
        angle = rng.random() * 2 * math.pi
        lat = municipality.lat + distance * math.cos(angle) / 111.32
        lon = municipality.lon + distance * math.sin(angle) / (
            111.32 * math.cos(math.radians(municipality.lat))
        )
        lat = min(max(lat, 55.0), 69.5)
        lon = min(max(lon, 10.5), 24.5)
        return _Site(address, round(lat, 5), round(lon, 5))

    def provider_document(self, provider: _Provider) -> dict[str, Any]:
        contact = {
            "name": provider.staff[0]["name"],
            "email": f"kontakt@{provider.domain}",
            "phone": self._phone(provider.home.region_code),
        }
        document: dict[str, Any] = {
            "organisationNumber": provider.organisation_number,
            "name": provider.name,
        }
        if self.rng.random() < 0.9:
            document["website"] = f"https://{provider.domain}"
        document["contact"] = contact
        return document

    # ---- courses ---------------------------------------------------------------------------

    def course(self, provider: _Provider, at_home: bool = False) -> dict[str, Any]:
        """One course; ``at_home`` keeps it in the provider's own municipality."""
        rng = self.rng
        job = provider.jobs(rng)
        profile = job.profile
        occupation = job.occupation
        programme = _weighted(rng, _PROGRAMME_TYPES)

        languages = _weighted(
            rng, ((["sv"], 85.0), (["sv", "en"], 8.0), (["sv", "ar"], 4.0), (["en"], 3.0))
        )
        english = "en" in languages or rng.random() < 0.67

        title_sv, title_en = self._title(job, programme, languages)
        certificate = self._certificate(profile, programme)
        description = self._description(job, programme, certificate)

        delivery = self._delivery(occupation.field, programme)
        location_municipality = (
            provider.home if at_home else self._course_municipality(provider, delivery)
        )
        site = provider.sites.get(location_municipality.code)
        if site is None:
            site = provider.sites[location_municipality.code] = self._site(location_municipality)
        location: dict[str, Any] = {
            "municipalityCode": location_municipality.code,
            "address": dict(site.address),
        }
        if rng.random() < 0.6:
            location["coordinates"] = {"lat": site.lat, "lon": site.lon}

        intake = self._intake(profile, programme)
        number = provider.next_number
        provider.next_number += 1
        year = intake["startDate"][:4] if intake["type"] == "fixed" else str(self.today.year)
        course_id = f"{provider.id_prefix}-{year}-{number:04d}"

        minimum_age, age_25 = self._minimum_age(profile)
        eligibility: dict[str, Any] = {"minimumAge": minimum_age}
        requirements = self._requirements(profile, languages, age_25)
        if requirements:
            eligibility["requirements"] = {"sv": " ".join(sv for sv, _ in requirements)}
            if english:
                eligibility["requirements"]["en"] = " ".join(en for _, en in requirements)

        reinforced = programme == "reinforced_work_training"
        places = rng.randint(8, 16) if reinforced else rng.randint(8, 30)

        course: dict[str, Any] = {
            "id": course_id,
            "title": {"sv": title_sv, "en": title_en} if english else {"sv": title_sv},
            "description": (
                {"sv": description[0], "en": description[1]} if english else {"sv": description[0]}
            ),
            "occupation": {"ssyk": occupation.ssyk, "name": occupation.name_sv},
            "occupationField": occupation.field,
            "programmeType": programme,
            "location": location,
            "intake": intake,
            "pace": self._pace(),
            "schedule": _weighted(
                rng,
                (
                    (["daytime"], 85.0),
                    (["evening"], 7.0),
                    (["evening", "weekend"], 5.0),
                    (["daytime", "evening"], 3.0),
                ),
            ),
            "delivery": delivery,
            "languages": languages,
            "eligibility": eligibility,
        }
        if certificate is not None:
            course["certificate"] = certificate[0]
        fee = self._fee()
        if fee is not None:
            course["participationFee"] = fee
        course["places"] = places
        if programme == "reinforced_work_training":
            course["supervisors"] = math.ceil(places / 20) + rng.choice((0, 0, 1))
        elif programme == "work_training" and rng.random() < 0.5:
            course["supervisors"] = math.ceil(places / 20)
        course["contact"] = dict(rng.choice(provider.staff))
        course["studyVisits"] = self._visits(intake, site, provider, location_municipality)
        course["url"] = f"https://{provider.domain}/kurser/{course_id}"
        return course

    def _title(self, job: _Job, programme: str, languages: list[str]) -> SvEn:
        rng = self.rng
        if programme == "labour_market_training":
            title_sv, title_en = rng.choice(job.profile.titles)
            if "ar" in languages and "språkstöd" not in title_sv:
                glue = ", " if " – " in title_sv else " – "
                title_sv += f"{glue}med språkstöd på arabiska"
                title_en += f"{glue}with language support in Arabic"
            return title_sv, title_en
        if programme == "work_training":
            return f"Arbetsträning – {job.job_sv}", f"Work training – {job.job_en}"
        if programme == "reinforced_work_training":
            return (f"Förstärkt arbetsträning – {job.job_sv}",
                    f"Reinforced work training – {job.job_en}")  # fmt: skip
        return rng.choice((
            (f"Validering – {job.job_sv}", f"Validation – {job.job_en}"),
            (f"Validering av yrkeskunskaper – {job.job_sv}",
             f"Validation of vocational skills – {job.job_en}"),
        ))  # fmt: skip

    def _certificate(self, profile: Profile, programme: str) -> SvEn | None:
        rng = self.rng
        if programme == "labour_market_training":
            return rng.choice(profile.certificates) if rng.random() < 0.9 else None
        if programme == "validation":
            return rng.choice(_CERT_VALIDATION)
        return _CERT_WORK_TRAINING if rng.random() < 0.45 else None

    def _description(self, job: _Job, programme: str, certificate: SvEn | None) -> SvEn:
        rng = self.rng
        profile = job.profile
        names = {"job": job.job_sv, "a_job": _article(job.job_en)}
        intro = rng.choice(_INTROS[programme])
        skills = rng.choice(_SKILL_SENTENCES[programme])
        sentences_sv = [
            intro[0].format(**names),
            skills[0].format(skills=profile.skills[0]),
        ]
        sentences_en = [
            intro[1].format(**names),
            skills[1].format(skills=profile.skills[1]),
        ]
        practice = _PROGRAMME_PRACTICE.get(programme) or _FIELD_PRACTICE.get(
            job.occupation.field, _DEFAULT_PRACTICE
        )
        if programme != "labour_market_training" or rng.random() < 0.6:
            sentences_sv.append(practice[0])
            sentences_en.append(practice[1])
        if certificate is not None:
            template = rng.choice(_CERT_SENTENCES[programme])
            sentences_sv.append(template[0].format(cert=_in_sentence(certificate[0])))
            sentences_en.append(template[1].format(cert=certificate[1]))
        return " ".join(sentences_sv), " ".join(sentences_en)

    def _delivery(self, occupation_field: str, programme: str) -> str:
        rng = self.rng
        if programme in ("work_training", "reinforced_work_training"):
            return "on_site"
        distance = 0.4 if occupation_field in _THEORY_FIELDS else 0.09
        roll = rng.random()
        if roll < distance:
            return "distance"
        if roll < distance + 0.12:
            return "blended"
        return "on_site"

    def _course_municipality(self, provider: _Provider, delivery: str) -> Municipality:
        rng = self.rng
        if delivery == "distance":
            return provider.home  # the provider's office
        roll = rng.random()
        if roll < 0.7:
            return provider.home
        if roll < 0.9:
            return self.municipality_pickers[provider.home.region_code](rng)
        return self.municipality_pickers[self.region_picker(rng)](rng)

    def _intake(self, profile: Profile, programme: str) -> dict[str, Any]:
        rng = self.rng
        if programme == "work_training":
            return {"type": "continuous", "durationWeeks": rng.choice((13, 26, 26, 52))}
        if programme == "reinforced_work_training" and rng.random() < 0.8:
            return {"type": "continuous", "durationWeeks": rng.choice((13, 26, 52, 52))}
        if programme == "labour_market_training" and rng.random() < 0.1:
            return {"type": "continuous", "durationWeeks": rng.randint(*profile.weeks)}
        if programme == "validation":
            weeks = rng.randint(2, 6)
        elif rng.random() < 0.04:
            weeks = rng.randint(27, 60)
        else:
            low, high = profile.weeks
            weeks = rng.randint(max(4, low), min(26, high))
        start = rng.choice(self.start_days)
        end = start + datetime.timedelta(days=weeks * 7 - 3)  # a Friday
        return {"type": "fixed", "startDate": start.isoformat(), "endDate": end.isoformat()}

    def _pace(self) -> dict[str, Any]:
        rng = self.rng
        if rng.random() < 0.8:
            return {"type": "full_time"}
        return {"type": "part_time", "percent": _weighted(rng, ((25, 1.0), (50, 3.0), (75, 2.0)))}

    def _minimum_age(self, profile: Profile) -> tuple[int, bool]:
        if profile.minimum_age != 18:
            return profile.minimum_age, False
        roll = self.rng.random()
        if roll < 0.03:
            return 16, False
        if roll < 0.07:
            return 20, False
        if roll < 0.11:
            return 25, True
        return 18, False

    def _requirements(self, profile: Profile, languages: list[str], age_25: bool) -> list[SvEn]:
        rng = self.rng
        if rng.random() < 0.08:
            return [_AGE_25_REQUIREMENT] if age_25 else []
        parts = [rng.choice(_BASE_REQUIREMENTS)]
        if age_25:
            parts.append(_AGE_25_REQUIREMENT)
        if profile.requirement is not None and rng.random() < 0.85:
            parts.append(profile.requirement)
        mentions_swedish = profile.requirement is not None and "svenska" in profile.requirement[0]
        if languages == ["sv"] and not mentions_swedish and rng.random() < 0.25:
            parts.append(_SWEDISH_REQUIREMENT)
        return parts

    def _fee(self) -> dict[str, Any] | None:
        rng = self.rng
        roll = rng.random()
        if roll < 0.05:
            return {
                "amount": rng.randrange(500, 4501, 250),
                "currency": "SEK",
                "note": rng.choice(_FEE_NOTES),
            }
        if roll < 0.15:
            fee: dict[str, Any] = {"amount": 0, "currency": "SEK"}
            if rng.random() < 0.5:
                fee["note"] = _FREE_NOTE
            return fee
        return None

    def _visits(
        self,
        intake: dict[str, Any],
        site: _Site,
        provider: _Provider,
        municipality: Municipality,
    ) -> list[dict[str, Any]]:
        rng = self.rng
        count = _weighted(rng, ((0, 15.0), (1, 25.0), (2, 30.0), (3, 18.0), (4, 12.0)))
        if count == 0:
            return []
        days = self.visit_days
        if intake["type"] == "fixed":
            # Visits come before the course starts.
            start = datetime.date.fromisoformat(intake["startDate"])
            days = days[: bisect.bisect_left(days, start)]
        if not days:
            return []
        chosen: set[tuple[datetime.date, int, int]] = set()
        for _ in range(count):
            hour, minute = rng.choice(_VISIT_TIMES)
            chosen.add((rng.choice(days), hour, minute))
        visits: list[dict[str, Any]] = []
        for number, (day, hour, minute) in enumerate(sorted(chosen), start=1):
            start_at = datetime.datetime(
                day.year, day.month, day.day, hour, minute, tzinfo=STOCKHOLM
            )
            visit: dict[str, Any] = {
                "id": f"SB{number}",
                "start": start_at.isoformat(),
                "durationMinutes": _weighted(rng, ((60, 3.0), (90, 3.0), (120, 2.0))),
                "capacity": rng.randint(4, 15),
            }
            if rng.random() < 0.08:
                # Held at another address, e.g. a workplace the course works with.
                other = self._site(municipality)
                visit["address"] = other.address
            visits.append(visit)
        return visits


_VISIT_TIMES = ((9, 0), (9, 30), (10, 0), (10, 30), (13, 0), (13, 30), (14, 0), (14, 30), (15, 0))


def _is_holiday_period(day: datetime.date) -> bool:
    """Christmas to Epiphany and the July holidays: no course starts or visits then."""
    return (
        (day.month == 12 and day.day >= 20) or (day.month == 1 and day.day <= 6) or day.month == 7
    )


def _course_counts(weights: list[float], courses: int) -> list[int]:
    """Shares of ``courses`` in proportion to ``weights``, at least one each, summing exactly."""
    providers = len(weights)
    total = sum(weights)
    spare = courses - providers
    shares = [spare * w / total for w in weights]
    counts = [1 + int(s) for s in shares]
    left = courses - sum(counts)
    by_remainder = sorted(range(providers), key=lambda i: (-(shares[i] - int(shares[i])), i))
    for index in by_remainder[:left]:
        counts[index] += 1
    return counts


# --------------------------------------------------------------------------------------------
# Public API
# --------------------------------------------------------------------------------------------


def generate_feeds(
    *,
    providers: int,
    courses: int,
    today: datetime.date,
    seed: int = DEFAULT_SEED,
    reference: Reference | None = None,
    nordic_share: float = 0.0,
) -> list[dict[str, Any]]:
    """One feed per provider, ``courses`` courses in all, reproducible from seed and today.

    ``providers`` and ``courses`` are Swedish; ``nordic_share`` adds Danish and Norwegian
    providers (``devstack/sample_nordic.py``) until they are that share of all providers,
    with courses in the same share. The Swedish feeds are the same with or without them.
    """
    if providers < 1:
        raise ValueError("providers must be at least 1")
    if courses < providers:
        raise ValueError("courses must be at least the number of providers")
    rng = random.Random(seed)
    generator = _Generator(reference or load_reference(), rng, today)
    made = [generator.provider(code) for code in generator.provider_regions(providers)]
    documents = [generator.provider_document(provider) for provider in made]
    # Providers in the big towns tend to be the big ones.
    sizes = [
        rng.lognormvariate(0.0, 0.8) * (1 + _municipality_weight(p.home.code) / 8) for p in made
    ]
    counts = _course_counts(sizes, courses)
    swedish = [
        {
            "schemaVersion": SCHEMA_VERSION,
            "generatedAt": generator.generated_at,
            "provider": document,
            # The first course is at home, so every provider's region has courses.
            "courses": [generator.course(provider, at_home=n == 0) for n in range(count)],
        }
        for provider, document, count in zip(made, documents, counts, strict=True)
    ]
    extra = extra_providers(providers, nordic_share)
    return swedish + nordic_feeds(
        providers=extra, courses=max(extra, extra_providers(courses, nordic_share)),
        today=today, seed=seed,
    )


def feed_file_name(feed: dict[str, Any]) -> str:
    """``<organisation number digits>.json``."""
    return f"{feed['provider']['organisationNumber'].replace('-', '')}.json"


def dump_feed(feed: dict[str, Any]) -> str:
    """A feed as the text written to its file."""
    return json.dumps(feed, ensure_ascii=False, indent=1) + "\n"


def write_feeds(feeds: list[dict[str, Any]], folder: Path) -> list[Path]:
    """Write one file per provider into ``folder``, replacing any feeds already there."""
    folder.mkdir(parents=True, exist_ok=True)
    for old in folder.glob("*.json"):
        if old.is_file():
            old.unlink()
    paths: list[Path] = []
    for feed in feeds:
        path = folder / feed_file_name(feed)
        path.write_text(dump_feed(feed), encoding="utf-8")
        paths.append(path)
    return paths


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m devstack sample",
        description="Generate deterministic sample provider feeds.",
    )
    parser.add_argument("--out", type=Path, required=True, help="folder for the feed files")
    parser.add_argument("--providers", type=int, default=80, help="number of providers (80)")
    parser.add_argument("--courses", type=int, default=2000, help="number of courses (2000)")
    parser.add_argument(
        "--today",
        type=datetime.date.fromisoformat,
        default=None,
        help="reference date YYYY-MM-DD (default: today)",
    )
    parser.add_argument(
        "--seed", type=int, default=DEFAULT_SEED, help=f"random seed ({DEFAULT_SEED})"
    )
    parser.add_argument(
        "--nordic-share", type=float, default=0.0,
        help="share of Danish and Norwegian providers (and courses) among all, added to "
        "the Swedish ones (0)",
    )
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.providers < 1:
        parser.error("--providers must be at least 1")
    if args.courses < args.providers:
        parser.error("--courses must be at least --providers")
    if not 0.0 <= args.nordic_share < 1.0:
        parser.error("--nordic-share must be at least 0 and below 1")
    today: datetime.date = args.today or datetime.date.today()
    feeds = generate_feeds(
        providers=args.providers, courses=args.courses, today=today, seed=args.seed,
        nordic_share=args.nordic_share,
    )
    paths = write_feeds(feeds, args.out)
    total = sum(len(feed["courses"]) for feed in feeds)
    print(f"wrote {len(paths)} feeds with {total} courses to {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
