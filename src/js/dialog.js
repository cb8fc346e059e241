// The preferences dialog and the download of the consent record, in a file of their own: a page
// loads it when the dialog first opens (the script tag imports consent-gate-dialog.js from next to
// itself, the ES module through a dynamic import the site's bundler splits off); most page views
// never open it. What it shows was decided in Rust (src/web/ui.rs `Part::Prefs`); `k` is
// bridge.js's builders, so the dialog is owned like the rest of the interface.
import { controls } from './controls.js';

/**
 * Opens the preferences dialog `g`, built from the description `a` when there is none yet, and
 * returns it: [language, direction, title, close label, text, signal line, download label,
 * controls]. Focus moves into it, Tab stays inside, and focus returns to `opener` when it closes
 * (APG dialog pattern). `id` prefixes the ids that name it and its switches.
 */
export default function show(k, a, opener, g, id) {
  const { el_: el, button_: button } = k;
  if (!g) {
    g = k.mark_(el('dialog', 'cg-root cg-dialog'), a, 'prefs');
    g.id = 'cg-prefs';
    g.setAttribute('aria-labelledby', id + '-t');
    const head = el('div', 'cg-dialog-head', '', g);
    el('h2', 'cg-title', a[2], head).id = id + '-t';
    button(head, '×', 'close', 'cg-close').ariaLabel = k.said_(a[3]);
    const body = el('div', 'cg-dialog-body', '', g);
    el('p', 'cg-text', a[4], body);
    if (a[5]) el('p', 'cg-gpc', a[5], body);
    // The buttons sit below the scrolling body: always visible, however long the texts.
    const foot = el('div', 'cg-dialog-foot');
    controls(k, body, foot, id + '-p', a[7]);
    button(body, a[6], 'download', 'cg-link-btn');
    g.appendChild(foot);
    k.d_.body.appendChild(g);
  }
  g.addEventListener('close', () => opener?.isConnected && opener.focus(), { once: true });
  // Tab wraps inside: a native modal lets focus leave for the browser's own interface.
  g.onkeydown = (e) => {
    const b = g.querySelectorAll('button');
    const i = e.shiftKey ? 0 : b.length - 1;
    if (e.key == 'Tab' && k.d_.activeElement == b[i]) {
      e.preventDefault();
      b[b.length - 1 - i].focus();
    }
  };
  if (!g.open) g.showModal();
  return g;
}

/** Offers the consent record as a downloaded file, indented for reading. */
export function download(d, record) {
  const a = d.createElement('a');
  a.href = URL.createObjectURL(new Blob([JSON.stringify(record, null, 2)], { type: 'application/json' }));
  a.download = 'consent-record.json';
  d.body.appendChild(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(a.href), 1000);
}
