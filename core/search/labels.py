"""Human labels of facet values, in Swedish or English, from reference data and vocabularies.

The tables are built once per process; labelling a value is a dictionary look-up.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING

from core.reference import Reference
from core.search.attributes import Facet
from core.search.vocabulary import (
    BOOLEAN_LABELS,
    COUNTRY_LABELS,
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

if TYPE_CHECKING:  # the directory keeps its labels in this module's tables
    from core.search.providers import ProviderDirectory

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


class LabelTable(dict[str, str]):
    """The labels of one facet's values in one language; an unknown value is its own label."""

    def __missing__(self, value: str) -> str:
        return value


class OrderKeys(dict[str, tuple[str, str]]):
    """Where each value goes among values of equal count: by label (casefolded), then value.

    Computed once per table, so that sorting a facet's values needs no Python call per value.
    """

    def __init__(self, labels: LabelTable) -> None:
        super().__init__((value, (label.casefold(), value)) for value, label in labels.items())
        self.labels = labels

    def __missing__(self, value: str) -> tuple[str, str]:
        return self.labels[value].casefold(), value


def ordered_table(labels: Iterable[tuple[str, str]]) -> tuple[LabelTable, OrderKeys]:
    """A facet's labels in one language, with their order keys."""
    table = LabelTable(labels)
    return table, OrderKeys(table)


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
            Facet.COUNTRY: dict(COUNTRY_LABELS),
            Facet.FREE_OF_CHARGE: dict(BOOLEAN_LABELS["free"]),
            Facet.HAS_UPCOMING_STUDY_VISITS: dict(BOOLEAN_LABELS["visits"]),
            **{
                facet: {str(v): VOCABULARY_LABELS[v] for v in values}
                for facet, values in _ENUMS.items()
            },
        }
        self._by_language: dict[tuple[Facet, Language], tuple[LabelTable, OrderKeys]] = {
            (facet, language): ordered_table(
                (value, pick(labels, language)) for value, labels in table.items())
            for facet, table in self.tables.items() for language in Language
        }
        self._unknown = ordered_table(())

    def label(self, facet: Facet, value: str, language: Language) -> str:
        """A value's label; unknown values are labelled by themselves."""
        return self.labelling(facet, language)(value)

    def labelling(self, facet: Facet, language: Language) -> Callable[[str], str]:
        """``label`` for one facet and language, with no Python call per value."""
        units = _UNITS.get(facet)
        if units is not None:
            return pick(units, language).format
        return self.ordering(facet, language)[0].__getitem__

    def ordering(self, facet: Facet, language: Language) -> tuple[LabelTable, OrderKeys]:
        """The labels of a facet's values in a language, and their order keys (a facet
        without a table labels each value by itself)."""
        if facet is Facet.PROVIDER:
            return self.providers.ordering
        return self._by_language.get((facet, language), self._unknown)

    def known_values(self, facet: Facet) -> list[tuple[str, Labels]]:
        """Every value the reference data or vocabularies know for a facet, in their order."""
        if facet is Facet.PROVIDER:
            return [(number, (name, name)) for number, name in self.providers.items()]
        return list(self.tables.get(facet, {}).items())
