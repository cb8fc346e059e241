// The privacy notice drawn into `[data-consent-gate="notice"]` containers, in a file of its own:
// only pages with a container load it (the script tag imports consent-gate-notice.js from next to
// itself, the ES module through a dynamic import the site's bundler splits off). What it shows was
// decided in Rust (src/web/ui.rs `notice`); `k` is bridge.js's builders, so the switches are the
// dialog's and the notice is owned like the rest of the interface.
import { controls } from './controls.js';
import { trusted } from './trusted.js';

// How many containers have been drawn into: each one's switch ids get their own prefix.
let count = 0;

/**
 * Draws the notice described by `a` into each of `boxes` (the page's
 * `[data-consent-gate="notice"]` elements, in document order) that may hold it; `id` prefixes the
 * ids of its switches. A container may: when it is the site's own (`trusted`: with a nonce
 * configured, one without it is injected markup, where the real controls could be laid over the
 * page by injected styles, a clickjack); when it is not html, head or body (injected `<body
 * data-consent-gate=…>` is merged onto the real one: a notice drawn there would wipe the page);
 * when it is not inside a link, button, label or summary (an unclosed injected `<label>` would
 * forward every click in it to the notice's first switch); and when it holds no element (text,
 * such as a "loading" line, is replaced). Drawing clears the container: an unclosed injected
 * `<div data-consent-gate="notice">` swallows the page after it, which must not be wiped; and a
 * container that already holds the notice (a router may take one out and put it back) is not
 * drawn again.
 */
export default function draw(k, a, boxes, id) {
  for (const box of boxes) {
    if (!/^(HTML|HEAD|BODY)$/.test(box.tagName) && !box.firstElementChild && !box.closest('a,button,label,summary') && trusted(k, box)) {
      const n = notice(k, a, id + '-n' + count++);
      box.textContent = '';
      box.appendChild(n);
    }
  }
}

/**
 * The notice's root element for the description `a`: [language, direction, controls (as in the
 * dialog), the two signal lines, sections]. A section is [id, heading, blocks…]; a block is
 * [0, runs…] a paragraph, [1, text] a sub-heading, [2, runs…] per item a list, [3] the switches,
 * [4] the signal lines; a run is a text, or [text, href] a link (its href checked by core).
 * `prefix` keeps the switches' ids unique when a page has two containers.
 */
function notice(k, a, prefix) {
  const root = k.mark_(k.el_('div', 'cg-root cg-notice'), a, 'notice');
  const runs = (parent, items) => {
    for (const r of items) {
      if (typeof r == 'string') parent.append(r);
      else k.el_('a', 'cg-link', r[0], parent).href = r[1];
    }
  };
  for (const [id, heading, ...blocks] of a[4]) {
    const section = k.el_('section', 'cg-section', '', root);
    // A section id (a link target) only while no element in the page has it: so a router's new
    // container gets those of the one it removed, and a second container none twice.
    if (id && !k.d_.getElementById(id)) section.id = id;
    if (heading) k.el_('h2', '', heading, section);
    for (const [kind, ...b] of blocks) {
      if (kind == 0) runs(k.el_('p', '', '', section), b);
      else if (kind == 1) k.el_('h3', '', b[0], section);
      else if (kind == 2) {
        const ul = k.el_('ul', '', '', section);
        for (const item of b) runs(k.el_('li', '', '', ul), item);
      } else if (kind == 3) {
        const div = k.el_('div', 'cg-controls', '', section);
        controls(k, div, div, prefix, a[2]);
      } else {
        const ul = k.el_('ul', 'cg-signals', '', section);
        for (const line of a[3]) k.el_('li', '', line, ul);
      }
    }
  }
  return root;
}
