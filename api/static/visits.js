// The visit finder (#/visits): study visits themselves, filtered, grouped by day, with
// seats left, the distance near a place, and registration inline.

import { graphql, isAbort } from "./api.js";
import { h, replaceChildren } from "./dom.js";
import { apiLanguage, formatNumber, language, timeZoneOf } from "./i18n.js";
import { nearCountries, readNear, renderNearOptions } from "./near.js";
import { SEARCH_STUDY_VISITS } from "./queries.js";
import { closingText, registrationClosed, renderRegistration } from "./registration.js";
import { seatsText, textLang, untranslatedNote, visitTime } from "./results.js";
import { PAGE_SIZE, courseHash } from "./state.js";

const TIMES = ["MORNING", "AFTERNOON", "EVENING"];
const WEEKDAYS = [1, 2, 3, 4, 5, 6, 7];
const STRINGS = {
  sv: {
    title: "Studiebesök", lead: "Hitta ett studiebesök och anmäl dig direkt.",
    query: "Utbildning eller yrke", search: "Sök studiebesök", seats: "Bara med lediga platser",
    times: "Tid på dagen", weekdays: "Veckodag", near: "Nära en kommun", radius: "Avstånd",
    count: "{count} studiebesök", countOne: "1 studiebesök", none: "Inga studiebesök hittades.",
    more: "Visa fler", register: "Anmäl dig", waitlist: "Ställ dig i kö", queued: "{count} i kö", error: "Sökningen misslyckades. Försök igen.",
    distance: "{km} km bort", loading: "Söker …", results: "Resultat",
  },
  en: {
    title: "Study visits", lead: "Find a study visit and register right away.",
    query: "Course or occupation", search: "Search study visits", seats: "Only with seats left",
    times: "Time of day", weekdays: "Weekday", near: "Near a municipality", radius: "Distance",
    count: "{count} study visits", countOne: "1 study visit", none: "No study visits found.",
    more: "Show more", register: "Register", waitlist: "Join the waitlist", queued: "{count} in line", error: "The search failed. Please try again.",
    distance: "{km} km away", loading: "Searching …", results: "Results",
  },
  da: {
    title: "Studiebesøg", lead: "Find et studiebesøg og tilmeld dig med det samme.",
    query: "Uddannelse eller erhverv", search: "Søg studiebesøg", seats: "Kun med ledige pladser",
    times: "Tid på dagen", weekdays: "Ugedag", near: "Nær en kommune", radius: "Afstand",
    count: "{count} studiebesøg", countOne: "1 studiebesøg", none: "Ingen studiebesøg fundet.",
    more: "Vis flere", register: "Tilmeld dig", waitlist: "Skriv dig på ventelisten", queued: "{count} i kø", error: "Søgningen mislykkedes. Prøv igen.",
    distance: "{km} km væk", loading: "Søger …", results: "Resultater",
  },
  nb: {
    title: "Studiebesøk", lead: "Finn et studiebesøk og meld deg på med en gang.",
    query: "Kurs eller yrke", search: "Søk studiebesøk", seats: "Bare med ledige plasser",
    times: "Tid på dagen", weekdays: "Ukedag", near: "Nær en kommune", radius: "Avstand",
    count: "{count} studiebesøk", countOne: "1 studiebesøk", none: "Fant ingen studiebesøk.",
    more: "Vis flere", register: "Meld deg på", waitlist: "Sett deg på ventelisten", queued: "{count} i kø", error: "Søket mislyktes. Prøv igjen.",
    distance: "{km} km unna", loading: "Søker …", results: "Resultater",
  },
};
const LOCALES = { sv: "sv-SE", da: "da-DK", nb: "nb-NO", en: "en-GB" };

function vt(key, vars = {}) {
  const template = STRINGS[language()][key] ?? key;
  return template.replace(/\{(\w+)\}/g, (_, name) => String(vars[name] ?? ""));
}

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

/** The view: call render(view, places) to (re)build it in the current language (places:
 * each country's regions with their municipalities, by country code). */
