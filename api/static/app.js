// The reference search page: routing between the search and a course, and the search loop.

import { graphql, isAbort } from "./api.js";
import { setupAutocomplete } from "./autocomplete.js";
import { coursePage } from "./course.js";
import { h, replaceChildren } from "./dom.js";
import { facetAttributes, renderActiveFilters, renderFacets } from "./facets.js";
import { apiLanguage, language, setLanguage, t, tCount } from "./i18n.js";
import { renderMyVisits } from "./myvisits.js";
import { municipalityName, nearCountries, readNear, renderNearOptions, showNear } from "./near.js";
import { renderProviderView } from "./provider.js";
import { COURSE, FACET_VALUES, PLACES, SEARCH_COURSES, SUGGESTIONS } from "./queries.js";
import { renderRanges } from "./ranges.js";
import { resultCards } from "./results.js";
import { renderSelfService } from "./selfservice.js";
import { routeToken } from "./selfservice_text.js";
import { SORTS, emptySearch, hasFilters, parseRoute, searchHash, searchVariables } from "./state.js";
import { renderUnderstanding } from "./understanding.js";
import { parseVisitHash, visitHash } from "./visitstate.js";
import { visitFinder } from "./visits.js";

const $ = (id) => document.getElementById(id);

let search = emptySearch();
let places = {}; // each country's regions with their municipalities, by country code
let searchController = null;
let endCursor = null;
let shown = 0;
let rendered = null; // the hash and language of the results on screen
let lastSearchHash = "#/";
let lastCourseId = null;
const visits = visitFinder();

/** The visit finder (#/visits?…) in place of the search and course views; rebuilt for
 * another search in the URL, a language or the places. */
function showVisits() {
  $("search-view").hidden = true;
  $("course-view").hidden = true;
  const view = $("visits-view");
  const search = parseVisitHash(location.hash);
  const shape = `${language()} ${Object.keys(places).length}`;
  if (view.hidden || view.dataset.shape !== shape || view.dataset.hash !== visitHash(search)) {
    view.dataset.shape = shape;
    visits.render(view, places, search);
  }
  view.hidden = false;
  document.title = view.querySelector("h1").textContent;
}

function applyStaticStrings() {
  document.documentElement.lang = language();
  document.title = t("page.title");
  for (const element of document.querySelectorAll("[data-i18n]")) {
    element.textContent = t(element.dataset.i18n);
  }
  for (const button of document.querySelectorAll("#language-switch button")) {
    const current = button.dataset.language === language();
    button.setAttribute("aria-pressed", String(current));
    button.tabIndex = current ? 0 : -1; // one tab stop; the arrow keys move between them
  }
  showControls();
}

/** Show the current search in the form controls. */
function showControls() {
  $("query").value = search.query;
  renderNearOptions($("near-municipality"), $("near-radius"), places, nearCountries(search.filter.countries));
  showNear($("near-municipality"), $("near-radius"), search.near);
  replaceChildren($("sort"), SORTS.map((sort) => h("option", {
    value: sort, disabled: sort === "DISTANCE" && !search.near,
  }, t(`sort.${sort}`))));
  $("sort").value = search.sort;
  renderRanges($("ranges"), search, update);
}

/** The values of a long facet list matching typed text, counted within the current search. */
async function findFacetValues(attribute, text, signal) {
  const { query, filter, near, language } = searchVariables(search, apiLanguage());
  const data = await graphql(FACET_VALUES, { attribute, text, query, filter, near, language }, { signal });
  return data.facetValues;
}

/** A new search from the controls: update the URL and run it. */
function update(next) {
  search = next;
  if (!search.near && search.sort === "DISTANCE") search.sort = "RELEVANCE";
  lastSearchHash = searchHash(search);
  history.replaceState(null, "", lastSearchHash);
  showControls();
  runSearch();
}

