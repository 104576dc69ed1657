// The range filters of the course search: start dates, length in weeks, the jobseeker's age
// and free of charge (CourseFilterInput's startDate, durationWeeks, eligibleAtAge and
// freeOfCharge). A value applies when its control changes (a whole date, or leaving a
// number field); a range whose ends are the wrong way round is named and not applied.

import { h, replaceChildren } from "./dom.js";
import { language, t } from "./i18n.js";
import { validRange } from "./state.js";

const MAX_WEEKS = 1000; // as the API's limit
const MAX_AGE = 150;

/**
 * Show the range filters of search in container, building the controls once per language.
 * onChange(next) gets a copy of the search with the changed range.
 */
export function renderRanges(container, search, onChange) {
  if (container.dataset.language !== language()) {
    container.dataset.language = language();
    replaceChildren(container, build());
  }
  container.onchange = (event) => changed(container, event.target, search, onChange);
  for (const input of container.querySelectorAll("input[data-range]")) {
    const value = search.range[input.dataset.range];
    if (input.type === "checkbox") input.checked = value === "1";
    else if (input !== document.activeElement) input.value = value;
  }
  for (const error of container.querySelectorAll(".field-error")) error.hidden = true;
}

function changed(container, input, search, onChange) {
  const key = input.dataset.range;
  if (!key) return;
  const value = input.type === "checkbox" ? (input.checked ? "1" : "") : validRange(key, input.value);
  const next = structuredClone(search);
  next.range[key] = value;
  const { from, to, weeksMin, weeksMax } = next.range;
  const wrongWay = (key === "from" || key === "to") ? Boolean(from && to && from > to)
    : (key === "weeksMin" || key === "weeksMax")
      ? Boolean(weeksMin && weeksMax && Number(weeksMin) > Number(weeksMax)) : false;
  const error = input.closest("fieldset")?.querySelector(".field-error");
  if (error) error.hidden = !wrongWay;
  if (!wrongWay && value !== search.range[key]) onChange(next);
}

function build() {
  return [
    pair("dates", "date", ["from", "to"], {}),
    pair("weeks", "number", ["weeksMin", "weeksMax"], { min: 1, max: MAX_WEEKS }),
    h("div", { class: "field range-age" },
      h("label", { for: "range-age" }, t("range.age")),
      h("p", { id: "range-age-hint", class: "hint" }, t("range.ageHint")),
      h("input", {
        type: "number", id: "range-age", "data-range": "age", min: 0, max: MAX_AGE,
        inputmode: "numeric", "aria-describedby": "range-age-hint",
      })),
    h("div", { class: "range-free" },
      h("input", { type: "checkbox", id: "range-free", "data-range": "free" }),
      h("label", { for: "range-free" }, t("range.free"))),
  ];
}

/** A fieldset of two inputs (from/to or at least/at most) with the error of a reversed range. */
function pair(name, type, keys, limits) {
  const errorId = `range-${name}-error`;
  return h("fieldset", { class: "facet range", id: `range-${name}` },
    h("legend", {}, t(`range.${name}`)),
    keys.map((key) => h("div", { class: "field" },
      h("label", { for: `range-${key}` }, t(`range.${key}`)),
      h("input", {
        type, id: `range-${key}`, "data-range": key, "aria-describedby": errorId,
        inputmode: type === "number" ? "numeric" : null, ...limits,
      }))),
    h("p", { id: errorId, class: "field-error", role: "alert", hidden: true },
      t(`range.${name}Error`)));
}
