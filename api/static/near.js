// "Near a municipality": the municipalities of Sweden, Denmark and Norway grouped by
// region, the country that matters first, and a radius.

import { h, replaceChildren } from "./dom.js";
import { language, t } from "./i18n.js";
import { DEFAULT_RADIUS, RADII } from "./state.js";

const COUNTRIES = ["SE", "DK", "NO"];
const LANGUAGE_COUNTRY = { sv: "SE", da: "DK", nb: "NO", en: "SE" };

/** The countries in the picker's order: those of the country filter first, else the
 * country of the page's language, then the others (a place across a border is near too). */
export function nearCountries(chosen = []) {
  const first = chosen.length ? chosen : [LANGUAGE_COUNTRY[language()]];
  return [...new Set([...first, ...COUNTRIES])];
}

/** Fill the municipality and radius selects: places holds each country's regions (with
 * their municipalities) from the PLACES query, by country code; countries their order.
 * The municipality options are rebuilt only when the language, the order or the places
 * changed (a country filter's every change re-renders the controls). */
export function renderNearOptions(municipalitySelect, radiusSelect, places, countries) {
  const shape = [language(), ...countries.filter((c) => places[c])].join(" ");
  if (municipalitySelect.dataset.shape !== shape) {
    municipalitySelect.dataset.shape = shape;
    const english = language() === "en";
    const countryNames = new Intl.DisplayNames([language()], { type: "region" });
    const selected = municipalitySelect.value;
    replaceChildren(municipalitySelect,
      h("option", { value: "" }, t("near.anywhere")),
      countries.map((country) => (places[country] ?? []).map((region) => h("optgroup", {
        label: `${countryNames.of(country)}: ${english ? region.nameEn : region.name}`,
      }, region.municipalities.map((m) => h("option", { value: m.code }, m.name))))));
    municipalitySelect.value = selected;
  }
  const radius = radiusSelect.value || String(DEFAULT_RADIUS);
  replaceChildren(radiusSelect, RADII.map((km) => h("option", { value: String(km) }, t("near.km", { km }))));
  radiusSelect.value = radius;
}

/** A municipality's name from the places, or its code when they are not loaded. */
export function municipalityName(places, code) {
  for (const regions of Object.values(places)) {
    for (const region of regions) {
      const found = region.municipalities.find((m) => m.code === code);
      if (found) return found.name;
    }
  }
  return code;
}

/** Show a search's place in the selects. */
export function showNear(municipalitySelect, radiusSelect, near) {
  municipalitySelect.value = near?.municipalityCode ?? "";
  if (near && !radiusSelect.querySelector(`option[value="${near.radiusKm}"]`)) {
    radiusSelect.append(h("option", { value: String(near.radiusKm) }, t("near.km", { km: near.radiusKm })));
  }
  radiusSelect.value = String(near?.radiusKm ?? (radiusSelect.value || DEFAULT_RADIUS));
}

/** The NearInput the selects describe, or null for anywhere. */
export function readNear(municipalitySelect, radiusSelect) {
  if (!municipalitySelect.value) return null;
  return {
    municipalityCode: municipalitySelect.value,
    radiusKm: Number(radiusSelect.value) || DEFAULT_RADIUS,
  };
}