export function visitFinder() {
  let controller = null;
  let endCursor = null;
  let shown = 0;
  let lastDay = null;
  let list = null;

  function choice(name, value, label) {
    const id = `visits-${name}-${value}`;
    return h("div", { class: "choice" },
      h("input", { type: "checkbox", id, name, value: String(value) }),
      h("label", { for: id }, label, " ", h("span", { class: "count", id: `${id}-count` })));
  }

  // The API's disjunctive counts beside the times of day and weekdays: how many visits
  // each choice gives with the other filters as they are.
  function showCounts(view, facets) {
    const names = { TIME_OF_DAY: "times", WEEKDAY: "weekdays" };
    for (const facet of facets) {
      const counts = new Map(facet.values.map((v) => [v.value.toUpperCase(), v.count]));
      for (const input of view.querySelectorAll(`input[name=${names[facet.attribute]}]`)) {
        const count = counts.get(input.value) ?? 0;
        const slot = view.querySelector(`#${input.id}-count`);
        slot.dataset.count = String(count);
        replaceChildren(slot, h("span", { "aria-hidden": "true" }, formatNumber(count)),
          h("span", { class: "visually-hidden" },
            count === 1 ? vt("countOne") : vt("count", { count: formatNumber(count) })));
      }
    }
  }

  function variables(form, after) {
    const data = new FormData(form);
    const filter = {};
    const times = data.getAll("times");
    const weekdays = data.getAll("weekdays").map(Number);
    if (times.length) filter.timesOfDay = times;
    if (weekdays.length) filter.weekdays = weekdays;
    if (data.get("seats")) filter.onlyWithSeatsLeft = true;
    const near = readNear(form.querySelector("#visits-near"), form.querySelector("#visits-radius"));
    return {
      query: String(data.get("query") ?? "").trim(), filter, near,
      sort: near ? "DISTANCE" : "START_TIME", first: PAGE_SIZE, after, language: apiLanguage(),
    };
  }

  function visitItem(edge) {
    const visit = edge.node;
    const course = edge.course;
    const english = language() === "en";
    const title = (english && course.titleEn) || course.title;
    const slot = h("div", { class: "registration" });
    const full = visit.seatsLeft <= 0;
    const closed = registrationClosed(visit);
    const queued = full && visit.waitlistLength ? ` · ${vt("queued", { count: visit.waitlistLength })}` : "";
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
    }, full ? vt("waitlist") : vt("register"));
    return h("li", { class: "visit", "data-visit-id": visit.id },
      h("p", { class: "visit-time" },
        visitTime(visit.start, course.country, clock(visit.start, course.country)),
        ` · ${visit.durationMinutes} min`),
      h("p", {}, h("a", { href: courseHash(course.id), lang: textLang(course, english && course.titleEn) }, title)),
      english && !course.titleEn ? h("p", { class: "swedish-only" }, untranslatedNote(course)) : null,
      h("p", { class: "provider" }, `${course.provider.name} · ${course.location.municipality.name}`),
      h("p", {}, seats, " · ", h("span", { class: "closing" }, closingText(visit, course.country)),
        edge.distanceKm === null ? null
        : [" · ", h("span", { class: "distance" }, vt("distance", { km: formatNumber(edge.distanceKm) }))]),
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

  async function run(view, more) {
    controller?.abort();
    controller = new AbortController();
    const form = view.querySelector("form");
    const status = view.querySelector("#visits-count");
    view.dataset.state = "loading";
    try {
      const { searchStudyVisits: page } = await graphql(SEARCH_STUDY_VISITS,
        variables(form, more ? endCursor : null), { signal: controller.signal });
      if (!more) {
        replaceChildren(list);
        lastDay = null;
        shown = 0;
        showCounts(view, page.facets);
      }
      append(page.edges);
      shown += page.edges.length;
      endCursor = page.pageInfo.endCursor;
      view.querySelector("#visits-more").hidden = !page.pageInfo.hasNextPage;
      status.dataset.total = String(page.totalCount);
      status.textContent = page.totalCount
        ? (page.totalCount === 1 ? vt("countOne") : vt("count", { count: formatNumber(page.totalCount) }))
        : vt("none");
      view.dataset.state = "ready";
    } catch (error) {
      if (isAbort(error)) return;
      status.textContent = vt("error");
      view.dataset.state = "error";
    }
  }

  function render(view, places) {
    list = h("div", { id: "visit-list", class: "visit-days" });
    const near = h("select", { id: "visits-near", name: "near" });
    const radius = h("select", { id: "visits-radius", name: "radius" });
    renderNearOptions(near, radius, places, nearCountries());
    const form = h("form", { role: "search", class: "search-form", novalidate: true,
      onSubmit: (event) => { event.preventDefault(); run(view, false); },
      onChange: (event) => { if (event.target.type !== "text" && event.target.type !== "search") run(view, false); } },
    h("div", { class: "field" },
      h("label", { for: "visits-query" }, vt("query")),
      h("div", { class: "query-row" },
        h("input", { id: "visits-query", name: "query", type: "search", autocomplete: "off" }),
        h("button", { type: "submit", class: "primary" }, vt("search")))),
    h("fieldset", { class: "near" }, h("legend", {}, vt("near")),
      h("div", { class: "field" }, h("label", { for: "visits-near" }, vt("near")), near),
      h("div", { class: "field" }, h("label", { for: "visits-radius" }, vt("radius")), radius)),
    h("fieldset", {}, h("legend", {}, vt("times")),
      TIMES.map((time) => choice("times", time, timeLabel(time)))),
    h("fieldset", {}, h("legend", {}, vt("weekdays")),
      WEEKDAYS.map((day) => choice("weekdays", day, weekdayLabel(day)))),
    h("div", { class: "choice" },
      h("input", { type: "checkbox", id: "visits-seats", name: "seats", value: "1" }),
      h("label", { for: "visits-seats" }, vt("seats"))));
    replaceChildren(view,
      h("h1", { id: "visits-title", tabindex: "-1" }, vt("title")),
      h("p", { class: "lead" }, vt("lead")),
      form,
      h("section", { class: "results", "aria-labelledby": "visits-results-heading" },
        h("h2", { id: "visits-results-heading", tabindex: "-1" }, vt("results")),
        h("p", { id: "visits-count", class: "result-count", role: "status", "aria-live": "polite" }),
        list,
        h("button", { type: "button", id: "visits-more", class: "secondary", hidden: true,
          onClick: () => run(view, true) }, vt("more"))));
    run(view, false);
  }

  return { render, focusResults: (view) => view.querySelector("#visits-results-heading")?.focus() };
}

function timeLabel(time) {
  const labels = { sv: { MORNING: "Förmiddag", AFTERNOON: "Eftermiddag", EVENING: "Kväll" },
    da: { MORNING: "Formiddag", AFTERNOON: "Eftermiddag", EVENING: "Aften" },
    nb: { MORNING: "Formiddag", AFTERNOON: "Ettermiddag", EVENING: "Kveld" },
    en: { MORNING: "Morning", AFTERNOON: "Afternoon", EVENING: "Evening" } };
  return labels[language()][time];
}

function weekdayLabel(day) {
  // 2024-01-01 was a Monday.
  return new Intl.DateTimeFormat(LOCALES[language()], { weekday: "long", timeZone: "UTC" })
    .format(new Date(Date.UTC(2024, 0, day)));
}
