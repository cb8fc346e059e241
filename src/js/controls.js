// The category switches and their buttons, drawn alike in the preferences dialog and in the
// notice: bundled into consent-gate-dialog.js and consent-gate-notice.js, the files that draw
// them, not into consent-gate.js.

/**
 * The category switches (into `parent`) and the three buttons with the status line (into `foot`),
 * with `k`, bridge.js's builders (each switch on when `k.switchedOn_` names it). `c` is [save,
 * accept all, reject all, "Services" label, rows, ids switched on]; a row is [id, title,
 * description, required, then each service's name and what it collects].
 */
export function controls(k, parent, foot, prefix, c) {
  const el = k.el_;
  const list = el('ul', 'cg-cats', '', parent);
  for (const [id, title, text, required, ...services] of c[4]) {
    const li = el('li', 'cg-cat', '', list);
    const head = el('div', 'cg-cat-head', '', li);
    const titleId = prefix + '-t-' + id;
    const textId = prefix + '-d-' + id;
    el('h3', 'cg-cat-title', title, head).id = titleId;
    const s = k.button_(head, '', '', 'cg-switch');
    s.role = 'switch';
    s.dataset.cgCategory = id;
    s.ariaChecked = k.has_(k.switchedOn_, id);
    s.setAttribute('aria-labelledby', titleId);
    s.setAttribute('aria-describedby', textId);
    if (required) s.ariaDisabled = 'true';
    el('p', 'cg-text', text, li).id = textId;
    if (services.length) {
      el('p', 'cg-services-label', c[3], li);
      const ul = el('ul', 'cg-services', '', li);
      for (let i = 0; i < services.length; i += 2) {
        const item = el('li', '', '', ul);
        el('strong', '', services[i], item);
        if (services[i + 1]) item.append(': ', k.said_(services[i + 1]));
      }
    }
  }
  const actions = el('div', 'cg-actions', '', foot);
  k.button_(actions, c[0], 'save');
  k.button_(actions, c[1], 'accept');
  k.button_(actions, c[2], 'reject');
  el('p', 'cg-status', '', foot).role = 'status';
}
