// Building DOM nodes from data. Text always goes in as text nodes, never as HTML.

/**
 * An element: `h("a", { href: "/x", class: "link", onclick: fn }, "text", child)`. Attributes that
 * are null, undefined or false are left out; `true` sets an empty attribute.
 * @param {string} tag
 * @param {Record<string, unknown> | null} [props]
 * @param {...unknown} children nodes, strings, numbers or (nested) arrays of them; null is skipped
 * @returns {HTMLElement}
 */
export function h(tag, props, ...children) {
	const el = document.createElement(tag);
	for (const [key, value] of Object.entries(props ?? {})) {
		if (value === undefined || value === null || value === false) continue;
		if (key === "class") el.className = String(value);
		else if (key.startsWith("on") && typeof value === "function") el.addEventListener(key.slice(2), /** @type {EventListener} */ (value));
		else el.setAttribute(key, value === true ? "" : String(value));
	}
	append(el, children);
	return el;
}

/** Replaces the children of `el`. */
export function replace(el, ...children) {
	el.replaceChildren();
	append(el, children);
}

function append(el, children) {
	for (const child of children.flat(Number.POSITIVE_INFINITY)) {
		if (child === null || child === undefined || child === false) continue;
		el.append(child instanceof Node ? child : String(child));
	}
}
