// The jobseeker's own registrations (#/mine?token=…, the token of the emailed "my study
// visits" link): course, time, place, status, place in line, the .ics, cancel and erase.

import { graphql } from "./api.js";
import { h, replaceChildren } from "./dom.js";
import { formatNumber } from "./i18n.js";
import { CANCEL_MY_REGISTRATION, ERASE_MY_REGISTRATION, MY_REGISTRATIONS } from "./queries.js";
import { st, visitTime } from "./selfservice_text.js";

const CANCELLABLE = new Set(["PENDING", "CONFIRMED", "WAITLISTED", "OFFERED"]);
const TOKEN_PROBLEMS = ["INVALID_TOKEN", "EXPIRED_TOKEN"];

/** The .ics link on this page's own origin (the API gives it with the public base URL). */
function sameOrigin(url) {
  const parsed = new URL(url, window.location.href);
  return parsed.pathname + parsed.search;
}

function registrationItem(registration, index) {
  const { visit, country } = registration;
  const headingId = `mine-registration-${index}`;
  const facts = [
    ["provider", registration.providerName],
    ["when", visitTime(visit, country)],
    ["where", `${visit.address.street}, ${visit.address.postalCode} ${visit.address.city}`],
    ["status", st(registration.status)],
    registration.waitlistPosition === null ? null
      : ["place", formatNumber(registration.waitlistPosition)],
  ].filter(Boolean);
  const button = (action) => h("button", {
    type: "button", class: "secondary", "data-action": action, "data-id": registration.id,
    "aria-describedby": headingId,
  }, st(action));
  return h("li", { class: "card self-registration", "data-registration-id": registration.id },
    h("h2", { id: headingId, class: "card-title", tabindex: "-1" }, registration.courseTitle),
    h("dl", { class: "facts" }, facts.map(([key, value]) => [h("dt", {}, st(key)), h("dd", {}, value)])),
    h("div", { class: "row-actions" },
      registration.icsUrl ? h("a", { href: sameOrigin(registration.icsUrl), download: "" }, st("ics")) : "",
      CANCELLABLE.has(registration.status) ? button("cancel") : "",
      button("erase")));
}

/** Build the list into `view` and load the token's registrations. */
export async function renderMyVisits(view, token) {
  const status = h("p", { id: "mine-status", class: "form-status", role: "status", "aria-live": "polite" });
  const alert = h("p", { id: "mine-error", class: "error", role: "alert" });
  const list = h("div", { id: "mine-registrations" }, h("p", {}, st("loading")));
  replaceChildren(view, h("h1", { id: "mine-title", tabindex: "-1" }, st("mineTitle")), status, alert, list);

  async function load() {
    view.dataset.state = "loading";
    try {
      const { myRegistrations: answer } = await graphql(MY_REGISTRATIONS, { token });
      if (!list.isConnected) return; // the view was built anew meanwhile
      if (answer.result !== "DONE") {
        alert.textContent = st(answer.result);
        replaceChildren(list, h("p", {}, h("a", { href: "#/mine" }, st("newLink"))));
      } else {
        replaceChildren(list, answer.registrations.length
          ? h("ul", { class: "result-list", role: "list" }, answer.registrations.map(registrationItem))
          : h("p", {}, st("noMine")));
      }
      view.dataset.state = "ready";
    } catch {
      alert.textContent = st("failed");
      view.dataset.state = "error";
    }
  }

  list.addEventListener("click", async (event) => {
    const button = event.target.closest("button[data-action]");
    if (!button) return;
    const erase = button.dataset.action === "erase";
    if (erase && !window.confirm(st("eraseAsk"))) return;
    status.textContent = "";
    alert.textContent = "";
    button.disabled = true;
    try {
      const data = await graphql(erase ? ERASE_MY_REGISTRATION : CANCEL_MY_REGISTRATION,
        { token, id: button.dataset.id });
      const { result } = erase ? data.eraseMyRegistration : data.cancelMyRegistration;
      if (result === "DONE" || result === "ALREADY_DONE") {
        status.textContent = st(erase ? "erased" : "cancelled");
      } else {
        alert.textContent = st(TOKEN_PROBLEMS.includes(result) ? result : "notAllowed");
      }
    } catch {
      alert.textContent = st("failed");
    }
    await load();
    view.querySelector("h1").focus();
  });
  await load();
}
