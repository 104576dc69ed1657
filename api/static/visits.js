// The visit finder (#/visits): study visits themselves, filtered, grouped by day, with
// seats left, the distance near a place, and registration inline. Its filters are kept in
// the URL (visitstate.js), so a reload or back and forward restore them.

import { graphql, isAbort } from "./api.js";
import { h, replaceChildren } from "./dom.js";
import { LOCALES, apiLanguage, formatNumber, language, t, tCount, timeZoneOf } from "./i18n.js";
import { municipalityName, nearCountries, readNear, renderNearOptions, showNear } from "./near.js";
import { SEARCH_STUDY_VISITS } from "./queries.js";
import { closingText, registrationClosed, renderRegistration } from "./registration.js";
import { seatsText, textLang, untranslatedNote, visitTime } from "./results.js";
import { courseHash } from "./state.js";
import { showVisitFacets, syncVisitControls, visitChips, visitControls } from "./visitfilters.js";
import { hasVisitFilters, visitHash, visitVariables } from "./visitstate.js";

// Days and times are those of the visit's course's country.
function dayOf(iso, country) {
  return new Intl.DateTimeFormat("sv-SE", {
    timeZone: timeZoneOf(country), year: "numeric", month: "2-digit", day: "2-digit",
  }).format(new Date(iso));
}

function dayHeading(iso, country) {
  return new Intl.DateTimeFormat(LOCALES[language()], {
    weekday: "long", day: "numeric", month: "long", timeZone: timeZoneOf(country),
  }).format(new Date(iso));
}

function clock(iso, country) {
  return new Intl.DateTimeFormat(LOCALES[language()], {
    hour: "2-digit", minute: "2-digit", timeZone: timeZoneOf(country),
  }).format(new Date(iso));
}

/** The view: call render(view, places, search) to (re)build it in the current language for
 * a visit search and run it (places: each country's regions with their municipalities, by
 * country code). */
