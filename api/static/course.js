// The course page (#/course/ID): the facts, the description and the study visits.

import { h } from "./dom.js";
import { formatNumber, language, t } from "./i18n.js";
import { renderRegistration } from "./registration.js";
import { badges, intakeText, regionName, seatsText, textLang, untranslatedNote, visitTime } from "./results.js";

/** The page's elements for a course from the COURSE query. */
export function coursePage(course, backHash) {
  const english = language() === "en";
  const title = (english && course.titleEn) || course.title;
  const description = (english && course.descriptionEn) || course.description;
  const requirements = (english && course.eligibility.requirementsEn) || course.eligibility.requirements;
  const occupation = (english && course.occupation.nameEn) || course.occupation.name;
  const address = course.location.address;
  const form = h("div", { class: "registration" });
  const page = h("article", { class: "course", "aria-labelledby": "course-title" },
    h("p", {},
      h("a", { href: backHash, class: "back" }, h("span", { "aria-hidden": "true" }, "← "), t("course.back"))),
    h("h1", { id: "course-title", tabindex: "-1", lang: textLang(course, english && course.titleEn) }, title),
    english && !(course.titleEn && course.descriptionEn)
      ? h("p", { class: "swedish-only" }, untranslatedNote(course)) : null,
    h("p", { class: "provider" }, course.provider.name),
    badges(course),
    h("h2", {}, t("course.description")),
    h("p", { class: "description", lang: textLang(course, english && course.descriptionEn) }, description),
    h("h2", {}, t("course.facts")),
    h("dl", { class: "facts" },
      fact(t("course.occupation"), occupation),
      fact(t("facet.PROGRAMME_TYPE"), t(`programme.${course.programmeType}`)),
      fact(t("course.place"), [
        `${address.street}, ${address.postalCode} ${address.city}`, h("br"),
        `${course.location.municipality.name}, ${regionName(course.location.region, english)}`,
        course.isDistance ? [h("br"), t("course.distanceNote")] : null]),
      fact(t("course.dates"), intakeText(course.intake)),
      fact(t("course.pace"), t(`pace.${course.pace.type}`, { percent: course.pace.percent })),
      fact(t("course.schedule"), course.schedule.map((s) => t(`schedule.${s}`)).join(", ")),
      fact(t("course.delivery"), t(`delivery.${course.delivery}`)),
      fact(t("course.languages"), course.languages.map(languageName).join(", ")),
      fact(t("course.eligibility"), [t("course.minimumAge", { age: course.eligibility.minimumAge }),
        requirements ? [" ", requirements] : null]),
      course.certificate ? fact(t("course.certificate"), course.certificate) : null,
      fact(t("course.fee"), fee(course)),
      fact(t("course.places"), String(course.places)),
      fact(t("course.contact"), [course.contact.name, h("br"),
        h("a", { href: `mailto:${course.contact.email}` }, course.contact.email),
        course.contact.phone ? [h("br"), course.contact.phone] : null]),
      fact(t("course.provider"), [course.provider.name, h("br"),
        h("a", { href: safeUrl(course.url), rel: "noopener noreferrer", target: "_blank" },
          t("course.website"))])),
    h("h2", { id: "visits-heading" }, t("course.visits")),
    course.studyVisits.length
      ? h("ul", { class: "visit-list", role: "list", "aria-labelledby": "visits-heading" },
        course.studyVisits.map((visit) => visitItem(visit, course.country)))
      : h("p", {}, t("course.noVisits")),
    form);
  if (course.studyVisits.length) {  // a full visit takes registrations for its waitlist
    renderRegistration(form, course, (visit) => {
      const seats = page.querySelector(`[data-visit-id="${CSS.escape(visit.id)}"] .seats`);
      if (seats) seats.textContent = seatsText(visit.seatsLeft);
    });
  }
  return page;
}

function fact(term, ...definition) {
  return [h("dt", {}, term), h("dd", {}, definition)];
}

function visitItem(visit, country) {
  const a = visit.address;
  return h("li", { "data-visit-id": visit.id },
    visitTime(visit.start, country),
    ` · ${t("visit.duration", { minutes: visit.durationMinutes })} · ${a.street}, ${a.city} · `,
    h("span", { class: visit.seatsLeft > 0 ? "seats" : "seats full" }, seatsText(visit.seatsLeft)));
}

function fee(course) {
  if (course.feeLow && course.feeHigher && course.feeHigher.amount > 0) { // Danish: by education
    const money = ({ amount, currency }) => `${formatNumber(amount)} ${currency}`;
    return `${money(course.feeLow)} (${t("fee.low")}) · ${money(course.feeHigher)} (${t("fee.higher")})`;
  }
  if (course.freeOfCharge || !course.participationFee) return t("course.free");
  const { amount, currency, note } = course.participationFee;
  return `${formatNumber(amount)} ${currency}${note ? ` (${note})` : ""}`;
}

function languageName(code) {
  try {
    return new Intl.DisplayNames([language()], { type: "language" }).of(code) ?? code;
  } catch {
    return code;
  }
}

/** Only http(s) links from the feed become links. */
function safeUrl(url) {
  return /^https?:\/\//i.test(url) ? url : "#";
}
