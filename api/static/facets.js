// Facet lists with counts. The counts are the API's: disjunctive, so a facet's own
// selection does not narrow its counts, and choosing one more value shows what it adds.

import { h, replaceChildren } from "./dom.js";
import { formatDate, t, tCount } from "./i18n.js";
import { RANGE_KEYS, emptySearch, hasFilters } from "./state.js";

/** The list facets, in the order shown, with the CourseFilterInput field each selects. */
export const FACETS = [
  { attribute: "COUNTRY", key: "countries" },
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

/** The long lists, whose values can also be found by typing (the facetValues query). */
const SEARCHABLE = new Set(["MUNICIPALITY", "PROVIDER"]);
const TYPING_DELAY_MS = 250;
const typed = new Map(); // attribute → the text typed in its search field

/**
 * Render the facets of a search result into container. onChange(next) gets a copy of the
 * search with the selection changed; findValues(attribute, text, signal) resolves to the
 * facet's values matching text. Keyboard focus stays on the control that had it.
 */
export function renderFacets(container, facets, search, onChange, findValues) {
  const rerender = () => renderFacets(container, facets, search, onChange, findValues);
  const focusedId = container.contains(document.activeElement) ? document.activeElement.id : null;
  const byAttribute = new Map(facets.map((facet) => [facet.attribute, facet]));
  const groups = [];
  for (const { attribute, key } of FACETS) {
    const facet = byAttribute.get(attribute);
    if (!facet?.values.length) continue;
    // The country is a choice only where the index has more than one.
    if (attribute === "COUNTRY" && facet.values.length < 2 && !search.filter[key].length) continue;
    const group = listFacet(facet, key, search, onChange, rerender);
    if (SEARCHABLE.has(attribute)) addValueSearch(group, attribute, key, search, onChange, findValues);
    groups.push(group);
  }
  const upcoming = byAttribute.get(UPCOMING)?.values.find((v) => v.value === "true");
  if (upcoming) groups.splice(1, 0, visitsFacet(upcoming, search, onChange));
  replaceChildren(container, groups);
  if (focusedId) document.getElementById(focusedId)?.focus();
}

/** The course search's facets: ids start with "facet-", counts are of courses. */
const COURSE_FACETS = { prefix: "facet", count: "facet.count" };

/**
 * A facet's values as a fieldset of checkboxes with their counts (the first few, and a
 * "show all" toggle for the rest). onChange(next) gets a copy of search with the value
 * added to or removed from search.filter[key]; rerender() redraws after the toggle.
 * names: the id prefix and the key of the count's text ({ prefix, count }).
 */
export function listFacet(facet, key, search, onChange, rerender, names = COURSE_FACETS) {
  const { attribute, values } = facet;
  const open = expanded.has(`${names.prefix}-${attribute}`);
  const shown = open ? values : values.filter((v, i) => i < COLLAPSED_SIZE || v.selected);
  const legendId = `${names.prefix}-${attribute}-legend`;
  const listId = `${names.prefix}-${attribute}-list`;
  const toggle = values.length > COLLAPSED_SIZE
    ? h("button", {
      type: "button", class: "link-button", id: `${names.prefix}-${attribute}-toggle`,
      "aria-expanded": String(open), "aria-controls": listId,
      onClick: () => {
        if (open) expanded.delete(`${names.prefix}-${attribute}`);
        else expanded.add(`${names.prefix}-${attribute}`);
        rerender();
      },
    }, open ? t("filters.showFewer") : t("filters.showAll", { count: values.length }))
    : null;
  return h("fieldset", { class: "facet", id: `${names.prefix}-${attribute}`, "data-attribute": attribute },
    h("legend", { id: legendId }, t(`facet.${attribute}`)),
    h("ul", { id: listId, role: "list" }, valueRows(attribute, key, shown, search, onChange, names)),
    toggle);
}

function valueRows(attribute, key, values, search, onChange, names = COURSE_FACETS) {
  return values.map((value) => {
    const id = `${names.prefix}-${attribute}-${value.value}`;
    return h("li", { "data-value": value.value },
      h("input", {
        type: "checkbox", id, value: value.value, checked: value.selected,
        onChange: (event) => {
          const next = structuredClone(search);
          const chosen = new Set(next.filter[key]);
          if (event.target.checked) chosen.add(value.value); else chosen.delete(value.value);
          next.filter[key] = [...chosen];
          typed.delete(attribute); // the chosen value now shows in the list itself
          onChange(next);
        },
      }),
      h("label", { for: id },
        h("span", { class: "facet-label" }, value.label), " ",
        h("span", { class: "count", "data-count": value.count },
          h("span", { "aria-hidden": "true" }, String(value.count)),
          h("span", { class: "visually-hidden" }, tCount(names.count, value.count)))));
  });
}

/** A search field above a long list: typing shows the matching values (with their counts
 * in the current search) in place of the list; clearing it brings the list back. */
function addValueSearch(group, attribute, key, search, onChange, findValues) {
  const list = group.querySelector("ul");
  const toggle = group.querySelector(".link-button");
  const rows = [...list.children];
  const inputId = `facet-${attribute}-search`;
  const status = h("p", { class: "visually-hidden", role: "status", id: `facet-${attribute}-found` });
  let timer = null;
  let controller = null;
  const show = async (text) => {
    controller?.abort();
    if (!text.trim()) {
      list.replaceChildren(...rows);
      if (toggle) toggle.hidden = false;
      status.textContent = "";
      return;
    }
    controller = new AbortController();
    try {
      const values = await findValues(attribute, text, controller.signal);
      list.replaceChildren(...valueRows(attribute, key, values, search, onChange));
      if (toggle) toggle.hidden = true;
      status.textContent = values.length ? tCount("facetSearch.found", values.length)
        : t("facetSearch.none");
    } catch {
      // Aborted by newer typing, or failed: the list stays as it was.
    }
  };
  const input = h("input", {
    type: "search", id: inputId, class: "facet-search", autocomplete: "off",
    spellcheck: "false", value: typed.get(attribute) ?? "", "aria-controls": list.id,
    onInput: (event) => {
      typed.set(attribute, event.target.value);
      clearTimeout(timer);
      timer = setTimeout(() => show(event.target.value), TYPING_DELAY_MS);
    },
  });
  group.insertBefore(h("div", { class: "field facet-search-field" },
    h("label", { for: inputId }, t(`facetSearch.${attribute}`)), input, status), list);
  if (typed.get(attribute)) show(typed.get(attribute));
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

/** The active filters of a search as removable chips. add(text, remove) adds one, whose
 * remove(next) edits a copy of the search; facetValues(facets, attributes) adds one per
 * selected value, labelled from the result's facets; near(placeName) adds the place;
 * render(container, clearId, anySelected, cleared) shows them and, when anything is
 * selected, a "clear all" button that changes the search to cleared(). After a removal or a
 * clear, refocus() moves the focus (the button that had it goes away). */
export function chipList(search, onChange, refocus) {
  const chips = [];
  const change = (next) => {
    onChange(next);
    refocus();
  };
  const add = (text, remove) => chips.push(h("li", {},
    h("button", {
      type: "button", class: "chip", "aria-label": t("chip.remove", { name: text }),
      onClick: () => {
        const next = structuredClone(search);
        remove(next);
        change(next);
      },
    }, h("span", {}, text), h("span", { "aria-hidden": "true" }, " ×"))));
  return {
    add,
    facetValues(facets, attributes) {
      const labels = new Map(facets.map((f) => [f.attribute, new Map(f.values.map((v) => [v.value, v.label]))]));
      for (const { attribute, key } of attributes) {
        for (const value of search.filter[key]) {
          const label = labels.get(attribute)?.get(value) ?? value;
          add(`${t(`facet.${attribute}`)}: ${label}`, (next) => {
            next.filter[key] = next.filter[key].filter((v) => v !== value);
          });
        }
      }
    },
    near(placeName) {
      if (search.near) {
        add(t("chip.near", { km: search.near.radiusKm, name: placeName(search.near.municipalityCode) }),
          (next) => { next.near = null; });
      }
    },
    render(container, clearId, anySelected, cleared) {
      replaceChildren(container,
        chips.length ? h("ul", { class: "chips", role: "list", "aria-label": t("filters.active") }, chips) : null,
        anySelected ? h("button", {
          type: "button", class: "link-button", id: clearId, onClick: () => change(cleared()),
        }, t("filters.clear")) : null);
    },
  };
}

/** Every active filter as a removable chip (facet values labelled from the facets, the
 * ranges, study visits, the place), and a "clear all" button when anything is selected.
 * placeName(code) names a municipality. */
export function renderActiveFilters(container, facets, search, onChange, placeName) {
  const chips = chipList(search, onChange, focusResults);
  chips.facetValues(facets, [...FACETS, { attribute: "OCCUPATION", key: "occupations" }]);
  for (const key of RANGE_KEYS) {
    const value = search.range[key];
    if (value) {
      const text = key === "from" || key === "to" ? formatDate(value) : value;
      chips.add(t(`chip.${key}`, { value: text }), (next) => { next.range[key] = ""; });
    }
  }
  if (search.withVisits) chips.add(t(`facet.${UPCOMING}`), (next) => { next.withVisits = false; });
  chips.near(placeName);
  chips.render(container, "clear-filters", hasFilters(search), () => ({
    ...emptySearch(), query: search.query, sort: search.sort, interpretPlace: search.interpretPlace,
  }));
}

/** The button that had focus goes away with its filter; continue at the results. */
function focusResults() {
  document.getElementById("results-heading")?.focus();
}
