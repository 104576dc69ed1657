"""The closed vocabularies of the course feed, as stored in search documents, with labels.

Enum values are exactly the strings the indexer writes (see ``indexer/documents.py``);
labels are the Swedish, English, Danish and Norwegian (Bokmål) texts a frontend shows for
them.
"""

from __future__ import annotations

from enum import Enum, StrEnum
from typing import NamedTuple


class Language(Enum):
    """The language of human-readable labels."""

    SV = "sv"
    EN = "en"
    DA = "da"
    NB = "nb"


class ProgrammeType(StrEnum):
    LABOUR_MARKET_TRAINING = "labour_market_training"
    WORK_TRAINING = "work_training"
    REINFORCED_WORK_TRAINING = "reinforced_work_training"
    VALIDATION = "validation"


class Pace(StrEnum):
    FULL_TIME = "full_time"
    PART_TIME = "part_time"


class Schedule(StrEnum):
    DAYTIME = "daytime"
    EVENING = "evening"
    WEEKEND = "weekend"


class Delivery(StrEnum):
    ON_SITE = "on_site"
    DISTANCE = "distance"
    BLENDED = "blended"


class IntakeType(StrEnum):
    FIXED = "fixed"
    CONTINUOUS = "continuous"


class DistanceCourses(Enum):
    """How distance courses meet the place filters (region, municipality, near)."""

    BY_PLACE = "by_place"  # like any course, by the provider's office
    ANYWHERE = "anywhere"  # every distance course, wherever its provider is
    EXCLUDE = "exclude"  # no distance courses at all


class Labels(NamedTuple):
    """One text in each language of :class:`Language`."""

    sv: str
    en: str
    da: str
    nb: str

    @classmethod
    def native(cls, name: str) -> Labels:
        """A proper name, the same in every language (a Danish kommune, a Norwegian fylke)."""
        return cls(name, name, name, name)


VOCABULARY_LABELS: dict[str, Labels] = {
    ProgrammeType.LABOUR_MARKET_TRAINING: Labels(
        "Arbetsmarknadsutbildning", "Labour market training", "Arbejdsmarkedsuddannelse",
        "Arbeidsmarkedsopplæring"),
    ProgrammeType.WORK_TRAINING: Labels("Arbetsträning", "Work training", "Arbejdstræning",
                                        "Arbeidstrening"),
    ProgrammeType.REINFORCED_WORK_TRAINING: Labels(
        "Förstärkt arbetsträning", "Reinforced work training", "Forstærket arbejdstræning",
        "Forsterket arbeidstrening"),
    ProgrammeType.VALIDATION: Labels("Validering", "Validation", "Individuel kompetencevurdering",
                                     "Realkompetansevurdering"),
    Pace.FULL_TIME: Labels("Heltid", "Full time", "Fuld tid", "Heltid"),
    Pace.PART_TIME: Labels("Deltid", "Part time", "Deltid", "Deltid"),
    Schedule.DAYTIME: Labels("Dagtid", "Daytime", "Dagtimer", "Dagtid"),
    Schedule.EVENING: Labels("Kvällstid", "Evenings", "Aftener", "Kveldstid"),
    Schedule.WEEKEND: Labels("Helger", "Weekends", "Weekender", "Helger"),
    Delivery.ON_SITE: Labels("På plats", "On site", "Fremmøde", "Stedlig"),
    Delivery.DISTANCE: Labels("Distans", "Distance", "Fjernundervisning", "Fjernundervisning"),
    Delivery.BLENDED: Labels("Kombinerad", "Blended", "Kombineret", "Kombinert"),
}

# ISO 639-1 codes of the languages courses are commonly taught in; others show their code.
LANGUAGE_LABELS: dict[str, Labels] = {
    "sv": Labels("Svenska", "Swedish", "Svensk", "Svensk"),
    "en": Labels("Engelska", "English", "Engelsk", "Engelsk"),
    "ar": Labels("Arabiska", "Arabic", "Arabisk", "Arabisk"),
    "so": Labels("Somaliska", "Somali", "Somali", "Somali"),
    "fa": Labels("Persiska", "Persian", "Persisk", "Persisk"),
    "ti": Labels("Tigrinja", "Tigrinya", "Tigrinya", "Tigrinja"),
    "fi": Labels("Finska", "Finnish", "Finsk", "Finsk"),
    "pl": Labels("Polska", "Polish", "Polsk", "Polsk"),
    "uk": Labels("Ukrainska", "Ukrainian", "Ukrainsk", "Ukrainsk"),
    "ru": Labels("Ryska", "Russian", "Russisk", "Russisk"),
    "es": Labels("Spanska", "Spanish", "Spansk", "Spansk"),
    "de": Labels("Tyska", "German", "Tysk", "Tysk"),
    "fr": Labels("Franska", "French", "Fransk", "Fransk"),
    "tr": Labels("Turkiska", "Turkish", "Tyrkisk", "Tyrkisk"),
    "bs": Labels("Bosniska", "Bosnian", "Bosnisk", "Bosnisk"),
    "hr": Labels("Kroatiska", "Croatian", "Kroatisk", "Kroatisk"),
    "sr": Labels("Serbiska", "Serbian", "Serbisk", "Serbisk"),
    "ku": Labels("Kurdiska", "Kurdish", "Kurdisk", "Kurdisk"),
    "ps": Labels("Pashto", "Pashto", "Pashto", "Pashto"),
    "th": Labels("Thailändska", "Thai", "Thai", "Thai"),
    "zh": Labels("Kinesiska", "Chinese", "Kinesisk", "Kinesisk"),
    "se": Labels("Nordsamiska", "Northern Sami", "Nordsamisk", "Nordsamisk"),
    "no": Labels("Norska", "Norwegian", "Norsk", "Norsk"),
    "nb": Labels("Norska (bokmål)", "Norwegian (Bokmål)", "Norsk (bokmål)", "Norsk (bokmål)"),
    "da": Labels("Danska", "Danish", "Dansk", "Dansk"),
}

COUNTRY_LABELS: dict[str, Labels] = {
    "SE": Labels("Sverige", "Sweden", "Sverige", "Sverige"),
    "DK": Labels("Danmark", "Denmark", "Danmark", "Danmark"),
    "NO": Labels("Norge", "Norway", "Norge", "Norge"),
}

BOOLEAN_LABELS: dict[str, dict[str, Labels]] = {
    "free": {
        "true": Labels("Avgiftsfri", "Free of charge", "Gratis", "Gratis"),
        "false": Labels("Med avgift", "With a fee", "Med deltagerbetaling", "Med egenandel"),
    },
    "visits": {
        "true": Labels("Har kommande studiebesök", "Has upcoming study visits",
                       "Har kommende studiebesøg", "Har kommende studiebesøk"),
        "false": Labels("Inga kommande studiebesök", "No upcoming study visits",
                        "Ingen kommende studiebesøg", "Ingen kommende studiebesøk"),
    },
}

_POSITION = {Language.SV: 0, Language.EN: 1, Language.DA: 2, Language.NB: 3}


def pick(labels: Labels, language: Language) -> str:
    """The label in ``language``."""
    return labels[_POSITION[language]]
