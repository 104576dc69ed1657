// The search box's autocomplete: an ARIA 1.2 combobox with a listbox popup.
// Arrow keys move through the suggestions, Enter chooses one, Escape closes the list.

import { h, replaceChildren } from "./dom.js";

const DELAY_MS = 150;
const MIN_LENGTH = 2;

/**
 * input: the <input role="combobox">; listbox: the <ul role="listbox"> it controls.
 * load(prefix, signal) returns the suggestions; describe(s) gives an option's text and note;
 * onChoose(s) is called with the chosen suggestion.
 */
export function setupAutocomplete(input, listbox, { load, describe, onChoose }) {
  let suggestions = [];
  let active = -1;
  let timer = 0;
  let controller = null;

  function close() {
    suggestions = [];
    active = -1;
    listbox.hidden = true;
    input.setAttribute("aria-expanded", "false");
    input.removeAttribute("aria-activedescendant");
    replaceChildren(listbox);
  }

  function show(items) {
    suggestions = items;
    active = -1;
    input.removeAttribute("aria-activedescendant");
    if (!items.length) return close();
    replaceChildren(listbox, items.map((item, index) => {
      const { text, note } = describe(item);
      return h("li", {
        id: `${listbox.id}-${index}`, role: "option", "aria-selected": "false",
        onMousedown: (event) => event.preventDefault(), // keep focus in the input
        onClick: () => choose(index),
      }, h("span", { class: "option-text" }, text), note ? h("span", { class: "option-note" }, note) : null);
    }));
    listbox.hidden = false;
    input.setAttribute("aria-expanded", "true");
  }

  function move(to) {
    const options = listbox.querySelectorAll("[role=option]");
    options[active]?.setAttribute("aria-selected", "false");
    active = (to + suggestions.length) % suggestions.length;
    options[active].setAttribute("aria-selected", "true");
    options[active].scrollIntoView({ block: "nearest" });
    input.setAttribute("aria-activedescendant", options[active].id);
  }

  function choose(index) {
    const item = suggestions[index];
    close();
    onChoose(item);
  }

  input.addEventListener("input", () => {
    clearTimeout(timer);
    controller?.abort();
    const prefix = input.value.trim();
    if (prefix.length < MIN_LENGTH) return close();
    timer = setTimeout(async () => {
      controller = new AbortController();
      try {
        show(await load(prefix, controller.signal));
      } catch (error) {
        if (error.name !== "AbortError") close();
      }
    }, DELAY_MS);
  });

  input.addEventListener("keydown", (event) => {
    const open = !listbox.hidden && suggestions.length > 0;
    if (event.key === "ArrowDown" && open) {
      event.preventDefault();
      move(active + 1);
    } else if (event.key === "ArrowUp" && open) {
      event.preventDefault();
      move(active - 1);
    } else if (event.key === "Enter" && open && active >= 0) {
      event.preventDefault();
      choose(active);
    } else if (event.key === "Escape" && open) {
      event.preventDefault();
      close();
    }
  });

  input.addEventListener("blur", close);

  return {
    close() {
      clearTimeout(timer);
      controller?.abort();
      close();
    },
  };
}
