"""Human labels of facet values, in Swedish or English, from reference data and vocabularies.

The tables are built once per process; labelling a value is a dictionary look-up.
"""

from __future__ import annotations

from collections.abc import Callable

from core.reference import Reference
from core.search.attributes import Facet
from core.search.providers import ProviderDirectory
from core.search.vocabulary import (
    BOOLEAN_LABELS,
    LANGUAGE_LABELS,
    VOCABULARY_LABELS,
    Delivery,
    Labels,
    Language,
    Pace,
    ProgrammeType,
    Schedule,
    pick,
)

# Numeric facets: a value's label is a number with its unit.
_UNITS: dict[Facet, Labels] = {
    Facet.DURATION_WEEKS: ("{} veckor", "{} weeks"),
    Facet.MINIMUM_AGE: ("{} år", "{} years"),
}

_ENUMS: dict[Facet, tuple[str, ...]] = {
    Facet.PROGRAMME_TYPE: tuple(ProgrammeType),
    Facet.PACE: tuple(Pace),
    Facet.SCHEDULE: tuple(Schedule),
    Facet.DELIVERY: tuple(Delivery),
}


class Labeller:
    """Labels of every facet's values; providers come from the live directory."""

    def __init__(self, reference: Reference, providers: ProviderDirectory) -> None:
        self.providers = providers
        self.tables: dict[Facet, dict[str, Labels]] = {
            Facet.REGION: {c: (r.name, r.name_en) for c, r in reference.regions.items()},
            Facet.MUNICIPALITY: {
                c: (m.name, m.name) for c, m in reference.municipalities.items()
            },
            Facet.OCCUPATION_FIELD: {
                i: (f.name_sv, f.name_en) for i, f in reference.occupation_fields.items()
            },
            Facet.OCCUPATION: {
                c: (o.name_sv, o.name_en) for c, o in reference.occupations.items()
            },
            Facet.LANGUAGE: dict(LANGUAGE_LABELS),
            Facet.FREE_OF_CHARGE: dict(BOOLEAN_LABELS["free"]),
            Facet.HAS_UPCOMING_STUDY_VISITS: dict(BOOLEAN_LABELS["visits"]),
            **{
                facet: {str(v): VOCABULARY_LABELS[v] for v in values}
                for facet, values in _ENUMS.items()
            },
        }
        self._by_language: dict[tuple[Facet, Language], dict[str, str]] = {
            (facet, language): {value: pick(labels, language) for value, labels in table.items()}
            for facet, table in self.tables.items() for language in Language
        }

    def labels(self, facet: Facet, value: str) -> Labels:
        """(Swedish, English) labels of a value; unknown values are labelled by themselves."""
        if facet is Facet.PROVIDER:
            name = self.providers.name(value) or value
            return name, name
        units = _UNITS.get(facet)
        if units is not None:
            return units[0].format(value), units[1].format(value)
        found = self.tables.get(facet, {}).get(value)
        return found if found is not None else (value, value)

    def label(self, facet: Facet, value: str, language: Language) -> str:
        return pick(self.labels(facet, value), language)

    def labelling(self, facet: Facet, language: Language) -> Callable[[str], str]:
        """``label`` for one facet and language, as one dictionary look-up per value."""
        if facet is Facet.PROVIDER:
            name = self.providers.name
            return lambda value: name(value) or value
        units = _UNITS.get(facet)
        if units is not None:
            return pick(units, language).format
        table = self._by_language.get((facet, language))
        if table is None:
            return lambda value: self.label(facet, value, language)
        get = table.get
        return lambda value: get(value, value)

    def known_values(self, facet: Facet) -> list[tuple[str, Labels]]:
        """Every value the reference data or vocabularies know for a facet, in their order."""
        if facet is Facet.PROVIDER:
            return [(number, (name, name)) for number, name in self.providers.items()]
        return list(self.tables.get(facet, {}).items())