export function visitFinder() {
  let controller = null;
  let endCursor = null;
  let lastDay = null;
  let list = null;
  let search = null;
  let places = {};
  let view = null;

  /** A new search from the controls: keep it in the URL and run it. */
  function update(next) {
    search = next;
    view.dataset.hash = visitHash(search);
    history.replaceState(null, "", view.dataset.hash);
    view.querySelector("#visits-query").value = search.query;
    showNear(view.querySelector("#visits-near"), view.querySelector("#visits-radius"), search.near);
    syncVisitControls(view, search);
    run(false);
  }

  function visitItem(edge) {
    const visit = edge.node;
    const course = edge.course;
    const english = language() === "en";
    const title = (english && course.titleEn) || course.title;
    const slot = h("div", { class: "registration" });
    const full = visit.seatsLeft <= 0;
    const closed = registrationClosed(visit);
    const queued = full && visit.waitlistLength ? ` · ${t("visits.queued", { count: visit.waitlistLength })}` : "";
    const seats = h("span", { class: "seats" }, seatsText(visit.seatsLeft) + queued);
    const button = h("button", {
      type: "button", class: "secondary", disabled: closed, "aria-expanded": "false",
      onClick: () => {
        const open = button.getAttribute("aria-expanded") !== "true";
        button.setAttribute("aria-expanded", String(open));
        if (!open) { replaceChildren(slot); return; }
        renderRegistration(slot, { country: course.country, studyVisits: [visit] }, (updated) => {
          seats.textContent = seatsText(updated.seatsLeft);
        });
        slot.querySelector("input[name=name]")?.focus();
      },
    }, full ? t("visits.waitlist") : t("visits.register"));
    return h("li", { class: "visit", "data-visit-id": visit.id },
      h("p", { class: "visit-time" },
        visitTime(visit.start, course.country, clock(visit.start, course.country)),
        ` · ${visit.durationMinutes} min`),
      h("p", {}, h("a", { href: courseHash(course.id), lang: textLang(course, english && course.titleEn) }, title)),
      english && !course.titleEn ? h("p", { class: "swedish-only" }, untranslatedNote(course)) : null,
      h("p", { class: "provider" }, `${course.provider.name} · ${course.location.municipality.name}`),
      h("p", {}, seats, " · ", h("span", { class: "closing" }, closingText(visit, course.country)),
        edge.distanceKm === null ? null
        : [" · ", h("span", { class: "distance" }, t("card.distance", { km: formatNumber(edge.distanceKm) }))]),
      button, slot);
  }

  function append(edges) {
    for (const edge of edges) {
      const day = dayOf(edge.node.start, edge.course.country);
      if (day !== lastDay) {
        lastDay = day;
        list.append(h("h3", { class: "visit-day" }, dayHeading(edge.node.start, edge.course.country)),
          h("ul", { class: "visit-day-list", role: "list" }));
      }
      list.lastElementChild.append(visitItem(edge));
    }
  }

  async function run(more) {
    controller?.abort();
    controller = new AbortController();
    const status = view.querySelector("#visits-count");
    view.dataset.state = "loading";
    list.setAttribute("aria-busy", "true");
    try {
      const { searchStudyVisits: page } = await graphql(SEARCH_STUDY_VISITS,
        visitVariables(search, apiLanguage(), more ? endCursor : null), { signal: controller.signal });
      if (!more) {
        replaceChildren(list);
        lastDay = null;
        showVisitFacets(view, view.querySelector("#visits-facets"), page.facets, search, update);
        visitChips(view.querySelector("#visits-active-filters"), page.facets, search, update,
          (code) => municipalityName(places, code),
          () => view.querySelector("#visits-results-heading"));
      }
      append(page.edges);
      endCursor = page.pageInfo.endCursor;
      view.querySelector("#visits-more").hidden = !page.pageInfo.hasNextPage;
      status.dataset.total = String(page.totalCount);
      status.textContent = page.totalCount ? tCount("visits.count", page.totalCount)
        : t(hasVisitFilters(search) ? "visits.noneFiltered" : "visits.none");
      view.dataset.state = "ready";
    } catch (error) {
      if (isAbort(error)) return;
      status.textContent = t("visits.error");
      view.dataset.state = "error";
    } finally {
      list.removeAttribute("aria-busy");
    }
  }

  function render(element, placesByCountry, visitSearch) {
    view = element;
    places = placesByCountry;
    search = visitSearch;
    view.dataset.hash = visitHash(search);
    list = h("div", { id: "visit-list", class: "visit-days" });
    const near = h("select", { id: "visits-near", name: "near" });
    const radius = h("select", { id: "visits-radius", name: "radius" });
    renderNearOptions(near, radius, places, nearCountries());
    showNear(near, radius, search.near);
    const nearChanged = () => update({ ...structuredClone(search), near: readNear(near, radius) });
    near.addEventListener("change", nearChanged);
    radius.addEventListener("change", () => { if (search.near) nearChanged(); });
    const form = h("form", { role: "search", class: "search-form", novalidate: true,
      onSubmit: (event) => {
        event.preventDefault();
        update({ ...structuredClone(search), query: form.querySelector("#visits-query").value.trim() });
      } },
    h("div", { class: "field" },
      h("label", { for: "visits-query" }, t("visits.query")),
      h("div", { class: "query-row" },
        h("input", { id: "visits-query", name: "query", type: "search", autocomplete: "off", value: search.query }),
        h("button", { type: "submit", class: "primary" }, t("visits.search")))),
    h("fieldset", { class: "near" }, h("legend", {}, t("near.legend")),
      h("div", { class: "field" }, h("label", { for: "visits-near" }, t("near.municipality")), near),
      h("div", { class: "field" }, h("label", { for: "visits-radius" }, t("near.radius")), radius)));
    replaceChildren(view,
      h("h1", { id: "visits-title", tabindex: "-1" }, t("visits.title")),
      h("p", { class: "lead" }, t("visits.lead")),
      form,
      h("div", { class: "layout" },
        h("aside", { class: "filters visit-filters", "aria-labelledby": "visits-filters-heading" },
          h("h2", { id: "visits-filters-heading" }, t("visits.filters")),
          h("div", { id: "visits-active-filters" }),
          h("div", { id: "visits-facets" }),
          visitControls(() => search, update)),
        h("section", { class: "results", "aria-labelledby": "visits-results-heading" },
          h("h2", { id: "visits-results-heading", tabindex: "-1" }, t("visits.results")),
          h("p", { id: "visits-count", class: "result-count", role: "status", "aria-live": "polite" }),
          list,
          h("button", { type: "button", id: "visits-more", class: "secondary", hidden: true,
            onClick: () => run(true) }, t("visits.more")))));
    syncVisitControls(view, search);
    run(false);
  }

  return { render, focusResults: (element) => element.querySelector("#visits-results-heading")?.focus() };
}
