// "My study visits" (#/mine): ask for the emailed link to the jobseeker's own page, and
// the provider's form for the link to "your study visits". The answer is the same for
// every valid address: it never tells whether the address has registrations.

import { graphql } from "./api.js";
import { h, replaceChildren } from "./dom.js";
import { apiLanguage, language } from "./i18n.js";
import { REQUEST_MY_REGISTRATIONS_LINK } from "./queries.js";

const STRINGS = {
  sv: {
    title: "Mina studiebesök",
    lead: "Se, lägg in i kalendern, avboka eller ta bort dina anmälningar till studiebesök.",
    email: "Din e-postadress", send: "Mejla mig en länk",
    sent: "Om adressen har anmälningar har vi mejlat en länk dit. Länken gäller en begränsad tid.",
    invalid: "Skriv en giltig e-postadress.", failed: "Det gick inte att skicka. Försök igen om en stund.",
    providerTitle: "För utbildningsanordnare",
    providerLead: "Kontaktpersonen för en utbildning får en länk till era studiebesök: vilka som kommer, bekräfta, ångra, närvaro och listan som CSV.",
    providerEmail: "Kontaktpersonens e-postadress", providerSend: "Mejla länken till era studiebesök",
  },
  en: {
    title: "My study visits",
    lead: "See your study-visit registrations, add them to your calendar, cancel or delete them.",
    email: "Your email address", send: "Email me a link",
    sent: "If the address has registrations, we have emailed a link to it. The link works for a limited time.",
    invalid: "Enter a valid email address.", failed: "Sending failed. Please try again in a while.",
    providerTitle: "For training providers",
    providerLead: "A course's contact person gets a link to your study visits: who is coming, confirm, undo, attendance and the list as CSV.",
    providerEmail: "The contact person's email address", providerSend: "Email the link to your study visits",
  },
  da: {
    title: "Mine studiebesøg",
    lead: "Se dine tilmeldinger til studiebesøg, læg dem i kalenderen, afmeld eller slet dem.",
    email: "Din e-mailadresse", send: "Send mig et link",
    sent: "Hvis adressen har tilmeldinger, har vi sendt et link dertil. Linket gælder i en begrænset tid.",
    invalid: "Skriv en gyldig e-mailadresse.", failed: "Det lykkedes ikke at sende. Prøv igen om lidt.",
    providerTitle: "For uddannelsesudbydere",
    providerLead: "En uddannelses kontaktperson får et link til jeres studiebesøg: hvem der kommer, bekræft, fortryd, fremmøde og listen som CSV.",
    providerEmail: "Kontaktpersonens e-mailadresse", providerSend: "Send linket til jeres studiebesøg",
  },
  nb: {
    title: "Mine studiebesøk",
    lead: "Se påmeldingene dine til studiebesøk, legg dem i kalenderen, meld deg av eller slett dem.",
    email: "Din e-postadresse", send: "Send meg en lenke",
    sent: "Hvis adressen har påmeldinger, har vi sendt en lenke dit. Lenken gjelder en begrenset tid.",
    invalid: "Skriv en gyldig e-postadresse.", failed: "Det gikk ikke å sende. Prøv igjen om litt.",
    providerTitle: "For kursleverandører",
    providerLead: "Kontaktpersonen for et kurs får en lenke til studiebesøkene deres: hvem som kommer, bekreft, angre, oppmøte og listen som CSV.",
    providerEmail: "Kontaktpersonens e-postadresse", providerSend: "Send lenken til studiebesøkene deres",
  },
};

const st = (key) => STRINGS[language()][key];

/** Build the view into `view` in the current language. */
export function renderSelfService(view) {
  const status = h("p", { id: "mine-status", class: "form-status", role: "status", "aria-live": "polite" });
  const error = h("p", { id: "mine-email-error", class: "field-error" });
  const email = h("input", {
    id: "mine-email", name: "email", type: "email", autocomplete: "email", inputmode: "email",
    required: true, maxlength: 254, "aria-describedby": "mine-email-error",
  });
  const submit = h("button", { type: "submit", class: "primary" }, st("send"));
  const form = h("form", { id: "mine-form", class: "self-service-form", novalidate: true, "aria-labelledby": "mine-title" },
    h("div", { class: "field" }, h("label", { for: "mine-email" }, st("email")), error, email),
    submit, status);
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    error.textContent = "";
    status.textContent = "";
    email.removeAttribute("aria-invalid");
    submit.disabled = true;
    try {
      const { requestMyRegistrationsLink: answer } = await graphql(REQUEST_MY_REGISTRATIONS_LINK, {
        email: email.value, language: apiLanguage(),
      });
      const problem = answer.errors[0];
      if (problem?.field === "email") {
        error.textContent = st("invalid");
        email.setAttribute("aria-invalid", "true");
        email.focus();
      } else if (problem) {
        status.textContent = problem.message;
      } else {
        status.textContent = st("sent");
        form.reset();
      }
    } catch {
      status.textContent = st("failed");
    } finally {
      submit.disabled = false;
    }
  });

  const provider = h("form", { id: "provider-link-form", class: "self-service-form", method: "post", action: "/provider/link",
    "aria-labelledby": "provider-link-title" },
    h("input", { type: "hidden", name: "lang", value: language() }),
    h("div", { class: "field" },
      h("label", { for: "provider-link-email" }, st("providerEmail")),
      h("input", { id: "provider-link-email", name: "email", type: "email", autocomplete: "email", required: true, maxlength: 254 })),
    h("button", { type: "submit", class: "secondary" }, st("providerSend")));

  replaceChildren(view,
    h("h1", { id: "mine-title", tabindex: "-1" }, st("title")),
    h("p", { class: "lead" }, st("lead")),
    form,
    h("h2", { id: "provider-link-title" }, st("providerTitle")),
    h("p", {}, st("providerLead")),
    provider);
}
