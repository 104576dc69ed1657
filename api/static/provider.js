// The provider's view (#/provider?token=…, the token of the emailed "your study visits"
// link): each visit with who is coming; confirm, decline, withdraw a confirmation, mark
// attendance after the visit (one registration or the checked ones), and the CSV.

import { graphql } from "./api.js";
import { h, replaceChildren } from "./dom.js";
import { formatDateTime, formatNumber, language } from "./i18n.js";
import {
  DECIDE_PROVIDER_REGISTRATIONS, MARK_PROVIDER_ATTENDANCE, PROVIDER_STUDY_VISITS,
  UNDO_PROVIDER_CONFIRMATIONS,
} from "./queries.js";
import { st, visitTime } from "./selfservice_text.js";

const REASONS = ["OTHER", "VISIT_FULL", "VISIT_CANCELLED", "NOT_SUITABLE"];
const COLUMNS = ["select", "reference", "name", "email", "phone", "language", "status",
  "registered", "attendance", "actions"];

/** What an action does: its mutation and variables, and the name of its payload. */
const ACTIONS = {
  confirm: { query: DECIDE_PROVIDER_REGISTRATIONS, field: "decideProviderRegistrations",
    variables: () => ({ decision: "CONFIRM" }) },
  decline: { query: DECIDE_PROVIDER_REGISTRATIONS, field: "decideProviderRegistrations",
    variables: (section) => ({ decision: "DECLINE",
      reason: section.querySelector("select[data-reason]").value }) },
  undo: { query: UNDO_PROVIDER_CONFIRMATIONS, field: "undoProviderConfirmations",
    variables: () => ({}) },
  attended: { query: MARK_PROVIDER_ATTENDANCE, field: "markProviderAttendance",
    variables: () => ({ attended: true }) },
  absent: { query: MARK_PROVIDER_ATTENDANCE, field: "markProviderAttendance",
    variables: () => ({ attended: false }) },
};

function place(address) {
  return `${address.street}, ${address.postalCode} ${address.city}`;
}

/** The row's own buttons: what can be done to this registration now. */
function rowActions(registration, started) {
  if (started) return registration.status === "CONFIRMED" ? ["attended", "absent"] : [];
  if (registration.status === "PENDING") return ["confirm", "decline"];
  return registration.status === "CONFIRMED" ? ["undo"] : [];
}

function registrationRow(item, registration, started) {
  const actions = rowActions(registration, started);
  const button = (action) => h("button", {
    type: "button", class: action === "confirm" || action === "attended" ? "primary" : "secondary",
    "data-action": action, "data-id": registration.id,
    "aria-label": `${st(action)}: ${registration.name}`,
  }, st(action));
  const cells = [
    actions.length ? h("input", { type: "checkbox", value: registration.id,
      "aria-label": `${st("select")} ${registration.name}` }) : "",
    registration.reference, registration.name, registration.email, registration.phone ?? "–",
    st(registration.language), st(registration.status),
    formatDateTime(registration.createdAt, item.country),
    registration.attendance ? st(registration.attendance.toLowerCase()) : "–",
    h("div", { class: "row-actions" }, actions.map(button)),
  ];
  return h("tr", {}, cells.map((cell, n) => h("td", { "data-column": COLUMNS[n] }, cell)));
}

