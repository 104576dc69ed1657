"""Human labels of facet values in each language, from reference data and vocabularies.

Danish and Norwegian places keep their native names in every language (as Swedish places
keep their Swedish ones); a Danish or Norwegian occupation (``DK-721200``, ``NO-8344``) is
labelled by its ISCO-08 unit group's title: DISCO-08's title in Danish and STYRK-08's
bokmål title in Norwegian where Statistics Denmark's or Statistics Norway's classification
has the group, ILO's English otherwise (see ``core/reference/data/SOURCES.md``).

The tables are built once per process; labelling a value is a dictionary look-up.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from typing import TYPE_CHECKING

from core.nordic_reference import IscoGroup, NordicReference, load_nordic_reference
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
    Facet.DURATION_WEEKS: Labels("{} veckor", "{} weeks", "{} uger", "{} uker"),
    Facet.MINIMUM_AGE: Labels("{} år", "{} years", "{} år", "{} år"),
}

_ENUMS: dict[Facet, tuple[str, ...]] = {
    Facet.PROGRAMME_TYPE: tuple(ProgrammeType),
    Facet.PACE: tuple(Pace),
    Facet.SCHEDULE: tuple(Schedule),
    Facet.DELIVERY: tuple(Delivery),
}


class LabelTable(dict[str, str]):
    """The labels of one facet's values in one language; an unknown value is labelled by
    ``fallback`` (by itself without one)."""

    def __init__(self, labels: Iterable[tuple[str, str]] | Mapping[str, str] = (),
                 fallback: Callable[[str], str] | None = None) -> None:
        super().__init__(labels)
        self.fallback = fallback

    def __missing__(self, value: str) -> str:
        return value if self.fallback is None else self.fallback(value)


class OrderKeys(dict[str, tuple[str, str]]):
    """Where each value goes among values of equal count: by label (casefolded), then value.

    Computed once per table, so that sorting a facet's values needs no Python call per value.
    """

    def __init__(self, labels: LabelTable) -> None:
        super().__init__((value, (label.casefold(), value)) for value, label in labels.items())
        self.labels = labels

    def __missing__(self, value: str) -> tuple[str, str]:
        return self.labels[value].casefold(), value


def ordered_table(labels: Iterable[tuple[str, str]],
                  fallback: Callable[[str], str] | None = None) -> tuple[LabelTable, OrderKeys]:
    """A facet's labels in one language, with their order keys."""
    table = LabelTable(labels, fallback)
    return table, OrderKeys(table)


def group_title(group: IscoGroup, language: Language) -> str:
    """A unit group's title in ``language``: the national classification's in Danish and
    Norwegian where it has the group, English otherwise."""
    national = {Language.DA: group.title_da, Language.NB: group.title_nb}.get(language)
    return national or group.title_en


def isco_title(nordic: NordicReference,
               language: Language = Language.EN) -> Callable[[str], str]:
    """The label of a Danish or Norwegian occupation code in ``language``: its ISCO-08
    group's title (Danish or Norwegian where it has one, English otherwise)."""
    titles = {code: group_title(group, language) for code, group in nordic.isco.items()}

    def title(value: str) -> str:
        country, _, code = value.partition("-")
        return titles.get(code[:4], value) if country in ("DK", "NO") else value

    return title


class Labeller:
    """Labels of every facet's values; providers come from the live directory."""

    def __init__(self, reference: Reference, providers: ProviderDirectory) -> None:
        nordic = load_nordic_reference()
        self.providers = providers
        self.tables: dict[Facet, dict[str, Labels]] = {
            Facet.REGION: {
                **{c: Labels(r.name, r.name_en, r.name, r.name)
                   for c, r in reference.regions.items()},
                **{c: Labels.native(a.name) for c, a in nordic.indexed_areas.items()},
            },
            Facet.MUNICIPALITY: {
                **{c: Labels.native(m.name) for c, m in reference.municipalities.items()},
                **{c: Labels.native(m.name) for c, m in nordic.indexed_municipalities.items()},
            },
            Facet.OCCUPATION_FIELD: {
                i: Labels(f.name_sv, f.name_en, f.name_da, f.name_nb)
                for i, f in reference.occupation_fields.items()
            },
            Facet.OCCUPATION: {
                c: Labels(o.name_sv, o.name_en, o.name_sv, o.name_sv)
                for c, o in reference.occupations.items()
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
        fallbacks = {(Facet.OCCUPATION, language): isco_title(nordic, language)
                     for language in Language}
        self._by_language: dict[tuple[Facet, Language], tuple[LabelTable, OrderKeys]] = {
            (facet, language): ordered_table(
                ((value, pick(labels, language)) for value, labels in table.items()),
                fallbacks.get((facet, language)))
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
            return [(number, Labels.native(name)) for number, name in self.providers.items()]
        return list(self.tables.get(facet, {}).items())
