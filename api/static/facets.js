// Facet lists with counts. The counts are the API's: disjunctive, so a facet's own
// selection does not narrow its counts, and choosing one more value shows what it adds.

import { h, replaceChildren } from "./dom.js";
import { t } from "./i18n.js";

/** The list facets, in the order shown, with the CourseFilterInput field each selects. */
export const FACETS = [
  { attribute: "REGION", key: "regions" },
  { attribute: "OCCUPATION_FIELD", key: "occupationFields" },
  { attribute: "PROGRAMME_TYPE", key: "programmeTypes" },
  { attribute: "PACE", key: "paces" },
  { attribute: "SCHEDULE", key: "schedules" },
  { attribute: "DELIVERY", key: "deliveries" },
  { attribute: "LANGUAGE", key: "languages" },
  { attribute: "MUNICIPALITY", key: "municipalities" },
  { attribute: "PROVIDER", key: "providers" },
];
const UPCOMING = "HAS_UPCOMING_STUDY_VISITS";
const COLLAPSED_SIZE = 6;
const expanded = new Set();

/** The facets to ask for: the lists, study visits, and the occupation when one is chosen
 * (only to get its label). */
export function facetAttributes(search) {
  const attributes = [...FACETS.map((f) => f.attribute), UPCOMING];
  if (search.filter.occupations.length) attributes.push("OCCUPATION");
  return attributes;
}

/**
 * Render the facets of a search result into container. onChange(next) gets a copy of the
 * search with the selection changed. Keyboard focus stays on the control that had it.
 */
export function renderFacets(container, facets, search, onChange) {
  const rerender = () => renderFacets(container, facets, search, onChange);
  const focusedId = container.contains(document.activeElement) ? document.activeElement.id : null;
  const byAttribute = new Map(facets.map((facet) => [facet.attribute, facet]));
  const groups = [];
  for (const { attribute, key } of FACETS) {
    const facet = byAttribute.get(attribute);
    if (facet?.values.length) groups.push(listFacet(facet, key, search, onChange, rerender));
  }
  const upcoming = byAttribute.get(UPCOMING)?.values.find((v) => v.value === "true");
  if (upcoming) groups.splice(1, 0, visitsFacet(upcoming, search, onChange));
  replaceChildren(container, groups);
  if (focusedId) document.getElementById(focusedId)?.focus();
}

function listFacet(facet, key, search, onChange, rerender) {
  const { attribute, values } = facet;
  const open = expanded.has(attribute);
  const shown = open ? values : values.filter((v, i) => i < COLLAPSED_SIZE || v.selected);
  const legendId = `facet-${attribute}-legend`;
  const listId = `facet-${attribute}-list`;
  const toggle = values.length > COLLAPSED_SIZE
    ? h("button", {
      type: "button", class: "link-button", id: `facet-${attribute}-toggle`,
      "aria-expanded": String(open), "aria-controls": listId,
      onClick: () => {
        if (open) expanded.delete(attribute); else expanded.add(attribute);
        rerender();
      },
    }, open ? t("filters.showFewer") : t("filters.showAll", { count: values.length }))
    : null;
  return h("fieldset", { class: "facet", id: `facet-${attribute}`, "data-attribute": attribute },
    h("legend", { id: legendId }, t(`facet.${attribute}`)),
    h("ul", { id: listId, role: "list" }, shown.map((value) => {
      const id = `facet-${attribute}-${value.value}`;
      return h("li", { "data-value": value.value },
        h("input", {
          type: "checkbox", id, value: value.value, checked: value.selected,
          onChange: (event) => {
            const next = structuredClone(search);
            const chosen = new Set(next.filter[key]);
            if (event.target.checked) chosen.add(value.value); else chosen.delete(value.value);
            next.filter[key] = [...chosen];
            onChange(next);
          },
        }),
        h("label", { for: id },
          h("span", { class: "facet-label" }, value.label), " ",
          h("span", { class: "count", "data-count": value.count },
            h("span", { "aria-hidden": "true" }, String(value.count)),
            h("span", { class: "visually-hidden" }, t("facet.count", { count: value.count })))));
    })),
    toggle);
}

function visitsFacet(value, search, onChange) {
  const id = `facet-${UPCOMING}-true`;
  return h("fieldset", { class: "facet", id: `facet-${UPCOMING}`, "data-attribute": UPCOMING },
    h("legend", {}, t(`facet.${UPCOMING}`)),
    h("ul", { role: "list" },
      h("li", { "data-value": "true" },
        h("input", {
          type: "checkbox", id, checked: value.selected,
          onChange: (event) => onChange({ ...structuredClone(search), withVisits: event.target.checked }),
        }),
        h("label", { for: id },
          h("span", { class: "facet-label" }, value.label), " ",
          h("span", { class: "count", "data-count": value.count },
            h("span", { "aria-hidden": "true" }, String(value.count)),
            h("span", { class: "visually-hidden" }, t("facet.count", { count: value.count })))))));
}

/** Chosen occupations (from autocomplete) as removable chips, labelled from the
 * OCCUPATION facet; and a "clear all" button when anything is selected. */
export function renderActiveFilters(container, facets, search, onChange) {
  const labels = new Map(
    (facets.find((f) => f.attribute === "OCCUPATION")?.values ?? []).map((v) => [v.value, v.label]));
  const chips = search.filter.occupations.map((code) => {
    const name = labels.get(code) ?? code;
    return h("li", {},
      h("button", {
        type: "button", class: "chip", "aria-label": t("occupation.remove", { name }),
        onClick: () => {
          const next = structuredClone(search);
          next.filter.occupations = next.filter.occupations.filter((c) => c !== code);
          onChange(next);
          focusResults();
        },
      }, h("span", {}, `${t("facet.OCCUPATION")}: ${name}`), h("span", { "aria-hidden": "true" }, " ×")));
  });
  const anything = Object.values(search.filter).some((list) => list.length) || search.withVisits;
  replaceChildren(container,
    chips.length ? h("ul", { class: "chips", role: "list" }, chips) : null,
    anything ? h("button", {
      type: "button", class: "link-button", id: "clear-filters",
      onClick: () => {
        const next = structuredClone(search);
        for (const key of Object.keys(next.filter)) next.filter[key] = [];
        next.withVisits = false;
        onChange(next);
        focusResults();
      },
    }, t("filters.clear")) : null);
}

/** The button that had focus goes away with its filter; continue at the results. */
function focusResults() {
  document.getElementById("results-heading")?.focus();
}
