// What the search understood in the text: the place as a removable chip, the note of a
// relaxed search, and "did you mean" suggestions. The API decides; the page only shows
// it and sends `interpretPlace: false` (URL parameter place=0) when the chip is removed.

import { h, replaceChildren } from "./dom.js";
import { language, t } from "./i18n.js";

/** Show a search result's interpretation in `container`; `onChange(next)` searches anew. */
export function renderUnderstanding(container, result, search, onChange) {
  const english = language() === "en";
  const place = result.interpretedPlace;
  const chip = place ? h("ul", { class: "chips", role: "list" }, h("li", {},
    h("button", {
      type: "button", class: "chip place-chip",
      "aria-label": t("place.remove", { name: place.name, text: place.matchedText }),
      onClick: () => onChange({ ...structuredClone(search), interpretPlace: false }),
    }, h("span", {}, `${t(`place.${place.kind}`)}: ${english ? place.nameEn : place.name}`),
    h("span", { "aria-hidden": "true" }, " ×")))) : null;
  const relaxed = result.relaxation
    ? h("p", { class: "relaxed-note", role: "status" },
      t(`relaxed.${result.relaxation.kind}`, { query: place ? place.query : search.query }))
    : null;
  const suggestions = result.didYouMean.length
    ? h("p", { class: "did-you-mean" }, t("didYouMean"), " ",
      result.didYouMean.map((text, index) => [index ? ", " : null, h("button", {
        type: "button", class: "link-button",
        onClick: () => onChange({ ...structuredClone(search), query: text, interpretPlace: true }),
      }, text)]))
    : null;
  replaceChildren(container, chip, relaxed, suggestions);
}
