// The study-visit registration form. The API validates; its field errors are shown next
// to their fields (linked with aria-describedby) and the form's status is announced.

import { graphql } from "./api.js";
import { h, replaceChildren } from "./dom.js";
import { apiLanguage, formatDateTime, t } from "./i18n.js";
import { REGISTER_FOR_STUDY_VISIT } from "./queries.js";
import { seatsText, visitTime } from "./results.js";

const FIELDS = ["visitId", "name", "email", "phone", "consent"];

/** Whether registration for the visit has closed (its registrationClosesAt has passed). */
export function registrationClosed(visit) {
  return Date.now() >= Date.parse(visit.registrationClosesAt);
}

/** "register by <time>" (in the time of the course's country), or that registration has
 * closed. */
export function closingText(visit, country) {
  return registrationClosed(visit)
    ? t("visit.closed")
    : t("visit.closes", { when: formatDateTime(visit.registrationClosesAt, country) });
}

/* A full visit can still be chosen while registration is open: the registration then
 * joins its waitlist. */

/** Render the form for a course into container; onRegistered(visit) gets the API's visit
 * (with the seats left) after a successful registration. */
export function renderRegistration(container, course, onRegistered) {
  const open = course.studyVisits.filter((v) => !registrationClosed(v));
  const firstOpen = open.find((v) => v.seatsLeft > 0) ?? open[0];
  const status = h("p", { id: "reg-status", class: "form-status", role: "status", "aria-live": "polite" });
  const submit = h("button", { type: "submit", class: "primary" }, t("form.submit"));
  const form = h("form", { id: "registration-form", novalidate: true, "aria-labelledby": "reg-heading" },
    h("h2", { id: "reg-heading" }, t("form.heading")),
    h("p", {}, t("form.intro")),
    h("fieldset", { id: "reg-visitId", class: "field", "aria-describedby": "reg-visitId-error" },
      h("legend", {}, t("form.visit"), required()),
      errorSlot("visitId"),
      course.studyVisits.map((visit) => {
        const id = `reg-visit-${visit.id}`;
        return h("div", { class: "choice" },
          h("input", {
            type: "radio", name: "visitId", id, value: visit.id,
            disabled: registrationClosed(visit), checked: visit === firstOpen,
          }),
          h("label", { for: id },
            visitTime(visit.start, course.country),
            ` · ${seatsText(visit.seatsLeft)} · ${closingText(visit, course.country)}`));
      })),
    textField("name", t("form.name"), { autocomplete: "name", required: true }),
    textField("email", t("form.email"),
      { type: "email", autocomplete: "email", inputmode: "email", required: true }),
    textField("phone", t("form.phone"), { type: "tel", autocomplete: "tel" }),
    h("div", { class: "field consent" },
      h("input", { type: "checkbox", id: "reg-waitlist", name: "waitlist", checked: true }),
      h("label", { for: "reg-waitlist" }, t("form.waitlist"))),
    h("div", { class: "field consent" },
      errorSlot("consent"),
      h("input", {
        type: "checkbox", id: "reg-consent", name: "consent", "aria-required": "true",
        "aria-describedby": "reg-consent-error",
      }),
      h("label", { for: "reg-consent" }, t("form.consent"), required())),
    submit,
    status);

  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    clearErrors(form);
    const data = new FormData(form);
    const input = {
      visitId: data.get("visitId") ?? "",
      name: data.get("name"),
      email: data.get("email"),
      phone: data.get("phone") || null,
      language: apiLanguage(),
      consent: data.get("consent") === "on",
      joinWaitlistIfFull: data.get("waitlist") === "on",
    };
    submit.disabled = true;
    form.setAttribute("aria-busy", "true");
    status.textContent = t("form.sending");
    try {
      const { registerForStudyVisit: result } = await graphql(REGISTER_FOR_STUDY_VISIT, { input });
      if (result.registration) {
        onRegistered(result.registration.visit);
        showSuccess(container, course, result.registration, onRegistered);
        return;
      }
      showErrors(form, status, result.errors);
    } catch {
      status.textContent = t("form.failed");
    } finally {
      submit.disabled = false;
      form.removeAttribute("aria-busy");
    }
  });
  replaceChildren(container, form);
}

function required() {
  return h("span", { class: "required" }, " (", t("form.required"), ")");
}

function errorSlot(field) {
  return h("p", { id: `reg-${field}-error`, class: "field-error", hidden: true });
}

function textField(field, label, attributes) {
  const id = `reg-${field}`;
  return h("div", { class: "field" },
    h("label", { for: id }, label, attributes.required ? required() : null),
    errorSlot(field),
    h("input", {
      ...attributes, required: false, "aria-required": attributes.required ? "true" : null,
      type: attributes.type ?? "text", id, name: field, "aria-describedby": `reg-${field}-error`,
    }));
}

function clearErrors(form) {
  for (const slot of form.querySelectorAll(".field-error")) {
    slot.hidden = true;
    slot.textContent = "";
  }
  for (const invalid of form.querySelectorAll("[aria-invalid]")) invalid.removeAttribute("aria-invalid");
}

function showErrors(form, status, errors) {
  const general = [];
  let first = null;
  for (const error of errors) {
    const slot = FIELDS.includes(error.field) ? form.querySelector(`#reg-${error.field}-error`) : null;
    if (!slot) {
      general.push(error.message);
      continue;
    }
    slot.textContent = slot.textContent ? `${slot.textContent} ${error.message}` : error.message;
    slot.hidden = false;
    const control = error.field === "visitId"
      ? form.querySelector("input[name=visitId]:checked")
        ?? form.querySelector("input[name=visitId]:not(:disabled)")
      : form.querySelector(`#reg-${error.field}`);
    control?.setAttribute("aria-invalid", "true");
    first ??= control;
  }
  status.textContent = [t("form.hasErrors"), ...general].join(" ");
  first?.focus();
}

function showSuccess(container, course, registration, onRegistered) {
  const waiting = registration.status === "WAITLISTED";
  const when = formatDateTime(registration.visit.start, course.country);
  const heading = h("h2", { id: "reg-success", tabindex: "-1" },
    t(waiting ? "form.waitlisted" : "form.success"));
  replaceChildren(container, h("div", { class: "success", role: "status" },
    heading,
    waiting
      ? h("p", {}, t("form.waitlistedText", { when, position: registration.waitlistPosition }))
      : [h("p", {}, t("form.successText", { when })),
        h("p", {}, t("form.seatsLeft", { count: registration.visit.seatsLeft }))],
    h("button", {
      type: "button", class: "link-button",
      onClick: () => {
        const { id, seatsLeft } = registration.visit;
        const visits = course.studyVisits.map((v) => (v.id === id ? { ...v, seatsLeft } : v));
        renderRegistration(container, { ...course, studyVisits: visits }, onRegistered);
        container.querySelector("input[name=visitId]:checked, input[name=visitId]")?.focus();
      },
    }, t("form.another"))));
  heading.focus();
}
