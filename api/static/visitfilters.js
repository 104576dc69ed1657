// The visit finder's filters: region, municipality, occupation field, occupation, language
// and provider as disjunctive facet lists (labels and counts are the API's, as in the course
// search), times of day and weekdays with their counts, a date range, and "only with seats
// left" / "only open for registration". Every change gives onChange a copy of the search.

import { h, replaceChildren } from "./dom.js";
import { chipList, listFacet } from "./facets.js";
import { LOCALES, formatDate, formatNumber, language, t, tCount } from "./i18n.js";
import { validRange } from "./state.js";
import { TIMES, VISIT_FACETS, WEEKDAYS, emptyVisitSearch, hasVisitFilters } from "./visitstate.js";

const NAMES = { prefix: "visits", count: "visits.count" };

/** The fixed controls (times, weekdays, dates, seats, open), built once per language;
 * current() is the search they change, syncVisitControls shows one. */
export function visitControls(current, onChange) {
  const toggled = (list, value, on) => (on ? [...list, value] : list.filter((v) => v !== value));
  const choice = (name, value, label, change) => {
    const id = `visits-${name}-${value}`;
    return h("div", { class: "choice" },
      h("input", { type: "checkbox", id, name, value,
        onChange: (event) => onChange(change(structuredClone(current()), event.target.checked)) }),
      h("label", { for: id }, label, " ", h("span", { class: "count", id: `${id}-count` })));
  };
  const flag = (key) => h("div", { class: "choice" },
    h("input", { type: "checkbox", id: `visits-${key}`, name: key,
      onChange: (event) => onChange({ ...structuredClone(current()), [key]: event.target.checked }) }),
    h("label", { for: `visits-${key}` }, t(`visits.${key}`)));
  return [
    h("fieldset", { class: "facet", id: "visits-times" }, h("legend", {}, t("visits.times")),
      TIMES.map((time) => choice("times", time, t(`time.${time}`),
        (next, on) => ({ ...next, times: TIMES.filter((v) => toggled(next.times, time, on).includes(v)) })))),
    h("fieldset", { class: "facet", id: "visits-weekdays" }, h("legend", {}, t("visits.weekdays")),
      WEEKDAYS.map((day) => choice("weekdays", day, weekdayLabel(day),
        (next, on) => ({ ...next, weekdays: WEEKDAYS.filter((v) => toggled(next.weekdays, day, on).includes(v)) })))),
    dateRange(current, onChange),
    flag("seats"),
    flag("open"),
  ];
}

/** Show search in the fixed controls (a date being typed is left alone). */
export function syncVisitControls(view, search) {
  for (const input of view.querySelectorAll("input[name=times], input[name=weekdays]")) {
    input.checked = search[input.name].includes(input.value);
  }
  view.querySelector("#visits-seats").checked = search.seats;
  view.querySelector("#visits-open").checked = search.open;
  for (const key of ["from", "to"]) {
    const input = view.querySelector(`#visits-${key}`);
    if (input !== document.activeElement) input.value = search[key];
  }
  view.querySelector("#visits-dates-error").hidden = true;
}

/** From and to (days the visits start on); a range the wrong way round is named, not applied. */
function dateRange(current, onChange) {
  const error = h("p", { id: "visits-dates-error", class: "field-error", role: "alert", hidden: true },
    t("visits.datesError"));
  const changed = (key, input) => {
    const search = current();
    const next = { ...structuredClone(search), [key]: validRange(key, input.value) };
    error.hidden = !(next.from && next.to && next.from > next.to);
    if (error.hidden && next[key] !== search[key]) onChange(next);
  };
  return h("fieldset", { class: "facet range", id: "visits-dates" },
    h("legend", {}, t("visits.dates")),
    ["from", "to"].map((key) => h("div", { class: "field" },
      h("label", { for: `visits-${key}` }, t(`visits.${key}`)),
      h("input", { type: "date", id: `visits-${key}`, name: key,
        "aria-describedby": "visits-dates-error", onChange: (event) => changed(key, event.target) }))),
    error);
}

/**
 * Show a result's facets: the lists in container (rebuilt, keyboard focus kept on the
 * control that had it) and the counts beside the times of day and weekdays in view.
 */
export function showVisitFacets(view, container, facets, search, onChange) {
  const rerender = () => showVisitFacets(view, container, facets, search, onChange);
  const focusedId = container.contains(document.activeElement) ? document.activeElement.id : null;
  const byAttribute = new Map(facets.map((facet) => [facet.attribute, facet]));
  replaceChildren(container, VISIT_FACETS.map(({ attribute, key }) => {
    const facet = byAttribute.get(attribute);
    return facet?.values.length ? listFacet(facet, key, search, onChange, rerender, NAMES) : null;
  }));
  if (focusedId) document.getElementById(focusedId)?.focus();
  for (const [attribute, name] of [["TIME_OF_DAY", "times"], ["WEEKDAY", "weekdays"]]) {
    const counts = new Map((byAttribute.get(attribute)?.values ?? []).map((v) => [v.value.toUpperCase(), v.count]));
    for (const input of view.querySelectorAll(`input[name=${name}]`)) {
      const count = counts.get(input.value) ?? 0;
      const slot = view.querySelector(`#${input.id}-count`);
      slot.dataset.count = String(count);
      replaceChildren(slot, h("span", { "aria-hidden": "true" }, formatNumber(count)),
        h("span", { class: "visually-hidden" }, tCount("visits.count", count)));
    }
  }
}

/** Every active filter but the text as a removable chip, and "clear all". facets: the
 * result's (for the values' labels); placeName(code) names a municipality; after a removal
 * focus moves to focusTarget(). */
export function visitChips(container, facets, search, onChange, placeName, focusTarget) {
  const chips = chipList(search, onChange, () => focusTarget()?.focus());
  chips.facetValues(facets, VISIT_FACETS);
  for (const time of search.times) {
    chips.add(t(`time.${time}`), (next) => { next.times = next.times.filter((v) => v !== time); });
  }
  for (const day of search.weekdays) {
    chips.add(weekdayLabel(day), (next) => { next.weekdays = next.weekdays.filter((v) => v !== day); });
  }
  if (search.from) chips.add(t("visits.chipFrom", { value: formatDate(search.from) }), (next) => { next.from = ""; });
  if (search.to) chips.add(t("visits.chipTo", { value: formatDate(search.to) }), (next) => { next.to = ""; });
  if (search.seats) chips.add(t("visits.chipSeats"), (next) => { next.seats = false; });
  if (search.open) chips.add(t("visits.chipOpen"), (next) => { next.open = false; });
  chips.near(placeName);
  chips.render(container, "visits-clear-filters", hasVisitFilters(search),
    () => ({ ...emptyVisitSearch(), query: search.query }));
}

function weekdayLabel(day) {
  // 2024-01-01 was a Monday.
  return new Intl.DateTimeFormat(LOCALES[language()], { weekday: "long", timeZone: "UTC" })
    .format(new Date(Date.UTC(2024, 0, Number(day))));
}
