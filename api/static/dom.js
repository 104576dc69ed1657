// Building DOM nodes. Text is always inserted as text nodes, never parsed as HTML.

const present = (child) => child !== null && child !== undefined && child !== false;

/**
 * h("a", { href: "#/", class: "link", onClick: handler }, "text", childNode)
 * Attributes: true → present, false/null/undefined → absent. on* → event listeners.
 */
export function h(tag, attributes = {}, ...children) {
  const element = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) {
    if (value === false || value === null || value === undefined) continue;
    if (/^on[A-Z]/.test(name)) {
      element.addEventListener(name.slice(2).toLowerCase(), value);
    } else {
      element.setAttribute(name, value === true ? "" : String(value));
    }
  }
  element.append(...children.flat(Infinity).filter(present));
  return element;
}

/** Replace an element's children. */
export function replaceChildren(element, ...children) {
  element.replaceChildren(...children.flat(Infinity).filter(present));
}

/** Highlighted text from the API's fragments: every fragment becomes a text node, and only
 * the fragments the API marked as matched are wrapped in <mark>. Nothing is parsed as HTML. */
export function highlighted(fragments) {
  return fragments.map((f) => (f.matched ? h("mark", {}, f.text) : document.createTextNode(f.text)));
}
