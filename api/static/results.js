// Result cards: highlighted title and snippet, place, dates, badges, study-visit seats.

import { h, highlighted } from "./dom.js";
import { formatDate, formatDateTime, formatNumber, language, t, tCount, timeZoneOf } from "./i18n.js";
import { courseHash } from "./state.js";

const VISITS_ON_CARD = 2;
const SNIPPET_LENGTH = 180;

/** The cards of some search edges, as <li> elements for the results list. */
export function resultCards(edges) {
  return edges.map(card);
}

function card({ node, highlights, distanceKm }) {
  const english = language() === "en";
  const titleId = `title-${node.id}`;
  return h("li", { class: "card", "data-course-id": node.id },
    h("article", { "aria-labelledby": titleId },
      h("h3", { id: titleId, class: "card-title" },
        h("a", { href: courseHash(node.id), lang: textLang(node, english && node.titleEn) },
          title(node, highlights, english))),
      english && !node.titleEn ? h("p", { class: "swedish-only" }, untranslatedNote(node)) : null,
      h("p", { class: "provider" }, node.provider.name),
      h("p", { class: "place" },
        `${node.location.municipality.name}, ${regionName(node.location.region, english)}`,
        distanceKm === null || distanceKm === undefined ? null
          : h("span", { class: "distance" }, ` · ${t("card.distance", { km: formatNumber(distanceKm) })}`)),
      h("p", { class: "dates" }, intakeText(node.intake)),
      badges(node),
      h("p", { class: "snippet", lang: textLang(node, english && node.descriptionEn) },
        snippet(node, highlights, english)),
      visits(node.studyVisits, node.country)));
}

function title(node, highlights, english) {
  if (english && node.titleEn) {
    return highlights?.titleEn ? highlighted(highlights.titleEn.fragments) : node.titleEn;
  }
  return highlights?.title ? highlighted(highlights.title.fragments) : node.title;
}

function snippet(node, highlights, english) {
  const marked = english && node.descriptionEn ? highlights?.descriptionEn : highlights?.description;
  if (marked?.fragments.some((f) => f.matched)) return highlighted(marked.fragments);
  const text = (english && node.descriptionEn) || node.description;
  return text.length <= SNIPPET_LENGTH ? text : `${text.slice(0, SNIPPET_LENGTH).replace(/\s+\S*$/, "")}…`;
}

const COURSE_LANGUAGE = { SE: "sv", DK: "da", NO: "nb" };

/** The lang attribute of a course's text: null when the text is in the page's language
 * (its English translation on an English page, or its own language), else the course's
 * own language (Swedish, Danish or Norwegian by its country). */
export function textLang(course, translated) {
  if (translated) return null;
  const own = COURSE_LANGUAGE[course.country] ?? "sv";
  return own === language() ? null : own;
}

const ONLY_IN = { SE: "card.swedishOnly", DK: "card.danishOnly", NO: "card.norwegianOnly" };

/** On an English page, the note that a course has no English text, naming its language. */
export function untranslatedNote(course) {
  return t(ONLY_IN[course.country] ?? ONLY_IN.SE);
}

export function regionName(region, english = language() === "en") {
  return english ? region.nameEn : region.name;
}

/** "14 dec. 2026 – 9 apr. 2027 · 17 veckor", or continuous intake with its length. */
export function intakeText(intake) {
  const weeks = t("intake.weeks", { weeks: intake.durationWeeks });
  if (intake.type === "CONTINUOUS" || !intake.startDate) return `${t("intake.continuous")} · ${weeks}`;
  return `${formatDate(intake.startDate)} – ${formatDate(intake.endDate)} · ${weeks}`;
}

/** Pace, schedule and delivery as badges. */
export function badges(course) {
  const labels = [
    t(`pace.${course.pace.type}`, { percent: course.pace.percent }),
    ...course.schedule.map((s) => t(`schedule.${s}`)),
    t(`delivery.${course.delivery}`),
  ];
  return h("ul", { class: "badges", role: "list" }, labels.map((label) => h("li", { class: "badge" }, label)));
}

export function seatsText(seatsLeft) {
  return seatsLeft > 0 ? tCount("visit.seats", seatsLeft) : t("visit.full");
}

/** A study visit's time as a <time> element, in the zone of its course's country (which
 * data-time-zone names), by default as e.g. "tis 3 dec. 09:00". */
export function visitTime(iso, country, text = formatDateTime(iso, country)) {
  return h("time", { datetime: iso, "data-time-zone": timeZoneOf(country) }, text);
}

function visits(studyVisits, country) {
  if (!studyVisits.length) return h("p", { class: "visits-none" }, t("card.noVisits"));
  const shown = studyVisits.slice(0, VISITS_ON_CARD);
  const rest = studyVisits.length - shown.length;
  return h("div", { class: "visits" },
    h("p", { class: "visits-heading" }, t("card.visits")),
    h("ul", { role: "list" },
      shown.map((visit) => h("li", { "data-visit-id": visit.id },
        visitTime(visit.start, country), " – ",
        h("span", { class: visit.seatsLeft > 0 ? "seats" : "seats full" }, seatsText(visit.seatsLeft)))),
      rest > 0 ? h("li", { class: "more-visits" }, t("card.moreVisits", { count: rest })) : null));
}
