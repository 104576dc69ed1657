// The page's state lives in the URL fragment, so every search can be bookmarked and shared:
//   #/?query=svets&regions=01&regions=12&near=1280&radius=50&sort=DISTANCE
//   #/?countries=DK&regions=DK-1084   (Danish and Norwegian codes carry their country)
//   #/?from=2027-01-01&weeksMax=20&age=19&free=1   (the range filters, see RANGE_KEYS)
//   #/course/<course id>

/** Filter lists of CourseFilterInput the page offers, by URL parameter (= input field). */
export const FILTER_KEYS = [
  "countries", "regions", "occupationFields", "occupations", "programmeTypes", "paces", "schedules",
  "deliveries", "languages", "municipalities", "providers",
];
export const SORTS = [
  "RELEVANCE", "START_DATE_ASC", "START_DATE_DESC", "DURATION_ASC", "DURATION_DESC", "DISTANCE",
];
/** The range filters of CourseFilterInput, by URL parameter: start dates (YYYY-MM-DD),
 * length in weeks, the jobseeker's age, free of charge ("1"). Kept as the URL's text. */
export const RANGE_KEYS = ["from", "to", "weeksMin", "weeksMax", "age", "free"];
const DAY = /^\d{4}-\d{2}-\d{2}$/;
const whole = (low, high) => (v) => /^\d{1,4}$/.test(v) && Number(v) >= low && Number(v) <= high;
const RANGE_VALID = { // the API's limits (core/search/validation.py)
  from: (v) => DAY.test(v), to: (v) => DAY.test(v), weeksMin: whole(1, 1000),
  weeksMax: whole(1, 1000), age: whole(0, 150), free: (v) => v === "1",
};

export const RADII = [10, 25, 50, 100, 200];
export const DEFAULT_RADIUS = 50;
export const PAGE_SIZE = 20;

export function emptySearch() {
  return {
    query: "",
    filter: Object.fromEntries(FILTER_KEYS.map((key) => [key, []])),
    range: Object.fromEntries(RANGE_KEYS.map((key) => [key, ""])),
    withVisits: false,
    near: null, // { municipalityCode, radiusKm }
    sort: "RELEVANCE",
    interpretPlace: true, // false: a place named in the text is searched as text (place=0)
  };
}

/** The route of a location hash: { view: "search", search } or { view: "course", id }. */
export function parseRoute(hash) {
  const path = hash.replace(/^#/, "") || "/";
  const course = /^\/course\/([^/?#]+)$/.exec(path);
  if (course) return { view: "course", id: decodeURIComponent(course[1]) };
  const queryString = path.includes("?") ? path.slice(path.indexOf("?") + 1) : "";
  return { view: "search", search: parseSearch(new URLSearchParams(queryString)) };
}

function parseSearch(params) {
  const search = emptySearch();
  search.query = params.get("query") ?? "";
  for (const key of FILTER_KEYS) search.filter[key] = [...new Set(params.getAll(key))];
  for (const key of RANGE_KEYS) search.range[key] = validRange(key, params.get(key) ?? "");
  search.withVisits = params.get("visits") === "1";
  const municipalityCode = params.get("near");
  if (municipalityCode) {
    const radius = Number(params.get("radius"));
    search.near = { municipalityCode, radiusKm: radius > 0 ? radius : DEFAULT_RADIUS };
  }
  const sort = params.get("sort");
  if (SORTS.includes(sort) && (sort !== "DISTANCE" || search.near)) search.sort = sort;
  search.interpretPlace = params.get("place") !== "0";
  return search;
}

/** The location hash of a search. */
export function searchHash(search) {
  const params = new URLSearchParams();
  if (search.query) params.set("query", search.query);
  for (const key of FILTER_KEYS) {
    for (const value of search.filter[key]) params.append(key, value);
  }
  for (const key of RANGE_KEYS) {
    if (search.range[key]) params.set(key, search.range[key]);
  }
  if (search.withVisits) params.set("visits", "1");
  if (search.near) {
    params.set("near", search.near.municipalityCode);
    params.set("radius", String(search.near.radiusKm));
  }
  if (search.sort !== "RELEVANCE") params.set("sort", search.sort);
  if (!search.interpretPlace) params.set("place", "0");
  const text = params.toString();
  return text ? `#/?${text}` : "#/";
}

/** A range filter's value if it is well formed, else "" (no filter). */
export function validRange(key, value) {
  const text = String(value).trim();
  return RANGE_VALID[key](text) ? text : "";
}

/** Whether the search has any filter (a facet value, a range, study visits or a place). */
export function hasFilters(search) {
  return Boolean(search.near || search.withVisits
    || Object.values(search.filter).some((list) => list.length)
    || Object.values(search.range).some(Boolean));
}

export function courseHash(id) {
  return `#/course/${encodeURIComponent(id)}`;
}

/** The variables of SEARCH_COURSES for a search. */
export function searchVariables(search, language, after = null) {
  const filter = {};
  for (const key of FILTER_KEYS) {
    if (search.filter[key].length) filter[key] = search.filter[key];
  }
  if (search.withVisits) filter.hasUpcomingStudyVisits = true;
  const { from, to, weeksMin, weeksMax, age, free } = search.range;
  if (from || to) filter.startDate = { from: from || null, to: to || null };
  if (weeksMin || weeksMax) {
    filter.durationWeeks = { min: weeksMin ? Number(weeksMin) : null, max: weeksMax ? Number(weeksMax) : null };
  }
  if (age) filter.eligibleAtAge = Number(age);
  if (free) filter.freeOfCharge = true;
  return {
    query: search.query,
    filter,
    near: search.near,
    sort: search.sort,
    first: PAGE_SIZE,
    after,
    withFacets: after === null,
    language,
    interpretPlace: search.interpretPlace,
  };
}
