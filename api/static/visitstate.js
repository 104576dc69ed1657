// The visit finder's state lives in the URL fragment, as the course search's does:
//   #/visits?query=svets&regions=01&times=MORNING&weekdays=2&from=2027-01-01&seats=1&open=1
//   #/visits?regions=DK-1084&near=1280&radius=50   (Danish and Norwegian codes carry their country)

import { DEFAULT_RADIUS, PAGE_SIZE, validRange } from "./state.js";

/** List filters of StudyVisitSearchFilterInput the view offers, by URL parameter (= input
 * field), with the facet that counts them. */
export const VISIT_FACETS = [
  { attribute: "REGION", key: "regions" },
  { attribute: "MUNICIPALITY", key: "municipalities" },
  { attribute: "OCCUPATION_FIELD", key: "occupationFields" },
  { attribute: "OCCUPATION", key: "occupations" },
  { attribute: "LANGUAGE", key: "languages" },
  { attribute: "PROVIDER", key: "providers" },
];
export const TIMES = ["MORNING", "AFTERNOON", "EVENING"];
export const WEEKDAYS = ["1", "2", "3", "4", "5", "6", "7"];
/** Every facet the view shows counts for. */
export const VISIT_FACET_ATTRIBUTES = [...VISIT_FACETS.map((f) => f.attribute), "TIME_OF_DAY", "WEEKDAY"];

export function emptyVisitSearch() {
  return {
    query: "",
    filter: Object.fromEntries(VISIT_FACETS.map(({ key }) => [key, []])),
    times: [],
    weekdays: [],
    from: "", // YYYY-MM-DD
    to: "",
    seats: false,
    open: false,
    near: null, // { municipalityCode, radiusKm }
  };
}

export function isVisitsHash(hash) {
  return /^#\/visits(\?|$)/.test(hash);
}

/** The visit search of a #/visits hash; unknown or malformed values are left out. */
export function parseVisitHash(hash) {
  const path = hash.replace(/^#/, "");
  const params = new URLSearchParams(path.includes("?") ? path.slice(path.indexOf("?") + 1) : "");
  const search = emptyVisitSearch();
  search.query = params.get("query") ?? "";
  for (const { key } of VISIT_FACETS) search.filter[key] = [...new Set(params.getAll(key))];
  search.times = TIMES.filter((time) => params.getAll("times").includes(time));
  search.weekdays = WEEKDAYS.filter((day) => params.getAll("weekdays").includes(day));
  search.from = validRange("from", params.get("from") ?? "");
  search.to = validRange("to", params.get("to") ?? "");
  search.seats = params.get("seats") === "1";
  search.open = params.get("open") === "1";
  const municipalityCode = params.get("near");
  if (municipalityCode) {
    const radius = Number(params.get("radius"));
    search.near = { municipalityCode, radiusKm: radius > 0 ? radius : DEFAULT_RADIUS };
  }
  return search;
}

/** The location hash of a visit search. */
export function visitHash(search) {
  const params = new URLSearchParams();
  if (search.query) params.set("query", search.query);
  for (const { key } of VISIT_FACETS) {
    for (const value of search.filter[key]) params.append(key, value);
  }
  for (const time of search.times) params.append("times", time);
  for (const day of search.weekdays) params.append("weekdays", day);
  if (search.from) params.set("from", search.from);
  if (search.to) params.set("to", search.to);
  if (search.seats) params.set("seats", "1");
  if (search.open) params.set("open", "1");
  if (search.near) {
    params.set("near", search.near.municipalityCode);
    params.set("radius", String(search.near.radiusKm));
  }
  const text = params.toString();
  return text ? `#/visits?${text}` : "#/visits";
}

/** Whether anything but the text narrows the search. */
export function hasVisitFilters(search) {
  return Boolean(search.near || search.seats || search.open || search.from || search.to
    || search.times.length || search.weekdays.length
    || Object.values(search.filter).some((list) => list.length));
}

/** The variables of SEARCH_STUDY_VISITS for a visit search. A next page (after) asks for no
 * facets, so the API counts none (each facet with a selection costs it a query). */
export function visitVariables(search, language, after = null) {
  const filter = {};
  for (const { key } of VISIT_FACETS) {
    if (search.filter[key].length) filter[key] = search.filter[key];
  }
  if (search.times.length) filter.timesOfDay = search.times;
  if (search.weekdays.length) filter.weekdays = search.weekdays.map(Number);
  if (search.from || search.to) filter.dates = { from: search.from || null, to: search.to || null };
  if (search.seats) filter.onlyWithSeatsLeft = true;
  if (search.open) filter.onlyOpenForRegistration = true;
  return {
    query: search.query,
    filter,
    near: search.near,
    sort: search.near ? "DISTANCE" : "START_TIME",
    first: PAGE_SIZE,
    after,
    facets: after === null ? VISIT_FACET_ATTRIBUTES : [],
    withFacets: after === null,
    language,
  };
}
