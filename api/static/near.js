// "Near a municipality": every municipality grouped by region, and a radius.

import { h, replaceChildren } from "./dom.js";
import { language, t } from "./i18n.js";
import { DEFAULT_RADIUS, RADII } from "./state.js";

/** Fill the municipality and radius selects (regions from the PLACES query). */
export function renderNearOptions(municipalitySelect, radiusSelect, regions) {
  const english = language() === "en";
  const selected = municipalitySelect.value;
  replaceChildren(municipalitySelect,
    h("option", { value: "" }, t("near.anywhere")),
    regions.map((region) => h("optgroup", { label: english ? region.nameEn : region.name },
      region.municipalities.map((m) => h("option", { value: m.code }, m.name)))));
  municipalitySelect.value = selected;
  const radius = radiusSelect.value || String(DEFAULT_RADIUS);
  replaceChildren(radiusSelect, RADII.map((km) => h("option", { value: String(km) }, t("near.km", { km }))));
  radiusSelect.value = radius;
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
