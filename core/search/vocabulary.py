"""The closed vocabularies of the course feed, as stored in search documents, with labels.

Enum values are exactly the strings the indexer writes (see ``indexer/documents.py``);
labels are the Swedish and English texts a frontend shows for them.
"""

from __future__ import annotations

from enum import Enum, StrEnum


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


Labels = tuple[str, str]  # (Swedish, English)

VOCABULARY_LABELS: dict[str, Labels] = {
    ProgrammeType.LABOUR_MARKET_TRAINING: ("Arbetsmarknadsutbildning", "Labour market training"),
    ProgrammeType.WORK_TRAINING: ("Arbetsträning", "Work training"),
    ProgrammeType.REINFORCED_WORK_TRAINING: ("Förstärkt arbetsträning", "Reinforced work training"),
    ProgrammeType.VALIDATION: ("Validering", "Validation"),
    Pace.FULL_TIME: ("Heltid", "Full time"),
    Pace.PART_TIME: ("Deltid", "Part time"),
    Schedule.DAYTIME: ("Dagtid", "Daytime"),
    Schedule.EVENING: ("Kvällstid", "Evenings"),
    Schedule.WEEKEND: ("Helger", "Weekends"),
    Delivery.ON_SITE: ("På plats", "On site"),
    Delivery.DISTANCE: ("Distans", "Distance"),
    Delivery.BLENDED: ("Kombinerad", "Blended"),
}

# ISO 639-1 codes of the languages courses are commonly taught in; others show their code.
LANGUAGE_LABELS: dict[str, Labels] = {
    "sv": ("Svenska", "Swedish"),
    "en": ("Engelska", "English"),
    "ar": ("Arabiska", "Arabic"),
    "so": ("Somaliska", "Somali"),
    "fa": ("Persiska", "Persian"),
    "ti": ("Tigrinja", "Tigrinya"),
    "fi": ("Finska", "Finnish"),
    "pl": ("Polska", "Polish"),
    "uk": ("Ukrainska", "Ukrainian"),
    "ru": ("Ryska", "Russian"),
    "es": ("Spanska", "Spanish"),
    "de": ("Tyska", "German"),
    "fr": ("Franska", "French"),
    "tr": ("Turkiska", "Turkish"),
    "bs": ("Bosniska", "Bosnian"),
    "hr": ("Kroatiska", "Croatian"),
    "sr": ("Serbiska", "Serbian"),
    "ku": ("Kurdiska", "Kurdish"),
    "ps": ("Pashto", "Pashto"),
    "th": ("Thailändska", "Thai"),
    "zh": ("Kinesiska", "Chinese"),
    "se": ("Nordsamiska", "Northern Sami"),
    "no": ("Norska", "Norwegian"),
    "da": ("Danska", "Danish"),
}

COUNTRY_LABELS: dict[str, Labels] = {
    "SE": ("Sverige", "Sweden"),
    "DK": ("Danmark", "Denmark"),
    "NO": ("Norge", "Norway"),
}

BOOLEAN_LABELS: dict[str, dict[str, Labels]] = {
    "free": {"true": ("Avgiftsfri", "Free of charge"), "false": ("Med avgift", "With a fee")},
    "visits": {
        "true": ("Har kommande studiebesök", "Has upcoming study visits"),
        "false": ("Inga kommande studiebesök", "No upcoming study visits"),
    },
}


def pick(labels: Labels, language: Language) -> str:
    """The label in ``language``."""
    return labels[0] if language is Language.SV else labels[1]
