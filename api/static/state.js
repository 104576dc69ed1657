// The page's state lives in the URL fragment, so every search can be bookmarked and shared:
//   #/?query=svets&regions=01&regions=12&near=1280&radius=50&sort=DISTANCE
//   #/course/<course id>

/** Filter lists of CourseFilterInput the page offers, by URL parameter (= input field). */
export const FILTER_KEYS = [
  "regions", "occupationFields", "occupations", "programmeTypes", "paces", "schedules",
  "deliveries", "languages", "municipalities", "providers",
];
export const SORTS = [
  "RELEVANCE", "START_DATE_ASC", "START_DATE_DESC", "DURATION_ASC", "DURATION_DESC", "DISTANCE",
];
export const RADII = [10, 25, 50, 100, 200];
export const DEFAULT_RADIUS = 50;
export const PAGE_SIZE = 20;

export function emptySearch() {
  return {
    query: "",
    filter: Object.fromEntries(FILTER_KEYS.map((key) => [key, []])),
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