function visitSection(item, token, index) {
  const { visit } = item;
  const started = Date.parse(visit.start) <= Date.now();
  const headingId = `provider-visit-${index}`;
  const timeId = `provider-visit-time-${index}`;
  const captionId = `provider-visit-registrations-${index}`;
  const csv = `/provider/visit.csv?${new URLSearchParams({ token, visit: visit.id, lang: language() })}`;
  const facts = [
    ["when", visitTime(visit, item.country)],
    ["where", place(visit.address)],
    ["capacity", formatNumber(visit.capacity)], ["taken", formatNumber(item.seatsTaken)],
    ["waitlist", formatNumber(item.waitlistLength)],
    ["attendedCount", formatNumber(item.attendedCount)],
  ];
  const selectable = item.registrations.some((r) => rowActions(r, started).length);
  const bulk = started ? ["attended", "absent"] : ["confirm", "decline", "undo"];
  const bulkLabel = { confirm: "confirmSelected", decline: "declineSelected", undo: "undoSelected",
    attended: "markAttended", absent: "markAbsent" };
  const reasonId = `provider-reason-${index}`;
  const labelledBy = `${headingId} ${timeId}`;
  return h("section", { class: "self-visit", "aria-labelledby": labelledBy, "data-visit-id": visit.id },
    h("h2", { id: headingId, tabindex: "-1" }, item.courseTitle),
    h("dl", { class: "visit-facts" }, facts.map(([key, value]) => h("div", {},
      h("dt", {}, st(key)), h("dd", key === "when" ? { id: timeId } : {}, value)))),
    h("p", {}, h("a", { href: csv, download: "", "aria-describedby": labelledBy }, st("csv"))),
    item.registrations.length === 0 ? h("p", { class: "visits-none" }, st("noRegistrations")) : [
      h("div", { class: "table-scroll", role: "region", tabindex: "0",
        "aria-labelledby": `${captionId} ${labelledBy}` },
        h("table", { class: "self-table" },
          h("caption", { id: captionId, class: "visually-hidden" }, st("registrations")),
          h("thead", {}, h("tr", {}, COLUMNS.map((c) => h("th", { scope: "col" },
            c === "select" ? h("span", { class: "visually-hidden" }, st(c)) : st(c))))),
          h("tbody", {}, item.registrations.map((r) => registrationRow(item, r, started))))),
      selectable ? h("div", { class: "bulk-actions" },
        started ? "" : h("div", { class: "field" },
          h("label", { for: reasonId }, st("reason")),
          h("select", { id: reasonId, "data-reason": "" },
            REASONS.map((reason) => h("option", { value: reason }, st(reason))))),
        h("div", { class: "row-actions" }, bulk.map((action) => h("button", {
          type: "button", class: "secondary", "data-action": action, "data-bulk": "",
        }, st(bulkLabel[action]))))) : "",
    ]);
}

/** Build the view into `view` and load the token's visits. */
export async function renderProviderView(view, token) {
  const status = h("p", { id: "provider-status", class: "form-status", role: "status", "aria-live": "polite" });
  const alert = h("p", { id: "provider-error", class: "error", role: "alert" });
  const list = h("div", { id: "provider-visits" }, h("p", {}, st("loading")));
  replaceChildren(view,
    h("h1", { id: "provider-title", tabindex: "-1" }, st("providerTitle")),
    h("p", { class: "lead" }, st("providerLead")), status, alert, list);

  async function load() {
    view.dataset.state = "loading";
    try {
      const { providerStudyVisits: answer } = await graphql(PROVIDER_STUDY_VISITS, { token });
      if (!list.isConnected) return; // the view was built anew meanwhile
      if (answer.result !== "DONE") {
        alert.textContent = st(answer.result);
        replaceChildren(list, h("p", {}, h("a", { href: "#/mine" }, st("newLink"))));
      } else {
        const { visits, visitCount } = answer;
        replaceChildren(list, visits.length
          ? visits.map((item, index) => visitSection(item, token, index))
          : h("p", {}, st("noVisits")),
        visitCount > visits.length
          ? h("p", {}, st("moreVisits", { shown: visits.length, total: visitCount })) : "");
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
    const section = button.closest("section");
    const ids = "bulk" in button.dataset
      ? [...section.querySelectorAll("input[type=checkbox]:checked")].map((box) => box.value)
      : [button.dataset.id];
    status.textContent = "";
    alert.textContent = "";
    if (!ids.length) {
      alert.textContent = st("noneSelected");
      return;
    }
    const action = ACTIONS[button.dataset.action];
    const visitId = section.dataset.visitId;
    button.disabled = true;
    try {
      const data = await graphql(action.query, { token, ids, ...action.variables(section) });
      const answer = data[action.field];
      if (answer.result !== "DONE") {
        alert.textContent = st(answer.result);
      } else {
        const done = answer.outcomes.filter((o) => o.result === "DONE").length;
        status.textContent = st("decided", { done, skipped: answer.outcomes.length - done });
        if (answer.outcomes.some((o) => o.result === "NOT_ALLOWED" || o.result === "NOT_FOUND")) {
          alert.textContent = st("notAllowed");
        }
      }
    } catch {
      alert.textContent = st("failed");
    }
    await load();
    const again = list.querySelector(`section[data-visit-id="${CSS.escape(visitId)}"] h2`);
    (again ?? view.querySelector("h1")).focus();
  });
  await load();
}
