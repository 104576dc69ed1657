"""The name of each registration language, in each language: the provider's e-mails and
pages say which language the jobseeker chose ("Sprog: svensk")."""

from __future__ import annotations

from core.visits.models import Language

NAMES: dict[Language, dict[Language, str]] = {
    Language.SV: {Language.SV: "svenska", Language.EN: "engelska", Language.DA: "danska",
                  Language.NB: "norska (bokmål)"},
    Language.EN: {Language.SV: "Swedish", Language.EN: "English", Language.DA: "Danish",
                  Language.NB: "Norwegian (Bokmål)"},
    Language.DA: {Language.SV: "svensk", Language.EN: "engelsk", Language.DA: "dansk",
                  Language.NB: "norsk (bokmål)"},
    Language.NB: {Language.SV: "svensk", Language.EN: "engelsk", Language.DA: "dansk",
                  Language.NB: "norsk (bokmål)"},
}


def language_name(language: Language, in_language: Language) -> str:
    """``language``'s name as ``in_language`` writes it."""
    return NAMES[in_language][language]