async function runSearch({ more = false } = {}) {
  searchController?.abort();
  const controller = new AbortController();
  searchController = controller;
  const section = $("results").closest("section");
  section.dataset.state = "loading";
  $("results").setAttribute("aria-busy", "true");
  const variables = {
    ...searchVariables(search, apiLanguage(), more ? endCursor : null),
    facets: facetAttributes(search),
  };
  try {
    const { searchCourses: result } = await graphql(SEARCH_COURSES, variables, { signal: controller.signal });
    const cards = resultCards(result.edges);
    if (more) {
      $("results").append(...cards);
      shown += cards.length;
      cards[0]?.querySelector("a")?.focus();
    } else {
      replaceChildren($("results"), cards);
      shown = cards.length;
      renderFacets($("facets"), result.facets, search, update, findFacetValues);
      renderActiveFilters($("active-filters"), result.facets, search, update,
        (code) => municipalityName(places, code));
      renderUnderstanding($("understanding"), result, search, update);
      rendered = { hash: lastSearchHash, language: language() };
    }
    endCursor = result.pageInfo.endCursor;
    $("load-more").hidden = !result.pageInfo.hasNextPage;
    const count = $("result-count");
    count.dataset.total = String(result.totalCount);
    count.textContent = result.totalCount ? tCount("results.count", result.totalCount)
      : t(hasFilters(search) ? "results.none" : "results.noneUnfiltered");
    $("results-shown").textContent = result.totalCount
      ? t("results.shown", { shown, total: result.totalCount })
      : "";
    $("search-error").hidden = true;
    section.dataset.state = "ready";
  } catch (error) {
    if (isAbort(error)) return;
    $("search-error").textContent = t("results.error");
    $("search-error").hidden = false;
    section.dataset.state = "error";
  } finally {
    if (searchController === controller) $("results").removeAttribute("aria-busy");
  }
}

async function showCourse(id) {
  lastCourseId = id;
  $("search-view").hidden = true;
  $("visits-view").hidden = true;
  const view = $("course-view");
  view.hidden = false;
  view.dataset.state = "loading";
  replaceChildren(view, h("p", { role: "status" }, t("course.loading")));
  const back = () => h("p", {}, h("a", { href: lastSearchHash, class: "back" }, t("course.back")));
  const heading = (text) => h("h1", { tabindex: "-1" }, text);
  try {
    const { course } = await graphql(COURSE, { id });
    if (parseRoute(location.hash).id !== id) return;
    if (course) {
      replaceChildren(view, coursePage(course, lastSearchHash));
      document.title = `${view.querySelector("h1").textContent} – ${t("page.title")}`;
    } else {
      replaceChildren(view, back(), heading(t("course.notFound")));
    }
    view.dataset.state = "ready";
  } catch {
    replaceChildren(view, back(), heading(t("course.error")));
    view.dataset.state = "error";
  }
  window.scrollTo(0, 0);
  view.querySelector("h1").focus();
}

const SELF_SERVICE_VIEWS = ["mine-view", "provider-view"];

/** "My study visits" (#/mine: the link forms; with the emailed link's token, the list) or
 * the provider's view (#/provider?token=…), in place of the other views. */
function showSelfService(id) {
  for (const other of ["search-view", "course-view", "visits-view", ...SELF_SERVICE_VIEWS]) {
    $(other).hidden = other !== id;
  }
  const view = $(id);
  const token = routeToken(location.hash);
  if (id === "provider-view") renderProviderView(view, token);
  else if (token) renderMyVisits(view, token);
  else renderSelfService(view);
  document.title = view.querySelector("h1").textContent;
}

function route() {
  if (location.hash && !location.hash.startsWith("#/")) return; // an in-page anchor
  if (location.hash.startsWith("#/mine") || location.hash.startsWith("#/provider")) {
    showSelfService(location.hash.startsWith("#/mine") ? "mine-view" : "provider-view");
    return;
  }
  for (const id of SELF_SERVICE_VIEWS) $(id).hidden = true;
  if (location.hash.startsWith("#/visits")) {
    showVisits();
    return;
  }
  $("visits-view").hidden = true;
  const current = parseRoute(location.hash);
  if (current.view === "course") {
    showCourse(current.id);
    return;
  }
  $("course-view").hidden = true;
  $("search-view").hidden = false;
  document.title = t("page.title");
  const hash = searchHash(current.search);
  const cardLink = lastCourseId && document.querySelector(`[data-course-id="${CSS.escape(lastCourseId)}"] a`);
  if (rendered?.hash === hash && rendered.language === language()) {
    cardLink?.focus(); // back from a course: the results are still on screen
    return;
  }
  search = current.search;
  lastSearchHash = hash;
  showControls();
  runSearch();
}

function setupSearchForm() {
  const autocomplete = setupAutocomplete($("query"), $("suggestions"), {
    load: async (prefix, signal) => {
      const data = await graphql(SUGGESTIONS, { prefix, language: apiLanguage() }, { signal });
      return data.suggestions;
    },
    describe: (s) => ({
      text: s.text,
      note: s.kind === "OCCUPATION"
        ? `${t("suggest.occupation")}${s.count ? ` · ${tCount("suggest.courses", s.count)}` : ""}`
        : t("suggest.title"),
    }),
    onChoose: (s) => {
      const next = structuredClone(search);
      if (s.kind === "OCCUPATION" && s.occupationCode) {
        next.query = "";
        next.filter.occupations = [...new Set([...next.filter.occupations, s.occupationCode])];
      } else {
        next.query = s.text;
      }
      update(next);
    },
  });
  $("search-form").addEventListener("submit", (event) => {
    event.preventDefault();
    autocomplete.close();
    update({ ...structuredClone(search), query: $("query").value.trim(), interpretPlace: true });
  });
  const nearChanged = () => {
    update({ ...structuredClone(search), near: readNear($("near-municipality"), $("near-radius")) });
  };
  $("near-municipality").addEventListener("change", nearChanged);
  $("near-radius").addEventListener("change", () => {
    if (search.near) nearChanged();
  });
  $("sort").addEventListener("change", () => update({ ...structuredClone(search), sort: $("sort").value }));
  $("load-more").addEventListener("click", () => runSearch({ more: true }));
  document.querySelector(".skip-link").addEventListener("click", (event) => {
    event.preventDefault(); // keep the search in the URL
    // The visible view's main heading: a self-service view's, the visit results, the
    // course or the results.
    const selfService = SELF_SERVICE_VIEWS.map($).find((view) => !view.hidden);
    if (selfService) selfService.querySelector("h1")?.focus();
    else if (!$("visits-view").hidden) visits.focusResults($("visits-view"));
    else if (!$("course-view").hidden) $("course-view").querySelector("h1")?.focus();
    else $("results-heading").focus();
  });
  $("filters-toggle").addEventListener("click", () => {
    const open = $("filters-toggle").getAttribute("aria-expanded") !== "true";
    $("filters-toggle").setAttribute("aria-expanded", String(open));
    $("filters-panel").classList.toggle("open", open);
  });
  const switcher = $("language-switch");
  switcher.addEventListener("click", (event) => {
    const button = event.target.closest("button[data-language]");
    if (!button || button.dataset.language === language()) return;
    setLanguage(button.dataset.language);
    applyStaticStrings();
    button.focus();
    rendered = null;
    route();
  });
  switcher.addEventListener("keydown", (event) => {
    const step = { ArrowRight: 1, ArrowDown: 1, ArrowLeft: -1, ArrowUp: -1 }[event.key];
    if (!step) return;
    event.preventDefault();
    const buttons = [...switcher.querySelectorAll("button[data-language]")];
    const next = buttons[(buttons.indexOf(document.activeElement) + step + buttons.length) % buttons.length];
    for (const button of buttons) button.tabIndex = button === next ? 0 : -1;
    next.focus();
  });
}

async function loadPlaces() {
  try {
    const data = await graphql(PLACES);
    places = { SE: data.se, DK: data.dk, NO: data.no };
    renderNearOptions($("near-municipality"), $("near-radius"), places, nearCountries(search.filter.countries));
    showNear($("near-municipality"), $("near-radius"), search.near);
    if (!$("visits-view").hidden) showVisits();
  } catch {
    // Without the list, the picker offers "anywhere" only; searching still works.
  }
}

setLanguage(language());
setupSearchForm();
applyStaticStrings();
window.addEventListener("hashchange", route);
route();
loadPlaces();
